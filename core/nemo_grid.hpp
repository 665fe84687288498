// nemo_grid.hpp — NVIDIA Auto Configurator's candidate grid (`--heuristics nemo`), exactly.
//
// Re-implemented from the behaviour of
//   - NeMo 2.0 (NVIDIA/NeMo@8cfedd72, nemo/collections/llm/tools/auto_configurator/core/
//     training_config.py: GPT3GridSearch, _calculate_tp_pp_mbs_grid, generate_grid_search_configs,
//     _set_activations_checkpoint_params; core/utils.py: modify_cfg), and
//   - the NeMo launcher (NVIDIA/NeMo-Framework-Launcher@26e42fa9, auto_configurator/autoconfig/
//     training_config.py: _tp_pp_mbs_grid_{gpt3,t5,bert}_{80,40}gb, _calculate_tp_pp_mbs_grid,
//     _set_activations_checkpoint_params, generate_grid_search_configs, launch_grid_search_configs;
//     utils.py: modify_cfg),
// and checked case by case against ../shared/data/nemo/nemo2_generate_configs_cases.json and the
// calculate_tp_pp_mbs_grid cases of launcher_unit_test_cases.json (tests/test_nemo_grid.cpp).
// The tables mirror ../shared/data/nemo/heuristics_tables.json row for row.
//
// This is NeMo's grid, quirks included (a GBS divisibility test that ignores CP and EP in its
// second pass, VP = layers // PP whenever PP > 2, no memory check at all). trainplan's own grid,
// with a memory model and a step-time model, is a separate feature; this one exists so that
// `--heuristics nemo` lists the same candidates, in the same order, with the same printed lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "nemo_heuristics.hpp"
#include "result.hpp"

