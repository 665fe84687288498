#!/usr/bin/env python3
"""examples/gpt_train without PyTorch: the files compile, train.py imports with torch blocked, its
log line is Megatron-LM's (byte for byte against a real line from shared/data/logs) and trainplan
parse-log reads it, its FLOPs per token equal trainplan's for the same model, and bad flags (--tp 2,
--pp 2, an indivisible global batch) are refused with exit status 2 before torch is imported.
Where torch is importable it also trains a tiny model for a few steps and parses its output.

Usage: test_gpt_train.py TRAINPLAN_BINARY SHARED_DATA_DIR
"""
import contextlib
import datetime
import io
import json
import os
import py_compile
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.normpath(os.path.join(HERE, "..", "..", "examples", "gpt_train"))
failures = []
passed = 0


def check(cond, what):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def run_json(argv):
    out = subprocess.run(argv, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {out.returncode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    trainplan, shared = sys.argv[1], sys.argv[2]

    for name in ("train.py", "model.py"):
        py_compile.compile(os.path.join(EXAMPLE, name), cfile=os.path.join(tempfile.mkdtemp(), name + "c"),
                           doraise=True)
    check(True, "py_compile")  # a syntax error raises above

    # Import train.py with torch made unimportable: the formatter, FLOP count and flag checks need no torch.
    real_torch = sys.modules.get("torch", "absent")
    sys.modules["torch"] = None
    sys.path.insert(0, EXAMPLE)
    sys.dont_write_bytecode = True  # leave no __pycache__ in examples/
    import train  # noqa: E402

    # 1. The iteration line, against line 1 of the Megatron-LM fixture less the two fields this example
    #    has no use for (MoE load_balancing_loss, num zeros).
    with open(os.path.join(shared, "logs", "megatron_lm_01_mixtral8x7b_16xH100_issue756.txt"),
              encoding="utf-8") as f:
        real = next(line.rstrip("\n") for line in f if "iteration" in line and not line.startswith("#"))
    want = re.sub(r" load_balancing_loss: [^|]*\|", "", real)
    want = re.sub(r" num zeros: [^|]*\|", "", want)
    got = train.megatron_iteration_line(43, 100, 5504, 5444.9, 239.8, 8.6e-06, 128, 1.825991, 1.0, 1.426, 0, 0,
                                        now=datetime.datetime(2024, 4, 6, 2, 59, 36))
    check(got == want, f"iteration line\n got: {got!r}\nwant: {want!r}")
    all_skipped = train.megatron_iteration_line(7, 10, 56, 1.0, 0.0, 1e-4, 8, None, 1.0, None, 2, 1,
                                                now=datetime.datetime(2024, 4, 6, 2, 59, 36))
    check("lm loss" not in all_skipped and "grad norm" not in all_skipped and
          "number of skipped iterations:   2 |" in all_skipped and "number of nan iterations:   1 |" in all_skipped,
          f"line with every iteration skipped: {all_skipped!r}")

    # 2. trainplan parse-log reads what the example prints.
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "train.log")
        with open(log, "w", encoding="utf-8") as f:
            f.write("> gpt_train: a header line\n")
            for i, ms in ((1, 900.0), (2, 410.5), (3, 400.5)):
                f.write(train.megatron_iteration_line(i, 3, 32 * i, ms, 123.4, 3e-4, 32, 10.5 - i, 1.0, 0.75, 0, 0)
                        + "\n")
        parsed = run_json([trainplan, "parse-log", log, "--json"])
        steps = parsed.get("steps", [])
        check(parsed.get("framework", "").startswith("megatron"), f"parse-log framework: {parsed.get('framework')}")
        check([s["step"] for s in steps] == [1, 2, 3], f"parse-log steps: {steps}")
        check([s["step_time_s"] for s in steps] == [0.9, 0.4105, 0.4005], f"parse-log step times: {steps}")
        check(all(s["tflops_per_gpu"] == 123.4 for s in steps), f"parse-log TFLOP/s/GPU: {steps}")
        check([s["loss"] for s in steps] == [9.5, 8.5, 7.5], f"parse-log loss: {steps}")
        check(parsed.get("failure", {}).get("kind") == "none", f"parse-log failure: {parsed.get('failure')}")

    # 3. FLOPs per token: the example's formula equals trainplan's for the model file it ships.
    config = os.path.join(EXAMPLE, "gpt2_124m.json")
    for seq in (1024, 4096):
        est = run_json([trainplan, "estimate", "--hf-config", config, "--seq", str(seq), "--gpu", "h100-sxm",
                        "--nodes", "1", "--gpus-per-node", "1", "--mbs", "1", "--gbs", "8", "--json"])
        mine = train.model_flops_per_token(12, 768, 50304, seq)
        check(abs(est["flops_per_token"] - mine) <= 1e-9 * mine,
              f"flops per token at seq {seq}: example {mine}, trainplan {est['flops_per_token']}")
    check(train.model_flops_per_token(12, 768, 50304, 1024) == 854654976, "flops per token, GPT-2 small at 1024")

    # 4. Flags: refused before torch is imported (exit status 2, the flag named).
    def refused(argv, environ, needle):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                train.resolve_args(argv, environ)
            except SystemExit as e:
                return e.code == 2 and needle in err.getvalue()
        return False

    check(refused(["--tp", "2"], {}, "--tp 2: this example implements data parallelism only"), "--tp 2 refused")
    check(refused(["--pp", "4"], {}, "--pp 4: this example implements data parallelism only"), "--pp 4 refused")
    check(refused(["--micro-batch-size", "3", "--global-batch-size", "8"], {}, "not divisible"), "gbs % mbs refused")
    check(refused(["--micro-batch-size", "2", "--global-batch-size", "8"], {"WORLD_SIZE": "8"}, "data-parallel size 8"),
          "gbs % (mbs * world) refused")
    check(refused(["--hidden", "100", "--heads", "3"], {}, "not a multiple"), "hidden % heads refused")
    a = train.resolve_args(["--micro-batch-size", "2", "--global-batch-size", "64", "--model-config", config],
                           {"WORLD_SIZE": "4"})
    check((a.layers, a.hidden, a.heads, a.vocab, a.grad_accumulation) == (12, 768, 12, 50304, 8),
          f"--model-config and gradient accumulation: {vars(a)}")
    a = train.resolve_args(["--model-config", config, "--layers", "2"], {})
    check(a.layers == 2 and a.hidden == 768, "a flag overrides --model-config")
    check(refused(["--tp", "2"], {}, "--tp 2") and "torch" not in {k for k, v in sys.modules.items() if v},
          "torch stayed unimported")

    # 5. Learning rate: warm-up from 0, peak right after it, min_lr at the last step.
    lr = [train.learning_rate(i, 1e-3, 1e-4, 10, 100) for i in range(1, 101)]
    check(abs(lr[0] - 1e-4) < 1e-12 and abs(lr[9] - 1e-3) < 1e-12 and abs(lr[10] - 1e-3) < 1e-12
          and abs(lr[-1] - 1e-4) < 1e-12 and all(x >= y for x, y in zip(lr[10:], lr[11:])), f"lr schedule: {lr[:12]}")

    # 6. Where PyTorch is installed: a tiny model trains and its lines parse.
    if real_torch == "absent":
        del sys.modules["torch"]
    else:
        sys.modules["torch"] = real_torch
    have_torch = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True).returncode == 0
    if not have_torch:
        print("test_gpt_train: PyTorch not importable here, the training run is skipped (the checks above ran)")
    else:
        out = subprocess.run([sys.executable, os.path.join(EXAMPLE, "train.py"), "--device", "cpu", "--layers", "2",
                              "--hidden", "32", "--heads", "2", "--vocab", "64", "--seq-length", "16",
                              "--micro-batch-size", "2", "--global-batch-size", "4", "--train-iters", "3",
                              "--recompute", "full", "--synthetic-sequences", "4"],
                             capture_output=True, text=True, timeout=300, check=False)
        check(out.returncode == 0, f"tiny training run: exit {out.returncode}: {out.stderr[-2000:]}")
        with tempfile.TemporaryDirectory() as tmp:
            log = os.path.join(tmp, "train.log")
            with open(log, "w", encoding="utf-8") as f:
                f.write(out.stdout)
            parsed = run_json([trainplan, "parse-log", log, "--json"])
            check([s["step"] for s in parsed.get("steps", [])] == [1, 2, 3], f"tiny run parsed: {parsed}")

    print(f"test_gpt_train: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
