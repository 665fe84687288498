// finetune.cpp — the fine-tuning memory model, the minimum-GPU search and the throughput estimate.
// Sources are cited next to each term; finetune.hpp lists the settings of the measured runs.
#include "finetune.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "estimate.hpp"
#include "model_presets.hpp"

namespace tp {

namespace {

constexpr double kBf16 = 2.0;  // bytes per bf16 value
constexpr double kFp32 = 4.0;  // bytes per fp32 value

bool sharded_weights(FinetuneSharding s) { return s == FinetuneSharding::fsdp || s == FinetuneSharding::zero3; }
bool sharded_gradients(FinetuneSharding s) { return sharded_weights(s) || s == FinetuneSharding::zero2; }
bool sharded_optimizer(FinetuneSharding s) { return s != FinetuneSharding::ddp; }

int q_dim(const ModelSpec& m) { return m.heads * (m.head_dim > 0 ? m.head_dim : m.hidden / std::max(1, m.heads)); }
int kv_dim(const ModelSpec& m) {
    return (m.kv_heads > 0 ? m.kv_heads : m.heads) * (m.head_dim > 0 ? m.head_dim : m.hidden / std::max(1, m.heads));
}

// Matrices of one layer as (in, out) pairs, for LoRA adapters r x (in + out) (Hu et al. 2021, Sec. 4.1:
// W0 + B A with B in R^{d x r}, A in R^{r x k}).
struct Matrix {
    double in = 0, out = 0, count = 1;
};
std::vector<Matrix> lora_matrices(const ModelSpec& m, LoraTargets t, bool moe_layer) {
    const double h = m.hidden;
    std::vector<Matrix> v;
    v.push_back({h, double(q_dim(m))});   // q_proj (GPTBigCode's fused c_attn counted as q + v below)
    v.push_back({h, double(kv_dim(m))});  // v_proj
    if (t == LoraTargets::qv) return v;
    v.push_back({h, double(kv_dim(m))});  // k_proj
    v.push_back({double(q_dim(m)), h});   // o_proj
    if (t == LoraTargets::qkvo) return v;
    const int mats = m.mlp == MlpKind::gated ? 2 : 1;  // up (+ gate) h -> f, down f -> h
    if (!moe_layer) {
        v.push_back({h, double(m.ffn), double(mats)});
        v.push_back({double(m.ffn), h});
    } else {
        const double e = m.moe.experts + m.moe.shared_experts;
        v.push_back({h, double(m.moe.expert_ffn), mats * e});
        v.push_back({double(m.moe.expert_ffn), h, e});
    }
    return v;
}

bool moe_layer(const ModelSpec& m, int i) { return model_layer_params(m, i).moe; }

// Parameters of the layer matrices (the weights GPTQ quantizes: attention and MLP/expert projections).
double layer_matrix_params(const ModelSpec& m) {
    double p = 0;
    for (int i = 0; i < m.layers; ++i) {
        const LayerParams l = model_layer_params(m, i);
        p += l.attention + l.dense_ffn + l.routed_experts;
    }
    return p;
}

double max_layer_params(const ModelSpec& m) {
    double p = 0;
    for (int i = 0; i < m.layers; ++i) p = std::max(p, model_layer_params(m, i).total());
    return p;
}

// Bytes per token of one decoder layer's saved activations in bf16 with flash attention (no s x s
// score matrix; Dao et al. 2022) and no dropout: Korthikanti et al. 2022 (arXiv:2205.05198) Sec. 4.1
// term by term, generalised to GQA, gated MLPs and MoE:
//   attention: norm input kept in fp32 by HF's RMSNorm/LayerNorm upcast (4h), norm output = Q/K/V input (2h),
//              Q, K, V (2 (q + 2 kv)), attention output = o_proj input (2 q);
//   MLP:       norm input (4h), norm output (2h), gated: gate, up, act(gate), act*up (4 x 2f); GeLU: fc1 out, gelu out (2 x 2f);
//   MoE:       the routed tokens' expert activations top_k times, plus their gathered inputs (2h top_k).
//   LoRA:      PEFT keeps dropout(x) for each adapted matrix (2 in) plus its mask (1 in), and A x (2r).
double layer_activation_bytes_per_token(const FinetuneRequest& r, int layer) {
    const ModelSpec& m = r.model;
    const double h = m.hidden;
    const bool moe = moe_layer(m, layer);
    double bytes = 4 * h + 2 * h + kBf16 * (q_dim(m) + 2.0 * kv_dim(m)) + kBf16 * q_dim(m);
    const double per_f = m.mlp == MlpKind::gated ? 8.0 : 4.0;
    bytes += 4 * h + 2 * h;
    if (!moe) {
        bytes += per_f * m.ffn;
    } else {
        bytes += m.moe.top_k * (per_f * m.moe.expert_ffn + 2 * h) + kFp32 * m.moe.experts;
        bytes += m.moe.shared_experts * per_f * m.moe.shared_expert_ffn;
    }
    if (r.method != FinetuneMethod::full)
        for (const Matrix& mat : lora_matrices(m, r.lora_targets, moe)) bytes += mat.count * (3 * mat.in + kBf16 * r.lora_rank);
    return bytes;
}

}  // namespace

Result<bool> finetune_apply_names(FinetuneRequest& r, std::string_view sharding, std::string_view precision,
                                  std::string_view lora_targets) {
    Result<FinetuneSharding> s = finetune_sharding_parse(sharding);
    if (!s) return s.error();
    Result<FinetunePrecision> p = finetune_precision_parse(precision);
    if (!p) return p.error();
    Result<LoraTargets> t = lora_targets_parse(lora_targets);
    if (!t) return t.error();
    r.sharding = *s, r.precision = *p, r.lora_targets = *t;
    return true;
}

Result<FinetuneRequest> finetune_request_from_inputs(const ModelSpec& model, const FinetuneInputs& in) {
    FinetuneRequest r;
    r.model = model;
    Result<GpuSpec> gpu = finetune_gpu_find(in.gpu);
    if (!gpu) return gpu.error();
    r.gpu = *gpu;
    Result<FinetuneMethod> method = finetune_method_parse(in.method);
    if (!method) return method.error();
    r.method = *method;
    r.tokens_per_sample = in.tokens_per_sample;
    r.batch_size = in.batch_size;
    r.gpus_per_worker = in.gpus_per_worker;
    r.max_gpus = in.max_gpus;
    r.allow_grad_accum = in.allow_grad_accum;
    return r;
}

Result<FinetuneRequest> finetune_request_named(std::string_view model, std::string_view method, std::string_view gpu,
                                               int tokens_per_sample, int batch_size) {
    Result<ModelSpec> m = finetune_model_find(model);
    if (!m) return m.error();
    FinetuneInputs in;
    in.method = std::string(method), in.gpu = std::string(gpu);
    in.tokens_per_sample = tokens_per_sample, in.batch_size = batch_size, in.max_gpus = 8;
    return finetune_request_from_inputs(*m, in);
}

std::string finetune_validate(const FinetuneRequest& r) {
    if (std::string e = model_validate(r.model); !e.empty()) return e;
    if (r.model.arch != Architecture::decoder) return "--model: fine-tuning estimates cover decoder-only models";
    if (r.tokens_per_sample < 1) return "--tokens-per-sample: must be at least 1";
    if (r.batch_size < 1) return "--batch-size: must be at least 1";
    if (r.gpus_per_worker < 1) return "--gpus-per-worker: must be at least 1";
    if (r.max_gpus < 1) return "--max-gpus: must be at least 1";
    if (r.lora_rank < 1) return "--lora-rank: must be at least 1";
    if (r.grad_accum_steps < 1) return "--grad-accum-steps: must be at least 1";
    if (!(r.quant_bits >= 1 && r.quant_bits <= 16)) return "--quant-bits: must be between 1 and 16";
    if (!(r.margin >= 0 && r.margin < 1)) return "--memory-margin: must be in [0, 1)";
    if (r.gpu.memory_gib <= 0) return "--gpu: the GPU has no memory size";
    return "";
}

double finetune_trainable_params(const FinetuneRequest& r) {
    if (r.method == FinetuneMethod::full) return model_param_counts(r.model).total;
    double p = 0;
    for (int i = 0; i < r.model.layers; ++i)
        for (const Matrix& mat : lora_matrices(r.model, r.lora_targets, moe_layer(r.model, i)))
            p += mat.count * r.lora_rank * (mat.in + mat.out);
    return p;
}

FinetuneMemory finetune_memory(const FinetuneRequest& r, int gpus, int micro_batch) {
    const ModelSpec& m = r.model;
    FinetuneMemory mem;
    const double n = std::max(1, gpus);
    const ParamCounts pc = model_param_counts(m);
    mem.total_params = pc.total;
    mem.trainable_params = finetune_trainable_params(r);
    const double adapters = r.method == FinetuneMethod::full ? 0 : mem.trainable_params;

    // Weights. Full and LoRA: bf16 (torch_dtype bfloat16). QLoRA/GPTQ-LoRA: the layer matrices in
    // quant_bits plus GPTQ's per-group scale and zero point (group_size 128, fp16 scale + packed zero:
    // 20 bits per 128 weights; Frantar et al. 2022, AutoGPTQ's default group_size=128); embeddings,
    // norms and the output head stay bf16.
    const double matrix = layer_matrix_params(m);
    const double base_bytes = r.method == FinetuneMethod::qlora
                                  ? matrix * (r.quant_bits + 20.0 / 128.0) / 8.0 + (pc.total - matrix) * kBf16
                                  : pc.total * kBf16;
    const double bytes_per_layer_param = base_bytes / std::max(1.0, pc.total);
    if (sharded_weights(r.sharding)) {
        // FSDP FULL_SHARD: each GPU keeps 1/n of every flat parameter; a decoder layer is all-gathered
        // for its forward and backward, with the next one prefetched (PyTorch FSDP, BackwardPrefetch.
        // BACKWARD_PRE and forward_prefetch): two layers in flight. The root unit (embeddings, output
        // head, final norm; transformers' auto-wrap wraps only the decoder layers) stays unsharded from
        // forward to backward (FSDP does not reshard the root after forward).
        const double root = pc.embedding + m.hidden;
        mem.weights = base_bytes / n + 2 * max_layer_params(m) * bytes_per_layer_param + root * kBf16 * (1 - 1 / n);
    } else {
        mem.weights = base_bytes;  // ZeRO-1/2 and DDP keep a full bf16 copy on every GPU
    }
    mem.weights += adapters * kBf16;

    // Gradients of trainable parameters (bf16), reduce-scattered under FSDP / ZeRO-2/3; the layer being
    // back-propagated holds its unsharded gradient until the reduce-scatter.
    const double trainable = mem.trainable_params;
    if (sharded_gradients(r.sharding)) {
        mem.gradients = trainable * kBf16 / n;
        if (r.method == FinetuneMethod::full) mem.gradients += max_layer_params(m) * kBf16;
    } else {
        mem.gradients = trainable * kBf16;
    }

    // Optimizer: AdamW's two moments in the parameter dtype (bf16 runs: 4 bytes), or fp32 master weights
    // and fp32 moments (mixed: 12 bytes, ZeRO Sec. 3.1); sharded over the GPUs except under DDP.
    const double opt_bytes = r.precision == FinetunePrecision::bf16 ? 2 * kBf16 : 3 * kFp32;
    mem.optimizer = trainable * opt_bytes / (sharded_optimizer(r.sharding) ? n : 1.0);

    // Activations of one micro-batch. With gradient checkpointing (HF's per-decoder-layer checkpoint):
    // every layer's bf16 input (2h per token; Korthikanti et al. 2022 Table 2, "full recompute" row 2sbh)
    // plus one recomputed layer's activations during its backward. Without: every layer's activations.
    const double tokens = double(micro_batch) * r.tokens_per_sample;
    double largest = 0, all = 0;
    for (int i = 0; i < m.layers; ++i) {
        const double b = layer_activation_bytes_per_token(r, i);
        largest = std::max(largest, b);
        all += b;
    }
    mem.activations = r.gradient_checkpointing ? tokens * (m.layers * kBf16 * m.hidden + largest) : tokens * all;

    // Logits: transformers (4.45, the version of fms-hf-tuning 2.1.2 that ado pins) computes
    // lm_head(hidden) in bf16, upcasts it with logits.float(), then shift_logits.contiguous() and
    // CrossEntropyLoss's log_softmax each make another fp32 copy: 3 fp32 copies of tokens x V.
    mem.logits = tokens * m.vocab * 3 * kFp32;

    // Other: CUDA context, cuBLAS and NCCL workspaces (the estimator's calibrated constant).
    mem.other = default_calibration().cuda_context_gib * kGiB;

    mem.total = mem.weights + mem.gradients + mem.optimizer + mem.activations + mem.logits + mem.other;
    mem.capacity = r.gpu.memory_gib * kGiB;
    mem.usable = mem.capacity * (1 - r.margin);
    return mem;
}

std::vector<int> finetune_gpu_counts(int max_gpus) {
    std::vector<int> v;
    for (int i = 1; i <= max_gpus; i *= 2) {
        v.push_back(i);
        if (i > max_gpus / 2) break;  // no overflow
    }
    return v;
}

namespace {
// The micro-batch that fits at `gpus`, or 0. Without gradient accumulation the batch splits evenly
// (ado's rule-based classifier: batch_size % number_gpus == 0); with it, the largest micro-batch up to
// ceil(batch / gpus) that fits.
int fitting_micro_batch(const FinetuneRequest& r, int gpus) {
    const bool divides = r.batch_size % gpus == 0;
    if (!r.allow_grad_accum) {
        if (!divides) return 0;
        const int mb = finetune_micro_batch(r, gpus);
        return finetune_memory(r, gpus, mb).fits() ? mb : 0;
    }
    for (int mb = (r.batch_size + gpus - 1) / gpus; mb >= 1; mb = mb > 1 ? mb / 2 : 0)
        if (finetune_memory(r, gpus, mb).fits()) return mb;
    return 0;
}

std::string gib_text(double bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / kGiB);
    return buf;
}
}  // namespace

