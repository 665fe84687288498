#include "generate_plan.hpp"

#include "candidate_config.hpp"
#include "preset_report.hpp"
#include "report.hpp"

namespace tp {

using nlohmann::json;

namespace {

std::string optional_text(const std::optional<int>& v) { return v ? std::to_string(*v) : "None"; }

// Completes a candidate: its YAML (the base config with `edit` applied, stopped after the run's step and
// time budget) and the three launch commands.
Result<bool> finish_candidate(const PlanRequest& r, CandidateYamlEdit edit, PlannedCandidate& p) {
    edit.run_name = p.name;
    edit.time_limit = nemo_run_time_limit(r.max_minutes_per_run);
    edit.max_steps = r.max_steps_per_run;
    Result<std::string> yaml = candidate_config_yaml(r.base_yaml, edit);
    if (!yaml) return yaml.error();
    p.yaml = *yaml;
    LaunchOptions o = r.launch;
    o.max_steps = r.max_steps_per_run;
    o.run_name = p.name;
    p.nemo2_command = nemo2_command(r.model, p.config, o);
    p.megatron_lm_command = megatron_lm_command(r.model, p.config, o);
    p.torchtitan_command = torchtitan_command(r.model, p.config, o);
    return true;
}

// trainplan's verdict on a configuration: its estimate, or the rule it breaks / the memory it lacks.
void judge(const PlanRequest& r, PlannedCandidate& p) {
    Result<Estimate> e = estimate(r.model, r.gpu, p.config);
    if (!e) {
        p.verdict = e.error().message;
        return;
    }
    p.estimate = *e;
    if (!e->fits) p.verdict = search_out_of_memory_reason(*e, p.config);
}

// NeMo mode: the launcher's grid, file for file, in its launch order (limit_search_runs applied).
Result<Plan> nemo_plan(const PlanRequest& r) {
    Result<NemoLauncherGrid> grid = nemo_launcher_generate_grid(r.nemo, r.base.gbs, r.act_method, r.act_ckpt_layers);
    if (!grid) return grid.error();
    Plan plan;
    plan.nemo_lines = grid->stdout_lines;
    const int layers = r.model.layers;
    for (size_t index : nemo_launcher_launch_order(*grid, r.limit_search_runs)) {
        const NemoLauncherCandidate& n = grid->configs[index];
        PlannedCandidate p;
        p.name = n.name;
        // The same reading of a launcher candidate as the preset report (act_ckpt_layers N: full recomputation of
        // N layers per model chunk; num_mbs_act and act_per_pipe are legacy-transformer options, not modelled).
        p.config = preset_report_candidate_config(n, r.base, layers);
        judge(r, p);
        CandidateYamlEdit edit;
        edit.nodes = r.base.nodes;
        edit.tp = n.tp, edit.pp = n.pp, edit.mbs = n.mbs;
        edit.cp = n.cp, edit.ep = n.ep, edit.vp = n.vp;
        edit.act_ckpt_layers = n.act_ckpt_layers, edit.num_mbs_act = n.num_mbs_act, edit.act_per_pipe = n.act_per_pipe;
        if (Result<bool> done = finish_candidate(r, edit, p); !done) return done.error();
        plan.candidates.push_back(std::move(p));
    }
    return plan;
}

// trainplan mode: the memory-aware ranked search; the top candidates that fit are written.
Result<Plan> trainplan_plan(const PlanRequest& r) {
    const SearchResult s = search_grid(r.model, r.gpu, r.base, r.space);
    Plan plan;
    plan.evaluated = s.evaluated;
    plan.rejected = (long long)s.rejected.size();
    plan.out_of_memory = s.out_of_memory;
    bool several_gbs = false, several_sharding = false;
    for (const Candidate& c : s.candidates) {
        several_gbs |= c.config.gbs != s.candidates.front().config.gbs;
        several_sharding |= c.config.sharding != s.candidates.front().config.sharding;
    }
    const size_t count = r.top == 0 ? s.candidates.size() : std::min(r.top, s.candidates.size());
    const int layers = r.model.layers + r.model.decoder_layers;
    for (size_t i = 0; i < count; ++i) {
        PlannedCandidate p;
        p.config = s.candidates[i].config;
        p.estimate = s.candidates[i].estimate;
        p.rank = s.candidates[i].rank;
        p.name = plan_candidate_name(r, p.config, several_gbs, several_sharding);
        if (Result<bool> done = finish_candidate(r, candidate_edit_from_config(p.config, layers), p); !done) return done.error();
        plan.candidates.push_back(std::move(p));
    }
    return plan;
}

}  // namespace

std::string plan_candidate_name(const PlanRequest& r, const TrainConfig& c, bool several_gbs, bool several_sharding) {
    std::string recompute = recompute_name(c.recompute);
    if (c.recompute == Recompute::full && c.recompute_layers > 0) recompute += std::to_string(c.recompute_layers);
    std::string name = r.model_name + "_" + r.size_label + "b_" + std::to_string(c.nodes) + "nodes_tp_" + std::to_string(c.tp) +
                       "_pp_" + std::to_string(c.pp) + "_cp_" + std::to_string(c.cp) + "_ep_" + std::to_string(c.ep) + "_mbs_" +
                       std::to_string(c.mbs) + "_vp_" + optional_text(c.vp > 1 ? std::optional<int>(c.vp) : std::nullopt) + "_" +
                       recompute;
    if (several_gbs) name += "_gbs_" + std::to_string(c.gbs);
    if (several_sharding) name += std::string("_") + sharding_name(c.sharding);
    return name;
}

Result<Plan> plan_generate(const PlanRequest& r) {
    if (r.base_yaml.empty()) return make_error(ErrorKind::invalid_argument, "generate: no base config to write candidates from");
    return r.heuristics == Heuristics::nemo ? nemo_plan(r) : trainplan_plan(r);
}

nlohmann::json plan_json(const PlanRequest& r, const Plan& p) {
    json candidates = json::array();
    for (const PlannedCandidate& c : p.candidates) {
        json one = c.estimate ? json::parse(estimate_json(r.model, r.gpu, c.config, *c.estimate)) : json::object();
        // Keep the contract keys and the prediction; the model summary is already in the inputs.
        json entry = {{"name", c.name},
                      {"rank", c.rank > 0 ? json(c.rank) : json(nullptr)},
                      {"tp", c.config.tp}, {"pp", c.config.pp}, {"cp", c.config.cp}, {"ep", c.config.ep},
                      {"vp", c.config.vp > 1 ? json(c.config.vp) : json(nullptr)},
                      {"mbs", c.config.mbs}, {"gbs", c.config.gbs},
                      {"recompute", recompute_choice_name({c.config.recompute, c.config.recompute_layers})},
                      {"optimizer_sharding", sharding_name(c.config.sharding)},
                      {"fits", c.estimate && c.verdict.empty()},
                      {"verdict", c.verdict.empty() ? json(nullptr) : json(c.verdict)},
                      {"file", "candidate_configs/" + c.name + ".yaml"},
                      {"commands", {{"nemo2", c.nemo2_command}, {"megatron_lm", c.megatron_lm_command}, {"torchtitan", c.torchtitan_command}}}};
        for (const char* key : {"dp", "memory_gib", "step_time_s", "tokens_per_s_per_gpu", "model_tflops_per_gpu", "mfu"})
            if (one.contains(key)) entry[key] = one[key];
        candidates.push_back(std::move(entry));
    }
    json out = {{"heuristics", r.heuristics == Heuristics::nemo ? "nemo" : "trainplan"},
                {"base_config", {{"file", "base_cfg_" + r.size_label + "b.yaml"}, {"run_name", r.base_run_name}, {"gbs", r.base.gbs}}},
                {"max_steps_per_run", r.max_steps_per_run},
                {"max_minutes_per_run", r.max_minutes_per_run},
                {"candidates", candidates}};
    if (r.heuristics == Heuristics::nemo) {
        out["nemo_lines"] = p.nemo_lines;
        long long fits = 0;
        for (const PlannedCandidate& c : p.candidates) fits += c.estimate && c.verdict.empty();
        out["trainplan_fits"] = fits;
    } else {
        out["evaluated"] = p.evaluated;
        out["rejected"] = p.rejected;
        out["out_of_memory"] = p.out_of_memory;
    }
    return out;
}

}  // namespace tp
