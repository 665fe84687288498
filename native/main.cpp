// trainplan — plans LLM training runs (see README.md and ../shared/docs/design.md).
#include <iostream>
#include <map>

#include "commands.hpp"

int main(int argc, char** argv) {
    CLI::App app{"trainplan: plan LLM training runs (model size, days, base config, parallel settings)", "trainplan"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "trainplan 0.1.0");
    std::map<CLI::App*, tp::cli::Runner> runners;
    auto add = [&](const char* name, const char* description, tp::cli::Runner (*reg)(CLI::App&)) {
        CLI::App* sub = app.add_subcommand(name, description);
        runners[sub] = reg(*sub);
    };
    add("recommend", "Model size for a compute budget, or days to train a size (NeMo and trainplan figures)",
        tp::cli::register_recommend);
    add("estimate", "One configuration: memory breakdown, fits, step time, tokens/s/GPU, MFU (or a model's parameters and FLOPs)", tp::cli::register_estimate);
    add("grid", "Ranked candidate configurations (TP, PP, VP, CP, EP, MBS, recompute, GBS) and the rejected ones with their reason",
        tp::cli::register_grid);
    add("generate", "The files users launch: base config, NeMo launcher YAML per candidate, NeMo 2.0 / Megatron-LM / torchtitan commands, session.json",
        tp::cli::register_generate);
    add("search", "Empirical search: plan, launch the best candidates (local or Slurm), follow them, parse their logs, report the measured optimum",
        tp::cli::register_search);
    add("launch", "Plan and submit the first runs of a search, then return (follow with search --resume)", tp::cli::register_launch);
    add("status", "The runs of a search and their states (from its journal)", tp::cli::register_status);
    add("collect", "final_results/ of a search: NeMo-style CSVs, failed runs, top-N, optimal config, session with runs", tp::cli::register_collect);
    add("models", "List the model presets with their parameter counts", tp::cli::register_models);
    add("accuracy", "Predicted vs published memory and throughput over the ground-truth data (--fit re-fits the constants)",
        tp::cli::register_accuracy);
    add("parse-log", "Parse training logs: framework, per-step time, TFLOP/s/GPU, tokens/s/GPU, loss, and the failure with its line", tp::cli::register_parse_log);
    add("finetune-gpus", "Fewest GPUs (and workers) a fine-tuning job (full, LoRA, QLoRA) needs without running out of memory",
        tp::cli::register_finetune_gpus);
    add("sweep", "Every point of an ado space file (entitySpace) through finetune-gpus, written as CSV", tp::cli::register_sweep);
    add("inference",
        "Inference TP x PP x batch grid: memory, first-token/per-token/end-to-end latency, throughput per GPU; NeMo's filter "
        "and final_output.csv; --measure runs each point with vLLM or TensorRT-LLM",
        tp::cli::register_inference);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);  // usage errors: message on stderr, exit status 106-ish per CLI11, never 0
    }
    for (auto& [sub, run] : runners)
        if (sub->parsed()) return run();
    return 2;
}
