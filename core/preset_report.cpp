// NeMo launcher presets beside trainplan's plan (preset_report.hpp).
//
// [SECTION] inputs     reading the two JSON files (text in; the caller reads the files)
// [SECTION] model      the architecture of a preset, from NeMo's base config
// [SECTION] run        NeMo's grid, trainplan's verdict on it, trainplan's own top five
// [SECTION] markdown   the docs/accuracy.md section
#include "preset_report.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "base_config.hpp"
#include "nemo_heuristics.hpp"
#include "text.hpp"

namespace tp {

namespace {

using nlohmann::json;

// ------------------------------------------------------------------------------------------------
// [SECTION] inputs
// ------------------------------------------------------------------------------------------------

Result<json> parse_json(const std::string& text, const char* source) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        return make_error(ErrorKind::parse_error, std::string(source) + ": invalid JSON (" + e.what() + ")");
    }
}

// NeMo's "auto" (or null, or an absent key) is nullopt; a list is the user's list.
std::optional<std::vector<int>> list_or_auto(const json& obj, const char* key) {
    if (!obj.contains(key) || !obj[key].is_array()) return std::nullopt;
    std::vector<int> out;
    for (const json& v : obj[key])
        if (v.is_number_integer()) out.push_back(v.get<int>());
    return out;
}
std::optional<int> int_or_auto(const json& obj, const char* key) {
    if (!obj.contains(key) || !obj[key].is_number_integer()) return std::nullopt;
    return obj[key].get<int>();
}
int int_or(const json& obj, const char* key, int fallback) { return int_or_auto(obj, key).value_or(fallback); }
double number_or(const json& obj, const char* key, double fallback) {
    return obj.contains(key) && obj[key].is_number() ? obj[key].get<double>() : fallback;
}
std::string string_or(const json& obj, const char* key, const std::string& fallback = "") {
    return obj.contains(key) && obj[key].is_string() ? obj[key].get<std::string>() : fallback;
}

bool is_t5(const std::string& f) { return f == "t5" || f == "mt5"; }

// "${auto_configurator_path}/base_configs/llama2_7b.yaml" -> "llama2_7b.yaml"
std::string base_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ------------------------------------------------------------------------------------------------
// [SECTION] model
// ------------------------------------------------------------------------------------------------

// What the launcher's base config says, for the grid and for the estimate.
struct PresetModel {
    int layers = 0, heads = 0, gbs = 0, seq = 0, devices = 8;
    std::string act_method;            // activations_checkpoint_method ("" = null)
    bool sequence_parallel = true;
    std::optional<ModelSpec> spec;     // nullopt: trainplan does not estimate this family
    std::string not_modelled;
    std::string description;
};

// custom_config given: the YAML's model section (launcher_base_configs_summary.json). Modern
// decoders: rotary or ALiBi positions (neither has parameters), gated MLP for *glu activations,
// RMSNorm, untied embeddings where the summary does not say otherwise (the released Llama 2/3,
// Baichuan 2, ChatGLM, Qwen2 and Mixtral checkpoints are untied).
ModelSpec spec_from_summary(const json& m, const std::string& family, const std::string& yaml, int vocab, int seq) {
    ModelSpec s;
    s.name = yaml.substr(0, yaml.find('.'));
    s.family = family;
    s.layers = int_or(m, "num_layers", 0);
    s.hidden = int_or(m, "hidden_size", 0);
    s.ffn = int_or(m, "ffn_hidden_size", 4 * s.hidden);
    s.heads = int_or(m, "num_attention_heads", 0);
    s.kv_heads = int_or(m, "num_query_groups", s.heads);
    s.head_dim = int_or(m, "kv_channels", s.heads > 0 ? s.hidden / s.heads : 0);
    s.vocab = vocab;
    s.max_seq = seq;
    const std::string pos = string_or(m, "position_embedding_type", "rope");
    s.position = pos == "learned_absolute" ? PositionKind::learned : PositionKind::rotary;
    s.mlp = string_or(m, "activation", "gelu").find("glu") != std::string::npos ? MlpKind::gated : MlpKind::gelu;
    s.norm = string_or(m, "normalization", "layernorm") == "rmsnorm" ? NormKind::rmsnorm : NormKind::layernorm;
    s.tied_embeddings = m.contains("share_embeddings_and_output_weights") && m["share_embeddings_and_output_weights"].is_boolean()
                            ? m["share_embeddings_and_output_weights"].get<bool>()
                            : false;
    s.qkv_bias_only = family == "qwen2";  // Qwen2 attention: bias on q, k, v only
    if (int experts = int_or(m, "num_moe_experts", 0); experts > 0) {
        s.moe.experts = experts;
        s.moe.top_k = int_or(m, "moe_router_topk", 2);
        s.moe.expert_ffn = s.ffn;
    }
    s.source = "NeMo-Framework-Launcher@26e42fa9 auto_configurator/base_configs/" + yaml;
    return s;
}

