#!/usr/bin/env python3
"""Train a small GPT (model.py) on synthetic random tokens and print Megatron-LM's iteration lines.

A real PyTorch training job that `trainplan search --command ...` can run per candidate: micro- and
global batch size, sequence length, activation recomputation, bf16, data parallelism under torchrun
(DDP: NCCL on GPUs, gloo on CPU). No data set is downloaded: the tokens are a fixed bank of random
sequences drawn from a seeded generator, so the loss falls as the model memorises them.

Not implemented: tensor and pipeline parallelism (--tp and --pp other than 1 are refused, so a search
over this script must use --tp 1 --pp 1), context/expert parallelism, FP8, checkpoints, evaluation.

Run alone (one GPU, or the CPU when there is none; slow but it runs):
    python3 train.py --micro-batch-size 4 --global-batch-size 32 --seq-length 1024 --train-iters 20 --bf16
Data parallel on 8 GPUs:
    torchrun --nproc_per_node 8 train.py --micro-batch-size 4 --global-batch-size 256 --bf16

Everything above `main()` uses only the standard library, so the log-line formatter, the FLOP count
and the flag checks can be imported and tested where PyTorch is not installed; torch is imported in
main() after the flags are checked.
"""
import argparse
import contextlib
import datetime
import json
import math
import os
import sys
import time

DEFAULTS = {"layers": 12, "hidden": 768, "heads": 12, "vocab": 50304}  # GPT-2 small, vocab padded to 64


def model_flops_per_token(layers, hidden, vocab, seq_length):
    """Training model FLOPs per token (forward + backward), without recomputation.

    Forward: 2 FLOPs per multiply-add over every matrix a token meets: per block 12 h^2 weights
    (QKV 3h^2, projection h^2, MLP 4h^2 + 4h^2), the attention scores QK^T and the weighted sum
    with V (2 * s * h multiply-adds each, the causal mask not discounted), and the output head
    (V h). Backward = 2x forward. Per token:
        6 * (12 L h^2 + V h) + 12 L s h  =  72 L h^2 + 12 L s h + 6 V h
    i.e. 6N + 12 L s h with N the matrix parameters (PaLM, Chowdhery et al. 2022, Appendix B), and
    Megatron-LM's per-iteration count 72 B s L h^2 (1 + s/(6h) + V/(12 L h)) divided by B s
    (Narayanan et al. 2021, arXiv:2104.04473, Sec. 5.1, without the recomputation forward; the
    convention of Megatron-LM's num_floating_point_operations and of trainplan's
    model_training_flops_per_token for a GeLU MLP of 4h). Embeddings lookups, LayerNorms, biases,
    GeLU and softmax are not counted.
    """
    L, h, V, s = layers, hidden, vocab, seq_length
    return 72 * L * h * h + 12 * L * s * h + 6 * V * h


def megatron_iteration_line(iteration, train_iters, consumed_samples, elapsed_ms, tflops_per_gpu, learning_rate,
                            global_batch_size, lm_loss, loss_scale, grad_norm, skipped_iterations, nan_iterations,
                            now=None):
    """One log line exactly as Megatron-LM's training_log() prints it with --log-throughput
    (megatron/training/training.py; e.g. shared/data/logs/megatron_lm_01_mixtral8x7b_16xH100_issue756.txt).
    lm_loss or grad_norm None leaves that field out, as Megatron does when every iteration was skipped."""
    now = now or datetime.datetime.now()
    s = f" [{now.strftime('%Y-%m-%d %H:%M:%S')}]"
    s += " iteration {:8d}/{:8d} |".format(iteration, train_iters)
    s += " consumed samples: {:12d} |".format(consumed_samples)
    s += " elapsed time per iteration (ms): {:.1f} |".format(elapsed_ms)
    s += " throughput per GPU (TFLOP/s/GPU): {:.1f} |".format(tflops_per_gpu)
    s += " learning rate: {:.6E} |".format(learning_rate)
    s += " global batch size: {:5d} |".format(global_batch_size)
    if lm_loss is not None:
        s += " lm loss: {:.6E} |".format(lm_loss)
    s += " loss scale: {:.1f} |".format(loss_scale)
    if grad_norm is not None:
        s += " grad norm: {:.3f} |".format(grad_norm)
    s += " number of skipped iterations: {:3d} |".format(skipped_iterations)
    s += " number of nan iterations: {:3d} |".format(nan_iterations)
    return s


