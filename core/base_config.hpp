// base_config.hpp — the base training configuration for a model size.
//
// NeMo mode reproduces the launcher's generate_base_config (auto_configurator/autoconfig/
// base_config.py): architecture from the size tables and layer search, GBS/TP/PP seed, steps,
// warm-up and constant steps, init std, learning rates and Slurm time strings.
// trainplan mode starts from the same size tables and, for modern families, states its own
// choices (GQA groups, SwiGLU FFN width, vocabulary) and sizes layers with the exact parameter
// count instead of NeMo's 12·h² per layer.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model.hpp"
#include "nemo_heuristics.hpp"
#include "result.hpp"

namespace tp {

enum class Heuristics { nemo, trainplan };

struct BaseConfigInputs {
    double model_size_b = 5;     // billions of parameters
    bool model_size_is_float = true;  // NeMo prints names with Python str(): 5 -> "5", 5.0 -> "5.0"
    std::string family = "gpt3";
    int nodes = 1;
    int gpus_per_node = 8;
    int gpu_memory_gb = 80;
    double max_training_days = 1;
    double tokens_b = 300;
    int vocab = 51200;
    int seq = 2048;
    Heuristics heuristics = Heuristics::nemo;
};

struct BaseConfig {
    std::string name;         // run name, e.g. "gpt3_5.0b"
    std::string time_limit;   // Slurm time limit "D-HH:00:00"
    std::string max_time;     // trainer.max_time "D:HH:30:00" (30 minutes before the limit)
    long long max_steps = 0;
    int num_layers = 0;
    int gbs = 0, tp = 1, pp = 1;
    std::optional<int> cp, ep;
    int hidden = 0, heads = 0;
    std::string ffn;                   // a number, or NeMo's "${multiply:4, ${.hidden_size}}"
    std::optional<int> kv_channels;    // T5/mT5
    std::optional<int> num_query_groups;  // trainplan mode, GQA
    double init_std = 0;
    double lr = 0, min_lr = 0;
    std::optional<long long> warmup_steps, constant_steps;
    std::optional<double> warmup_ratio;
    bool sequence_parallel = true;
    int seq = 0, vocab = 0, nodes = 0, gpus_per_node = 0;
    std::string family;
    std::vector<std::string> choices;  // trainplan's own decisions, stated for the user
};

Result<BaseConfig> base_config_generate(const BaseConfigInputs& in);

// The ModelSpec a base config describes (for parameter counts and FLOPs).
ModelSpec base_config_model(const BaseConfig& cfg);

// NeMo launcher YAML for `base_cfg_<size>b.yaml` (run/trainer/exp_manager/model/optim).
std::string base_config_to_yaml(const BaseConfig& cfg);

// Slurm-style time strings from fractional days, as the launcher writes them.
std::string nemo_time_limit(double days);
std::string nemo_max_time(double days);

}  // namespace tp
