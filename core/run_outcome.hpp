// run_outcome.hpp — one run's failure kind, from what the executor says (Slurm state, exit code) and what
// the log says (log_parse's failure with its decisive line).
//
// The log names the cause, the executor the symptom: a run that ran out of GPU memory and then hung until
// Slurm's time limit is an `oom`, not a `time_limit`. So a log failure wins, except `none`; then the
// executor's state decides: TIMEOUT -> time_limit, CANCELLED -> cancelled, PREEMPTED -> preempted,
// OUT_OF_MEMORY (host memory, Slurm's cgroup) -> oom, NODE_FAIL / VANISHED / FAILED -> crash.
// A COMPLETED run with no step in its log and no step time from elsewhere (the caller may fill
// log.summary.step_time_s from TensorBoard events) is a crash too: nothing was measured.
#pragma once

#include <optional>
#include <string>

#include "log_parse.hpp"

namespace tp {

struct RunOutcome {
    FailureKind kind = FailureKind::none;
    std::string evidence;  // the log's decisive line, or what the executor reported
};

RunOutcome run_outcome(const std::string& executor_state, std::optional<int> exit_code, const LogParse& log);

}  // namespace tp
