// candidate_config.hpp — one NeMo-launcher YAML per candidate: the base config with the candidate's
// parallel, batch and recomputation settings written in.
//
// NeMo mode writes exactly the keys the launcher's modify_cfg writes (NVIDIA/NeMo-Framework-Launcher
// auto_configurator/autoconfig/utils.py: activations_checkpoint_num_layers,
// num_micro_batches_with_partial_activation_checkpoints, activations_checkpoint_layers_per_pipeline,
// virtual_pipeline_model_parallel_size, tensor/pipeline/context(/expert) parallel sizes, micro_batch_size,
// trainer.num_nodes, trainer.max_steps, trainer.val_check_interval = max_steps, run.time_limit, run.name).
// trainplan mode also writes what its candidate differs in: recomputation granularity and method,
// sequence parallelism, global batch, FP8 and the optimizer (distributed or not), so the file runs the
// configuration that was predicted rather than the base config's defaults.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "result.hpp"
#include "train_config.hpp"

namespace tp {

struct CandidateYamlEdit {
    std::string run_name;    // run.name
    std::string time_limit;  // run.time_limit (Slurm)
    int nodes = 1;
    int max_steps = 50;      // trainer.max_steps and val_check_interval
    int tp = 1, pp = 1, mbs = 1;
    std::optional<int> cp, ep, vp;  // nullopt: key left as the base config has it
    std::optional<int> act_ckpt_layers, num_mbs_act, act_per_pipe;
    // trainplan mode only (nullopt: not written)
    std::optional<int> gbs;
    std::optional<std::string> act_granularity;  // "full", "selective", or "" for null
    std::optional<std::string> act_method;       // "block", "uniform", or "" for null
    std::optional<bool> sequence_parallel, fp8;
    std::optional<std::string> optimizer;        // optim.name
};

// The launcher's per-run time limit from max_minutes_per_run, as it writes it:
// f"{m // 3600}-{(m % 3600) // 60}:{(m % 3600) % 60}:00" (the day field divides minutes by 3600, a
// harmless upstream slip below 1,440 minutes; 20 -> "0-0:20:00", 120 -> "0-2:0:00").
std::string nemo_run_time_limit(int max_minutes);

// The settings of a trainplan candidate in the edit's terms (full recomputation of N layers per stage is
// NeMo's granularity "full", method "block", num_layers N; all layers is method "uniform", 1 layer).
CandidateYamlEdit candidate_edit_from_config(const TrainConfig& c, int layers);

// base_yaml: the base config (base_cfg_<size>b.yaml text). Keys are replaced in place, new keys appended
// to their section, so the file reads like the base config it came from.
Result<std::string> candidate_config_yaml(std::string_view base_yaml, const CandidateYamlEdit& e);

}  // namespace tp
