// commands.hpp — one registration function per subcommand (each in cmd_<name>.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace tp::cli {

// A subcommand registers its flags on `app` and returns the function that runs it
// (called only when that subcommand was chosen); the function returns the exit status.
using Runner = std::function<int()>;

Runner register_recommend(CLI::App& app);
Runner register_estimate(CLI::App& app);
Runner register_grid(CLI::App& app);
Runner register_generate(CLI::App& app);
Runner register_models(CLI::App& app);
Runner register_accuracy(CLI::App& app);
Runner register_search(CLI::App& app);
Runner register_launch(CLI::App& app);
Runner register_status(CLI::App& app);
Runner register_collect(CLI::App& app);
Runner register_parse_log(CLI::App& app);
Runner register_finetune_gpus(CLI::App& app);
Runner register_sweep(CLI::App& app);
Runner register_inference(CLI::App& app);

}  // namespace tp::cli
