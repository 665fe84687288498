// inference_cli.hpp — `trainplan inference`'s flags, and the measured half: each predicted point launched
// through the search's executors (local process groups or Slurm) with an engine's benchmark, its output parsed
// (core/inference_output) and kept per point, so an interrupted measurement resumes without re-running what
// finished.
//
//   RUN_DIR/runs/<tp2_pp1_bs16>/log.txt       the engine's output
//   RUN_DIR/runs/<tp2_pp1_bs16>/result.json   state, measured figures, failure kind and evidence (written once)
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "executor.hpp"
#include "inference.hpp"
#include "result.hpp"

namespace tp::cli {

struct InferenceFlags {
    ModelFlags model;
    std::string gpu = "h100-sxm";
    int gpus_per_node = 8, input_len = 60, output_len = 20;
    std::string tp = "1,2,4", pp = "1,2", batch_sizes = "4,8,16,32,64,128,256";  // lists, read by core's int_list_parse
    std::string weights = "bf16", kv_cache = "bf16";
    double max_latency_ms = 0;
    bool nemo = false, json = false;
    std::string search_config, session, output_dir;
    std::vector<std::string> overrides;
    // Measured
    std::string measure;        // "" (predict only) | local | slurm
    std::string engine;         // vllm | trtllm
    std::string command;        // a template in place of --engine
    std::string hf_model;       // {hf_model}: the checkpoint the engine loads
    std::string run_dir = "inference_runs";
    double time_limit_minutes = 30;
    int concurrency = 1;
    double poll_s = 2;
    bool measure_all = false;   // also points predicted not to fit
    SlurmOptions slurm;
};

void add_inference_measure_flags(CLI::App& app, InferenceFlags& f);
bool inference_measure_requested(const InferenceFlags& f);

// Measures the plan's points (those predicted to fit, or all with --measure-all); returns each point's measured
// latency in ms in plan order, NaN where none was measured (not launched, failed, or no figure). Exit status
// 130 is reported as an error after Ctrl-C (what finished is kept on disk).
Result<std::vector<double>> inference_measure(const InferenceFlags& f, const InferenceRequest& r, const InferencePlan& plan);

}  // namespace tp::cli
