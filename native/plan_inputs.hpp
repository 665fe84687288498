// plan_inputs.hpp — what `generate` and `search` plan from, read once: a NeMo launcher search config (with
// Hydra overrides), a session file, a model and cluster from flags, or a size alone. The result is the
// PlanRequest core/generate_plan turns into candidates, and the session inputs the manifest records.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base_config.hpp"
#include "cli_common.hpp"
#include "generate_plan.hpp"
#include "session.hpp"

namespace tp::cli {

struct PlanFlags {
    ModelFlags model;
    ClusterFlags cluster;
    SpaceFlags space;  // with --model/--hf-config/explicit or --model-size-b (a session or search config has its own)
    std::string search_config, session, auto_configurator_path;
    std::vector<std::string> overrides;  // positional key=value (Hydra style)
    std::string model_size_text;
    std::string family = "gpt3", heuristics = "trainplan", base_heuristics = "nemo", nemo_recipe;
    int gpu_memory_gb = 0, max_steps = 50, max_minutes = 20;
    double days = 1, tokens_b = 300;
    size_t top = 10;
};

// Registers every input flag (model, cluster, search config and overrides, session, size, heuristics, budget).
void add_plan_flags(CLI::App& app, PlanFlags& f);

struct PreparedPlan {
    PlanRequest request;
    SessionInputs inputs;
    std::vector<std::string> choices;     // trainplan's decisions, for stderr
    std::optional<BaseConfig> size_base;  // --model-size-b: the base config NeMo's tables gave
    bool size_only = false;               // planned from --model-size-b alone
    std::string session_command_template; // --session: the command template its plan names (run only if trusted)
};

// Reads the inputs the flags name; errors name the flag, file, key and line.
Result<PreparedPlan> plan_prepare(PlanFlags& f, const CLI::App& app);

// Writes base_cfg_<size>b.yaml, candidate_configs/, launch/ and session.json under `dir`.
Result<std::vector<std::string>> plan_write(const std::string& dir, const PlanRequest& r, const Plan& plan, const std::string& manifest);

}  // namespace tp::cli