int finetune_micro_batch(const FinetuneRequest& r, int gpus) {
    return std::max(1, r.batch_size / (std::max(1, gpus) * std::max(1, r.grad_accum_steps)));
}

bool finetune_fits(const FinetuneRequest& r, int gpus) { return fitting_micro_batch(r, gpus) > 0; }

FinetunePlan finetune_recommend(const FinetuneRequest& r) {
    FinetunePlan plan;
    if (std::string e = finetune_validate(r); !e.empty()) {
        plan.reason = e;
        return plan;
    }
    int last_tried = 0;
    bool any_divides = false;
    for (int n : finetune_gpu_counts(r.max_gpus)) {
        if (!r.allow_grad_accum && r.batch_size % n != 0) continue;
        any_divides = true;
        last_tried = n;
        const int mb = fitting_micro_batch(r, n);
        if (mb == 0) continue;
        // ado min_gpu_recommender.py: workers = ceil(n / gpus_per_worker), gpus = ceil(n / workers).
        plan.can_recommend = true;
        plan.workers = (n + r.gpus_per_worker - 1) / r.gpus_per_worker;
        plan.gpus = (n + plan.workers - 1) / plan.workers;
        plan.total_gpus = plan.gpus * plan.workers;
        plan.micro_batch = mb;
        plan.grad_accum = (r.batch_size + n * mb - 1) / (n * mb);
        plan.memory = finetune_memory(r, n, mb);
        plan.tokens_per_s = finetune_tokens_per_s(r, n);
        plan.reason = "fits at " + std::to_string(n) + " GPU" + (n > 1 ? "s" : "") + ": " + gib_text(plan.memory.total) +
                      " of " + gib_text(plan.memory.usable) + " usable per GPU";
        return plan;
    }
    if (!any_divides) {
        plan.reason = "batch size " + std::to_string(r.batch_size) + " is not divisible by any GPU count up to " +
                      std::to_string(r.max_gpus) + " (use --allow-grad-accum)";
        return plan;
    }
    const int mb = r.allow_grad_accum ? 1 : finetune_micro_batch(r, last_tried);
    plan.memory = finetune_memory(r, last_tried, mb);
    plan.micro_batch = mb;
    plan.reason = "does not fit within " + std::to_string(r.max_gpus) + " GPUs: at " + std::to_string(last_tried) +
                  " GPUs it needs " + gib_text(plan.memory.total) + " per GPU, " + gib_text(plan.memory.usable) +
                  " usable of " + gib_text(plan.memory.capacity);
    return plan;
}

