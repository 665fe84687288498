// Readers for each ground-truth file (../shared/data/ground_truth/README.md says where each comes
// from), the comparison, the fit and the report. Assumptions a source does not state are written
// next to the reader and repeated in docs/accuracy.md.
#include "accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <sstream>

#include "csv.hpp"
#include "model_presets.hpp"
#include "text.hpp"

namespace tp {

const char* accuracy_role_name(AccuracyRole r) {
    switch (r) {
        case AccuracyRole::exact: return "exact";
        case AccuracyRole::calibration: return "calibration";
        case AccuracyRole::holdout: return "holdout";
    }
    return "?";
}

const std::vector<std::string>& accuracy_input_files() {
    static const std::vector<std::string> files = {
        "korthikanti2022_table2_activation_memory_per_layer.csv",
        "measured_gpu_memory_points.csv",
        "torchtitan_benchmarks_throughput_memory.csv",
        "megatron_lm_readme_h100_weak_scaling_2024.csv",
        "narayanan2021_table1_weak_scaling.csv",
        "korthikanti2022_table3_table5_end_to_end.csv",
        "nemo_24_07_performance_summary_h100_fp8.csv",
        "nemo_long_sequence_context_parallel.csv",
        "mosaicml_llm_foundry_mpt_fsdp_throughput.csv",
    };
    return files;
}

double median_abs(std::vector<double> errors) {
    if (errors.empty()) return 0;
    for (double& e : errors) e = std::fabs(e);
    std::sort(errors.begin(), errors.end());
    const size_t n = errors.size();
    return n % 2 ? errors[n / 2] : 0.5 * (errors[n / 2 - 1] + errors[n / 2]);
}

namespace {

// Parses a leading number ("8192 (config default)" -> 8192); false when there is none.
bool number(const std::string& text, double& out) {
    const char* begin = text.c_str();
    while (*begin == ' ' || *begin == '~') ++begin;
    char* end = nullptr;
    out = std::strtod(begin, &end);
    return end != begin && std::isfinite(out);
}
double num(const std::string& text, double fallback = 0) {
    double v = 0;
    return number(text, v) ? v : fallback;
}
bool contains(const std::string& text, const char* needle) { return text.find(needle) != std::string::npos; }

// GPT as Megatron benchmarks it: ffn = 4h, MHA, LayerNorm, GeLU, learned positions, dropout.
ModelSpec gpt_model(int layers, int hidden, int heads, int vocab, int seq) {
    ModelSpec m;
    m.name = "gpt-" + std::to_string(layers) + "x" + std::to_string(hidden);
    m.family = "gpt3";
    m.layers = layers, m.hidden = hidden, m.ffn = 4 * hidden, m.heads = heads, m.kv_heads = heads;
    m.head_dim = hidden / heads, m.vocab = vocab, m.max_seq = seq;
    model_use_classic_layout(m);
    return m;
}

// NeMo's Nemotron-3 8B/22B (NeMo 24.07 performance table): squared-ReLU MLP (2 matrices, like GeLU),
// untied embeddings, vocabulary 256,000, rotary positions (NeMo conf/llm/nemotron3_{8,22}b.yaml).
ModelSpec nemotron3(int layers, int hidden, int heads) {
    ModelSpec m;
    m.name = "nemotron3-" + std::to_string(hidden);
    m.family = "nemotron";
    m.layers = layers, m.hidden = hidden, m.ffn = 4 * hidden, m.heads = heads, m.kv_heads = heads;
    m.head_dim = hidden / heads, m.vocab = 256000, m.max_seq = 4096;
    m.mlp = MlpKind::gelu, m.norm = NormKind::layernorm;
    return m;
}

// MosaicML llm-foundry benchmark MPT models (scripts/train/benchmarking: d_model, n_layers, n_heads;
// expansion 4, vocab 50,368, no biases, learned positions as its num_params column shows).
bool mpt_model(const std::string& size, int seq, ModelSpec& m) {
    struct Mpt { const char* name; int hidden, layers, heads; };
    static const Mpt table[] = {{"125m", 768, 12, 12},   {"350m", 1024, 24, 16}, {"760m", 1536, 24, 12},
                                {"1b", 2048, 24, 16},    {"3b", 2560, 32, 20},   {"7b", 4096, 32, 32},
                                {"13b", 5120, 40, 40},   {"30b", 7168, 48, 64},  {"70b", 8192, 80, 64}};
    for (const Mpt& t : table) {
        if (size != t.name) continue;
        m = gpt_model(t.layers, t.hidden, t.heads, 50368, seq);
        m.name = std::string("mpt-") + t.name;
        m.attention_bias = m.mlp_bias = false;
        m.dropout = false;
        return true;
    }
    return false;
}

// PyTorch's peak "reserved" memory (torch.cuda.max_memory_reserved, what torchtitan logs) counts the
// caching allocator's segments, not the CUDA context and library workspaces outside it.
double allocator_reserved_gib(const MemoryBreakdown& mem) { return (mem.total - mem.cuda_context) / kGiB; }

struct Collector {
    AccuracyReport& report;
    const Calibration& k;
    std::string file;

