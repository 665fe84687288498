// preset_report.hpp — NeMo's launcher presets: what NeMo's grid would launch, what trainplan would
// not launch of it, and what trainplan would run instead.
//
// For every conf/search_config/<family>/<size>.yaml of NeMo-Framework-Launcher@26e42fa9
// (../shared/data/nemo/launcher_search_config_presets.json) the report rebuilds the launcher's
// base config, runs its candidate loop exactly (nemo_launcher_generate_grid, the order and the
// limit_search_runs cap of launch_grid_search_configs), maps every launched candidate to a
// TrainConfig and puts it through the check trainplan's own grid applies (search_grid: the
// rules, then the memory estimate), and ranks trainplan's own auto space at the same model,
// GPUs, sequence and global batch.
//
// The model of a preset:
//   custom_config null   the launcher's generated base config (<family>.yaml + generate_base_config,
//                        base_config_generate with Heuristics::nemo; unknown sizes first go
//                        through NeMo's size estimate, as search_config.py does);
//   custom_config given  the architecture in that base_configs/*.yaml
//                        (../shared/data/nemo/launcher_base_configs_summary.json).
// T5 and mT5 get NeMo's count but no trainplan figures: trainplan's memory and step-time
// estimates model one decoder stack (no cross-attention, no encoder/decoder split of the
// pipeline), so any number there would be invented. BERT's encoder layer is the GPT-3 layer
// (MHA, 4h GeLU MLP, LayerNorm, dropout: the layer of Korthikanti et al. 2022 Table 2, which the
// estimator reproduces exactly), so BERT is estimated.
#pragma once

#include <string>
#include <vector>

#include "hardware.hpp"
#include "nemo_grid.hpp"
#include "result.hpp"
#include "search.hpp"
#include "train_config.hpp"

namespace tp {

// One launched NeMo candidate that trainplan would not launch.
struct PresetRejection {
    std::string name;    // NeMo's candidate file stem
    TrainConfig config;  // the run as trainplan models it (preset_report_candidate_config)
    std::string reason;  // "out of memory: needs ... GiB, ... GiB usable ..." or the rule that fails
};

struct PresetRow {
    std::string preset;       // search_config key, e.g. "gpt3/5b"
    std::string family;       // NeMo's model_name: the search_config folder (gpt3, llama, t5, ...)
    std::string size_label;   // model_size_in_b as the launcher prints it: "5", "0.126", "12.9"
    std::string model;        // the architecture used and where it comes from
    int nodes = 0, gpus_per_node = 0, seq = 0, gbs = 0;
    int gpus() const { return nodes * gpus_per_node; }

    // NeMo launcher
    std::string nemo_error;   // non-empty: the launcher stops before writing a candidate, and why
    int nemo_written = 0;     // candidate files generate_grid_search_configs writes
    int nemo_launched = 0;    // jobs launch_grid_search_configs submits (at most limit_search_runs)
    int limit_search_runs = 0;
    int nemo_distinct = 0;    // distinct runs among the launched, as trainplan models them (0: not modelled)

    // trainplan
    std::string not_modelled;              // non-empty: no trainplan estimate for this row, and why
    std::vector<PresetRejection> oom;      // launched NeMo candidates the memory estimate rejects
    std::vector<PresetRejection> invalid;  // launched NeMo candidates a trainplan rule rejects first
    std::vector<Candidate> top5;           // trainplan's own first five at the same model, GPUs, seq, GBS
    int trainplan_candidates = 0;          // candidates of trainplan's auto space that fit
};

struct PresetReport {
    std::string gpu;               // the GPU every estimate assumes
    std::vector<PresetRow> rows;   // one per preset, in the file's order
    int nemo_written = 0;          // sums over the rows the launcher can run
    int nemo_launched = 0;
    int modelled_launched = 0;     // launched candidates in rows trainplan models
    int oom = 0, invalid = 0;      // sums of the rows' rejections
};

// presets_json: launcher_search_config_presets.json; base_configs_json:
// launcher_base_configs_summary.json. gpu: the GPU the estimates assume (the presets state only
// gpu_memory_gb: 80).
Result<PresetReport> preset_report_run(const std::string& presets_json, const std::string& base_configs_json,
                                       const GpuSpec& gpu);
std::string preset_report_markdown(const PresetReport& r);

// How trainplan models one launcher candidate, starting from `base` (cluster, sequence, precision,
// the base config's sequence parallelism and recomputation):
//   cp/ep/vp None -> 1; act_ckpt_layers None -> the base config's recomputation;
//   act_ckpt_layers 0 -> none; N > 0 -> full recomputation of N layers of every model chunk
//   (Megatron's "block" method counts per chunk, so N x VP per pipeline stage; all of them -> "full").
// num_mbs_act and act_per_pipe are not modelled: they are options of NeMo's legacy (non-mcore)
// transformer, which these base configs (mcore_gpt: true) do not run.
TrainConfig preset_report_candidate_config(const NemoLauncherCandidate& c, const TrainConfig& base, int layers);

// Compact label: tp4.pp2.mbs1.full:2 (vp, cp, ep only when > 1: tp8.pp8.vp12.mbs1.none).
std::string preset_report_label(const TrainConfig& c);

}  // namespace tp
