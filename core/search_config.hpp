// search_config.hpp — NeMo launcher search configs (conf/search_config/<family>/<size>.yaml), read with
// Hydra-style overrides, so a NeMo Auto Configurator user's file drives `trainplan generate` unchanged.
//
// Schema: NVIDIA/NeMo-Framework-Launcher@26e42fa9 auto_configurator/conf/search_config/**.yaml (all 46
// presets are in ../shared/data/nemo/launcher_search_config_presets.json). Two sections:
//   train_settings      model size, cluster, search budget and the grid lists ("auto" or a list)
//   inference_settings  optional; the FasterTransformer sweep (run + benchmark)
// Overrides are what a launcher user types after main.py: `train_settings.num_nodes=8`, also with the
// `search_config.` prefix main.py uses, and `+key=value` for an optional key the file leaves out.
// The value is a YAML scalar or flow list (`[1,2,4]`, `auto`, `null`).
//
// Every error names the key, then where the value came from: "5b.yaml:4" or "override 2
// 'train_settings.num_nodes=x'". An unknown key is an error (a typo must not be ignored silently).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base_config.hpp"
#include "result.hpp"

namespace tp {

struct LauncherTrainSettings {
    std::optional<double> model_size_b;  // null in the unknown_size presets: the launcher then sizes the model
    bool model_size_is_float = false;    // "5.0" vs "5": NeMo's names use Python's str() of the value
    int num_nodes = 1;
    int gpus_per_node = 8;
    int gpu_memory_gb = 80;
    double max_training_days = 1;
    int limit_search_runs = 100;
    int output_top_n = 10;
    int max_steps_per_run = 50;
    int max_minutes_per_run = 20;
    double tflops_per_gpu = 140;
    double num_tokens_in_b = 300;
    int vocab_size = 51200;
    int seq_length = 2048;
    std::string custom_config;           // "" = null: the launcher generates the base config
    std::string logs;                    // kept as written (Hydra interpolations included)
    // nullopt = "auto" (NeMo's tables decide)
    std::optional<std::vector<int>> tp, pp, cp, ep, mbs, act_ckpt_layers;
    std::optional<int> min_model_parallel, max_model_parallel, override_search_num_nodes;
};

struct LauncherInferenceSettings {
    std::string model_type, model_train_name, data_type, time_limit, results_dir;
    int gpus_per_node = 8;
    std::vector<int> tp, pp;
    int input_len = 60, output_len = 20, beam_width = 1, topk = 4;
    double topp = 0;
    std::vector<int> batch_sizes;
};

struct LauncherSearchConfig {
    LauncherTrainSettings train;
    std::optional<LauncherInferenceSettings> inference;
};

// text: the YAML file's contents; source: its name for messages; overrides: "key.path=value" items.
Result<LauncherSearchConfig> search_config_parse(std::string_view text, std::string_view source,
                                                 const std::vector<std::string>& overrides = {});

// What the launcher feeds its base-config generator for a model of `size_b` billion parameters of `family`
// (train_settings' cluster, budget, vocabulary and sequence; NeMo's heuristics): `generate`/`search` and
// `inference --search-config` build the same model from the same file.
BaseConfigInputs search_config_base_inputs(const LauncherTrainSettings& t, double size_b, const std::string& family);
// The GPU the launcher's gpu_memory_gb means: its tables are A100 tables (40 or 80 GB).
std::string search_config_gpu(int gpu_memory_gb);

// The keys the schema knows, dotted ("train_settings.num_nodes", ...), for --help and messages.
std::vector<std::string> search_config_keys();

}  // namespace tp