    void skip(const std::string& label, AccuracyKind kind, const std::string& reason) {
        AccuracyRow r;
        r.file = file, r.label = label, r.kind = kind, r.used = false, r.reason = reason;
        report.rows.push_back(std::move(r));
    }
    void add(const std::string& label, AccuracyKind kind, AccuracyRole role, const std::string& metric, double published,
             double predicted) {
        AccuracyRow r;
        r.file = file, r.label = label, r.kind = kind, r.role = role, r.used = true, r.metric = metric;
        r.published = published, r.predicted = predicted;
        r.error = (predicted - published) / published;
        report.rows.push_back(std::move(r));
    }
    // Estimates a configuration; on a rule violation the row is listed as not used with the rule.
    bool run(const std::string& label, AccuracyKind kind, const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, Estimate& out) {
        Result<Estimate> e = estimate(m, gpu, c, k);
        if (!e) {
            skip(label, kind, e.error().message);
            return false;
        }
        out = *e;
        return true;
    }
};

GpuSpec gpu_or_die(const char* name) { return *gpu_find(name); }

std::string config_label(const std::string& model, const TrainConfig& c) {
    std::string s = model + " TP" + std::to_string(c.tp) + " PP" + std::to_string(c.pp);
    if (c.vp > 1) s += " VP" + std::to_string(c.vp);
    if (c.cp > 1) s += " CP" + std::to_string(c.cp);
    s += " MBS" + std::to_string(c.mbs) + " GBS" + std::to_string(c.gbs) + " s" + std::to_string(c.seq) + " " +
         std::to_string(c.gpus()) + " GPUs";
    return s;
}

// --- Memory -------------------------------------------------------------------------------------

// Table 2 formulas vs trainplan's general per-layer model on GPT layers (22B and 175B of Table 3,
// micro-batch 1, t = 8; the no-parallelism row at t = 1), flash attention off as in the paper.
void read_korthikanti_table2(const CsvTable& t, Collector& out) {
    struct Shape { const char* name; int hidden, heads; };
    const Shape shapes[] = {{"22B", 6144, 64}, {"175B", 12288, 96}};
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const std::string& cfg = t.field(r, "configuration");
        KorthikantiRow row;
        bool tp = true, sp = false;
        Recompute rc = Recompute::none;
        if (cfg == "no parallelism") row = KorthikantiRow::no_parallelism, tp = false;
        else if (cfg == "tensor parallel (baseline)") row = KorthikantiRow::tensor_parallel;
        else if (cfg == "tensor + sequence parallel") row = KorthikantiRow::tensor_sequence_parallel, sp = true;
        else if (cfg == "tensor parallel + selective activation recompute") row = KorthikantiRow::tensor_parallel_selective, rc = Recompute::selective;
        else if (cfg == "tensor + sequence parallel + selective activation recompute") row = KorthikantiRow::tensor_sequence_parallel_selective, sp = true, rc = Recompute::selective;
        else if (cfg == "full activation recompute") row = KorthikantiRow::full_recompute, tp = false, rc = Recompute::full;
        else { out.skip(cfg, AccuracyKind::memory, "configuration not recognised"); continue; }
        for (const Shape& s : shapes) {
            const ModelSpec m = gpt_model(48, s.hidden, s.heads, 51200, 2048);
            TrainConfig c;
            c.tp = tp ? 8 : 1, c.seq = 2048, c.mbs = 1, c.sequence_parallel = sp, c.flash_attention = false, c.recompute = rc;
            const double expected = korthikanti_table2_bytes(row, 2048, 1, s.hidden, s.heads, c.tp);
            const double got = activation_bytes_per_layer(m, c, false, rc == Recompute::full);
            out.add(cfg + " (" + s.name + ", t=" + std::to_string(c.tp) + ")", AccuracyKind::memory, AccuracyRole::exact,
                    "activation bytes per layer", expected, got);
        }
    }
}

void read_measured_memory(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const std::string id = t.field(r, "id"), label = id + " " + t.field(r, "model");
        if (id.rfind("zero", 0) == 0) {
            // ZeRO Fig. 1: model-state bytes per device for Psi = 7.5B, N_d = 64, K = 12 (GB = 1e9 bytes).
            const OptimizerSharding stage[] = {OptimizerSharding::none, OptimizerSharding::zero1, OptimizerSharding::zero2,
                                               OptimizerSharding::zero3};
            const int index = id[4] - '1';
            if (index < 0 || index > 3) continue;
            ModelSpec m = *model_preset_find("llama2-7b");
            TrainConfig c;
            c.nodes = 8, c.gbs = 64, c.sharding = stage[index];
            Estimate e;
            if (!out.run(label, AccuracyKind::memory, m, gpu_or_die("a100-80gb"), c, e)) continue;
            // Bytes per parameter from the estimate, times the paper's 7.5B parameters. ZeRO's baseline keeps
            // 2-byte gradients, so the "none" row uses stage-0 ZeRO accounting (2 + 2 + K).
            double per_param = (e.memory.weights + e.memory.gradients + e.memory.optimizer) / e.memory.params_per_gpu;
            if (index == 0) per_param = 2 + 2 + 12;
            out.add(label + " (" + t.field(r, "optimizer_sharding") + ")", AccuracyKind::memory, AccuracyRole::exact,
                    "model states per GPU, GB", num(t.field(r, "value")), per_param * 7.5e9 / 1e9);
        } else if (id == "mem17") {
            // Megatron's theoretical weight + optimizer memory for Llama 3 8B, DP = 8, distributed optimizer (MiB).
            ModelSpec m = *model_preset_find("llama3-8b");
            TrainConfig c;
            c.gbs = 128, c.mbs = 4, c.seq = 8192;
            Estimate e;
            if (!out.run(label, AccuracyKind::memory, m, gpu_or_die("h100-sxm"), c, e)) continue;
            out.add(label + " theoretical (DP8, distributed optimizer)", AccuracyKind::memory, AccuracyRole::exact,
                    "weights+grads+optimizer, MiB", 57438.81,
                    (e.memory.weights + e.memory.gradients + e.memory.optimizer) / (1024.0 * 1024.0));
        } else if (id == "mem10") {
            // torchtitan Llama 3 8B on 4 GPUs: FSDP 2 x CP 2, local batch 1, seq 8192, full AC (max reserved).
            ModelSpec m = *model_preset_find("llama3-8b");
            TrainConfig c;
            c.gpus_per_node = 4, c.cp = 2, c.mbs = 1, c.gbs = 2, c.seq = 8192, c.recompute = Recompute::full;
            c.sharding = OptimizerSharding::fsdp, c.framework = Framework::torchtitan;
            Estimate e;
            if (!out.run(label, AccuracyKind::memory, m, gpu_or_die("h100-sxm-96gb"), c, e)) continue;
            out.add(label + " FSDP2 CP2 full AC s8192", AccuracyKind::memory, AccuracyRole::holdout, "peak reserved, GiB",
                    num(t.field(r, "value")), allocator_reserved_gib(e.memory));
        } else if (id == "mem13" || id == "mem14") {
            out.skip(label, AccuracyKind::memory, "same measurement as a torchtitan_benchmarks_throughput_memory.csv row (counted there)");
        } else {
            std::string missing;
            if (t.field(r, "seq_len").empty()) missing += ", sequence length";
            if (t.field(r, "micro_batch").empty()) missing += ", micro-batch";
            if (contains(t.field(r, "activation_recompute"), "unknown") || t.field(r, "activation_recompute").empty()) missing += ", recomputation";
            std::string reason = missing.empty() ? "configuration not stated in full" : "not stated: " + missing.substr(2);
            if (id == "mem01" || id == "mem02") reason = "a single stage of start-up (context / weights only), not a training step";
            if (id == "mem03") reason = "fp32 training on a V100 (no V100 in the catalog; trainplan models bf16/fp8 mixed precision)";
            if (id == "mem11") reason = "Qwen3-30B-A3B has no preset yet, and the GPU and data-parallel size are not stated";
            if (id == "mem15" || id == "mem16") reason = "fit/no-fit report without the full configuration";
            out.skip(label, AccuracyKind::memory, reason);
        }
    }
}

