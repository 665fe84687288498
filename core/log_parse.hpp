// log_parse.hpp — training logs in, measured steps and the run's failure out (design.md, "results";
// the `parse-log --json` contract). Pure: the caller reads the file and passes its bytes.
//
// What it reads (every format is cited next to its parser, with the fixture in ../shared/data/logs
// that shows it):
//   megatron_lm         Megatron-LM's training_log line, every vintage: 2020 (no consumed samples,
//                       no loss while fp16 loss scaling skips), legacy (no throughput), current with
//                       "throughput per GPU (TFLOP/s/GPU)", the final iteration after "training done"
//   megatron_bridge     the same record, hard-wrapped over several lines as pasted, plus its
//                       "Step Time : ...s GPU utilization: ...TFLOP/s/GPU" lines and GB memory reports
//   megatron_deepspeed  Megatron-DeepSpeed's record ("TFLOPs:", "samples per second:", "actual seqlen:")
//   deepspeed           DeepSpeed engine logs: ThroughputTimer lines, GPT-NeoX's record
//                       ("samples/sec: ... | approx flops per GPU: ...TFLOPS"), memory and profiler lines
//   nemo1               NeMo 1.x (PyTorch Lightning) progress bars with train_step_timing and the rate
//   nemo2               NeMo 2.0 "Training epoch E, iteration I/N | key: value | ..." lines
//   torchtitan          "step: N  loss: ...  memory: ...  tps: ...  tflops: ...  mfu: ..."
//   nanotron            "iteration: N / M | ... | elapsed_time_per_iteration_ms: ... | ..."
//   mlperf              MLPerf ":::MLLOG {...}" lines (no per-step figures: steps stay empty)
//   unknown             anything else; a log with no steps is not an error
//
// Steps: one record per step the log reports (many logs report every log_interval-th step, each
// figure then being the interval's mean, as the framework printed it). A step printed again right
// after (every rank printing the same line, a progress bar redrawn) is one step, not two.
//
// Summary: the first `warmup_steps` step records are warm-up and are left out of the means
// (default 1: NeMo 2.0's auto configurator drops the first `train_step_timing` point, see
// ../shared/data/nemo/output_formats.json). A log with no more records than that keeps them all,
// so a short run still reports its one measurement; `warmup_steps_dropped` says which happened.
//
// Failure: one kind, with the decisive line as evidence; precedence and sources in
// log_parse_failure.cpp, and docs/logs.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.hpp"

namespace tp {

#define TP_LOG_FRAMEWORKS(X) \
    X(unknown)               \
    X(megatron_lm)           \
    X(megatron_bridge)       \
    X(megatron_deepspeed)    \
    X(deepspeed)             \
    X(nemo1)                 \
    X(nemo2)                 \
    X(torchtitan)            \
    X(nanotron)              \
    X(mlperf)

enum class LogFramework {
#define TP_LOG_FRAMEWORK_ENUM(name) name,
    TP_LOG_FRAMEWORKS(TP_LOG_FRAMEWORK_ENUM)
#undef TP_LOG_FRAMEWORK_ENUM
};
const char* log_framework_name(LogFramework f);

// The kinds of design.md's contract, in no particular order (precedence: log_parse_failure.cpp).
#define TP_FAILURE_KINDS(X) \
    X(none)                 \
    X(oom)                  \
    X(nccl_timeout)         \
    X(nccl_error)           \
    X(time_limit)           \
    X(cancelled)            \
    X(preempted)            \
    X(nan_loss)             \
    X(crash)

enum class FailureKind {
#define TP_FAILURE_KIND_ENUM(name) name,
    TP_FAILURE_KINDS(TP_FAILURE_KIND_ENUM)
#undef TP_FAILURE_KIND_ENUM
};
const char* failure_kind_name(FailureKind k);

// One step as the log reports it; a figure the log does not give (and that cannot be derived
// from what it gives plus LogParseOptions) is empty, never guessed.
struct LogStep {
    long long step = 0;                           // the framework's step (iteration) number
    std::optional<double> step_time_s;            // wall time of one step, seconds
    std::optional<double> tflops_per_gpu;         // model TFLOP/s per GPU as the framework printed it
    std::optional<double> tokens_per_s_per_gpu;   // printed per GPU, or derived (log_parse_options)
    std::optional<double> loss;                   // training loss; NaN when the log printed nan
};

struct LogSummary {
    std::optional<double> step_time_s;           // mean over the steps after warm-up
    std::optional<double> tflops_per_gpu;        // mean over the same steps
    std::optional<double> tokens_per_s_per_gpu;  // mean over the same steps
    int warmup_steps_dropped = 0;                // step records left out at the front
    int steps_averaged = 0;                      // step records after them
};

struct LogFailure {
    FailureKind kind = FailureKind::none;
    std::string evidence;  // the decisive line, trimmed (empty for none)
    long long line = 0;    // its 1-based line number ('\n'-separated), 0 for none
};

struct LogParseOptions {
    int warmup_steps = 1;  // step records dropped from the summary's means
    // Known facts about the run that let tokens/s/GPU be derived when the log prints only
    // tokens/s for all GPUs (or samples/s, or a global batch size): 0 = unknown.
    int gpus = 0;        // total GPUs of the run
    int seq_length = 0;  // tokens per sample
};

struct LogParse {
    LogFramework framework = LogFramework::unknown;
    std::vector<LogStep> steps;
    LogSummary summary;
    LogFailure failure;
};

// Parses a whole log. Errors only for input that is not a text log at all (binary data,
// compressed files) or for options out of range; any text, however odd, parses.
Result<LogParse> log_parse(std::string_view text, const LogParseOptions& options = {});

// `parse-log --json` for one log: {"framework", "steps": [...], "summary": {...}, "failure": {...}}
// (design.md); `file` adds "file" first when not empty. Numbers the log did not give are null.
std::string log_parse_json(const LogParse& p, std::string_view file = {});
// Several logs: a JSON array of the objects above, each with its "file".
std::string log_parse_json_many(const std::vector<std::pair<std::string, LogParse>>& parses);
// A readable report: framework, steps (all of them when few, else the first and last ten),
// summary with its warm-up, failure with line number and evidence.
std::string log_parse_text(const LogParse& p, std::string_view file = {});

}  // namespace tp
