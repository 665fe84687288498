#include "cli_common.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "hf_config.hpp"
#include "model_presets.hpp"

namespace tp::cli {

void add_model_flags(CLI::App& app, ModelFlags& f) {
    app.add_option("--model", f.preset, "Model preset, e.g. llama3-70b, gpt3-5b, mixtral-8x7b (see `trainplan models`)");
    app.add_option("--hf-config", f.hf_config, "Hugging Face config.json of the model");
    app.add_option("--layers", f.layers, "Explicit model: transformer layers");
    app.add_option("--hidden", f.hidden, "Explicit model: hidden size");
    app.add_option("--ffn", f.ffn, "Explicit model: FFN hidden size (SwiGLU width for gated MLPs)");
    app.add_option("--heads", f.heads, "Explicit model: attention heads");
    app.add_option("--kv-heads", f.kv_heads, "Explicit model: key/value heads (default: --heads)");
    app.add_option("--vocab", f.vocab, "Explicit model: vocabulary size");
    app.add_option("--experts", f.experts, "Explicit model: routed experts (MoE)");
    app.add_option("--topk", f.topk, "Explicit model: experts per token (MoE)");
}

Result<std::optional<ModelSpec>> resolve_model(const ModelFlags& f) {
    const int sources = int(!f.preset.empty()) + int(!f.hf_config.empty()) + int(f.layers > 0 || f.hidden > 0);
    if (sources > 1) return make_error(ErrorKind::invalid_argument, "give one of --model, --hf-config or explicit --layers/--hidden/...");
    if (!f.preset.empty()) {
        Result<ModelSpec> m = model_preset_find(f.preset);
        if (!m) return m.error();
        return std::optional<ModelSpec>(m.value());
    }
    if (!f.hf_config.empty()) {
        Result<std::string> text = read_text_file(f.hf_config);
        if (!text) return text.error();
        Result<ModelSpec> m = hf_config_parse(*text, f.hf_config);
        if (!m) return m.error();
        return std::optional<ModelSpec>(m.value());
    }
    if (sources == 0) return std::optional<ModelSpec>();
    ModelSpec m;
    m.name = "custom";
    m.family = f.family;
    m.layers = f.layers;
    m.hidden = f.hidden;
    m.ffn = f.ffn;
    m.heads = f.heads;
    m.kv_heads = f.kv_heads > 0 ? f.kv_heads : f.heads;
    m.head_dim = f.heads > 0 ? f.hidden / f.heads : 0;
    m.vocab = f.vocab;
    m.max_seq = 4096;
    m.source = "explicit flags (Llama-style: rotary, SwiGLU, RMSNorm, untied)";
    if (f.experts > 0) {
        m.moe.experts = f.experts;
        m.moe.top_k = f.topk;
        m.moe.expert_ffn = f.ffn;
    }
    if (std::string e = model_validate(m); !e.empty()) {
        // Map spec field names to the flags the user typed.
        return make_error(ErrorKind::invalid_argument, "explicit model: " + e + " (flags --layers --hidden --ffn --heads --kv-heads --vocab --experts --topk)");
    }
    return std::optional<ModelSpec>(m);
}

void add_cluster_flags(CLI::App& app, ClusterFlags& f) {
    std::string names;
    for (const GpuSpec& g : gpu_catalog()) names += (names.empty() ? "" : ", ") + g.name;
    app.add_option("--gpu", f.gpu, "GPU type: " + names + " (or a vendor string such as NVIDIA-A100-SXM4-80GB)")
        ->capture_default_str();
    app.add_option("--nodes", f.nodes, "Nodes")->capture_default_str();
    app.add_option("--gpus-per-node", f.gpus_per_node, "GPUs per node")->capture_default_str();
    app.add_option("--seq", f.seq, "Sequence length (tokens)")->capture_default_str();
    app.add_option("--precision", f.precision, "bf16 or fp8")->capture_default_str();
    app.add_option("--framework", f.framework,
                   "megatron (Megatron-Core/NeMo) or torchtitan (PyTorch FSDP2/DTensor): selective recompute, loss and TP overlap differ")
        ->capture_default_str();
    app.add_flag("--compiled-loss", f.compiled_loss, "torchtitan: the loss is compiled by torch.compile (no fp32 copy of the logits)");
    app.add_flag("--async-tp", f.async_tp, "torchtitan: async TP overlaps tensor-parallel collectives with GEMMs");
    app.add_option("--memory-margin", f.margin, "Fraction of GPU memory kept free when judging fits")->capture_default_str();
}

Result<Cluster> resolve_cluster(const ClusterFlags& f) {
    Result<GpuSpec> gpu = gpu_find(f.gpu);
    if (!gpu) return gpu.error();
    Result<Precision> precision = precision_parse(f.precision);
    if (!precision) return precision.error();
    Result<Framework> framework = framework_parse(f.framework);
    if (!framework) return framework.error();
    Cluster out{*gpu, TrainConfig{}};
    TrainConfig& c = out.base;
    c.nodes = f.nodes, c.gpus_per_node = f.gpus_per_node, c.seq = f.seq, c.precision = *precision;
    c.framework = *framework, c.compiled_loss = f.compiled_loss, c.async_tp = f.async_tp, c.memory_margin = f.margin;
    return out;
}

Result<ModelSpec> require_model(const ModelFlags& f) {
    Result<std::optional<ModelSpec>> model = resolve_model(f);
    if (!model) return model.error();
    if (!model.value())
        return make_error(ErrorKind::invalid_argument, "give a model: --model NAME, --hf-config FILE or --layers/--hidden/--ffn/--heads/--vocab");
    return *model.value();
}

namespace {
// "auto" (or nothing) -> empty list = search_auto_space decides; otherwise positive integers.
Result<std::vector<int>> int_list(const char* flag, const std::vector<std::string>& items) {
    std::vector<int> out;
    for (const std::string& item : items) {
        if (item == "auto" && items.size() == 1) return out;
        char* end = nullptr;
        const long v = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v <= 0 || v > 1000000)
            return make_error(ErrorKind::invalid_argument,
                              std::string(flag) + ": '" + item + "' is not a positive integer (give a list such as 1,2,4 or auto)");
        out.push_back(int(v));
    }
    return out;
}
constexpr const char* kSpaceFlags[] = {"--tp", "--pp", "--vp", "--cp", "--ep", "--mbs", "--gbs", "--recompute", "--optimizer-sharding", "--tp-across-nodes"};
}  // namespace