// torchtitan: peak memory (max reserved over GPUs) and TPS per GPU, Llama 3.1 on H100 96GB.
void read_torchtitan(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const std::string model = t.field(r, "model"), tech = t.field(r, "techniques");
        const std::string preset = contains(model, "405B") ? "llama3.1-405b" : contains(model, "70B") ? "llama3.1-70b" : "llama3.1-8b";
        const std::string gpu_name = contains(t.field(r, "gpu"), "H200") ? "h200" : contains(t.field(r, "gpu"), "A100") ? "a100-80gb" : "h100-sxm-96gb";
        TrainConfig c;
        const int gpus = int(num(t.field(r, "num_gpus")));
        c.gpus_per_node = std::min(8, gpus), c.nodes = gpus / c.gpus_per_node;
        c.tp = int(num(t.field(r, "tp"), 1)), c.pp = int(num(t.field(r, "pp"), 1)), c.cp = int(num(t.field(r, "cp"), 1));
        c.seq = int(num(t.field(r, "seq_len")));
        const int dp = int(num(t.field(r, "fsdp"), 1));
        const int local = int(num(t.field(r, "local_batch_size"), 1));
        c.gbs = local * dp;
        // torchtitan's pipeline splits the local batch into micro-batches of 1 (its default).
        c.mbs = c.pp > 1 ? 1 : local;
        if (contains(t.field(r, "pp_schedule"), "Interleaved")) c.vp = 2;  // two stages per rank (torchtitan default)
        const std::string ac = t.field(r, "activation_checkpointing");
        c.recompute = contains(ac, "full") ? Recompute::full : contains(ac, "none") ? Recompute::none : Recompute::selective;
        c.precision = contains(tech, "Float8") || contains(tech, "float8") ? Precision::fp8 : Precision::bf16;
        c.sharding = OptimizerSharding::fsdp, c.framework = Framework::torchtitan;
        c.sequence_parallel = true;
        c.async_tp = contains(tech, "AsyncTP") || contains(tech, "Async TP") || contains(tech, "async TP");
        // torchtitan compiles the loss along with the model since early 2025 (components/loss.py); the
        // 2024-12 benchmarks compiled the transformer blocks only.
        c.compiled_loss = contains(t.field(r, "source_doc"), "2025") && contains(tech, "compile");
        const std::string label = model + " " + tech + " " + config_label("", c);
        ModelSpec m = *model_preset_find(preset);
        if (contains(model, "Llama 2 13B")) m = *model_preset_find("llama2-13b");
        else if (contains(model, "Llama 2 70B")) m = *model_preset_find("llama2-70b");
        else if (contains(model, "Llama 3 70B")) m = *model_preset_find("llama3-70b");
        else if (contains(model, "Llama 3 8B")) m = *model_preset_find("llama3-8b");
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die(gpu_name.c_str()), c, e)) continue;
        const double mem = num(t.field(r, "peak_memory_gib"), -1);
        if (mem > 0) {
            // Calibration for the memory constants: table 1 (Llama 3.1 8B, FSDP on 8 GPUs).
            const AccuracyRole role = t.field(r, "table") == "1" ? AccuracyRole::calibration : AccuracyRole::holdout;
            out.add(label, AccuracyKind::memory, role, "peak reserved, GiB", mem, allocator_reserved_gib(e.memory));
        }
        const double tps = num(t.field(r, "tps_per_gpu"), -1);
        if (tps > 0) out.add(label, AccuracyKind::throughput, AccuracyRole::holdout, "tokens/s/GPU", tps, e.tokens_per_s_per_gpu);
    }
}

