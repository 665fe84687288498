// cli_common.hpp — flags shared by several subcommands, and the one place that reads files.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "executor.hpp"
#include "hardware.hpp"
#include "search.hpp"
#include "session.hpp"
#include "model.hpp"
#include "train_config.hpp"
#include "result.hpp"

namespace tp::cli {

// --model NAME | --hf-config FILE | explicit --layers --hidden ... (design.md, "Common flags").
struct ModelFlags {
    std::string preset;
    std::string hf_config;
    int layers = 0, hidden = 0, ffn = 0, heads = 0, kv_heads = 0, vocab = 0, experts = 0, topk = 0;
    std::string family = "llama";
};
void add_model_flags(CLI::App& app, ModelFlags& f);
// The model the flags describe, or nothing when none was given.
Result<std::optional<ModelSpec>> resolve_model(const ModelFlags& f);

// The cluster and the training settings every configuration shares (estimate, grid):
// --gpu --nodes --gpus-per-node --seq --precision --framework --compiled-loss --async-tp --memory-margin.
struct ClusterFlags {
    std::string gpu = "h100-sxm", precision = "bf16", framework = "megatron";
    int nodes = 1, gpus_per_node = 8, seq = 4096;
    double margin = 0.05;
    bool compiled_loss = false, async_tp = false;
};
void add_cluster_flags(CLI::App& app, ClusterFlags& f);
struct Cluster {
    GpuSpec gpu;
    TrainConfig base;  // nodes, GPUs per node, seq, precision, framework, margin set; the rest default
};
Result<Cluster> resolve_cluster(const ClusterFlags& f);
// A model is required: the flags' model, or an error saying how to give one.
Result<ModelSpec> require_model(const ModelFlags& f);

// The search space: --tp --pp --vp --cp --ep --mbs --gbs (lists or auto), --recompute, --optimizer-sharding,
// --tp-across-nodes (grid, generate, search).
struct SpaceFlags {
    std::vector<std::string> tp, pp, vp, cp, ep, mbs, gbs, recompute, sharding;
    bool tp_across_nodes = false;
};
void add_space_flags(CLI::App& app, SpaceFlags& f);
Result<SearchSpace> resolve_space(const SpaceFlags& f);
// True when any space flag was given.
bool space_flags_given(const CLI::App& app);

// Slurm's options (--partition --account --no-gpu-request --container-image --container-mounts), for `search`,
// `launch` and `inference --measure`.
void add_slurm_flags(CLI::App& app, SlurmOptions& o);

// Reads and checks a session file. `replaced`: the flags the session stands in for; giving one of them as
// well is an error ("--session replaces --nodes: ..."), so a flag is never silently ignored.
Result<Session> read_session(const std::string& path, const CLI::App& app, std::initializer_list<const char*> replaced = {});

Result<std::string> read_text_file(const std::string& path);
Result<bool> write_text_file(const std::string& path, const std::string& text);

// Prints "trainplan: <message>" to stderr and returns the exit status for bad input.
int fail(const Error& e);

}  // namespace tp::cli
