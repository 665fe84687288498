// inference_template.hpp — the command one inference point runs: a one-line template with placeholders,
// filled with validated, shell-quoted values (the same rules as the training search's run_template.hpp).
//
// Placeholders: {tp} {pp} {batch} {input_len} {output_len} {gpus} {nodes} {gpus_per_node} {hf_model}
// {log_dir} {name}; {{ and }} for braces. Numbers are the point's own positive integers; {hf_model},
// {log_dir} and {name} are shell-quoted, so a hostile value stays one inert word.
//
// Built-ins, each the engine's own latency benchmark for one batch of fixed-length prompts:
//   vllm          `vllm bench latency` (vllm/benchmarks/latency.py; benchmarks/benchmark_latency.py before
//                 vLLM 0.9): --batch-size sequences of --input-len tokens generating --output-len tokens,
//                 timed over --num-iters after --num-iters-warmup; prints "Avg latency: <s> seconds".
//   trtllm        TensorRT-LLM's benchmark (docs/source/performance/perf-benchmarking.md): a synthetic
//                 dataset of exactly input/output tokens from benchmarks/cpp/prepare_dataset.py, then
//                 `trtllm-bench throughput` with the batch as both max batch size and concurrency, so one
//                 batch runs at a time; prints its PERFORMANCE OVERVIEW.
// FasterTransformer, the NeMo launcher's engine, has no built-in (it needs a converted checkpoint and a
// config.ini per point); its output is still parsed (core/inference_output.hpp) for a --command that runs it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"
#include "run_template.hpp"

namespace tp {

struct InferenceRunValues {
    int tp = 1, pp = 1, batch = 1, input_len = 1, output_len = 1, nodes = 1, gpus_per_node = 8;
    std::string hf_model;  // what the engine loads: a Hugging Face id or a local checkpoint path
    std::string log_dir;   // the point's own folder
    std::string name;      // the point's name, e.g. "tp2_pp1_bs16"
};

std::vector<std::string> inference_template_placeholders();
Result<bool> inference_template_check(std::string_view text);
Result<std::string> inference_template_fill(std::string_view text, const InferenceRunValues& v);
// vllm | trtllm; unknown names are an error listing them.
Result<RunTemplate> inference_template_builtin(std::string_view name);
// The point's name in run folders and CSV files.
std::string inference_point_name(int tp, int pp, int batch);

}  // namespace tp