// --- Throughput ---------------------------------------------------------------------------------

// Megatron-LM README (2024): GPT, H100, vocab 131072, seq 4096, DP 48, BF16, Megatron-Core 0.8.
// Not stated, assumed: micro-batch 1, no interleaving, distributed optimizer, flash attention with SP.
// Published TFLOP/s use Megatron's 72 B s L h^2 (1 + s/6h + V/12hL) formula (= trainplan's FLOPs for
// this GPT), so tokens/s/GPU = TFLOP/s / FLOPs per token.
void read_megatron_h100(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const ModelSpec m = gpt_model(int(num(t.field(r, "num_layers"))), int(num(t.field(r, "hidden_size"))),
                                      int(num(t.field(r, "attention_heads"))), 131072, 4096);
        TrainConfig c;
        c.tp = int(num(t.field(r, "tp"))), c.pp = int(num(t.field(r, "pp")));
        c.nodes = int(num(t.field(r, "num_gpus"))) / 8, c.seq = 4096, c.mbs = 1, c.gbs = int(num(t.field(r, "global_batch_size")));
        const std::string label = t.field(r, "model_size") + " GPT " + config_label("", c);
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die("h100-sxm"), c, e)) continue;
        const double published = num(t.field(r, "per_gpu_tflops")) * 1e12 / model_training_flops_per_token(m, c.seq);
        out.add(label, AccuracyKind::throughput, AccuracyRole::calibration, "tokens/s/GPU", published, e.tokens_per_s_per_gpu);
    }
}

// Narayanan et al. 2021 Table 1: GPT on A100 80GB, seq 2048, V 51200, fp16, full recomputation (Eq. 3
// counts it), no sequence parallelism, no flash attention (2021). Not stated, assumed: micro-batch 1,
// no interleaving. Published TFLOP/s use Eq. 3: 96 B s l h^2 (1 + s/6h + V/16lh) per iteration.
void read_narayanan(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const double L = num(t.field(r, "num_layers")), h = num(t.field(r, "hidden_size")), s = 2048, V = 51200;
        const ModelSpec m = gpt_model(int(L), int(h), int(num(t.field(r, "attention_heads"))), int(V), int(s));
        TrainConfig c;
        c.tp = int(num(t.field(r, "tp"))), c.pp = int(num(t.field(r, "pp")));
        c.nodes = int(num(t.field(r, "num_gpus"))) / 8, c.seq = 2048, c.mbs = 1, c.gbs = int(num(t.field(r, "global_batch_size")));
        c.recompute = Recompute::full, c.sequence_parallel = false, c.flash_attention = false;
        c.sharding = OptimizerSharding::none;
        const std::string label = t.field(r, "params_billion") + "B GPT " + config_label("", c);
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die("a100-80gb"), c, e)) continue;
        const double flops_per_token = 96.0 * L * h * h * (1 + s / (6 * h) + V / (16 * L * h));
        const double published = num(t.field(r, "achieved_tflops_per_gpu")) * 1e12 / flops_per_token;
        out.add(label, AccuracyKind::throughput, AccuracyRole::calibration, "tokens/s/GPU", published, e.tokens_per_s_per_gpu);
    }
}

