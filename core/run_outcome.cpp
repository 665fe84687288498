#include "run_outcome.hpp"

namespace tp {

RunOutcome run_outcome(const std::string& executor_state, std::optional<int> exit_code, const LogParse& log) {
    if (log.failure.kind != FailureKind::none) return {log.failure.kind, log.failure.evidence};
    const std::string code = exit_code ? " (exit code " + std::to_string(*exit_code) + ")" : "";
    if (executor_state == "TIMEOUT") return {FailureKind::time_limit, "executor state TIMEOUT: the run's time limit was reached"};
    if (executor_state == "CANCELLED") return {FailureKind::cancelled, "executor state CANCELLED"};
    if (executor_state == "PREEMPTED") return {FailureKind::preempted, "executor state PREEMPTED"};
    if (executor_state == "OUT_OF_MEMORY") return {FailureKind::oom, "executor state OUT_OF_MEMORY (host memory limit)"};
    if (executor_state == "NODE_FAIL") return {FailureKind::crash, "executor state NODE_FAIL"};
    if (executor_state == "VANISHED") return {FailureKind::crash, "the job vanished: the executor no longer knows it"};
    if (executor_state == "COMPLETED" && log.steps.empty() && !log.summary.step_time_s)
        return {FailureKind::crash, "the run exited 0 but its log shows no training step"};
    if (executor_state != "COMPLETED") return {FailureKind::crash, "executor state " + executor_state + code};
    return {};
}

}  // namespace tp