void add_space_flags(CLI::App& app, SpaceFlags& f) {
    auto list = [&](const char* name, std::vector<std::string>& v, const std::string& help) {
        app.add_option(name, v, help + " (comma-separated list, or auto)")->delimiter(',');
    };
    list("--tp", f.tp, "Tensor parallel sizes; auto: powers of two within a node");
    list("--pp", f.pp, "Pipeline parallel sizes; auto: divisors of the layer count");
    list("--vp", f.vp, "Virtual pipeline stages per GPU; auto: 1 and every divisor of the layers per stage");
    list("--cp", f.cp, "Context parallel sizes; auto: 1, 2, 4, ... while seq/CP >= 2048");
    list("--ep", f.ep, "Expert parallel sizes; auto: divisors of the expert count (MoE), else 1");
    list("--mbs", f.mbs, "Micro-batch sizes; auto: 1,2,4,8");
    list("--gbs", f.gbs, "Global batch sizes in sequences; auto: the power of two nearest 4M tokens");
    app.add_option("--recompute", f.recompute, "Recomputation: none, selective, full, full:N (N layers per stage); auto: none,selective,full")
        ->delimiter(',');
    app.add_option("--optimizer-sharding", f.sharding, "none, distributed, zero1, zero2, zero3, fsdp; default distributed")->delimiter(',');
    app.add_flag("--tp-across-nodes", f.tp_across_nodes, "Allow TP groups larger than a node");
}

Result<SearchSpace> resolve_space(const SpaceFlags& f) {
    SearchSpace space;
    struct Named { const char* flag; const std::vector<std::string>* items; std::vector<int>* out; };
    for (const Named& n : {Named{"--tp", &f.tp, &space.tp}, {"--pp", &f.pp, &space.pp}, {"--vp", &f.vp, &space.vp},
                           {"--cp", &f.cp, &space.cp}, {"--ep", &f.ep, &space.ep}, {"--mbs", &f.mbs, &space.mbs},
                           {"--gbs", &f.gbs, &space.gbs}}) {
        Result<std::vector<int>> v = int_list(n.flag, *n.items);
        if (!v) return v.error();
        *n.out = *v;
    }
    for (const std::string& r : f.recompute) {
        if (r == "auto" && f.recompute.size() == 1) break;
        Result<RecomputeChoice> choice = recompute_choice_parse(r);
        if (!choice) return choice.error();
        space.recompute.push_back(*choice);
    }
    for (const std::string& s : f.sharding) {
        Result<OptimizerSharding> sharding = sharding_parse(s);
        if (!sharding) return sharding.error();
        space.sharding.push_back(*sharding);
    }
    space.tp_across_nodes = f.tp_across_nodes;
    return space;
}

bool space_flags_given(const CLI::App& app) {
    for (const char* flag : kSpaceFlags)
        if (app.count(flag)) return true;
    return false;
}

Result<Session> read_session(const std::string& path, const CLI::App& app, std::initializer_list<const char*> replaced) {
    for (const char* flag : replaced)
        if (app.count(flag))
            return make_error(ErrorKind::invalid_argument, std::string("--session replaces ") + flag + ": edit the session file or leave the flag out");
    Result<std::string> text = read_text_file(path);
    if (!text) return text.error();
    return session_parse(*text, path);
}

void add_slurm_flags(CLI::App& app, SlurmOptions& o) {
    app.add_option("--partition", o.partition, "Slurm partition");
    app.add_option("--account", o.account, "Slurm account");
    app.add_flag_callback("--no-gpu-request", [&o] { o.request_gpus = false; },
                          "Slurm: do not ask for --gpus-per-node (clusters without GPU gres)");
    app.add_option("--container-image", o.container_image, "Slurm with pyxis: srun --container-image");
    app.add_option("--container-mounts", o.container_mounts, "Slurm with pyxis: srun --container-mounts");
}

Result<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error(ErrorKind::not_found, path + ": cannot open file for reading");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) return make_error(ErrorKind::not_found, path + ": read error");
    return ss.str();
}

Result<bool> write_text_file(const std::string& path, const std::string& text) {
    // Write to a temporary name and rename, so an interrupted run never leaves half a file.
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return make_error(ErrorKind::not_found, path + ": cannot open file for writing");
        out << text;
        if (!out.flush()) return make_error(ErrorKind::not_found, path + ": write error");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return make_error(ErrorKind::not_found, path + ": cannot rename " + tmp);
    return true;
}

int fail(const Error& e) {
    std::cerr << "trainplan: " << e.message << "\n";
    return 1;
}

}  // namespace tp::cli