// Korthikanti et al. 2022 Tables 3/5: iteration time of the "present work" (sequence parallel +
// selective recompute) on A100 80GB, DP 1; 175B and 530B interleaved with 3 stages per GPU.
void read_korthikanti_end_to_end(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const ModelSpec m = gpt_model(int(num(t.field(r, "num_layers"))), int(num(t.field(r, "hidden_size"))),
                                      int(num(t.field(r, "attention_heads"))), int(num(t.field(r, "vocab"))), 2048);
        TrainConfig c;
        c.tp = int(num(t.field(r, "tp"))), c.pp = int(num(t.field(r, "pp")));
        const int gpus = int(num(t.field(r, "num_gpus")));
        c.gpus_per_node = std::min(8, gpus), c.nodes = gpus / c.gpus_per_node;
        c.seq = 2048, c.mbs = int(num(t.field(r, "micro_batch_size"))), c.gbs = int(num(t.field(r, "global_batch_size")));
        const std::string model = t.field(r, "model");
        if (contains(model, "175B") || contains(model, "530B")) c.vp = 3;
        c.flash_attention = false, c.sharding = OptimizerSharding::none;
        const std::string label = model + config_label("", c);
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die("a100-80gb"), c, e)) continue;
        const double published_time = num(t.field(r, "iteration_time_present_work_s"));
        const double tokens = double(c.gbs) * c.seq / gpus;
        out.add(label, AccuracyKind::throughput, AccuracyRole::holdout, "tokens/s/GPU", tokens / published_time, e.tokens_per_s_per_gpu);
    }
}

// NeMo 24.07 performance summary (final revision only: the earlier two are the same runs), pretraining
// rows, DGX H100, FP8. Assumed: selective recompute (NeMo recipes' default), distributed optimizer.
}  // namespace

Result<ModelSpec> nemo_2407_model(const std::string& model) {
    const char* preset = model == "GPT3-5B" ? "gpt3-5b" : model == "GPT3-20B" ? "gpt3-20b" : model == "GPT3-175B" ? "gpt3-175b"
                       : model == "LLAMA2-7B" ? "llama2-7b" : model == "LLAMA2-13B" ? "llama2-13b" : model == "LLAMA2-70B" ? "llama2-70b"
                       : model == "LLAMA3-8B" ? "llama3-8b" : model == "LLAMA3-70B" ? "llama3-70b" : model == "Nemotron-340B" ? "nemotron4-340b"
                       : nullptr;
    if (preset) return *model_preset_find(preset);
    if (model == "Nemotron-8B") return nemotron3(32, 4096, 32);
    if (model == "Nemotron-22B") return nemotron3(40, 6144, 48);
    return make_error(ErrorKind::not_found, "no architecture for the model name '" + model + "'");
}

TrainConfig nemo_2407_config(const CsvTable& t, size_t r) {
    TrainConfig c;
    c.nodes = int(num(t.field(r, "num_gpus"))) / 8;
    c.tp = int(num(t.field(r, "tp"))), c.pp = int(num(t.field(r, "pp"))), c.cp = int(num(t.field(r, "cp"), 1));
    c.vp = int(num(t.field(r, "vp"), 1)), c.mbs = int(num(t.field(r, "mbs"))), c.gbs = int(num(t.field(r, "gbs")));
    c.seq = int(num(t.field(r, "seq_len"))), c.precision = Precision::fp8;
    // NVIDIA's H100 FP8 performance configurations reduce gradients in bf16: the NeMo-Framework-Launcher
    // examples pass +training.model.optim.grad_sync_dtype=bf16 (gpt/h100/20b_fp8_8node.sh, 175b_fp8_16node.sh,
    // llama3_8b_fp8.sh; nemotron_340b.yaml sets it), which NeMo maps to grad_reduce_in_fp32 = false.
    c.grad_reduce_in_fp32 = false;
    return c;
}

namespace {

void read_nemo_2407(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        if (!contains(t.field(r, "doc_version"), "final")) continue;
        const std::string task = t.field(r, "task"), model = t.field(r, "model");
        if (task != "pretrain") {
            out.skip(model + " " + task, AccuracyKind::throughput, "fine-tuning on packed SQuAD (variable sequence lengths, LoRA) is the fine-tuning issue's model");
            continue;
        }
        Result<ModelSpec> spec = nemo_2407_model(model);
        if (!spec) { out.skip(model, AccuracyKind::throughput, spec.error().message); continue; }
        ModelSpec m = *spec;
        const TrainConfig c = nemo_2407_config(t, r);
        m.max_seq = std::max(m.max_seq, c.seq);
        const std::string label = model + config_label("", c);
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die("h100-sxm"), c, e)) continue;
        // FP8 GEMM efficiency is calibrated on the GPT-3 rows; the Llama and Nemotron rows are held out.
        const AccuracyRole role = contains(model, "GPT3") ? AccuracyRole::calibration : AccuracyRole::holdout;
        out.add(label, AccuracyKind::throughput, role, "tokens/s/GPU", num(t.field(r, "tokens_per_sec_per_gpu")), e.tokens_per_s_per_gpu);
    }
}