def learning_rate(iteration, lr, min_lr, warmup_iters, train_iters):
    """Linear warm-up from 0, then cosine decay to min_lr at train_iters (Megatron's 'cosine' style)."""
    if warmup_iters > 0 and iteration <= warmup_iters:
        return lr * iteration / warmup_iters
    span = max(1, train_iters - warmup_iters - 1)  # the first step after warm-up at lr, the last at min_lr
    progress = min(1.0, (iteration - warmup_iters - 1) / span)
    return min_lr + 0.5 * (lr - min_lr) * (1.0 + math.cos(math.pi * progress))


def positive_int(text):
    v = int(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return v


class _HelpWithDefaults(argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action):  # no "(default: None)" where the help says what the default is
        return action.help if action.default is None else super()._get_help_string(action)


def build_parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=_HelpWithDefaults)
    g = p.add_argument_group("batch and sequence")
    g.add_argument("--micro-batch-size", type=positive_int, default=4, help="sequences per GPU per forward/backward")
    g.add_argument("--global-batch-size", type=positive_int, default=32,
                   help="sequences per optimizer step; gradient accumulation = gbs / (mbs * world size)")
    g.add_argument("--seq-length", type=positive_int, default=1024, help="tokens per sequence")
    g = p.add_argument_group("model (GPT, MLP of 4 x hidden; a flag overrides --model-config)")
    g.add_argument("--model-config", help="Hugging Face GPT-2 config.json: n_layer, n_embd, n_head, vocab_size "
                   "(the file trainplan reads with --hf-config; e.g. gpt2_124m.json beside this script)")
    g.add_argument("--layers", type=positive_int, help=f"transformer blocks (default {DEFAULTS['layers']})")
    g.add_argument("--hidden", type=positive_int, help=f"hidden size (default {DEFAULTS['hidden']})")
    g.add_argument("--heads", type=positive_int, help=f"attention heads (default {DEFAULTS['heads']})")
    g.add_argument("--vocab", type=positive_int, help=f"vocabulary size (default {DEFAULTS['vocab']})")
    g = p.add_argument_group("training")
    g.add_argument("--recompute", choices=["none", "selective", "full"], default="none",
                   help="activation recomputation: selective = the attention core only, full = whole blocks")
    g.add_argument("--recompute-layers", type=int, default=0,
                   help="with --recompute full: blocks recomputed, from the first (0 = all; trainplan's {recompute_layers})")
    g.add_argument("--train-iters", type=positive_int, default=100, help="optimizer steps")
    g.add_argument("--log-interval", type=positive_int, default=1, help="iterations per Megatron log line")
    g.add_argument("--bf16", action="store_true", help="bf16 autocast (fp32 weights and optimizer state)")
    g.add_argument("--lr", type=float, default=3e-4, help="peak learning rate (AdamW)")
    g.add_argument("--min-lr", type=float, help="cosine decay floor (default lr / 10)")
    g.add_argument("--lr-warmup-iters", type=int, help="linear warm-up (default 10%% of --train-iters, at most 100)")
    g.add_argument("--weight-decay", type=float, default=0.1, help="AdamW weight decay of the matrices")
    g.add_argument("--clip-grad", type=float, default=1.0, help="gradient norm clip (0 = none)")
    g.add_argument("--seed", type=int, default=1234, help="initial weights and synthetic data")
    g.add_argument("--synthetic-sequences", type=positive_int, default=1024,
                   help="random sequences in the synthetic data bank (micro-batches are drawn from it)")
    g.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto",
                   help="auto: CUDA when available, else the CPU (slow)")
    g = p.add_argument_group("parallelism (data parallel only: launch with torchrun)")
    g.add_argument("--tp", type=int, default=1, help="tensor parallel size: only 1 (not implemented)")
    g.add_argument("--pp", type=int, default=1, help="pipeline parallel size: only 1 (not implemented)")
    return p