double finetune_tokens_per_s(const FinetuneRequest& r, int gpus) {
    const ModelSpec& m = r.model;
    const double model3 = model_training_flops_per_token(m, r.tokens_per_sample);  // forward + backward
    const double forward = model3 / 3;
    double hw = model3 + (r.gradient_checkpointing ? forward : 0);
    if (r.method != FinetuneMethod::full) {
        // Frozen matrices need no weight gradient: one forward's worth of matrix GEMMs is skipped
        // (2 FLOPs per matrix parameter per token; the input embedding is a lookup, the head a GEMM).
        const ParamCounts pc = model_param_counts(m);
        const double vh = double(m.vocab) * m.hidden;
        const double matrix_params = pc.active - vh + (m.tied_embeddings ? vh : 0);
        hw -= 2 * matrix_params;
    }
    const double peak = gpu_peak_tflops(r.gpu, Precision::bf16) * 1e12;
    return hw > 0 ? gpus * peak * kFinetuneHfu / hw : 0;
}

Result<FinetuneMethod> finetune_method_parse(std::string_view text) {
    std::string t(text);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (t == "full") return FinetuneMethod::full;
    if (t == "lora") return FinetuneMethod::lora;
    if (t == "qlora" || t == "gptq-lora" || t == "gptq_lora") return FinetuneMethod::qlora;
    return make_error(ErrorKind::invalid_argument,
                      "--method: '" + std::string(text) + "' is not one of full, lora, qlora (alias gptq-lora)");
}
const char* finetune_method_name(FinetuneMethod m) {
    switch (m) {
        case FinetuneMethod::full: return "full";
        case FinetuneMethod::lora: return "lora";
        case FinetuneMethod::qlora: return "qlora";
    }
    return "full";
}