// NeMo long-sequence tables: TFLOP/s/GPU with context parallelism, FP8, micro-batch 1. Converted to
// tokens/s/GPU with trainplan's FLOPs per token, which equal the DGXC/NeMo Llama formula
// (nvidia_dgxc_model_flops_per_sequence.csv). Assumed: full recompute from 128K tokens on (NeMo's
// long-context recipes), selective below.
void read_nemo_cp(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const std::string model = t.field(r, "model"), system = t.field(r, "system");
        ModelSpec m = *model_preset_find(contains(model, "LLAMA3") ? "llama3-8b" : "llama2-7b");
        TrainConfig c;
        c.tp = int(num(t.field(r, "tp"))), c.pp = int(num(t.field(r, "pp"))), c.cp = int(num(t.field(r, "cp")));
        const int dp = int(num(t.field(r, "dp")));
        const int gpus = c.tp * c.pp * c.cp * dp;
        c.gpus_per_node = std::min(8, gpus), c.nodes = gpus / c.gpus_per_node;
        c.seq = int(num(t.field(r, "seq_len_k"))) * 1024, c.mbs = 1, c.gbs = int(num(t.field(r, "global_batch_size")));
        c.precision = Precision::fp8;
        c.recompute = c.seq >= 128 * 1024 ? Recompute::full : Recompute::selective;
        m.max_seq = c.seq;
        const std::string gpu = contains(system, "B200") ? "b200" : "h100-sxm";
        const std::string label = model + " " + system + config_label("", c);
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die(gpu.c_str()), c, e)) continue;
        const double published = num(t.field(r, "tflops_per_gpu_with_cp")) * 1e12 / model_training_flops_per_token(m, c.seq);
        out.add(label, AccuracyKind::throughput, AccuracyRole::holdout, "tokens/s/GPU", published, e.tokens_per_s_per_gpu);
    }
}

// MosaicML llm-foundry MPT benchmarks: FSDP (FULL_SHARD / SHARD_GRAD_OP), flash attention, activation
// checkpointing = full recompute; tokens/s/GPU as published.
void read_mosaic(const CsvTable& t, Collector& out) {
    for (size_t r = 0; r < t.rows.size(); ++r) {
        const int seq = int(num(t.field(r, "seq_len")));
        ModelSpec m;
        if (!mpt_model(t.field(r, "model"), seq, m)) { out.skip(t.field(r, "model"), AccuracyKind::throughput, "unknown MPT size"); continue; }
        TrainConfig c;
        const int gpus = int(num(t.field(r, "num_gpus")));
        c.gpus_per_node = std::min(8, gpus), c.nodes = gpus / c.gpus_per_node;
        c.seq = seq, c.mbs = int(num(t.field(r, "micro_batch_size"))), c.gbs = int(num(t.field(r, "global_batch_size")));
        c.recompute = t.field(r, "activation_checkpointing") == "True" ? Recompute::full : Recompute::none;
        c.precision = contains(t.field(r, "precision"), "fp8") ? Precision::fp8 : Precision::bf16;
        c.sharding = t.field(r, "sharding_strategy") == "SHARD_GRAD_OP" ? OptimizerSharding::zero2 : OptimizerSharding::fsdp;
        const std::string g = t.field(r, "gpu");
        const std::string gpu = g == "h100_80gb" ? "h100-sxm" : g == "a100_40gb" ? "a100-40gb" : "a100-80gb";
        const std::string label = m.name + " " + g + " " + t.field(r, "precision") + config_label("", c) +
                                  (c.recompute == Recompute::full ? " AC" : "");
        if (t.field(r, "activation_cpu_offload") == "True") { out.skip(label, AccuracyKind::throughput, "activation CPU offload is not modelled"); continue; }
        Estimate e;
        if (!out.run(label, AccuracyKind::throughput, m, gpu_or_die(gpu.c_str()), c, e)) continue;
        // Calibration: the "H100 80GB BF16" section (up to 64 GPUs); A100, FP8 and >= 128-GPU sections are held out.
        const AccuracyRole role = t.field(r, "section") == "H100 80GB BF16" ? AccuracyRole::calibration : AccuracyRole::holdout;
        out.add(label, AccuracyKind::throughput, role, "tokens/s/GPU", num(t.field(r, "throughput_tokens_per_s_per_gpu")),
                e.tokens_per_s_per_gpu);
    }
}

using Reader = void (*)(const CsvTable&, Collector&);
struct FileReader { const char* file; Reader read; };
const FileReader kReaders[] = {
    {"korthikanti2022_table2_activation_memory_per_layer.csv", read_korthikanti_table2},
    {"measured_gpu_memory_points.csv", read_measured_memory},
    {"torchtitan_benchmarks_throughput_memory.csv", read_torchtitan},
    {"megatron_lm_readme_h100_weak_scaling_2024.csv", read_megatron_h100},
    {"narayanan2021_table1_weak_scaling.csv", read_narayanan},
    {"korthikanti2022_table3_table5_end_to_end.csv", read_korthikanti_end_to_end},
    {"nemo_24_07_performance_summary_h100_fp8.csv", read_nemo_2407},
    {"nemo_long_sequence_context_parallel.csv", read_nemo_cp},
    {"mosaicml_llm_foundry_mpt_fsdp_throughput.csv", read_mosaic},
};

}  // namespace