std::string describe(const ModelSpec& m) {
    std::string s = std::to_string(m.layers) + (m.arch == Architecture::encoder_decoder ? " + " + std::to_string(m.decoder_layers) : "") +
                    " layers, hidden " + std::to_string(m.hidden) + ", " + std::to_string(m.heads) + " heads";
    if (m.kv_heads != m.heads) s += " (" + std::to_string(m.kv_heads) + " KV)";
    if (m.moe.enabled()) s += ", " + std::to_string(m.moe.experts) + " experts top-" + std::to_string(m.moe.top_k);
    return s;
}

// ------------------------------------------------------------------------------------------------
// [SECTION] run
// ------------------------------------------------------------------------------------------------

// One configuration through search_grid's own checks (rules, then memory), as a one-point space.
struct Verdict {
    bool fits = false, oom = false;
    std::string reason;
};
Verdict check_like_search_grid(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c) {
    SearchSpace one;
    one.tp = {c.tp}, one.pp = {c.pp}, one.vp = {c.vp}, one.cp = {c.cp}, one.ep = {c.ep};
    one.mbs = {c.mbs}, one.gbs = {c.gbs};
    one.recompute = {{c.recompute, c.recompute_layers}};
    one.sharding = {c.sharding};
    const SearchResult r = search_grid(m, gpu, c, one);
    Verdict v;
    v.fits = !r.candidates.empty();
    v.oom = r.out_of_memory > 0;
    if (!r.rejected.empty()) v.reason = r.rejected.front().reason;
    return v;
}

}  // namespace

TrainConfig preset_report_candidate_config(const NemoLauncherCandidate& c, const TrainConfig& base, int layers) {
    TrainConfig t = base;
    t.tp = c.tp, t.pp = c.pp, t.cp = c.cp.value_or(1), t.ep = c.ep.value_or(1), t.vp = c.vp.value_or(1);
    t.mbs = c.mbs, t.gbs = c.gbs;
    if (c.act_ckpt_layers) {
        if (*c.act_ckpt_layers <= 0) {
            t.recompute = Recompute::none, t.recompute_layers = 0;
        } else {
            // Megatron-Core's block method recomputes the first N layers of each model chunk.
            const int per_stage = c.pp > 0 ? layers / c.pp : layers;
            const long long n = 1LL * *c.act_ckpt_layers * t.vp;
            t.recompute = Recompute::full;
            t.recompute_layers = n >= per_stage ? 0 : int(n);
        }
    }
    return t;
}

std::string preset_report_label(const TrainConfig& c) {
    std::string s = "tp" + std::to_string(c.tp) + ".pp" + std::to_string(c.pp);
    if (c.vp > 1) s += ".vp" + std::to_string(c.vp);
    if (c.cp > 1) s += ".cp" + std::to_string(c.cp);
    if (c.ep > 1) s += ".ep" + std::to_string(c.ep);
    return s + ".mbs" + std::to_string(c.mbs) + "." + recompute_choice_name({c.recompute, c.recompute_layers});
}

