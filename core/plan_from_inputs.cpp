// plan_from_inputs: session inputs -> plan request -> the files of a plan folder (plan_from_inputs.hpp).
#include "plan_from_inputs.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "hardware.hpp"
#include "model.hpp"
#include "nemo_heuristics.hpp"
#include "text.hpp"

namespace tp {

namespace {

// The size a model name ends in: "llama3-70b" -> "70", "mixtral-8x7b" -> "8x7" ("" when there is none): a '-'
// or '_', then digits, '.' or 'x', then a final 'b'.
std::string size_in_name(const std::string& name) {
    if (name.size() < 3 || name.back() != 'b') return "";
    size_t i = name.size() - 1;
    while (i > 0 && (std::isdigit(static_cast<unsigned char>(name[i - 1])) || name[i - 1] == '.' || name[i - 1] == 'x')) --i;
    if (i == name.size() - 1 || i == 0 || (name[i - 1] != '-' && name[i - 1] != '_')) return "";
    return name.substr(i, name.size() - 1 - i);
}

}  // namespace

void plan_name_pieces(const ModelSpec& m, std::string& model_name, std::string& size_label) {
    model_name = m.family.empty() ? "model" : m.family;
    size_label = size_in_name(m.name);
    if (!size_label.empty()) return;
    const double b = model_param_counts(m).total / 1e9;
    size_label = format_number(python_round(b, b >= 10 ? 0 : 1));
}

Result<BaseConfig> base_config_for_model(const ModelSpec& m, const TrainConfig& t, double days, double tokens_b,
                                         std::vector<std::string>& choices) {
    BaseConfigInputs in;
    in.model_size_b = std::max(0.1, model_param_counts(m).total / 1e9);
    in.model_size_is_float = false;
    in.family = m.family;
    in.nodes = t.nodes, in.gpus_per_node = t.gpus_per_node;
    in.gpu_memory_gb = 80;
    in.max_training_days = days, in.tokens_b = tokens_b;
    in.vocab = m.vocab, in.seq = t.seq;
    in.heuristics = Heuristics::nemo;
    // NeMo's tables stop at some size per family and sequence (llama at 8192: 45.6B). The base config only
    // supplies the schedule and a seed GBS here (the candidates set their own), so fall back to the llama
    // rows, then to the 2048-token rows, and say so.
    Result<BaseConfig> cfg = base_config_generate(in);
    for (const char* family : {"", "llama"}) {
        for (int seq : {t.seq, 2048}) {
            if (cfg) break;
            if (*family) in.family = family;
            in.seq = seq;
            cfg = base_config_generate(in);
            if (cfg)
                choices.push_back(std::string("NeMo's tables have no row for ") + m.family + " at " + format_fixed(in.model_size_b, 1) + "B, seq " +
                                  std::to_string(t.seq) + ": schedule and seed GBS from its " + in.family + " rows at seq " + std::to_string(seq));
        }
    }
    if (!cfg) return cfg.error();
    BaseConfig b = *cfg;
    b.family = m.family;
    b.num_layers = m.layers, b.hidden = m.hidden, b.heads = m.heads, b.ffn = std::to_string(m.ffn);
    if (m.kv_heads != m.heads) b.num_query_groups = m.kv_heads;
    b.vocab = m.vocab, b.seq = t.seq;
    std::string model_name, size_label;
    plan_name_pieces(m, model_name, size_label);
    b.name = model_name + "_" + size_label + "b";
    return b;
}

Result<PlanRequest> plan_request_from_inputs(const SessionInputs& in, const PlanSchedule& schedule, std::vector<std::string>& choices) {
    Result<GpuSpec> gpu = gpu_find(in.gpu);
    if (!gpu) return gpu.error();
    PlanRequest r;
    r.gpu = *gpu;
    r.model = in.model;
    r.base = in.training;
    r.space = in.search_space;
    r.top = size_t(std::max(in.top, 0));
    r.heuristics = in.heuristics == "nemo" ? Heuristics::nemo : Heuristics::trainplan;
    Result<BaseConfig> cfg = base_config_for_model(in.model, in.training, schedule.days, schedule.tokens_b, choices);
    if (!cfg) return cfg.error();
    r.base_yaml = base_config_to_yaml(*cfg);
    r.base_run_name = cfg->name;
    if (r.base.gbs == 0) r.base.gbs = search_default_gbs(r.base.seq);
    plan_name_pieces(in.model, r.model_name, r.size_label);
    r.nemo.model_size_b = std::round(model_param_counts(in.model).total / 1e9);
    r.nemo.gpu_memory_gb = gpu->nominal_memory_gb >= 80 ? 80 : 40;
    plan_fill_nemo_input(r, schedule.max_steps_per_run, schedule.max_minutes_per_run);
    return r;
}

void plan_fill_nemo_input(PlanRequest& r, int max_steps_per_run, int max_minutes_per_run) {
    NemoGridInput& n = r.nemo;
    n.model_type = r.model_name;
    n.layers = r.model.layers, n.heads = r.model.heads, n.seq = r.base.seq;
    n.nodes = r.base.nodes, n.gpus_per_node = r.base.gpus_per_node;
    r.max_steps_per_run = max_steps_per_run;
    r.max_minutes_per_run = max_minutes_per_run;
}

std::string plan_manifest(const SessionInputs& in, const PlanRequest& r, const Plan& p) {
    Session session;
    session.inputs = in;
    session.plan = plan_json(r, p);
    return session_to_json(session);
}

std::vector<std::pair<std::string, std::string>> plan_files(const PlanRequest& r, const Plan& plan, const std::string& manifest) {
    std::vector<std::pair<std::string, std::string>> files;
    files.emplace_back("base_cfg_" + r.size_label + "b.yaml", r.base_yaml);
    for (const PlannedCandidate& c : plan.candidates) files.emplace_back("candidate_configs/" + c.name + ".yaml", c.yaml);
    struct LaunchListing { const char* file; std::string PlannedCandidate::*command; const char* title; };
    for (const LaunchListing& fw : {LaunchListing{"launch/nemo2.sh", &PlannedCandidate::nemo2_command, "NeMo 2.0 (nemo llm pretrain with recipe overrides)"},
                                {"launch/megatron_lm.sh", &PlannedCandidate::megatron_lm_command, "Megatron-LM (pretrain_gpt.py)"},
                                {"launch/torchtitan.sh", &PlannedCandidate::torchtitan_command, "torchtitan (config overrides)"}}) {
        std::string text = "#!/usr/bin/env bash\n# " + std::string(fw.title) + ": one block per candidate, in launch order.\n"
                           "# Run the block you want on each node (or wrap it in srun); this file is a listing, not a batch job.\nexit 0\n";
        for (const PlannedCandidate& c : plan.candidates) {
            text += "\n# " + c.name;
            if (c.rank > 0) text += " (trainplan rank " + std::to_string(c.rank) + ")";
            if (c.estimate) text += ": predicted " + format_fixed(c.estimate->time.total, 3) + " s/step";
            if (!c.verdict.empty()) text += "; trainplan: " + c.verdict;
            text += "\n" + (c.*fw.command) + "\n";
        }
        files.emplace_back(fw.file, text);
    }
    files.emplace_back("session.json", manifest);
    return files;
}

}  // namespace tp
