// generate_plan.hpp — everything `trainplan generate` writes, as values: the candidates (NeMo's grid or
// trainplan's ranked search), one NeMo-launcher YAML and three launch commands per candidate, and the
// plan section of the session manifest. The native command only writes these to files.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base_config.hpp"
#include "estimate.hpp"
#include "launch_commands.hpp"
#include "nemo_grid.hpp"
#include "search.hpp"

namespace tp {

struct PlanRequest {
    ModelSpec model;
    GpuSpec gpu;
    TrainConfig base;               // cluster and training settings; gbs = the base config's global batch
    SearchSpace space;              // trainplan mode: the lists to search (empty = auto)
    Heuristics heuristics = Heuristics::trainplan;
    size_t top = 10;                // trainplan mode: candidates written (0 = every one that fits)
    std::string model_name;         // NeMo's model name in file names: gpt3, llama, mixtral, ...
    std::string size_label;         // model_size_in_b as NeMo prints it: "5", "5.0", "0.126"
    std::string base_yaml;          // the base config (base_cfg_<size>b.yaml text)
    std::string base_run_name;      // run.name of the base config, e.g. "gpt3_5b"
    // NeMo mode: the search config's train_settings as NeMo reads them, and the base config's
    // activations_checkpoint_method ("block" opens the launcher's checkpointing sub-grid).
    NemoGridInput nemo;
    std::string act_method;
    std::optional<std::vector<int>> act_ckpt_layers;
    std::optional<int> limit_search_runs;
    int max_steps_per_run = 50;
    int max_minutes_per_run = 20;
    LaunchOptions launch;           // nemo_recipe etc.; max_steps and run_name are set per candidate
};

struct PlannedCandidate {
    std::string name;               // NeMo-style name; also the YAML file stem
    TrainConfig config;
    std::optional<Estimate> estimate;  // trainplan's prediction (absent when the rules refuse the layout)
    std::string verdict;            // "" when it fits; else the rule or "out of memory: ..."
    int rank = 0;                   // trainplan mode: 1 = best; NeMo mode: 0 (NeMo does not rank)
    std::string yaml;               // NeMo launcher candidate config
    std::string nemo2_command, megatron_lm_command, torchtitan_command;
};

struct Plan {
    std::vector<PlannedCandidate> candidates;  // in launch order
    std::vector<std::string> nemo_lines;       // NeMo mode: what the launcher prints
    long long evaluated = 0;                   // trainplan mode: combinations tried
    long long rejected = 0, out_of_memory = 0; // trainplan mode: removed before launch
};

Result<Plan> plan_generate(const PlanRequest& r);

// The manifest's "plan" section: mode, counts, base config file, and per candidate its settings,
// prediction, file and commands.
nlohmann::json plan_json(const PlanRequest& r, const Plan& p);

// NeMo 2.0-style name a trainplan candidate is written under:
// {model}_{size}b_{nodes}nodes_tp_{tp}_pp_{pp}_cp_{cp}_ep_{ep}_mbs_{mbs}_vp_{vp|None}_{recompute}[_gbs_{gbs}][_{sharding}]
// NeMo's own parser (get_config: _(tp|pp|cp|ep|mbs|vp)_([^_]+)) still reads it; the suffixes keep
// candidates that differ only in recomputation, GBS or optimizer sharding apart.
std::string plan_candidate_name(const PlanRequest& r, const TrainConfig& c, bool several_gbs, bool several_sharding);

}  // namespace tp