Result<PresetReport> preset_report_run(const std::string& presets_json, const std::string& base_configs_json,
                                       const GpuSpec& gpu) {
    Result<json> presets = parse_json(presets_json, "launcher_search_config_presets.json");
    if (!presets) return presets.error();
    Result<json> summary = parse_json(base_configs_json, "launcher_base_configs_summary.json");
    if (!summary) return summary.error();
    if (!presets->contains("presets") || !(*presets)["presets"].is_object())
        return make_error(ErrorKind::parse_error, "launcher_search_config_presets.json: no \"presets\" object");
    if (!summary->contains("base_configs") || !(*summary)["base_configs"].is_object())
        return make_error(ErrorKind::parse_error, "launcher_base_configs_summary.json: no \"base_configs\" object");
    const json& base_configs = (*summary)["base_configs"];

    PresetReport out;
    out.gpu = gpu.name;
    for (const auto& [key, preset] : (*presets)["presets"].items()) {
        if (!preset.contains("train_settings") || !preset["train_settings"].is_object())
            return make_error(ErrorKind::parse_error, "launcher_search_config_presets.json: " + key + ": no train_settings");
        const json& t = preset["train_settings"];
        PresetRow row;
        row.preset = key;
        // search_config.py: `model_name, model_size = model_type.split("/")`.
        row.family = key.substr(0, key.find('/'));
        row.nodes = int_or(t, "num_nodes", 1);
        const int gpus_per_node = int_or(t, "gpus_per_node", 8);
        row.gpus_per_node = gpus_per_node;  // replaced by the base config's trainer.devices below
        row.limit_search_runs = int_or(t, "limit_search_runs", 0);
        const int gpu_memory_gb = int_or(t, "gpu_memory_gb", 80);
        const int vocab = int_or(t, "vocab_size", 51200);

        // search_config.py: an unknown size comes from calculate_model_size (NeMo's 8·N·D estimate,
        // rounded to 2 decimals: a Python float); a given size keeps its YAML type for the names.
        double size_b = 0;
        bool size_is_float = true;
        if (t.contains("model_size_in_b") && t["model_size_in_b"].is_number()) {
            size_b = t["model_size_in_b"].get<double>();
            size_is_float = t["model_size_in_b"].is_number_float();
        } else {
            Result<double> est = nemo_estimate_model_size_b(number_or(t, "max_training_days", 1), double(row.nodes) * gpus_per_node,
                                                            number_or(t, "tflops_per_gpu", 140), number_or(t, "num_tokens_in_b", 300),
                                                            row.family);
            if (!est) {
                row.nemo_error = "model size estimate: " + est.error().message;
                out.rows.push_back(std::move(row));
                continue;
            }
            size_b = *est;
        }
        row.size_label = size_is_float ? python_float_repr(size_b) : format_number(size_b);

        // generate_base_config -> utils.generic_base_config opens base_configs/<model_name>.yaml, or the
        // custom config. The summary lists every base config of the 26e42fa9 tree.
        const bool custom = t.contains("custom_config") && t["custom_config"].is_string();
        const std::string yaml = custom ? base_name(t["custom_config"].get<std::string>()) : row.family + ".yaml";
        if (!base_configs.contains(yaml)) {
            row.nemo_error = "generate_base_config opens base_configs/" + yaml + ", which the launcher does not ship "
                             "(FileNotFoundError)";
            row.not_modelled = "no architecture: the launcher defines none for " + row.family + " without a custom config";
            out.rows.push_back(std::move(row));
            continue;
        }
        const json& bc = base_configs[yaml];
        PresetModel pm;
        pm.devices = bc.contains("trainer") ? int_or(bc["trainer"], "devices", 8) : 8;
        if (!custom) {
            // gpt3/bert/t5/mt5: the template plus generate_base_config's GBS and architecture.
            BaseConfigInputs b;
            b.model_size_b = size_b, b.model_size_is_float = size_is_float, b.family = row.family;
            b.nodes = row.nodes, b.gpus_per_node = gpus_per_node, b.gpu_memory_gb = gpu_memory_gb;
            b.max_training_days = number_or(t, "max_training_days", 1), b.tokens_b = number_or(t, "num_tokens_in_b", 300);
            b.vocab = vocab, b.seq = int_or(t, "seq_length", 2048), b.heuristics = Heuristics::nemo;
            Result<BaseConfig> cfg = base_config_generate(b);
            if (!cfg) {
                row.nemo_error = "generate_base_config: " + cfg.error().message;
                row.not_modelled = "no base config";
                out.rows.push_back(std::move(row));
                continue;
            }
            pm.layers = cfg->num_layers, pm.heads = cfg->heads, pm.gbs = cfg->gbs, pm.seq = cfg->seq;
            pm.sequence_parallel = cfg->sequence_parallel;
            // T5/mT5 read the encoder's method (training_config.py), the others the model's.
            const json& section = is_t5(row.family) ? bc["encoder"] : bc["model"];
            pm.act_method = string_or(section, "activations_checkpoint_method");
            ModelSpec m = base_config_model(*cfg);
            pm.description = describe(m) + " (" + yaml + " + generate_base_config)";
            if (is_t5(row.family))
                pm.not_modelled = "not modelled: encoder-decoder (trainplan's estimates model one decoder stack)";
            else
                pm.spec = m;
        } else {
            const json& m = bc["model"];
            pm.layers = int_or(m, "num_layers", 0), pm.heads = int_or(m, "num_attention_heads", 0);
            pm.gbs = int_or(m, "global_batch_size", 0);
            // training_config.py: seq_length = base_cfg["model"]["data"]["seq_length"].
            pm.seq = int_or(bc, "data_seq_length", int_or(t, "seq_length", 2048));
            pm.act_method = string_or(m, "activations_checkpoint_method");
            pm.sequence_parallel = m.contains("sequence_parallel") && m["sequence_parallel"].is_boolean()
                                       ? m["sequence_parallel"].get<bool>()
                                       : true;
            ModelSpec s = spec_from_summary(m, row.family, yaml, vocab, pm.seq);
            pm.description = describe(s) + " (" + yaml + ")";
            pm.spec = s;
        }
        row.model = pm.description;
        row.gpus_per_node = pm.devices;
        row.seq = pm.seq;
        row.gbs = pm.gbs;

        // NeMo's grid, exactly.
        NemoGridInput in;
        in.model_type = row.family, in.model_size_b = size_b, in.model_size_is_float = size_is_float;
        in.layers = pm.layers, in.heads = pm.heads, in.seq = pm.seq;
        // num_gpus = base_cfg trainer.num_nodes (set to train_settings.num_nodes) x trainer.devices.
        in.nodes = row.nodes, in.gpus_per_node = pm.devices, in.gpu_memory_gb = gpu_memory_gb;
        in.tp = list_or_auto(t, "tensor_parallel_sizes");
        in.pp = list_or_auto(t, "pipeline_parallel_sizes");
        in.cp = list_or_auto(t, "context_parallel_sizes");
        in.ep = list_or_auto(t, "expert_parallel_sizes");
        in.mbs = list_or_auto(t, "micro_batch_sizes");
        in.min_model_parallel = int_or_auto(t, "min_model_parallel_size");
        in.max_model_parallel = int_or_auto(t, "max_model_parallel_size");
        Result<NemoLauncherGrid> grid = nemo_launcher_generate_grid(in, pm.gbs, pm.act_method, list_or_auto(t, "act_ckpt_layers"));
        if (!grid) {
            row.nemo_error = "generate_grid_search_configs: " + grid.error().message;
            row.not_modelled = pm.spec ? "" : pm.not_modelled;
            out.rows.push_back(std::move(row));
            continue;
        }
        const std::vector<size_t> order = nemo_launcher_launch_order(*grid, row.limit_search_runs);
        row.nemo_written = int(grid->configs.size());
        row.nemo_launched = int(order.size());
        out.nemo_written += row.nemo_written;
        out.nemo_launched += row.nemo_launched;

        if (!pm.spec) {
            row.not_modelled = pm.not_modelled;
            out.rows.push_back(std::move(row));
            continue;
        }
        ModelSpec m = *pm.spec;
        m.max_seq = std::max(m.max_seq, pm.seq);
        if (const std::string bad = model_validate(m); !bad.empty()) {
            row.not_modelled = "model: " + bad;
            out.rows.push_back(std::move(row));
            continue;
        }

        // trainplan's verdict on each launched candidate: bf16 (generate_base_config sets
        // trainer.precision), the base config's sequence parallelism, no recomputation unless the
        // candidate sets a layer count (every GPT-family base config leaves the granularity null).
        TrainConfig base;
        base.nodes = row.nodes, base.gpus_per_node = pm.devices, base.seq = pm.seq, base.gbs = pm.gbs;
        base.precision = Precision::bf16;
        base.recompute = Recompute::none;
        base.sequence_parallel = pm.sequence_parallel;
        const int layers = m.layers + m.decoder_layers;
        std::set<std::tuple<int, int, int, int, int, int, int, int>> distinct;
        for (size_t i : order) {
            const NemoLauncherCandidate& c = grid->configs[i];
            const TrainConfig tc = preset_report_candidate_config(c, base, layers);
            distinct.insert({tc.tp, tc.pp, tc.vp, tc.cp, tc.ep, tc.mbs, int(tc.recompute), tc.recompute_layers});
            const Verdict v = check_like_search_grid(m, gpu, tc);
            if (v.fits) continue;
            (v.oom ? row.oom : row.invalid).push_back({c.name, tc, v.reason});
        }
        row.nemo_distinct = int(distinct.size());
        out.modelled_launched += row.nemo_launched;
        out.oom += int(row.oom.size());
        out.invalid += int(row.invalid.size());

        // trainplan's own plan: its auto space and defaults (sequence parallelism whenever TP > 1)
        // at NeMo's model, GPUs, sequence and global batch.
        TrainConfig own;
        own.nodes = row.nodes, own.gpus_per_node = pm.devices, own.seq = pm.seq, own.gbs = pm.gbs;
        own.precision = Precision::bf16;
        const SearchResult found = search_grid(m, gpu, own, SearchSpace{});
        row.trainplan_candidates = int(found.candidates.size());
        for (size_t i = 0; i < found.candidates.size() && i < 5; ++i) row.top5.push_back(found.candidates[i]);
        out.rows.push_back(std::move(row));
    }
    return out;
}

