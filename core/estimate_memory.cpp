// Memory per GPU. Sources next to each term; units are bytes.
#include <algorithm>

#include "estimate.hpp"

namespace tp {

const Calibration& default_calibration() {
    static const Calibration k;
    return k;
}

double korthikanti_table2_bytes(KorthikantiRow row, double s, double b, double h, double a, double t) {
    // Korthikanti et al. 2022, Table 2 (Eq. 1, 2, 4, 6 and the full-recompute row).
    const double sbh = s * b * h, scores = 5 * a * s / h;
    switch (row) {
        case KorthikantiRow::no_parallelism: return sbh * (34 + scores);
        case KorthikantiRow::tensor_parallel: return sbh * (10 + 24 / t + scores / t);
        case KorthikantiRow::tensor_sequence_parallel: return sbh * (34 / t + scores / t);
        case KorthikantiRow::tensor_parallel_selective: return sbh * (10 + 24 / t);
        case KorthikantiRow::tensor_sequence_parallel_selective: return sbh * (34 / t);
        case KorthikantiRow::full_recompute: return sbh * 2;
    }
    return 0;
}

double activation_bytes_per_layer(const ModelSpec& m, const TrainConfig& c, bool moe_layer, bool recomputed) {
    // Tokens this GPU holds: context parallelism splits the sequence (Megatron-Core CP, ring attention).
    const double s = double(c.seq) / c.cp, b = c.mbs, h = m.hidden, t = c.tp;
    const bool sp = c.sequence_parallel && c.tp > 1;
    const double replicated_div = sp ? t : 1.0;  // Korthikanti Sec. 4.2.2: SP shards the LayerNorm/dropout region
    const bool fp8 = c.precision == Precision::fp8;
    const double linear_input = fp8 ? 1.0 : 2.0;  // TransformerEngine saves FP8-cast GEMM inputs (1 byte)

    // Full recomputation stores only the layer input (Korthikanti Table 2, last row: 2sbh; with SP the
    // input lives in the sequence-parallel region, so Megatron stores it sharded over t).
    if (recomputed) return 2 * s * b * h / replicated_div;

    const double q = double(m.heads) * m.head_dim, kv = double(m.kv_heads) * m.head_dim, a = m.heads;
    if (c.framework == Framework::torchtitan && c.recompute == Recompute::selective && !moe_layer) {
        // torchtitan per-op selective activation checkpointing (torchtitan/models/llama3 parallelize,
        // `_custom_policy`: save the outputs of matmuls, SDPA and reduce-scatters, "except every second
        // mm"). Kept in bf16: the block input, the 1st, 3rd, 5th, ... matmul outputs in forward order
        // (Q, K, V, O, FC1 [, FC3], FC2), the SDPA output and its fp32 log-sum-exp. Everything else is
        // recomputed in backward. (MoE layers use grouped GEMMs outside that list: the Megatron count below.)
        const double ffn = m.ffn;
        const bool gated = m.mlp == MlpKind::gated;
        const double matmuls[] = {q, kv, kv, h, ffn, gated ? ffn : h, h};  // output widths in forward order
        const int count = gated ? 7 : 6;
        double saved = 2 * s * b * h / replicated_div + 2 * s * b * q / t + 4.0 * a * s * b / t;
        for (int i = 0; i < count; i += 2) saved += 2 * s * b * matmuls[i] / t;
        return saved;
    }

    // Korthikanti Sec. 4.1 breakdown, generalised. Replicated region (divided by t only with SP):
    // two norm inputs (2sbh each), the norm outputs that feed QKV and FC1 (2sbh each), two dropout masks (sbh each).
    double region = 2 * s * b * h + 2 * s * b * h + linear_input * s * b * h + linear_input * s * b * h;
    if (m.dropout) region += 2 * s * b * h;
    double bytes = region / replicated_div;

    // Attention (sharded over t): Q and K for QK^T, V, and the input of the output projection.
    // GQA stores K and V at the key/value width (Ainslie et al. 2023).
    double attention = 2 * s * b * q + 2 * s * b * kv + 2 * s * b * kv + 2 * s * b * q;
    if (fp8) attention += s * b * q;  // the projection input is also kept as an FP8 copy
    const bool store_scores = !c.flash_attention && c.recompute == Recompute::none;
    if (store_scores) {
        // Softmax output 2as^2b; with dropout also its 1-byte mask and 2-byte output: 5as^2b (Eq. 1).
        attention += (m.dropout ? 5.0 : 2.0) * a * s * s * b;
    } else if (c.flash_attention) {
        attention += 4.0 * a * s * b;  // fp32 log-sum-exp per row (Dao et al. 2022, Alg. 2)
    }
    bytes += attention / t;

    // MLP (sharded over t). GeLU: FC1 output and GeLU output, 2 s b ffn each (= 16sbh at ffn = 4h).
    // Gated: FC1 output holds gate and up (4 s b ffn) plus the product that feeds FC2 (2 s b ffn).
    auto mlp_bytes = [&](double ffn, double tokens_per_seq_position) {
        const double fc2_input = linear_input * s * b * ffn;
        const double fc1_output = (m.mlp == MlpKind::gated ? 4.0 : 2.0) * s * b * ffn;
        return tokens_per_seq_position * (fc1_output + fc2_input);
    };
    if (!moe_layer) {
        bytes += mlp_bytes(m.ffn, 1.0) / t;
    } else {
        // MoE (Megatron-Core token dispatcher): every token is copied to top_k experts; balanced routing
        // leaves s b top_k tokens on each EP rank, whose permuted inputs (2 bytes x h) are kept for FC1's
        // backward; expert weights are split over TP as well (expert tensor parallelism = TP).
        bytes += mlp_bytes(m.moe.expert_ffn, m.moe.top_k) / t + 2.0 * s * b * h * m.moe.top_k / t;
        if (m.moe.shared_experts > 0) bytes += mlp_bytes(double(m.moe.shared_experts) * m.moe.shared_expert_ffn, 1.0) / t;
        bytes += 4.0 * s * b * m.moe.experts / replicated_div;  // router logits and probabilities (fp32)
    }
    return bytes;
}

namespace {

// Number of MoE layers among decoder layers [first, last) (layer i is MoE when (i+1) % freq == 0).
int moe_layers_in(const ModelSpec& m, int first, int last) {
    if (!m.moe.enabled()) return 0;
    const int f = std::max(1, m.moe.layer_freq);
    return last / f - first / f;
}

struct StageParams {
    double dense = 0;   // parameters sharded over TP only (attention, norms, dense MLP, embeddings)
    double expert = 0;  // routed-expert parameters (sharded over EP and TP)
    double linear = 0;  // parameters of the layers' GEMMs (FP8 weight copies)
    double total() const { return dense + expert; }
};

// Parameters one GPU of the stage holding layers [first, last) keeps (Megatron-Core sharding:
// TP splits every matrix, EP splits the experts, PP splits layers; embedding on the first stage,
// output layer on the last, a copy of the tied embedding on the last stage when PP > 1).
StageParams stage_params(const ModelSpec& m, const TrainConfig& c, int first, int last, bool first_stage, bool last_stage) {
    const LayerParams dense = model_layer_params(m, 0);
    const int moe = moe_layers_in(m, first, last), n = last - first;
    LayerParams routed{};
    if (moe > 0) routed = model_layer_params(m, std::max(1, m.moe.layer_freq) - 1);
    StageParams p;
    const double dense_part = (n - moe) * dense.total() + moe * (routed.attention + routed.norms + routed.dense_ffn);
    p.dense = dense_part / c.tp;
    p.expert = moe * routed.routed_experts / (double(c.ep) * c.tp);
    p.linear = ((n - moe) * (dense.attention + dense.dense_ffn) + moe * (routed.attention + routed.dense_ffn)) / c.tp + p.expert;
    const double table = double(m.vocab) * m.hidden / c.tp;
    if (first_stage) {
        p.dense += table;
        if (m.position == PositionKind::learned) p.dense += double(m.max_seq) * m.hidden;
    }
    if (last_stage && (!m.tied_embeddings || c.pp > 1)) p.dense += table;
    if (last_stage) p.dense += m.hidden;  // final norm
    return p;
}

}  // namespace

MemoryBreakdown memory_estimate(const ModelSpec& m, const TrainConfig& c, const ParallelLayout& layout, const Calibration& k) {
    MemoryBreakdown out;
    const int layers = m.layers + m.decoder_layers, per_stage = layers / c.pp;
    const StageParams first = stage_params(m, c, 0, per_stage, true, c.pp == 1);
    const StageParams last = c.pp == 1 ? first : stage_params(m, c, layers - per_stage, layers, false, true);
    const StageParams& p = first.total() >= last.total() ? first : last;
    out.params_per_gpu = p.total();

    // --- Weights, gradients, optimizer (mixed precision with Adam).
    // Megatron (mem17 in measured_gpu_memory_points.csv: 6 + 12/DP bytes per parameter): bf16 weights 2,
    // fp32 main gradients 4 (2 when reduced in bf16), fp32 master weights + Adam m and v 12; the distributed
    // optimizer shards the 12 over DP x CP (experts over the expert-data-parallel group DP x CP / EP).
    // ZeRO (Rajbhandari et al. 2020, Sec. 5 and Fig. 1, K = 12): weights 2, gradients 2, optimizer 12;
    // stage 1 shards the optimizer, 2 also gradients, 3 also weights, over N_d = DP x CP.
    // FSDP (PyTorch FSDP2 mixed precision): fp32 sharded parameters 4, fp32 sharded gradients 4, Adam 8,
    // plus bf16 unsharded parameters of the layer being computed and the one prefetched, and one layer's
    // unsharded gradients in bf16 and in fp32 for the reduce-scatter (torchtitan's default reduce dtype).
    const double shard = double(layout.dp) * c.cp;
    const double expert_shard = std::max(1.0, shard / c.ep);
    const double dense = p.dense, expert = p.expert;
    // FSDP gathers one transformer block at a time (the largest one: an MoE block's experts over EP).
    const LayerParams block = model_layer_params(m, 0);
    double layer_params = block.total() / c.tp;
    if (m.moe.enabled()) {
        const LayerParams moe_block = model_layer_params(m, std::max(1, m.moe.layer_freq) - 1);
        const double routed = moe_block.routed_experts / c.ep;
        layer_params = std::max(layer_params, (moe_block.total() - moe_block.routed_experts + routed) / c.tp);
    }
    // Megatron's main gradients: fp32 (4 bytes) unless the configuration reduces them in bf16 (2 bytes). Megatron-Core
    // allocates its gradient buffers with grad_dtype = torch.float if ddp_config.grad_reduce_in_fp32 else param.dtype
    // (megatron/core/distributed/distributed_data_parallel.py); NeMo maps optim.grad_sync_dtype onto it
    // (nemo/collections/nlp/models/language_modeling/megatron_gpt_model.py: grad_sync_dtype == 'fp32').
    const double main_grad_bytes = c.grad_reduce_in_fp32 ? 4.0 : 2.0;
    switch (c.sharding) {
        case OptimizerSharding::none:
            out.weights = 2 * (dense + expert), out.gradients = main_grad_bytes * (dense + expert);
            out.optimizer = 12 * (dense + expert);
            break;
        case OptimizerSharding::distributed:
            out.weights = 2 * (dense + expert), out.gradients = main_grad_bytes * (dense + expert);
            out.optimizer = 12 * (dense / shard + expert / expert_shard);
            break;
        case OptimizerSharding::zero1:
        case OptimizerSharding::zero2:
        case OptimizerSharding::zero3: {
            const int stage = c.sharding == OptimizerSharding::zero1 ? 1 : c.sharding == OptimizerSharding::zero2 ? 2 : 3;
            const double sharded = dense / shard + expert / expert_shard, whole = dense + expert;
            out.optimizer = 12 * sharded;
            out.gradients = 2 * (stage >= 2 ? sharded : whole);
            out.weights = 2 * (stage >= 3 ? sharded : whole);
            break;
        }
        case OptimizerSharding::fsdp: {
            const double sharded = dense / shard + expert / expert_shard;
            out.weights = 4 * sharded + 2 * 2 * layer_params;
            out.gradients = 4 * sharded + (2 + 4) * layer_params;  // bf16 unsharded, cast to fp32 for the reduce-scatter
            out.optimizer = 8 * sharded;
            break;
        }
    }

    // --- Activations (Korthikanti et al. 2022).
    // 1F1B: stage i holds min(p - i, m) micro-batches; the first stage holds p micro-batches of L/p layers,
    // i.e. L layers' worth (Eq. 5). Interleaving multiplies it by 1 + (p-1)/(p v) (Sec. 4.2.3).
    const double inflight = std::min(c.pp, layout.microbatches);
    const double interleave = c.vp > 1 ? 1.0 + double(c.pp - 1) / (double(c.pp) * c.vp) : 1.0;
    out.inflight_microbatches = inflight * interleave;
    const double dense_layer = activation_bytes_per_layer(m, c, false, false);
    const double moe_layer = m.moe.enabled() ? activation_bytes_per_layer(m, c, true, false) : dense_layer;
    const double recomputed_layer = activation_bytes_per_layer(m, c, false, true);
    auto stage_activations = [&](int first_layer, double microbatches) {
        const int moe = moe_layers_in(m, first_layer, first_layer + per_stage);
        int recomputed = 0;
        if (c.recompute == Recompute::full) recomputed = c.recompute_layers > 0 ? std::min(c.recompute_layers, per_stage) : per_stage;
        // Of the layers not recomputed, count MoE layers first (the larger footprint: an upper bound).
        const int kept = per_stage - recomputed;
        const int moe_kept = std::min(moe, kept), dense_kept = kept - moe_kept;
        const double per_mb = recomputed * recomputed_layer + dense_kept * dense_layer + moe_kept * moe_layer;
        return per_mb * microbatches;
    };
    out.activations_per_layer = m.moe.enabled() ? std::max(dense_layer, moe_layer) : dense_layer;
    // Backward of a recomputed layer (full, or torchtitan's per-op SAC) rebuilds that layer's activations
    // and holds their gradients beside them: two layers' worth of the stored-everything count, one at a
    // time (Chen et al. 2016, "Training Deep Nets with Sublinear Memory Cost", Sec. 3: the peak adds the
    // segment being recomputed).
    const bool recomputes = c.recompute == Recompute::full ||
                            (c.recompute == Recompute::selective && c.framework == Framework::torchtitan);
    if (recomputes) {
        TrainConfig stored = c;
        stored.recompute = Recompute::none, stored.framework = Framework::megatron;
        out.recompute_transient = 2.0 * activation_bytes_per_layer(m, stored, m.moe.enabled(), false);
    }
    const double s = double(c.seq) / c.cp, b = c.mbs, h = m.hidden, t = c.tp;
    // Output layer and loss, Korthikanti Sec. 4.3 (the delta_{p=1} term): 4sbh/t (final norm, output
    // layer input) + 4sbv/t (fp32 logits of Megatron's fused vocabulary-parallel cross entropy).
    // torchtitan's eager loss (F.cross_entropy(pred.float(), ...)): backward starts with the saved fp32
    // log-softmax, the fp32 gradient of the NLL and the fp32 gradient of log-softmax alive at once: 12 bytes
    // per logit (forward peaks lower, at bf16 + fp32 copy + fp32 log-softmax = 10). Compiled, the loss keeps
    // the bf16 logits and writes a bf16 gradient: 4 bytes. With TP the logits are vocabulary-sharded
    // (Megatron vocab-parallel, torchtitan loss_parallel).
    double logit_bytes = 4.0;
    if (c.framework == Framework::torchtitan) logit_bytes = c.compiled_loss ? 4.0 : 12.0;
    out.logits = 4 * s * b * h / t + logit_bytes * s * b * m.vocab / t;
    // Embedding dropout of every in-flight micro-batch on the first stage (sbh p / t, Sec. 4.3).
    const double embedding = m.dropout ? s * b * h * out.inflight_microbatches / (c.sequence_parallel && c.tp > 1 ? t : 1.0) : 0.0;
    double first_stage = stage_activations(0, out.inflight_microbatches) + embedding;
    if (c.pp == 1) first_stage += out.logits;
    const double last_stage = c.pp > 1 ? stage_activations(layers - per_stage, 1.0) + out.logits : 0.0;
    out.activations = std::max(first_stage, last_stage) + out.recompute_transient;

    // --- Other: CUDA context and library workspaces (calibrated constant), TransformerEngine's FP8 copy of
    // every GEMM weight and its transpose (Micikevicius et al. 2022; TE caches both across micro-batches:
    // 2 bytes per GEMM parameter), and caching-allocator fragmentation as a fraction of activations.
    out.cuda_context = k.cuda_context_gib * kGiB;
    const bool transformer_engine = c.framework == Framework::megatron && c.sharding != OptimizerSharding::fsdp;
    out.fp8_weight_copies = c.precision == Precision::fp8 && transformer_engine ? 2.0 * p.linear : 0.0;
    out.allocator = k.allocator_fraction * out.activations;
    out.other = out.cuda_context + out.fp8_weight_copies + out.allocator;
    out.total = out.weights + out.gradients + out.optimizer + out.activations + out.other;
    return out;
}

}  // namespace tp