namespace tp {

// What a NeMo user sets in the Auto Configurator runner (NeMo 2.0) or in train_settings of the
// launcher's search_config. Every std::optional left empty means NeMo's "auto": the table value.
struct NemoGridInput {
    std::string model_type;           // NeMo family: gpt3, llama, mixtral, ..., t5, mt5, bert
    double model_size_b = 0;          // billions of parameters; picks the table row
    // Python type of model_size_in_b upstream, which only shows in config names: NeMo 2.0 parses
    // "70B" as the int 70 ("llama_70b_...") and "145M" as the float 0.145 ("llama_0.145b_...");
    // a float that happens to be integral prints with ".0".
    bool model_size_is_float = false;
    int layers = 0;                   // num_layers (T5/mT5: encoder layers)
    int heads = 0;                    // num_attention_heads (T5/mT5: encoder heads)
    int seq = 2048;                   // seq_length; picks the 80 GB GPT table
    int nodes = 1;
    int gpus_per_node = 8;
    int gpu_memory_gb = 80;           // 40 or 80: the only tables NeMo has
    std::optional<int> gbs;           // global_batch_size (NeMo 2.0 only; the launcher grid has none)
    std::optional<std::vector<int>> tp, pp, cp, ep, mbs;  // *_parallel_sizes, micro_batch_sizes
    std::optional<int> min_model_parallel, max_model_parallel;
};

// _calculate_tp_pp_mbs_grid: the search space before any filtering. cp/ep hold nullopt where
// NeMo holds [None] (the launcher's T5/mT5/BERT tables: no context or expert parallelism).
struct NemoGridSpace {
    std::vector<int> tp, pp;
    std::vector<std::optional<int>> cp, ep;
    std::vector<int> mbs;
    std::optional<int> gbs;           // NeMo 2.0 tables only
    int min_model_parallel = 1;
    int max_model_parallel = 8;
};

// The table row for (family, size, seq, GPU memory), then the user's lists, min and max model
// parallel (and for NeMo 2.0 the GBS) replace the table's where given.
//   nemo2:    GPT-based families only (the NeMo 2.0 runner refuses T5/mT5/BERT).
//   launcher: gpt3, llama, baichuan2, chatglm, qwen2, mixtral, t5, mt5, bert (its own list).
Result<NemoGridSpace> nemo_grid_space(const NemoGridInput& in, NemoFlavor flavor);

// One accepted candidate, in NeMo's config-dict order.
struct NemoCandidate {
    int tp = 1;
    int pp = 1;
    std::optional<int> cp;            // nullopt prints "None"
    std::optional<int> ep;
    int mbs = 1;
    std::optional<int> vp;            // virtual pipeline size; nullopt = not interleaved ("None")
    int gbs = 0;
    std::string name;                 // e.g. llama_70b_128nodes_tp_4_pp_1_cp_4_ep_1_mbs_1_vp_None
};

struct NemoGrid {
    std::vector<NemoCandidate> configs;
    // The non-empty lines NeMo prints, in order: one "Valid config: ..." per accepted candidate
    // and the closing "All candidate configurations created correctly. Total number of configs: N."
    // (upstream wraps that last line in blank lines; those are left out).
    std::vector<std::string> stdout_lines;
};

// NeMo 2.0 generate_grid_search_configs: every (tp, pp, cp, ep) with some MBS that passes the
// validity filter, then for each of them every MBS that passes modify_cfg's check.
Result<NemoGrid> nemo_generate_grid(const NemoGridInput& in);

// Launcher _set_activations_checkpoint_params (autoconfig/training_config.py): the virtual
// pipeline size and the activation-checkpointing sub-grid the launcher crosses with each
// (tp, pp, cp, ep) candidate. act_method is the base config's activations_checkpoint_method
// (the encoder's for T5/mT5); the sub-grid exists only for "block". Lists hold nullopt where
// NeMo holds [None] (that axis is not searched). Upstream quirks kept: the first micro-batch
// count is 0 replaced by 1 (PP 2 gives [1, 1, 2]), and the layers-per-pipeline step is taken
// before interleaving resets the layer step to 1.
struct NemoActCkptGrid {
    std::optional<int> vp;
    std::vector<std::optional<int>> act_ckpt_layers;  // activations_checkpoint_num_layers
    std::vector<std::optional<int>> num_mbs_act;      // num_micro_batches_with_partial_activation_checkpoints
    std::vector<std::optional<int>> act_per_pipe;     // activations_checkpoint_layers_per_pipeline
};
Result<NemoActCkptGrid> nemo_launcher_act_ckpt_grid(const std::string& model_type, int pp, int layers,
                                                    const std::string& act_method, double model_size_b);

// ------------------------------------------------------------------------------------------------
// The launcher's full candidate loop
// ------------------------------------------------------------------------------------------------
// NeMo-Framework-Launcher@26e42fa9 auto_configurator/autoconfig/training_config.py,
// generate_grid_search_configs + utils.modify_cfg + launch_grid_search_configs. (The stored
// snapshots of that file are older revisions; the loop was read from its verbatim copy in
// NVIDIA/NeMo@00bdb97 nemo/collections/llm/tools/auto_configurator/autoconfig/, the same copy the
// act-ckpt reference values above come from, and the names and printed lines agree with
// ../shared/data/nemo/output_formats.json "launcher", taken from 26e42fa9.)
//
//   pass 1  every (tp, pp, cp, ep) of nemo_grid_space with some MBS that passes the filter
//           (gbs % (mbs * gpus / mp) == 0 with mp = tp*pp*cp*ep, heads % tp, (multiplier *
//           layers) % pp, one of CP and EP equal to 1, min <= mp <= max), kept once, in loop order;
//   pass 2  per tuple, nemo_launcher_act_ckpt_grid, then for every MBS (and, when the sub-grid
//           exists, every act x num_mbs_act x act_per_pipe) modify_cfg's own check, which divides
//           the GPUs by tp * pp only and tests layers % pp without the T5 multiplier. Each pass
//           writes one YAML file and appends its name to results_cfgs[act] (sub-grid) or
//           results_cfgs[mbs] (no sub-grid);
//   launch  results_cfgs bucket by bucket, each bucket in write order, stopping at
//           limit_search_runs jobs.
// Multiplier 2 (encoder + decoder layers) for T5/mT5, 1 otherwise; `layers`/`heads` of the input
// are the encoder's for T5/mT5.
struct NemoLauncherCandidate {
    int tp = 1;
    int pp = 1;
    std::optional<int> cp, ep;        // nullopt prints "None" (T5/mT5/BERT tables)
    int mbs = 1;
    int gbs = 0;
    std::optional<int> vp;            // virtual_pipeline_model_parallel_size: GPT-like and BERT with PP > 2
    std::optional<int> act_ckpt_layers, num_mbs_act, act_per_pipe;  // nullopt = not searched ("None")
    std::string name;                 // file stem: gpt3_5b_16nodes_tp_1_pp_1_cp_1_ep_1_mbs_1_act_ckpt_None_...
    int results_bucket = 0;           // the results_cfgs list the name goes to: act (sub-grid) or mbs
};

struct NemoLauncherGrid {
    // One entry per file written, in write order. A name written twice (an MBS or act value the
    // user lists twice) overwrites its file but is appended to results_cfgs twice, so it is
    // launched twice: both entries are kept.
    std::vector<NemoLauncherCandidate> configs;
    // modify_cfg's "Valid config: GBS=..., MBS=..., TP=..., PP=..., CP=..., EP=..., act_ckpt_layers=...,
    // num_mbs_act=..., act_per_pipe=.... Adding to directory." per file, then
    // "All candidate configurations created correctly." (upstream wraps it in blank lines; left out).
    std::vector<std::string> stdout_lines;
};

// in: the search config's train_settings (model_type = the search_config folder, gpt3/llama/t5/...;
// layers and heads from the base config, the encoder's for T5/mT5; nodes = train_settings.num_nodes;
// gpus_per_node = the base config's trainer.devices). gbs: the base config's global_batch_size
// (in.gbs is NeMo 2.0's and is ignored here). act_method: the base config's
// activations_checkpoint_method (the encoder's for T5/mT5): "block", "uniform", or "" for none.
// act_ckpt_layers: train_settings.act_ckpt_layers when it is a list (nullopt = "auto"); upstream
// uses it only where the block sub-grid exists.
Result<NemoLauncherGrid> nemo_launcher_generate_grid(const NemoGridInput& in, int gbs, const std::string& act_method,
                                                     const std::optional<std::vector<int>>& act_ckpt_layers = std::nullopt);

// launch_grid_search_configs: indices into grid.configs in submission order (results_cfgs list by
// list), at most limit_search_runs of them (nullopt or <= 0: no limit; upstream compares
// len(job_ids) == limit after each submission, so 0 or a negative limit never stops it).
std::vector<size_t> nemo_launcher_launch_order(const NemoLauncherGrid& grid, std::optional<int> limit_search_runs);

}  // namespace tp
