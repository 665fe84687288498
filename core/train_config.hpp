// train_config.hpp — one training configuration (parallelism, batch, recomputation, optimizer
// sharding) and the rules that make it runnable.
//
// Rank order follows Megatron-Core (tensor fastest, then context, then data, then pipeline), and
// expert parallelism lives inside the data-parallel x context-parallel group (Megatron MoE), so
// EP does not multiply the GPUs a model replica needs.
#pragma once

#include <string>
#include <string_view>

#include "hardware.hpp"
#include "model.hpp"
#include "result.hpp"

namespace tp {

enum class Recompute { none, selective, full };
// none/distributed: Megatron (fp32 main gradients; the distributed optimizer shards fp32 master
// weights and Adam moments over DP x CP). zero1-3: DeepSpeed ZeRO stages (Rajbhandari et al. 2020).
// fsdp: PyTorch FSDP / FSDP2 full shard with bf16 compute and fp32 sharded parameters.
enum class OptimizerSharding { none, distributed, zero1, zero2, zero3, fsdp };
// The training stack, where it changes memory or time for the same parallel layout:
// megatron (Megatron-Core, NeMo): selective recomputation = the attention core only (Korthikanti et al.
//   2022), fused vocabulary-parallel cross entropy, TransformerEngine FP8 with cached FP8 weights,
//   tensor-parallel communication overlapped with GEMMs.
// torchtitan (PyTorch native: FSDP2, DTensor TP): selective = per-op SAC (every other matmul output
//   saved), eager cross entropy on an fp32 copy of the logits, torchao float8 (no cached weights),
//   tensor-parallel collectives not overlapped unless async TP.
enum class Framework { megatron, torchtitan };

struct TrainConfig {
    int tp = 1, pp = 1, cp = 1, ep = 1;
    int vp = 1;                    // virtual pipeline stages per GPU (1 = not interleaved)
    int mbs = 1;                   // micro-batch size (sequences)
    int gbs = 0;                   // global batch size (sequences)
    int seq = 4096;                // tokens per sequence
    int nodes = 1, gpus_per_node = 8;
    Precision precision = Precision::bf16;
    Recompute recompute = Recompute::selective;
    int recompute_layers = 0;      // full recompute: layers per pipeline stage recomputed (0 = all)
    bool sequence_parallel = true; // Megatron sequence parallelism whenever tp > 1 (Korthikanti et al. 2022)
    bool flash_attention = true;   // fused attention stores no s x s scores (Dao et al. 2022)
    OptimizerSharding sharding = OptimizerSharding::distributed;
    // Megatron's main-gradient buffer and its data-parallel reduction (none / distributed sharding): fp32 (true)
    // or bf16 (false), 4 or 2 bytes per parameter. true is Megatron-LM's: with --bf16 it sets
    // accumulate_allreduce_grads_in_fp32 unless --grad-reduce-in-bf16 (megatron/training/arguments.py);
    // Megatron-Core DistributedDataParallelConfig.grad_reduce_in_fp32. NVIDIA's performance recipes set false:
    // NeMo-Framework-Launcher's H100 FP8 examples (examples/training/gpt/h100/20b_fp8_8node.sh, 175b_fp8_16node.sh,
    // llama/h100/llama3_8b_fp8.sh) pass +training.model.optim.grad_sync_dtype=bf16 and conf/training/nemotron/
    // nemotron_340b.yaml sets it; NeMo 2.0's performance scripts set grad_reduce_in_fp32 = False for FP8.
    bool grad_reduce_in_fp32 = true;
    Framework framework = Framework::megatron;
    bool compiled_loss = false;    // torchtitan: cross entropy compiled by torch.compile (fuses the fp32 upcast away)
    bool async_tp = false;         // torchtitan: async TP overlaps tensor-parallel collectives with GEMMs
    double memory_margin = 0.05;   // fraction of the reported capacity kept free when judging `fits`
    int gpus() const { return nodes * gpus_per_node; }
};

// Derived sizes of a valid configuration.
struct ParallelLayout {
    int gpus = 0;
    int dp = 0;            // data-parallel replicas: gpus / (tp * pp * cp)
    int microbatches = 0;  // per pipeline per step: gbs / (mbs * dp)
};

// The configuration's rules, checked in a fixed order; the error names the rule that failed
// ("--tp 3: attention heads 32 are not divisible by TP", ...).
Result<ParallelLayout> train_config_check(const ModelSpec& m, const TrainConfig& c);

Result<Recompute> recompute_parse(std::string_view text);
const char* recompute_name(Recompute r);
Result<OptimizerSharding> sharding_parse(std::string_view text);
const char* sharding_name(OptimizerSharding s);
Result<Framework> framework_parse(std::string_view text);
const char* framework_name(Framework f);

}  // namespace tp
