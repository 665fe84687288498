// inference.cpp — memory, latency and the TP x PP x batch grid for inference. See inference.hpp for the
// model and its sources; each formula below names its own.
#include "inference.hpp"

#include <algorithm>
#include <cmath>

#include "estimate.hpp"
#include "text.hpp"

namespace tp {

const InferenceCalibration& default_inference_calibration() {
    static const InferenceCalibration k;
    return k;
}

namespace {

// Bytes per stored weight. INT4: half a byte plus one fp16 scale per 128 weights (AWQ, Lin et al. 2023,
// Sec. 4, group size 128; GPTQ's default group as well).
double weight_bytes(WeightFormat f) {
    switch (f) {
        case WeightFormat::bf16: return 2;
        case WeightFormat::fp8: return 1;
        case WeightFormat::int8: return 1;
        case WeightFormat::int4: return 0.5 + 2.0 / 128;
    }
    return 2;
}
double kv_bytes(KvFormat f) { return f == KvFormat::fp8 ? 1 : 2; }
constexpr double kActivationBytes = 2;  // activations stay 16-bit in every format above

// KV heads one GPU holds: an even share, or one replicated head when TP exceeds the KV heads (vLLM's and
// TensorRT-LLM's GQA/MQA layout: each GPU keeps the KV head its query heads use).
double kv_heads_per_gpu(const ModelSpec& m, int tp) {
    const int kv = m.kv_heads > 0 ? m.kv_heads : m.heads;
    return kv >= tp ? double(kv) / tp : 1.0;
}
int head_dim(const ModelSpec& m) { return m.head_dim > 0 ? m.head_dim : m.hidden / std::max(1, m.heads); }
int stage_layers(const ModelSpec& m, int pp) { return (m.layers + pp - 1) / pp; }  // the most loaded stage

// One layer's weights by what a forward pass touches. Routed experts: a batch of n tokens with top-k routing
// over E experts touches E (1 - (1 - k/E)^n) of them in expectation under uniform routing, so a small decode
// batch reads few experts and a prefill reads them all.
struct LayerWeights {
    double dense = 0;          // attention, norms, dense FFN / shared experts (parameters)
    double expert = 0;         // one routed expert
    int experts = 0, top_k = 0;
    double active_params() const { return dense + expert * top_k; }  // per token: the top-k experts
    double touched_params(double tokens) const {
        if (experts == 0) return dense;
        const double share = 1.0 - std::pow(1.0 - double(top_k) / experts, tokens);
        return dense + expert * experts * share;
    }
    double all_params() const { return dense + expert * experts; }
};
LayerWeights average_layer(const ModelSpec& m) {
    LayerWeights w;
    const int n = std::max(1, m.layers);
    for (int i = 0; i < n; ++i) {
        const LayerParams p = model_layer_params(m, i);
        w.dense += (p.attention + p.norms + p.dense_ffn) / n;
        if (p.moe) w.expert += p.routed_expert / n;  // averaged: layer_freq > 1 spreads experts over layers
    }
    if (m.moe.enabled()) {
        w.experts = m.moe.experts;
        w.top_k = m.moe.top_k;
    }
    return w;
}

// Input embedding (plus learned positions) and the output head, in parameters.
double embedding_params(const ModelSpec& m) { return double(m.vocab) * m.hidden; }
double position_params(const ModelSpec& m) {
    return m.position == PositionKind::learned ? double(m.max_seq) * m.hidden : 0.0;
}

// Link bandwidth (bytes/s per GPU) of the TP group's all-reduce: NVLink within the node's fast domain;
// across nodes NCCL runs one ring per NIC, so a group filling its nodes gets the node's whole network
// bandwidth, min(link, node network x members per node / GPUs per node) as the training model's
// group_bandwidth (estimate_time.cpp; Jeaugey 2019, NCCL 2.4).
double tp_link_bytes_per_s(const GpuSpec& gpu, int gpus_per_node, int tp) {
    const int domain = gpu.nvlink_domain > 0 ? gpu.nvlink_domain : gpus_per_node;
    if (tp <= domain) return gpu.link_gbps * 1e9;
    const int per_node = std::min(tp, std::max(1, gpus_per_node));
    return std::min(gpu.link_gbps, gpu.node_network_gbps * per_node / std::max(1, gpus_per_node)) * 1e9;
}

// One ring all-reduce of `bytes` over tp GPUs: 2 (tp - 1) / tp of the message crosses each link (Patarasuk
// and Yuan 2009; NCCL's ring), plus a fixed latency.
double allreduce_s(double bytes, int tp, double link_bytes_per_s, const InferenceCalibration& k) {
    if (tp <= 1) return 0;
    return k.allreduce_latency_us * 1e-6 + 2.0 * (tp - 1) / tp * bytes / (link_bytes_per_s * k.collective_efficiency);
}

}  // namespace

// The micro-batch a pipeline stage works on (FasterTransformer's getLocalBatchSize, src/fastertransformer/utils/
// nccl_utils.cc): with PP > 1 the batch splits into PP micro-batches when it divides, then halves while a
// micro-batch holds more than 1,024 tokens, so the stages work on different micro-batches at once. vLLM and
// TensorRT-LLM also keep PP micro-batches in flight; the 1,024-token rule is FasterTransformer's.
int inference_micro_batch(int batch, double tokens, int pp) {
    if (pp <= 1) return batch;
    int local = batch % pp == 0 ? batch / pp : batch;
    while (double(local) * tokens > 1024 && local % 2 == 0) local /= 2;
    return local;
}

namespace {

// Time of a pass by what bounds it (seconds); sums and scales part by part.
struct PassTime {
    double compute_bound = 0, memory_bound = 0, tp_comm = 0, pp_comm = 0, overhead = 0;
    double total() const { return compute_bound + memory_bound + tp_comm + pp_comm + overhead; }
    PassTime& operator+=(const PassTime& o) {
        compute_bound += o.compute_bound, memory_bound += o.memory_bound, tp_comm += o.tp_comm;
        pp_comm += o.pp_comm, overhead += o.overhead;
        return *this;
    }
    PassTime scaled(double f) const { return {compute_bound * f, memory_bound * f, tp_comm * f, pp_comm * f, overhead * f}; }
};
// Achieved rates: FLOP/s of the GEMMs (FP8 peak for FP8 weights, 16-bit otherwise) and bytes/s from HBM.
double achieved_flops_per_s(const InferenceRequest& r, const InferenceCalibration& k) {
    return gpu_peak_tflops(r.gpu, r.weights == WeightFormat::fp8 ? Precision::fp8 : Precision::bf16) * 1e12 * k.gemm_efficiency;
}
double achieved_bytes_per_s(const InferenceRequest& r, const InferenceCalibration& k) { return r.gpu.hbm_gbps * 1e9 * k.hbm_efficiency; }

// One layer's FLOP-bound and byte-bound times (seconds) for `batch` sequences of `tokens` new tokens each,
// attending to `context` positions on average (Pope et al. 2022, Sec. 3.1-3.2). Both are linear in `context`.
struct LayerBounds {
    double compute = 0, memory = 0;
};
LayerBounds layer_bounds(const InferenceRequest& r, const LayerWeights& w, int tp, int batch, double tokens, double context,
                         bool prefill, const InferenceCalibration& k) {
    const ModelSpec& m = r.model;
    const double n = double(batch) * tokens;  // new tokens in this pass
    const int hd = head_dim(m);
    const double matrix_flops = 2.0 * w.active_params() * n / tp;
    // Scores and values: 2 GEMMs of 2 FLOPs per (query, key, head, channel) (Kaplan et al. 2020, Table 1's
    // n_ctx term; causal prefill attends to (tokens + 1) / 2 positions on average, passed in as context).
    const double attention_flops = 4.0 * n * context * m.heads * hd / tp;
    const double weight_read = w.touched_params(n) * weight_bytes(r.weights) / tp;
    // Decode reads every cached key and value of the batch; prefill writes its own (read back by the fused
    // attention kernel from on-chip memory, not counted).
    const double kv_elements = 2.0 * kv_heads_per_gpu(m, tp) * hd;
    const double kv_traffic = prefill ? n * kv_elements * kv_bytes(r.kv_cache)
                                      : double(batch) * context * kv_elements * kv_bytes(r.kv_cache);
    return {(matrix_flops + attention_flops) / achieved_flops_per_s(r, k), (weight_read + kv_traffic) / achieved_bytes_per_s(r, k)};
}

// One layer's time: the longer of its two bounds, plus its fixed cost and its two all-reduces (after attention
// and after the MLP; Shoeybi et al. 2019, Fig. 3).
PassTime layer_time(const InferenceRequest& r, const LayerWeights& w, int tp, int batch, double tokens, double context,
                    bool prefill, const InferenceCalibration& k) {
    const LayerBounds b = layer_bounds(r, w, tp, batch, tokens, context, prefill, k);
    PassTime t;
    (b.compute >= b.memory ? t.compute_bound : t.memory_bound) = std::max(b.compute, b.memory);
    t.overhead = k.layer_overhead_us * 1e-6;
    t.tp_comm = 2.0 * allreduce_s(double(batch) * tokens * r.model.hidden * kActivationBytes, tp,
                                  tp_link_bytes_per_s(r.gpu, r.gpus_per_node, tp), k);
    return t;
}

// The output head on the last stage: logits of each sequence's last position only (prefill) or of its one new
// token; its weights stay 16-bit in every format.
PassTime head_time(const InferenceRequest& r, int tp, int batch, const InferenceCalibration& k) {
    const double params = double(r.model.vocab) * r.model.hidden;
    const double compute_s = 2.0 * params * batch / tp / achieved_flops_per_s(r, k);
    const double memory_s = params * kActivationBytes / tp / achieved_bytes_per_s(r, k);
    PassTime t;
    (compute_s >= memory_s ? t.compute_bound : t.memory_bound) = std::max(compute_s, memory_s);
    return t;
}

// One forward pass of the batch through every layer. PP = 1: all layers, then the head. PP > 1: the batch runs
// as micro-batches through the stages like a pipeline, so the pass takes (micro-batches + PP - 1) stage times
// (the fill and drain of GPipe's schedule, Huang et al. 2019, Sec. 2.2), each stage time its layers at the
// micro-batch, and the last stage adds the head per micro-batch; a hop per stage boundary carries a
// micro-batch's hidden states (NVLink within a node, the node's network share per GPU beyond it).
PassTime forward_pass(const InferenceRequest& r, const LayerWeights& w, int tp, int pp, int batch, double tokens,
                      double context, bool prefill, const InferenceCalibration& k) {
    const ModelSpec& m = r.model;
    PassTime t;
    if (pp <= 1) {
        t += layer_time(r, w, tp, batch, tokens, context, prefill, k).scaled(m.layers);
        t += head_time(r, tp, batch, k);
        return t;
    }
    const int local = inference_micro_batch(batch, tokens, pp);
    const int micro_batches = (batch + local - 1) / local;
    const double slots = micro_batches + pp - 1;
    t += layer_time(r, w, tp, local, tokens, context, prefill, k).scaled(double(stage_layers(m, pp)) * slots);
    t += head_time(r, tp, local, k).scaled(micro_batches);
    const double hop_link = tp * pp <= r.gpus_per_node ? r.gpu.link_gbps * 1e9
                                                       : r.gpu.node_network_gbps * 1e9 / std::max(1, r.gpus_per_node);
    const double hop_bytes = double(local) * tokens * m.hidden * kActivationBytes / tp;
    t.pp_comm += slots * (k.p2p_latency_us * 1e-6 + hop_bytes / (hop_link * k.collective_efficiency));
    return t;
}

// The decode steps j = 1 .. output_len - 1, step j attending to input + j positions, summed. A step's time is
// linear in its context while its layers stay on one side of the roofline, and the FLOP-bound and byte-bound
// times are both linear in the context, so they cross at most once: each side's steps are summed as an
// arithmetic series from its end points (count x (first + last) / 2), whatever the output length.
PassTime decode_steps(const InferenceRequest& r, const LayerWeights& w, int tp, int pp, int batch, const InferenceCalibration& k) {
    if (r.output_len <= 1) return {};
    auto step = [&](long long context) { return forward_pass(r, w, tp, pp, batch, 1, double(context), false, k); };
    const int local = inference_micro_batch(batch, 1, pp);
    auto compute_bound = [&](long long context) {
        const LayerBounds b = layer_bounds(r, w, tp, local, 1, double(context), false, k);
        return b.compute >= b.memory;
    };
    auto series = [&](long long first, long long last) {
        PassTime sum = step(first);
        sum += step(last);
        return sum.scaled(double(last - first + 1) / 2);
    };
    const long long first = r.input_len + 1, last = (long long)r.input_len + r.output_len - 1;
    // The last step on the first step's side of the roofline (binary search: the side changes at most once).
    const bool side = compute_bound(first);
    long long lo = first, hi = last;
    while (lo < hi) {
        const long long mid = lo + (hi - lo + 1) / 2;
        if (compute_bound(mid) == side) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    PassTime total = series(first, lo);
    if (lo < last) total += series(lo + 1, last);
    return total;
}

}  // namespace

// [SECTION] Memory
InferenceMemory inference_memory(const InferenceRequest& r, int tp, int pp, int batch, const InferenceCalibration& k) {
    const ModelSpec& m = r.model;
    const LayerWeights w = average_layer(m);
    const int layers = stage_layers(m, pp);
    const int hd = head_dim(m);
    InferenceMemory mem;
    // Weights: the stage's layers split over TP (norms are replicated, a rounding error at this scale), plus
    // the first stage's embedding (+ learned positions) and the last stage's output head: one copy when tied
    // and PP = 1, both on one GPU when PP = 1 and untied; the larger end stage when PP > 1. Embeddings and
    // the head stay 16-bit in quantised checkpoints (AWQ/GPTQ quantise the transformer layers).
    const double layer_bytes = layers * w.all_params() * weight_bytes(r.weights) / tp;
    const double embed = (embedding_params(m) + position_params(m)) * kActivationBytes / tp;
    const double head = embedding_params(m) * kActivationBytes / tp;
    double ends = 0;
    if (pp == 1) {
        ends = m.tied_embeddings ? embed : embed + head;
    } else {
        ends = std::max(embed, head);  // first or last stage, each holding its own copy
    }
    mem.weights = layer_bytes + ends;
    // KV cache: keys and values of every layer of the stage for batch x (input + output) positions, allocated
    // up front for the longest sequence as FasterTransformer (max_seq_len = input + output, which the
    // launcher's configure_fastertransformer sets) and TensorRT-LLM do.
    const double positions = double(batch) * (r.input_len + r.output_len);
    mem.kv_cache = layers * 2.0 * kv_heads_per_gpu(m, tp) * hd * positions * kv_bytes(r.kv_cache);
    // Activations: the prefill's buffers for the micro-batch a stage works on (the whole batch when PP = 1),
    // sized as FasterTransformer's context decoder sizes them: `activation_rows` h-wide 16-bit rows per prompt
    // token (residual, norm output, QKV, attention output, MLP intermediate, ...; fitted on FT's published
    // memory column) plus the attention scores of the unfused context attention (heads / TP x input per token,
    // 16-bit), and the last positions' fp32 logits.
    const double micro = inference_micro_batch(batch, r.input_len, pp);
    mem.activations = micro * r.input_len * (k.activation_rows * m.hidden + double(m.heads) / tp * r.input_len) * kActivationBytes +
                      micro * m.vocab / tp * 4.0;
    mem.other = k.other_gib * kGiB;
    mem.total = mem.weights + mem.kv_cache + mem.activations + mem.other;
    mem.capacity = r.gpu.memory_gib * kGiB;
    mem.usable = mem.capacity * (1.0 - r.margin);
    return mem;
}

// [SECTION] Latency
InferenceLatency inference_latency(const InferenceRequest& r, int tp, int pp, int batch, const InferenceCalibration& k) {
    const LayerWeights w = average_layer(r.model);
    InferenceLatency lat;
    // Prefill: every prompt token at once; causal attention over (input + 1) / 2 positions on average.
    const PassTime prefill = forward_pass(r, w, tp, pp, batch, r.input_len, (r.input_len + 1) / 2.0, true, k);
    lat.first_token = prefill.total();
    // Decode: output_len - 1 more steps.
    const PassTime steps = decode_steps(r, w, tp, pp, batch, k);
    const double decode = steps.total();
    PassTime parts = prefill;
    parts += steps;
    lat.per_token = r.output_len > 1 ? decode / (r.output_len - 1) : 0;
    lat.total = lat.first_token + decode;
    lat.compute_bound = parts.compute_bound, lat.memory_bound = parts.memory_bound, lat.tp_comm = parts.tp_comm;
    lat.pp_comm = parts.pp_comm, lat.overhead = parts.overhead;
    return lat;
}

// [SECTION] Grid
int inference_nodes(int gpus_per_node, int tp, int pp) {
    if (gpus_per_node <= 0) return 0;
    if (tp > gpus_per_node) return tp % gpus_per_node != 0 ? 0 : std::max(pp, pp * tp / gpus_per_node);
    return pp;
}

std::string inference_invalid_reason(const InferenceRequest& r, int tp, int pp) {
    const ModelSpec& m = r.model;
    const std::string where = "TP " + std::to_string(tp) + " x PP " + std::to_string(pp) + ": ";
    if (r.nemo_filter) {
        // inference_sweep.py filter_configuration, in its order and with its reasons.
        if (m.heads % tp != 0)
            return where + "attention heads (" + std::to_string(m.heads) + ") not divisible by TP (NeMo's filter)";
        if (m.layers % pp != 0)
            return where + "layers (" + std::to_string(m.layers) + ") not divisible by PP (NeMo's filter)";
        if (pp > 1 && tp < r.gpus_per_node)
            return where + "PP > 1 with TP below a node's " + std::to_string(r.gpus_per_node) +
                   " GPUs (NeMo's partial-node filter)";
        if (inference_nodes(r.gpus_per_node, tp, pp) == 0)
            return where + "TP beyond a node must be a multiple of " + std::to_string(r.gpus_per_node) +
                   " GPUs (NeMo's filter)";
        return "";
    }
    if (m.heads % tp != 0) return where + "attention heads (" + std::to_string(m.heads) + ") not divisible by TP";
    const int kv = m.kv_heads > 0 ? m.kv_heads : m.heads;
    if (kv >= tp ? kv % tp != 0 : tp % kv != 0)
        return where + "KV heads (" + std::to_string(kv) + ") neither divisible by TP nor dividing it";
    if (pp > m.layers) return where + "more pipeline stages than layers (" + std::to_string(m.layers) + ")";
    if (tp > r.gpus_per_node && tp % r.gpus_per_node != 0)
        return where + "TP beyond a node must be a multiple of " + std::to_string(r.gpus_per_node) + " GPUs";
    return "";
}

InferencePlan inference_plan(const InferenceRequest& r, const InferenceCalibration& k) {
    InferencePlan plan;
    for (int tp : r.tp) {
        for (int pp : r.pp) {
            const std::string reason = inference_invalid_reason(r, tp, pp);
            for (int batch : r.batch_sizes) {
                if (!reason.empty()) {
                    plan.rejected.push_back({tp, pp, batch, reason});
                    continue;
                }
                InferencePoint p;
                p.tp = tp, p.pp = pp, p.batch = batch;
                p.nodes = inference_nodes(r.gpus_per_node, tp, pp);
                if (!r.nemo_filter) p.nodes = (tp * pp + r.gpus_per_node - 1) / r.gpus_per_node;
                p.memory = inference_memory(r, tp, pp, batch, k);
                p.fits = p.memory.fits();
                p.latency = inference_latency(r, tp, pp, batch, k);
                p.samples_per_s_per_gpu = p.latency.total > 0 ? batch / p.latency.total / (tp * pp) : 0;
                p.tokens_per_s_per_gpu = p.samples_per_s_per_gpu * r.output_len;
                plan.points.push_back(p);
            }
        }
    }
    for (size_t i = 0; i < plan.points.size(); ++i) {
        const InferencePoint& p = plan.points[i];
        if (!p.fits) continue;
        if (!plan.lowest_latency || p.latency.total < plan.points[*plan.lowest_latency].latency.total)
            plan.lowest_latency = i;
        if (r.max_latency_ms > 0 && p.latency.total * 1e3 > r.max_latency_ms) continue;
        if (!plan.best_throughput || p.samples_per_s_per_gpu > plan.points[*plan.best_throughput].samples_per_s_per_gpu)
            plan.best_throughput = i;
    }
    return plan;
}

// [SECTION] NeMo
std::string inference_nemo_csv(const InferencePlan& plan, const std::vector<double>& measured_ms) {
    std::string out = "TP,PP,BS,Latency [ms],Throughput per GPU [samples/sec/gpu]\r\n";
    for (size_t i = 0; i < plan.points.size(); ++i) {
        const InferencePoint& p = plan.points[i];
        double latency_ms = p.latency.total * 1e3;
        if (i < measured_ms.size() && !std::isnan(measured_ms[i])) latency_ms = measured_ms[i];
        latency_ms = std::round(latency_ms * 100) / 100;
        // round(int(bs) * 1000.0 / float(latency) / int(tp) / int(pp), 3)
        const double throughput = std::round(p.batch * 1000.0 / latency_ms / p.tp / p.pp * 1000) / 1000;
        out += std::to_string(p.tp) + "," + std::to_string(p.pp) + "," + std::to_string(p.batch) + "," +
               python_float_repr(latency_ms) + "," + python_float_repr(throughput) + "\r\n";
    }
    return out;
}

// [SECTION] Request and names
std::string inference_validate(const InferenceRequest& r) {
    if (const std::string e = model_validate(r.model); !e.empty()) return "--model: " + e;
    if (r.model.arch != Architecture::decoder) return "--model: inference is modelled for decoder-only models";
    if (r.input_len < 1) return "--input-len must be at least 1";
    if (r.output_len < 1) return "--output-len must be at least 1";
    if (r.input_len + r.output_len > 10'000'000) return "--input-len + --output-len must be at most 10,000,000";
    if (r.gpus_per_node < 1) return "--gpus-per-node must be at least 1";
    auto check = [](const std::vector<int>& v, const char* flag, int most) -> std::string {
        if (v.empty()) return std::string(flag) + " needs at least one value";
        for (int x : v)
            if (x < 1 || x > most) return std::string(flag) + " values must be 1.." + std::to_string(most);
        return "";
    };
    if (std::string e = check(r.tp, "--tp", 1024); !e.empty()) return e;
    if (std::string e = check(r.pp, "--pp", 1024); !e.empty()) return e;
    if (std::string e = check(r.batch_sizes, "--batch-sizes", 1 << 20); !e.empty()) return e;
    if (r.weights == WeightFormat::fp8 && r.gpu.peak_tflops_fp8 <= 0)
        return "--weights fp8: " + r.gpu.name + " has no FP8 tensor cores";
    if (r.max_latency_ms < 0) return "--max-latency-ms must not be negative";
    return "";
}

Result<InferenceRequest> inference_request_from_inputs(const ModelSpec& model, const InferenceInputs& in) {
    InferenceRequest r;
    r.model = model;
    Result<GpuSpec> gpu = gpu_find(in.gpu);
    if (!gpu) return gpu.error();
    r.gpu = *gpu;
    Result<WeightFormat> w = weight_format_parse(in.weights);
    if (!w) return w.error();
    Result<KvFormat> kv = kv_format_parse(in.kv_cache);
    if (!kv) return kv.error();
    r.weights = *w, r.kv_cache = *kv;
    r.gpus_per_node = in.gpus_per_node, r.input_len = in.input_len, r.output_len = in.output_len;
    r.tp = in.tp, r.pp = in.pp, r.batch_sizes = in.batch_sizes;
    r.nemo_filter = in.nemo_filter, r.max_latency_ms = in.max_latency_ms;
    if (const std::string e = inference_validate(r); !e.empty()) return make_error(ErrorKind::invalid_argument, e);
    return r;
}

Result<WeightFormat> weight_format_parse(std::string_view text) {
    if (text == "bf16" || text == "fp16") return WeightFormat::bf16;
    if (text == "fp8") return WeightFormat::fp8;
    if (text == "int8") return WeightFormat::int8;
    if (text == "int4") return WeightFormat::int4;
    return make_error(ErrorKind::unknown_name, "--weights: '" + std::string(text) + "' is not one of bf16, fp16, fp8, int8, int4");
}
const char* weight_format_name(WeightFormat f) {
    switch (f) {
        case WeightFormat::bf16: return "bf16";
        case WeightFormat::fp8: return "fp8";
        case WeightFormat::int8: return "int8";
        case WeightFormat::int4: return "int4";
    }
    return "bf16";
}
Result<KvFormat> kv_format_parse(std::string_view text) {
    if (text == "bf16" || text == "fp16") return KvFormat::bf16;
    if (text == "fp8") return KvFormat::fp8;
    return make_error(ErrorKind::unknown_name, "--kv-cache: '" + std::string(text) + "' is not one of bf16, fp16, fp8");
}
const char* kv_format_name(KvFormat f) { return f == KvFormat::fp8 ? "fp8" : "bf16"; }

Result<std::vector<int>> int_list_parse(std::string_view text, std::string_view flag) {
    std::vector<int> out;
    size_t i = 0;
    while (i <= text.size()) {
        size_t comma = text.find(',', i);
        if (comma == text.npos) comma = text.size();
        std::string_view item = text.substr(i, comma - i);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        long long v = 0;
        bool ok = !item.empty() && item.size() <= 9;  // nine digits fit an int
        for (size_t c = 0; ok && c < item.size(); ++c) {
            ok = item[c] >= '0' && item[c] <= '9';
            v = v * 10 + (item[c] - '0');
        }
        if (!ok || v < 1)
            return make_error(ErrorKind::invalid_argument,
                              std::string(flag) + ": '" + std::string(item) + "' is not a positive integer (expected e.g. 1,2,4)");
        out.push_back(int(v));
        i = comma + 1;
    }
    return out;
}

}  // namespace tp
