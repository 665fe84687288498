// Step time. A roofline per kernel class (GEMM, attention, element-wise) plus the collectives each
// parallelism adds, with the overlap Megatron-Core allows. Units: FLOPs, bytes, seconds.
#include <algorithm>

#include "estimate.hpp"

namespace tp {

namespace {

constexpr double kGB = 1e9;      // bandwidths are in GB/s
constexpr double kTera = 1e12;   // peaks are in TFLOP/s

// Effective bandwidth (bytes/s per GPU, per direction) of a ring collective among `group` GPUs placed
// `stride` ranks apart, for time = (n-1)/n x buffer / bandwidth. Inside the NVLink domain: link speed.
// Across nodes NCCL's rings cross each node once per NIC, so a node receives the other nodes' share of
// the buffer once whatever number g of the group's members it hosts; those g members share g NICs'
// worth of the node's bandwidth: per member, node_network x g / gpus_per_node (NCCL ring algorithm;
// Jeaugey, "Massively Scale Your Deep Learning Training with NCCL 2.4", 2019).
double group_bandwidth(const GpuSpec& gpu, const TrainConfig& c, long long group, long long stride) {
    const long long domain = gpu.nvlink_domain > 0 ? gpu.nvlink_domain : c.gpus_per_node;
    if (group * stride <= domain || c.nodes == 1) return gpu.link_gbps * kGB;
    const long long per_node = std::max(1LL, std::min(group, c.gpus_per_node / std::max(1LL, stride)));
    const double nic_share = gpu.node_network_gbps * kGB / gpu.gpus_per_node;
    return std::min(gpu.link_gbps * kGB, nic_share * double(per_node));
}

struct LayerWork {
    double gemm_flops = 0;       // forward GEMM FLOPs on this GPU for one micro-batch
    double attention_flops = 0;  // forward attention-core FLOPs (causal: half the score matrix)
    double elementwise_bytes = 0;
};

// Forward work of one layer for one micro-batch on one GPU.
LayerWork layer_work(const ModelSpec& m, const TrainConfig& c, bool moe) {
    const double tokens = double(c.mbs) * c.seq / c.cp;  // this GPU's tokens (CP splits the sequence)
    const LayerParams p = model_layer_params(m, moe ? std::max(1, m.moe.layer_freq) - 1 : 0);
    // 2 FLOPs per multiply-add per token per GEMM parameter (Kaplan et al. 2020 Sec. 2.1); MoE: top_k
    // routed experts per token, balanced over EP ranks.
    double gemm_params = p.attention + p.dense_ffn;
    if (moe) gemm_params += m.moe.top_k * p.routed_expert;
    LayerWork w;
    w.gemm_flops = 2.0 * tokens * gemm_params / c.tp;
    // QK^T and attention x V: 2 GEMMs, 2 FLOPs per MAC, over the whole sequence of keys; a causal mask
    // lets flash attention skip half the blocks (Dao 2023, FlashAttention-2 Sec. 3.1).
    const double q = double(m.heads) * m.head_dim;
    w.attention_flops = 4.0 * tokens * c.seq * q / c.tp * 0.5;
    // Norms, residual adds, activation functions, rotary, dropout: reads and writes of h-wide bf16 rows.
    const bool sp = c.sequence_parallel && c.tp > 1;
    w.elementwise_bytes = tokens * m.hidden * 2.0 / (sp ? c.tp : 1);
    return w;
}

}  // namespace

StepTime step_time_estimate(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const ParallelLayout& layout,
                            const MemoryBreakdown& memory, const Calibration& k) {
    StepTime out;
    const int layers = m.layers + m.decoder_layers, per_stage = layers / c.pp;
    const double tokens = double(c.mbs) * c.seq / c.cp;
    const bool fp8 = c.precision == Precision::fp8 && gpu.peak_tflops_fp8 > 0;
    const bool sp = c.sequence_parallel && c.tp > 1;

    // --- Compute rates. GEMM efficiency falls for narrow per-GPU GEMMs (h/TP): w / (w + w_half), a
    // saturating fit to cuBLAS's shape dependence (NVIDIA "Matrix Multiplication Background" guide).
    const double width = double(m.hidden) / c.tp;
    const double shape = width / (width + k.gemm_width_half);
    const double bf16_rate = gpu.peak_tflops_bf16 * kTera * k.gemm_efficiency_bf16 * shape;
    const double layer_gemm_rate = fp8 ? gpu.peak_tflops_fp8 * kTera * k.gemm_efficiency_fp8 * shape : bf16_rate;
    const double attention_rate = gpu.peak_tflops_bf16 * kTera * k.attention_efficiency;  // FP8 recipes keep attention in BF16
    const double hbm = gpu.hbm_gbps * kGB;

    // Forward+backward = 3x forward for GEMMs (Narayanan et al. 2021 Sec. 5.1); flash attention's backward
    // costs 2.5x its forward (Dao 2023); element-wise kernels ~3x their forward traffic.
    auto layer_time = [&](const LayerWork& w, double forwards) {
        // forwards: 1 normally, 2 when the layer is fully recomputed (one extra forward, Korthikanti Sec. 5).
        const double gemm = (2.0 + forwards) * w.gemm_flops / layer_gemm_rate;
        const double attention = (2.5 + forwards) * w.attention_flops / attention_rate;
        const double elementwise = (2.0 + forwards) * k.elementwise_passes * w.elementwise_bytes / hbm;
        return gemm + attention + elementwise;
    };
    const LayerWork dense = layer_work(m, c, false);
    const LayerWork moe = m.moe.enabled() ? layer_work(m, c, true) : dense;
    const int moe_layers = m.moe.enabled() ? per_stage / std::max(1, m.moe.layer_freq) : 0;
    const int recomputed = c.recompute == Recompute::full ? (c.recompute_layers > 0 ? std::min(c.recompute_layers, per_stage) : per_stage) : 0;
    // Without flash attention, selective recomputation re-runs the attention core's forward (Korthikanti Sec. 4.3).
    double selective_extra = (c.recompute == Recompute::selective && !c.flash_attention) ? dense.attention_flops / attention_rate : 0.0;
    if (c.recompute == Recompute::selective && c.framework == Framework::torchtitan) {
        // torchtitan per-op SAC re-runs every second matmul (K, O, FC3 of a gated layer; K, O of a GeLU one)
        // and every element-wise op in backward; SDPA is saved (see activation_bytes_per_layer).
        const double q = double(m.heads) * m.head_dim, kv = double(m.kv_heads) * m.head_dim, h = m.hidden;
        const double ffn_mats = m.mlp == MlpKind::gated ? 3.0 : 2.0;
        const double all = h * (2 * q + 2 * kv) + ffn_mats * h * m.ffn;
        const double rerun = h * kv + h * q + (m.mlp == MlpKind::gated ? h * m.ffn : 0.0);
        selective_extra = rerun / all * dense.gemm_flops / layer_gemm_rate +
                          k.elementwise_passes * dense.elementwise_bytes / hbm;
    }
    double stage_compute = 0;
    for (int i = 0; i < per_stage; ++i) {
        const bool is_moe = i < moe_layers;
        stage_compute += layer_time(is_moe ? moe : dense, i < recomputed ? 2.0 : 1.0) + selective_extra;
    }
    // Output layer and loss on the last stage: a V x h GEMM (bf16) and the softmax over V.
    const double logits_flops = 2.0 * tokens * double(m.vocab) * m.hidden / c.tp;
    const double logits_time = 3.0 * logits_flops / bf16_rate + 3.0 * 4.0 * tokens * m.vocab / c.tp / hbm;
    const double first_stage = stage_compute + (c.pp == 1 ? logits_time : 0.0);
    const double last_stage = stage_compute + logits_time;
    const double compute_mb = std::max(first_stage, last_stage);

    // --- Tensor parallelism: per layer 2 all-gathers + 2 reduce-scatters forward and as many backward with
    // sequence parallelism, or 2 all-reduces each way without (same bytes; Korthikanti Sec. 4.2.2), of
    // tokens x h bf16 values; a ring moves (t-1)/t of the buffer per GPU. A recomputed layer repeats its
    // forward collectives. Megatron-Core overlaps part of them with GEMMs (tp_comm_overlap).
    double tp_mb = 0;
    if (c.tp > 1) {
        const double buffer = tokens * m.hidden * 2.0;
        const double bw = group_bandwidth(gpu, c, c.tp, 1) * k.collective_efficiency;
        const double per_layer = 8.0 * (c.tp - 1.0) / c.tp * buffer / bw;
        // torchtitan's DTensor TP issues its collectives between GEMMs (fully exposed) unless async TP
        // decomposes them into overlapped chunks (torchtitan asyncTP benchmark, 2025-06).
        const bool overlapped = c.framework == Framework::megatron || c.async_tp;
        const double exposed = overlapped ? k.tp_comm_exposed : 1.0;
        tp_mb = exposed * (per_stage * per_layer + recomputed * per_layer / 2.0);
    }
    // --- Context parallelism (ring attention, Megatron-Core CP): each layer passes K and V chunks around
    // the ring (cp-1 steps) forward, and K, V plus their gradients backward; overlapped with attention.
    double cp_mb = 0;
    if (c.cp > 1) {
        const double kv = double(m.kv_heads) * m.head_dim / c.tp;
        const double chunk = 2.0 * tokens * kv * 2.0;  // K and V, bf16
        const double bw = group_bandwidth(gpu, c, c.cp, c.tp) * k.collective_efficiency;
        const double per_layer = 3.0 * (c.cp - 1) * chunk / bw;
        const double attention_per_layer = 3.5 * dense.attention_flops / attention_rate;
        cp_mb = per_stage * std::max(0.0, per_layer - attention_per_layer);
    }
    // --- Expert parallelism: dispatch and combine all-to-alls forward and backward, top_k copies of each
    // token's h-wide bf16 activations, (ep-1)/ep of them leaving the GPU (Megatron-Core alltoall dispatcher).
    double ep_mb = 0;
    if (c.ep > 1 && moe_layers > 0) {
        const double bytes = tokens / (sp ? c.tp : 1) * m.moe.top_k * m.hidden * 2.0 * (c.ep - 1.0) / c.ep;
        const double bw = group_bandwidth(gpu, c, c.ep, c.tp) * k.collective_efficiency;
        ep_mb = moe_layers * 4.0 * bytes / bw;
    }
    // --- Pipeline: activations of one micro-batch cross each stage boundary forward and back, once per
    // virtual stage (scatter/gather over TP with SP).
    double p2p_mb = 0;
    if (c.pp > 1) {
        const double bytes = tokens * m.hidden * 2.0 / (sp ? c.tp : 1);
        const double bw = group_bandwidth(gpu, c, 2, 1LL * c.tp * c.cp * layout.dp);
        p2p_mb = 2.0 * c.vp * bytes / bw;
    }
    const double per_mb = compute_mb + tp_mb + cp_mb + ep_mb;
    const double m_count = layout.microbatches;
    // 1F1B with interleaving: bubble = (p-1)/v micro-batch times (Narayanan et al. 2021 Sec. 2.2).
    const double bubble_mb = double(c.pp - 1) / c.vp;

    // --- Data parallelism over DP x CP ranks (Megatron: gradients reduced over DP x CP). The group is DP x CP ranks
    // TP apart: Megatron-Core lays ranks out tp-cp-ep-dp-pp (parallel_state.initialize_model_parallel, order
    // "tp-cp-ep-dp-pp"; the gradient group is get_data_parallel_group(with_context_parallel=True)), and torchtitan's
    // mesh puts cp inside dp_shard with tp innermost. So a node hosts gpus_per_node / TP members of it, not / (TP CP).
    const double params = memory.params_per_gpu;
    const double n = double(layout.dp) * c.cp;
    double dp_exposed = 0, fsdp_mb = 0;
    if (n > 1) {
        const double bw = group_bandwidth(gpu, c, (long long)layout.dp * c.cp, c.tp) * k.collective_efficiency;
        const double ring = (n - 1) / n;
        // Megatron's gradient buffer is reduced in its own dtype: fp32 or bf16 (TrainConfig::grad_reduce_in_fp32).
        const double megatron_grad_bytes = c.grad_reduce_in_fp32 ? 4.0 : 2.0;
        switch (c.sharding) {
            case OptimizerSharding::none: {
                // All-reduce of the gradients, overlapped with the last micro-batch's backward.
                const double t_ar = 2.0 * ring * params * megatron_grad_bytes / bw;
                dp_exposed = std::max(0.0, t_ar - per_mb * 2.0 / 3.0);
                break;
            }
            case OptimizerSharding::distributed:
            case OptimizerSharding::zero1:
            case OptimizerSharding::zero2: {
                // Reduce-scatter of gradients (Megatron's buffer dtype, bf16 in ZeRO) during the last backward,
                // all-gather of bf16 parameters during the first forward (overlap_grad_reduce/overlap_param_gather).
                const double grad_bytes = c.sharding == OptimizerSharding::distributed ? megatron_grad_bytes : 2.0;
                const double t_rs = ring * params * grad_bytes / bw, t_ag = ring * params * 2.0 / bw;
                dp_exposed = std::max(0.0, t_rs - per_mb * 2.0 / 3.0) + std::max(0.0, t_ag - per_mb / 3.0);
                break;
            }
            case OptimizerSharding::zero3:
            case OptimizerSharding::fsdp: {
                // Every micro-batch: all-gather bf16 parameters for forward and again for backward,
                // reduce-scatter fp32 gradients; layer by layer, hidden behind compute where it is shorter.
                const double comm = ring * params * (2.0 + 2.0 + 4.0) / bw;
                fsdp_mb = std::max(0.0, comm - per_mb);
                break;
            }
        }
    }
    out.compute = compute_mb * m_count;
    out.tp_comm = tp_mb * m_count;
    out.cp_comm = cp_mb * m_count;
    out.ep_comm = ep_mb * m_count;
    out.pp_bubble = bubble_mb * (per_mb + p2p_mb);
    out.pp_p2p = p2p_mb * m_count;
    out.dp_comm = dp_exposed + fsdp_mb * m_count;
    // Adam: read fp32 master weight, gradient, m, v; write weight, m, v and the bf16 copy (~30 bytes per
    // parameter shard), bound by HBM bandwidth.
    const double shard = (c.sharding == OptimizerSharding::none) ? 1.0 : n;
    out.optimizer = 30.0 * params / shard / hbm;
    out.total = out.compute + out.tp_comm + out.cp_comm + out.ep_comm + out.pp_bubble + out.pp_p2p + out.dp_comm + out.optimizer;
    return out;
}

Result<Estimate> estimate(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const Calibration& k) {
    Result<ParallelLayout> layout = train_config_check(m, c);
    if (!layout) return layout.error();
    if (c.precision == Precision::fp8 && gpu.peak_tflops_fp8 <= 0)
        return make_error(ErrorKind::invalid_argument, "--precision fp8: " + gpu.name + " has no FP8 tensor cores");
    Estimate e;
    e.layout = *layout;
    e.memory = memory_estimate(m, c, e.layout, k);
    e.capacity_bytes = gpu.memory_gib * kGiB;
    e.usable_bytes = e.capacity_bytes * (1.0 - c.memory_margin);
    e.fits = e.memory.total <= e.usable_bytes;
    e.time = step_time_estimate(m, gpu, c, e.layout, e.memory, k);
    const double tokens = double(c.gbs) * c.seq;
    e.tokens_per_s_per_gpu = tokens / e.time.total / e.layout.gpus;
    e.model_tflops_per_gpu = model_training_flops_per_token(m, c.seq) * e.tokens_per_s_per_gpu / kTera;
    e.mfu = e.model_tflops_per_gpu / gpu_peak_tflops(gpu, c.precision);
    return e;
}

}  // namespace tp