// ------------------------------------------------------------------------------------------------
// [SECTION] markdown
// ------------------------------------------------------------------------------------------------

std::string preset_report_markdown(const PresetReport& r) {
    int runnable = 0, modelled = 0, with_oom = 0;
    for (const PresetRow& row : r.rows) {
        if (row.nemo_error.empty()) ++runnable;
        if (row.nemo_error.empty() && row.not_modelled.empty()) ++modelled;
        if (!row.oom.empty()) ++with_oom;
    }
    std::ostringstream o;
    o << "## NeMo launcher presets: NeMo's grid beside trainplan's plan\n\n"
      << "For each of the " << r.rows.size() << " `conf/search_config/<family>/<size>.yaml` presets of NeMo-Framework-Launcher@26e42fa9\n"
      << "(launcher_search_config_presets.json), `trainplan accuracy` rebuilds the launcher's base config (the preset's\n"
      << "custom config, else `<family>.yaml` + generate_base_config), runs the launcher's candidate loop exactly\n"
      << "(`nemo_launcher_generate_grid`: generate_grid_search_configs and modify_cfg, then launch_grid_search_configs'\n"
      << "order and `limit_search_runs` cap), and puts every launched candidate through the checks of `trainplan grid`\n"
      << "(its rules, then the memory estimate) on " << r.gpu << " in bf16. *trainplan top-5*: trainplan's own ranking of\n"
      << "its auto space at the same model, GPUs, sequence and GBS, with the predicted tokens/s/GPU.\n\n"
      << "Over the " << runnable << " presets the launcher can run, it would launch **" << r.nemo_launched << "** training jobs ("
      << r.nemo_written << " candidate files written).\nIn the " << modelled << " presets trainplan models, its memory estimate rejects **"
      << r.oom << " of " << r.modelled_launched << "** launched jobs as out of memory before launch (" << with_oom << " presets affected)";
    if (r.invalid > 0) o << ", and its rules reject " << r.invalid << " more";
    o << ".\n\n"
      << "How a NeMo candidate is modelled: CP/EP/VP None -> 1; `act_ckpt_layers` 0 -> no recomputation, N -> full\n"
      << "recomputation of N layers per model chunk; no layer count -> the base config's setting (none).\n"
      << "`num_mbs_act` and `act_per_pipe` are options of NeMo's legacy transformer, which these Megatron-Core base\n"
      << "configs do not run, so candidates differing only there are the same run (*distinct*). The GPT-family base\n"
      << "configs also leave `activations_checkpoint_granularity` null, under which Megatron-Core ignores the method\n"
      << "and the layer count altogether; the OOM column takes the launcher's intent (recompute N layers), so it is a\n"
      << "lower bound where N > 0. T5/mT5 get NeMo's count only: trainplan's estimates model one decoder stack.\n\n"
      << "| preset | GPUs | seq | GBS | NeMo candidates launched | trainplan OOM of those | trainplan top-5 (predicted tokens/s/GPU) |\n"
      << "|---|---:|---:|---:|---|---|---|\n";
    for (const PresetRow& row : r.rows) {
        o << "| " << row.preset << " | " << row.gpus() << " | " << (row.seq > 0 ? std::to_string(row.seq) : "") << " | "
          << (row.gbs > 0 ? std::to_string(row.gbs) : "") << " | ";
        if (!row.nemo_error.empty()) {
            o << "launcher fails: " << row.nemo_error;
        } else {
            o << row.nemo_launched;
            if (row.nemo_written > row.nemo_launched) o << " of " << row.nemo_written << " written";
            if (row.not_modelled.empty() && row.nemo_distinct < row.nemo_launched) o << "; " << row.nemo_distinct << " distinct";
        }
        o << " | ";
        if (!row.not_modelled.empty()) o << row.not_modelled;
        else if (!row.nemo_error.empty()) o << "";
        else {
            o << row.oom.size();
            if (!row.invalid.empty()) o << " (+" << row.invalid.size() << " invalid)";
        }
        o << " | ";
        if (row.not_modelled.empty() && row.top5.empty() && row.nemo_error.empty()) o << "(none fits)";
        for (size_t i = 0; i < row.top5.size(); ++i)
            o << (i ? "<br>" : "") << "`" << preset_report_label(row.top5[i].config) << "` "
              << format_fixed(row.top5[i].estimate.tokens_per_s_per_gpu, 0);
        o << " |\n";
    }
    o << "\nFirst rejection per preset (NeMo's candidate name, trainplan's reason):\n\n";
    for (const PresetRow& row : r.rows) {
        for (const std::vector<PresetRejection>* list : {&row.oom, &row.invalid}) {
            if (list->empty()) continue;
            const PresetRejection& x = list->front();
            o << "- " << row.preset << " (" << list->size() << (list == &row.oom ? " OOM" : " invalid") << "): `" << x.name
              << "` (" << preset_report_label(x.config) << "): " << x.reason << "\n";
        }
    }
    o << "\nThe model of each preset (model_size_in_b as the launcher names it, then the architecture used):\n\n";
    for (const PresetRow& row : r.rows) {
        if (row.model.empty()) continue;
        o << "- " << row.preset << " (" << row.size_label << "B): " << row.model << "\n";
    }
    return o.str();
}

}  // namespace tp