Result<FinetuneSharding> finetune_sharding_parse(std::string_view text) {
    if (text == "fsdp") return FinetuneSharding::fsdp;
    if (text == "zero1") return FinetuneSharding::zero1;
    if (text == "zero2") return FinetuneSharding::zero2;
    if (text == "zero3") return FinetuneSharding::zero3;
    if (text == "ddp") return FinetuneSharding::ddp;
    return make_error(ErrorKind::invalid_argument,
                      "--sharding: '" + std::string(text) + "' is not one of fsdp, zero1, zero2, zero3, ddp");
}
const char* finetune_sharding_name(FinetuneSharding s) {
    switch (s) {
        case FinetuneSharding::fsdp: return "fsdp";
        case FinetuneSharding::zero1: return "zero1";
        case FinetuneSharding::zero2: return "zero2";
        case FinetuneSharding::zero3: return "zero3";
        case FinetuneSharding::ddp: return "ddp";
    }
    return "fsdp";
}

Result<LoraTargets> lora_targets_parse(std::string_view text) {
    if (text == "qv") return LoraTargets::qv;
    if (text == "qkvo") return LoraTargets::qkvo;
    if (text == "all-linear") return LoraTargets::all_linear;
    return make_error(ErrorKind::invalid_argument,
                      "--lora-targets: '" + std::string(text) + "' is not one of qv, qkvo, all-linear");
}
const char* lora_targets_name(LoraTargets t) {
    switch (t) {
        case LoraTargets::qv: return "qv";
        case LoraTargets::qkvo: return "qkvo";
        case LoraTargets::all_linear: return "all-linear";
    }
    return "qv";
}

