// estimate.hpp — memory per GPU and time per training step for one configuration.
//
// [SECTION] Calibration: the few efficiency constants, fitted on published measurements.
// [SECTION] Memory: weights, gradients, optimizer states, activations, other (bytes per GPU).
// [SECTION] Step time: compute, communication, pipeline bubble (seconds per optimizer step).
// [SECTION] estimate(): both, plus throughput and MFU.
//
// Units: bytes and seconds inside; GiB (2^30 bytes) only where a name says _gib.
// Every formula cites its source in estimate_memory.cpp / estimate_time.cpp.
#pragma once

#include "hardware.hpp"
#include "model.hpp"
#include "result.hpp"
#include "train_config.hpp"

namespace tp {

// [SECTION] Calibration
// Fitted by `trainplan accuracy --fit` on the calibration rows named in docs/accuracy.md (Megatron-LM's
// H100 2024 and Narayanan 2021 tables, NeMo 24.07's GPT-3 FP8 rows, MosaicML's "H100 80GB BF16" section,
// torchtitan's Llama 3.1 8B table 1 for the memory constants); every other ground-truth row is held out.
struct Calibration {
    double gemm_efficiency_bf16 = 0.710;  // fraction of dense BF16 peak reached by large GEMMs
    double gemm_efficiency_fp8 = 0.638;   // fraction of dense FP8 peak (casts and amax included)
    double gemm_width_half = 48;        // per-GPU GEMM width (h/TP) at which GEMM efficiency halves
    double attention_efficiency = 0.34;  // flash attention fwd+bwd, fraction of BF16 peak: FlashAttention-2 reaches
                                         // 335 TFLOP/s on H100 (Dao 2023, Sec. 4.1) = 0.34 x 989.5; fixed, not fitted
    double elementwise_passes = 77.0;      // HBM reads+writes of an h-wide bf16 row per token per layer (norms, residuals, activations)
    double tp_comm_exposed = 0.098;       // share of tensor-parallel collective time not hidden behind GEMMs
    double collective_efficiency = 0.75; // achieved fraction of link bandwidth in NCCL collectives
    double cuda_context_gib = 0.50;       // CUDA context, cuBLAS/NCCL workspaces per GPU (GiB)
    double allocator_fraction = 0.017;    // caching-allocator fragmentation, fraction of activations
};
const Calibration& default_calibration();

// [SECTION] Memory (bytes per GPU, on the most loaded pipeline stage)
struct MemoryBreakdown {
    double weights = 0, gradients = 0, optimizer = 0, activations = 0, other = 0, total = 0;
    // parts of `other`
    double cuda_context = 0, fp8_weight_copies = 0, allocator = 0;
    // parts of `activations`
    double activations_per_layer = 0;   // one layer, one micro-batch
    double inflight_microbatches = 0;   // micro-batches whose activations the stage holds (interleaving included)
    double logits = 0;                  // output layer and loss (last stage, or the only one)
    double recompute_transient = 0;     // one recomputed layer's activations and their gradients during backward
    double params_per_gpu = 0;          // parameters held by this GPU's stage before optimizer sharding
};

// Korthikanti et al. 2022 (arXiv:2205.05198) Table 2, exactly as published: activation bytes of one
// GPT layer (ffn = 4h, GeLU, MHA, dropout, 16-bit activations, 1-byte masks).
enum class KorthikantiRow { no_parallelism, tensor_parallel, tensor_sequence_parallel, tensor_parallel_selective,
                            tensor_sequence_parallel_selective, full_recompute };
double korthikanti_table2_bytes(KorthikantiRow row, double s, double b, double h, double a, double t);

// trainplan's per-layer activation bytes for any model: reduces to the Table 2 rows for a GPT layer
// without flash attention (tests/test_estimate.cpp checks every row), and generalises them to GQA,
// gated MLPs, MoE, no dropout, flash attention and FP8 (TransformerEngine) saved inputs.
double activation_bytes_per_layer(const ModelSpec& m, const TrainConfig& c, bool moe_layer, bool recomputed);

MemoryBreakdown memory_estimate(const ModelSpec& m, const TrainConfig& c, const ParallelLayout& layout,
                                const Calibration& k = default_calibration());

// [SECTION] Step time (seconds per optimizer step, per GPU — all GPUs run in lockstep)
struct StepTime {
    double compute = 0;    // GEMMs, attention and element-wise kernels of all micro-batches
    double tp_comm = 0;    // exposed tensor-parallel all-gather/reduce-scatter (or all-reduce)
    double cp_comm = 0;    // exposed context-parallel KV exchange
    double ep_comm = 0;    // expert all-to-all
    double pp_bubble = 0;  // pipeline fill and drain, (p-1)/(m v) of the pipelined work
    double pp_p2p = 0;     // stage-to-stage activation transfers
    double dp_comm = 0;    // exposed gradient reduce-scatter / parameter all-gather
    double optimizer = 0;  // Adam update (memory-bound)
    double total = 0;
};
// `memory` is memory_estimate() of the same configuration (its parameters per GPU size the DP traffic).
StepTime step_time_estimate(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const ParallelLayout& layout,
                            const MemoryBreakdown& memory, const Calibration& k = default_calibration());

// [SECTION] estimate()
struct Estimate {
    ParallelLayout layout;
    MemoryBreakdown memory;
    double capacity_bytes = 0;  // the GPU's reported memory
    double usable_bytes = 0;    // capacity x (1 - margin)
    bool fits = false;
    StepTime time;
    double tokens_per_s_per_gpu = 0;
    double model_tflops_per_gpu = 0;  // model FLOPs (model_training_flops_per_token, no recompute) per second per GPU / 1e12
    double mfu = 0;                   // model_tflops_per_gpu / dense peak of the chosen precision
};
Result<Estimate> estimate(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c,
                          const Calibration& k = default_calibration());

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

}  // namespace tp