def resolve_args(argv=None, environ=None):
    """Parses and checks the flags (no torch needed); exits with status 2 and a message on bad input."""
    environ = os.environ if environ is None else environ
    p = build_parser()
    a = p.parse_args(argv)
    for name in ("tp", "pp"):
        if getattr(a, name) != 1:
            p.error(f"--{name} {getattr(a, name)}: this example implements data parallelism only "
                    f"(tensor and pipeline parallelism are not implemented); use --{name} 1, "
                    f"and in a trainplan search pass --tp 1 --pp 1")
    cfg = {}
    if a.model_config:
        try:
            with open(a.model_config, encoding="utf-8") as f:
                j = json.load(f)
            cfg = {"layers": j["n_layer"], "hidden": j["n_embd"], "heads": j["n_head"], "vocab": j["vocab_size"]}
        except (OSError, ValueError, KeyError, TypeError) as e:
            p.error(f"--model-config {a.model_config}: {e!r} (expected a GPT-2 config.json with "
                    "n_layer, n_embd, n_head, vocab_size)")
        for k, v in cfg.items():
            if not isinstance(v, int) or v < 1:
                p.error(f"--model-config {a.model_config}: {k}: expected a positive integer, got {v!r}")
    for k, v in DEFAULTS.items():
        if getattr(a, k) is None:
            setattr(a, k, cfg.get(k, v))
    if a.hidden % a.heads:
        p.error(f"--hidden {a.hidden} is not a multiple of --heads {a.heads}")
    if not 0 <= a.recompute_layers <= a.layers:
        p.error(f"--recompute-layers {a.recompute_layers}: expected 0 (all) to --layers {a.layers}")
    world = int(environ.get("WORLD_SIZE", "1"))
    if a.global_batch_size % (a.micro_batch_size * world):
        p.error(f"--global-batch-size {a.global_batch_size} is not divisible by --micro-batch-size "
                f"{a.micro_batch_size} x data-parallel size {world} (WORLD_SIZE)")
    a.world_size = world
    a.grad_accumulation = a.global_batch_size // (a.micro_batch_size * world)
    if a.min_lr is None:
        a.min_lr = a.lr / 10
    if a.lr_warmup_iters is None:
        a.lr_warmup_iters = min(100, a.train_iters // 10)
    return a


def main(argv=None):
    a = resolve_args(argv)

    import torch  # noqa: E402 (after the flag checks; see the module docstring)
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from model import GPT, GPTConfig

    rank, local_rank = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
    if use_cuda:
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    else:
        device = torch.device("cpu")
        if rank == 0:
            print("gpt_train: no GPU, running on the CPU (slow; the TFLOP/s/GPU column is per CPU process)",
                  file=sys.stderr, flush=True)
    if a.world_size > 1:
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")

    torch.manual_seed(a.seed)  # the same initial weights on every rank
    cfg = GPTConfig(layers=a.layers, hidden=a.hidden, heads=a.heads, vocab=a.vocab, seq_length=a.seq_length,
                    recompute=a.recompute, recompute_layers=a.recompute_layers)
    model = GPT(cfg).to(device)
    params = sum(p.numel() for p in model.parameters())
    flops_per_token = model_flops_per_token(a.layers, a.hidden, a.vocab, a.seq_length)
    if a.world_size > 1:
        model = DistributedDataParallel(model, device_ids=[local_rank] if use_cuda else None)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.95), eps=1e-8)

    # Synthetic data: a bank of random sequences (the same on every rank), micro-batches drawn per rank.
    bank_gen = torch.Generator(device=device)
    bank_gen.manual_seed(a.seed)
    bank = torch.randint(a.vocab, (a.synthetic_sequences, a.seq_length + 1), generator=bank_gen, device=device)
    pick_gen = torch.Generator(device=device)
    pick_gen.manual_seed(a.seed + 1 + rank)

    if rank == 0:
        print(f"> gpt_train: {params:,} parameters (layers {a.layers}, hidden {a.hidden}, heads {a.heads}, "
              f"vocab {a.vocab}), seq {a.seq_length}, micro-batch {a.micro_batch_size}, global batch "
              f"{a.global_batch_size}, data-parallel {a.world_size}, gradient accumulation {a.grad_accumulation}, "
              f"recompute {a.recompute}, {'bf16' if a.bf16 else 'fp32'}, {device.type}, torch {torch.__version__}, "
              f"model FLOPs per token {flops_per_token:,}", flush=True)

    def sync():
        if use_cuda:
            torch.cuda.synchronize(device)

    model.train()
    interval_loss, interval_steps, skipped, nans = 0.0, 0, 0, 0
    last_grad_norm = None
    sync()
    t0 = time.perf_counter()
    for iteration in range(1, a.train_iters + 1):
        lr = learning_rate(iteration, a.lr, a.min_lr, a.lr_warmup_iters, a.train_iters)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss_sum = torch.zeros((), device=device)
        for micro in range(a.grad_accumulation):
            idx = torch.randint(a.synthetic_sequences, (a.micro_batch_size,), generator=pick_gen, device=device)
            batch = bank[idx]
            tokens, targets = batch[:, :-1], batch[:, 1:]
            last = micro == a.grad_accumulation - 1
            # DDP all-reduces the gradients in the last micro-batch's backward pass only.
            with model.no_sync() if a.world_size > 1 and not last else contextlib.nullcontext():
                with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=a.bf16):
                    loss = model(tokens, targets) / a.grad_accumulation
                loss.backward()  # a CUDA out-of-memory error propagates: PyTorch's message, exit status 1
            loss_sum += loss.detach()
        max_norm = a.clip_grad if a.clip_grad > 0 else float("inf")
        grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm))
        if a.world_size > 1:  # mean loss over data-parallel ranks, for the log
            dist.all_reduce(loss_sum)
            loss_sum /= a.world_size
        loss_value = float(loss_sum)
        if math.isfinite(grad_norm) and math.isfinite(loss_value):
            optimizer.step()
            interval_loss += loss_value
            interval_steps += 1
            last_grad_norm = grad_norm
        else:  # Megatron skips the update when the gradients are not finite
            skipped += 1
            nans += 0 if math.isfinite(loss_value) else 1
        optimizer.zero_grad(set_to_none=True)

        if iteration % a.log_interval == 0:
            sync()
            t1 = time.perf_counter()
            elapsed = (t1 - t0) / a.log_interval
            tflops = flops_per_token * a.global_batch_size * a.seq_length / (elapsed * 1e12 * a.world_size)
            if rank == 0:
                print(megatron_iteration_line(
                    iteration, a.train_iters, iteration * a.global_batch_size, elapsed * 1000.0, tflops, lr,
                    a.global_batch_size, interval_loss / interval_steps if interval_steps else None, 1.0,
                    last_grad_norm if interval_steps else None, skipped, nans), flush=True)
                if use_cuda and iteration == a.log_interval:  # Megatron's report_memory after the first log
                    mb = 1024 * 1024
                    print(f"[Rank {rank}] (after {iteration} iterations) memory (MB)"
                          f" | allocated: {torch.cuda.memory_allocated(device) / mb}"
                          f" | max allocated: {torch.cuda.max_memory_allocated(device) / mb}"
                          f" | reserved: {torch.cuda.memory_reserved(device) / mb}"
                          f" | max reserved: {torch.cuda.max_memory_reserved(device) / mb}", flush=True)
            interval_loss, interval_steps, skipped, nans = 0.0, 0, 0, 0
            t0 = time.perf_counter()

    if rank == 0:
        print(f"[after training is done] datetime: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M:%S')}",
              flush=True)
    if a.world_size > 1:
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