Result<FinetunePrecision> finetune_precision_parse(std::string_view text) {
    if (text == "bf16") return FinetunePrecision::bf16;
    if (text == "mixed") return FinetunePrecision::mixed;
    return make_error(ErrorKind::invalid_argument, "--precision: '" + std::string(text) + "' is not one of bf16, mixed");
}
const char* finetune_precision_name(FinetunePrecision p) { return p == FinetunePrecision::bf16 ? "bf16" : "mixed"; }

std::vector<std::string> close_matches(std::string_view query, const std::vector<std::string>& names, size_t limit) {
    auto lower = [](std::string_view s) {
        std::string o(s);
        std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        return o;
    };
    const std::string q = lower(query);
    auto distance = [](const std::string& a, const std::string& b) {
        std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
        for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
        for (size_t i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (size_t j = 1; j <= b.size(); ++j)
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            std::swap(prev, cur);
        }
        return prev[b.size()];
    };
    std::vector<std::pair<size_t, std::string>> scored;
    for (const std::string& name : names) {
        const std::string n = lower(name);
        size_t d = distance(q, n);
        if (!q.empty() && (n.find(q) != std::string::npos || q.find(n) != std::string::npos)) d = std::min<size_t>(d, 1);
        if (d <= std::max<size_t>(3, q.size() / 3)) scored.push_back({d, name});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const auto& s : scored) {
        if (out.size() >= limit) break;
        if (std::find(out.begin(), out.end(), s.second) == out.end()) out.push_back(s.second);
    }
    return out;
}