Result<AccuracyReport> accuracy_run(const std::map<std::string, std::string>& files, const Calibration& k) {
    AccuracyReport report;
    for (const FileReader& fr : kReaders) {
        auto it = files.find(fr.file);
        if (it == files.end()) return make_error(ErrorKind::not_found, std::string(fr.file) + ": ground-truth file missing");
        Result<CsvTable> table = csv_parse(it->second, fr.file);
        if (!table) return table.error();
        Collector out{report, k, fr.file};
        fr.read(*table, out);
    }
    std::vector<double> mem, thr, mem_hold, thr_hold;
    for (const AccuracyRow& r : report.rows) {
        if (!r.used) continue;
        if (r.role == AccuracyRole::exact) {
            report.exact_worst = std::max(report.exact_worst, std::fabs(r.error));
            continue;
        }
        (r.kind == AccuracyKind::memory ? mem : thr).push_back(r.error);
        if (r.role == AccuracyRole::holdout) (r.kind == AccuracyKind::memory ? mem_hold : thr_hold).push_back(r.error);
    }
    report.memory_rows = int(mem.size()), report.throughput_rows = int(thr.size());
    report.memory_median = median_abs(mem), report.throughput_median = median_abs(thr);
    report.memory_holdout_median = median_abs(mem_hold), report.throughput_holdout_median = median_abs(thr_hold);
    for (const FileReader& fr : kReaders) {
        for (AccuracyKind kind : {AccuracyKind::memory, AccuracyKind::throughput}) {
            AccuracyFileSummary s;
            s.file = fr.file, s.kind = kind;
            std::vector<double> errors;
            for (const AccuracyRow& r : report.rows) {
                if (r.file != fr.file || r.kind != kind) continue;
                if (!r.used) { ++s.not_used; continue; }
                ++s.used;
                errors.push_back(r.error);
                s.worst_abs_error = std::max(s.worst_abs_error, std::fabs(r.error));
            }
            if (s.used == 0 && s.not_used == 0) continue;
            s.median_abs_error = median_abs(errors);
            report.files.push_back(s);
        }
    }
    return report;
}

Result<Calibration> accuracy_fit(const std::map<std::string, std::string>& files, const Calibration& start) {
    // Mean |log(predicted/published)| over calibration rows of one kind, each file weighted equally
    // (so MosaicML's 52 calibration rows do not outvote Megatron's 19).
    auto loss = [&](const Calibration& k, AccuracyKind kind) -> double {
        Result<AccuracyReport> r = accuracy_run(files, k);
        if (!r) return 1e9;
        std::map<std::string, std::pair<double, int>> per_file;
        for (const AccuracyRow& row : r->rows) {
            if (!row.used || row.role != AccuracyRole::calibration || row.kind != kind) continue;
            auto& [sum, n] = per_file[row.file];
            sum += std::fabs(std::log(row.predicted / row.published));
            ++n;
        }
        double total = 0;
        for (const auto& [file, acc] : per_file) total += acc.first / acc.second;
        return per_file.empty() ? 0 : total / double(per_file.size());
    };
    {
        Result<AccuracyReport> first = accuracy_run(files, start);
        if (!first) return first.error();
    }
    Calibration k = start;
    struct Knob { double Calibration::*field; AccuracyKind kind; double lo, hi; };
    const Knob knobs[] = {
        {&Calibration::gemm_efficiency_bf16, AccuracyKind::throughput, 0.3, 0.95},
        {&Calibration::gemm_efficiency_fp8, AccuracyKind::throughput, 0.2, 0.95},
        {&Calibration::gemm_width_half, AccuracyKind::throughput, 0, 2000},
        {&Calibration::elementwise_passes, AccuracyKind::throughput, 0, 80},
        {&Calibration::tp_comm_exposed, AccuracyKind::throughput, 0, 1},
        {&Calibration::cuda_context_gib, AccuracyKind::memory, 0.5, 6},
        {&Calibration::allocator_fraction, AccuracyKind::memory, 0, 0.4},
    };
    // Coordinate search with shrinking multiplicative steps, each constant kept in a physical range.
    for (double step : {0.3, 0.15, 0.07, 0.03, 0.01}) {
        for (int pass = 0; pass < 3; ++pass) {
            for (const Knob& knob : knobs) {
                double best = loss(k, knob.kind);
                for (double dir : {1.0 + step, 1.0 / (1.0 + step)}) {
                    Calibration trial = k;
                    double& v = trial.*knob.field;
                    v = std::clamp(v == 0 ? step : v * dir, knob.lo, knob.hi);
                    const double l = loss(trial, knob.kind);
                    if (l < best - 1e-9) best = l, k = trial;
                }
            }
        }
    }
    return k;
}

