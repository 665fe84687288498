// plan_from_inputs.hpp — a session's inputs turned into what `trainplan generate --session` plans and writes,
// as values, so the native tool and the web page produce the same files byte for byte.
//
//   SessionInputs + PlanSchedule -> PlanRequest (plan_request_from_inputs) -> Plan (plan_generate)
//   -> the files of a plan folder (plan_files): base_cfg_<size>b.yaml, candidate_configs/<name>.yaml,
//      launch/{nemo2,megatron_lm,torchtitan}.sh and session.json.
// native/plan_inputs writes these under --output-dir; web/ offers each one for download.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base_config.hpp"
#include "generate_plan.hpp"
#include "session.hpp"

namespace tp {

// What the session has no place for: the schedule of the base config (NeMo's time limit from the days) and the
// candidate runs' limits (NeMo's max_steps_per_run and max_minutes_per_run). Defaults are `generate`'s flags'.
struct PlanSchedule {
    double days = 1, tokens_b = 300;
    int max_steps_per_run = 50, max_minutes_per_run = 20;
};

// NeMo's run-name pieces for a model: "llama3-70b" -> ("llama", "70") (the size the name ends in); otherwise
// the family and the size in billions (whole from 10B, one decimal below).
void plan_name_pieces(const ModelSpec& m, std::string& model_name, std::string& size_label);

// A base config for a model given whole (preset, config.json, explicit): NeMo's schedule and batch tables for
// its size, its own architecture. Fallbacks (NeMo's tables stop at some size per family and sequence) are
// explained in `choices`.
Result<BaseConfig> base_config_for_model(const ModelSpec& m, const TrainConfig& t, double days, double tokens_b,
                                         std::vector<std::string>& choices);

// The plan request `generate --session` makes from a session's inputs (GPU from the catalog, an open GBS
// resolved to the ~4M-token default, the base config from base_config_for_model).
Result<PlanRequest> plan_request_from_inputs(const SessionInputs& in, const PlanSchedule& schedule, std::vector<std::string>& choices);

// NeMo's grid input (model type, layers, heads, sequence, cluster) from the request's model and base; the
// caller sets the size and GPU memory class. Also sets the per-run limits from `schedule`.
void plan_fill_nemo_input(PlanRequest& r, int max_steps_per_run, int max_minutes_per_run);

// The session manifest `generate` writes: the inputs and the plan section.
std::string plan_manifest(const SessionInputs& in, const PlanRequest& r, const Plan& p);

// Every file of a plan folder, (path relative to the folder, text), in the order `generate` writes them.
std::vector<std::pair<std::string, std::string>> plan_files(const PlanRequest& r, const Plan& plan, const std::string& manifest);

}  // namespace tp