namespace {
std::string did_you_mean(const std::vector<std::string>& matches) {
    if (matches.empty()) return "";
    std::string s = "; close matches: ";
    for (size_t i = 0; i < matches.size(); ++i) s += (i ? ", " : "") + matches[i];
    return s;
}
}  // namespace

Result<ModelSpec> finetune_model_find(std::string_view name) {
    Result<ModelSpec> m = model_preset_find(name);
    if (m) return m;
    std::vector<std::string> names;
    for (const ModelPreset& p : model_presets()) names.push_back(p.spec.name);
    return make_error(ErrorKind::unknown_name, "--model: unknown model '" + std::string(name) + "'" +
                                                   did_you_mean(close_matches(name, names)) +
                                                   " (see `trainplan models`, or give --hf-config config.json)");
}

Result<GpuSpec> finetune_gpu_find(std::string_view name) {
    Result<GpuSpec> g = gpu_find(name);
    if (g) return g;
    std::vector<std::string> names;
    for (const GpuSpec& spec : gpu_catalog()) {
        names.push_back(spec.name);
        for (const std::string& a : spec.aliases) names.push_back(a);
    }
    return make_error(ErrorKind::unknown_name, "--gpu: unknown GPU '" + std::string(name) + "'" +
                                                   did_you_mean(close_matches(name, names)) + "; known: " + gpu_names());
}

}  // namespace tp
