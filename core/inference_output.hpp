// inference_output.hpp — what inference benchmark engines print, in; one measured point out (issue 8,
// "Measured": the figures core/inference.hpp predicts for a TP x PP x batch point, as the engine that
// ran the point reports them). Pure: the caller runs the benchmark and passes its output's bytes.
//
// What it reads (every format is cited next to its reader in inference_output.cpp, with the fixture
// in tests/data/inference_output/ that shows it; the README there names each source file and commit):
//   vllm-latency       vLLM's benchmark_latency ("vllm bench latency"): "Avg latency: <s> seconds"
//                      (and the percentile lines, not kept), or its --output-json file
//                      {"avg_latency": <s>, "latencies": [...], "percentiles": {...}}
//   vllm-throughput    benchmark_throughput ("vllm bench throughput"): "Throughput: <x> requests/s,
//                      <y> total tokens/s, <z> output tokens/s" (before 2024: "<y> tokens/s", the
//                      total), or its --output-json file {"requests_per_second", "tokens_per_second"}
//   vllm-serving       benchmark_serving ("vllm bench serve"): the "Serving Benchmark Result" block,
//                      or its --save-result file {"request_throughput", "mean_ttft_ms", ...}
//   trtllm-bench       TensorRT-LLM's trtllm-bench throughput and latency: the PERFORMANCE OVERVIEW
//                      block of every vintage (0.17's "Token Throughput (tokens/sec)" to today's
//                      "[TTFT]"/"[TPOT]" lines), or its --report_json file {"performance": {...}}
//   fastertransformer  FasterTransformer's C++ examples: "... FT-CPP-decoding-beamsearch-time <x> ms",
//                      the line the NeMo launcher's inference sweep reads
//
// Units: milliseconds for latencies (vLLM's seconds are converted), per second for rates. A figure the
// output does not print is empty, never derived: the engines count tokens differently (trtllm-bench's
// output tokens include the first, vLLM's TPOT excludes it), and the caller knows the run's shape.
// A printed figure that is not a finite number >= 0 ("nan", "inf", "1e999", "-3") is left empty too.
//
// Several results in one text (a log of a sweep): the first one is read, as the NeMo launcher's
// scrap_latency reads the first matching line.
//
// Failure: the same classification as training logs (log_parse_failure.cpp: OOM, NCCL errors and
// timeouts, crashes, Slurm's reasons), with the decisive line as evidence. An output with a failure
// and no figures is a measurement of a point that failed (an OOM says the point does not fit), not an
// error; an output that printed figures and then failed (a crash at shutdown) keeps both.
#pragma once

#include <optional>
#include <string_view>

#include "log_parse.hpp"
#include "result.hpp"

namespace tp {

enum class InferenceEngine { unknown, vllm_latency, vllm_throughput, vllm_serving, trtllm_bench, fastertransformer };
// "vllm-latency", "vllm-throughput", "vllm-serving", "trtllm-bench", "fastertransformer", "unknown".
const char* inference_engine_name(InferenceEngine e);

struct InferenceMeasurement {
    InferenceEngine engine = InferenceEngine::unknown;
    std::optional<double> latency_ms;          // end-to-end latency of one batch/request (mean), ms
    std::optional<double> ttft_ms, tpot_ms;    // mean time to first token, mean time per output token, ms
    std::optional<double> requests_per_s, output_tokens_per_s, total_tokens_per_s;
    LogFailure failure;                        // kind none/oom/nccl_.../crash, with its evidence line
};

// Detects the engine from the text and reads its figures. The one error: an output with no figure
// and no failure; its message names what was expected (the recognised engine's labels and the values
// refused, or every engine's marker) and, for a text starting with '{', why it is not a JSON result.
// Never crashes on any input (fuzz_inference_output).
Result<InferenceMeasurement> inference_output_parse(std::string_view text);

}  // namespace tp