namespace {
std::string pct(double e) { return format_fixed(100.0 * e, 1) + "%"; }
std::string signed_pct(double e) { return (e >= 0 ? "+" : "") + format_fixed(100.0 * e, 1) + "%"; }
std::string value(double v) { return v >= 100 ? format_fixed(v, 0) : format_fixed(v, v >= 10 ? 1 : 2); }
}  // namespace

std::vector<CalibrationField> calibration_fields(const Calibration& k) {
    return {{"gemm_efficiency_bf16", format_fixed(k.gemm_efficiency_bf16, 3)},
            {"gemm_efficiency_fp8", format_fixed(k.gemm_efficiency_fp8, 3)},
            {"gemm_width_half", format_fixed(k.gemm_width_half, 0)},
            {"attention_efficiency", format_fixed(k.attention_efficiency, 3)},
            {"elementwise_passes", format_fixed(k.elementwise_passes, 1)},
            {"tp_comm_exposed", format_fixed(k.tp_comm_exposed, 3)},
            {"collective_efficiency", format_fixed(k.collective_efficiency, 3)},
            {"cuda_context_gib", format_fixed(k.cuda_context_gib, 2)},
            {"allocator_fraction", format_fixed(k.allocator_fraction, 3)}};
}

std::string accuracy_text(const AccuracyReport& r) {
    std::ostringstream o;
    char line[256];
    std::snprintf(line, sizeof line, "%-56s %-10s %5s %5s %8s %8s\n", "file", "kind", "used", "not", "median", "worst");
    o << line;
    for (const AccuracyFileSummary& s : r.files) {
        std::snprintf(line, sizeof line, "%-56s %-10s %5d %5d %8s %8s\n", s.file.c_str(),
                      s.kind == AccuracyKind::memory ? "memory" : "throughput", s.used, s.not_used,
                      s.used ? pct(s.median_abs_error).c_str() : "-", s.used ? pct(s.worst_abs_error).c_str() : "-");
        o << line;
    }
    o << "exact formulas: worst |error| " << pct(r.exact_worst) << "\n";
    o << "memory:     median |error| " << pct(r.memory_median) << " over " << r.memory_rows << " measured rows (held out: "
      << pct(r.memory_holdout_median) << ")\n";
    o << "throughput: median |error| " << pct(r.throughput_median) << " over " << r.throughput_rows << " rows (held out: "
      << pct(r.throughput_holdout_median) << ")\n";
    return o.str();
}

std::string accuracy_markdown(const AccuracyReport& r, const Calibration& k) {
    std::ostringstream o;
    o << "# Accuracy of trainplan's estimators against published measurements\n\n"
      << "Generated by `trainplan accuracy --markdown` from ../shared/data/ground_truth (do not edit by hand;\n"
      << "`scripts/accuracy.sh` regenerates it). Error = (predicted - published) / published.\n"
      << "Roles: *exact* rows check a published formula and must match; *calibration* rows are the ones\n"
      << "`trainplan accuracy --fit` tunes the constants on; all other rows are *holdout*.\n\n"
      << "## Summary\n\n"
      << "| | rows | median \\|error\\| | held-out median | target |\n|---|---:|---:|---:|---:|\n"
      << "| memory (measured) | " << r.memory_rows << " | " << pct(r.memory_median) << " | " << pct(r.memory_holdout_median) << " | 10% |\n"
      << "| throughput | " << r.throughput_rows << " | " << pct(r.throughput_median) << " | " << pct(r.throughput_holdout_median) << " | 10% |\n"
      << "| exact formulas (worst) | | " << pct(r.exact_worst) << " | | 0% |\n\n"
      << "## Per file\n\n| file | kind | used | not used | median \\|error\\| | worst \\|error\\| |\n|---|---|---:|---:|---:|---:|\n";
    for (const AccuracyFileSummary& s : r.files) {
        o << "| " << s.file << " | " << (s.kind == AccuracyKind::memory ? "memory" : "throughput") << " | " << s.used << " | "
          << s.not_used << " | " << (s.used ? pct(s.median_abs_error) : "-") << " | " << (s.used ? pct(s.worst_abs_error) : "-") << " |\n";
    }
    o << "\n## Calibration constants in use\n\n| constant | value |\n|---|---:|\n";
    for (const CalibrationField& f : calibration_fields(k)) o << "| " << f.name << " | " << f.value << " |\n";
    std::string current;
    for (const AccuracyRow& row : r.rows) {
        if (row.file != current) {
            current = row.file;
            o << "\n## " << current << "\n\n| row | role | metric | published | predicted | error |\n|---|---|---|---:|---:|---:|\n";
        }
        if (row.used) {
            o << "| " << row.label << " | " << accuracy_role_name(row.role) << " | " << row.metric << " | " << value(row.published)
              << " | " << value(row.predicted) << " | " << signed_pct(row.error) << " |\n";
        } else {
            o << "| " << row.label << " | not used | " << row.reason << " | | | |\n";
        }
    }
    return o.str();
}

}  // namespace tp
