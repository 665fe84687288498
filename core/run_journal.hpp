// run_journal.hpp — the empirical search's memory: an append-only journal of state changes (JSON Lines),
// and the state of every run replayed from it.
//
// Every state change is one line: {"event": ..., "run": NAME, "time": ISO-8601, ...}. The native side
// appends each line with a single write and an fsync (native/journal_file), so a crash or SIGKILL leaves
// at most a torn last line; replay ignores that line and says so. Any other bad line is an error naming
// the line number, because guessing there could lose or repeat a measured run.
//
// Events, in the order a run normally goes through them:
//   planned    rank, config (the grid keys), predicted step time (s), the command it will run; with the
//              halving strategy also the full-length command, and for a second-round run its parent
//   submitted  executor ("local" | "slurm"), job id, log file
//   running    (the executor saw it start)
//   finished   executor state (COMPLETED, FAILED, TIMEOUT, ...), exit code, parsed metrics and failure
//   cancelled  the user's Ctrl-C or a limit; vanished: the executor no longer knows the job
// A run is *done* once it has finished, been cancelled or vanished: --resume never launches it again.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace tp {

enum class RunStatus { planned, submitted, running, finished, cancelled, vanished };
const char* run_status_name(RunStatus s);

struct RunRecord {
    std::string name;
    RunStatus status = RunStatus::planned;
    int rank = 0;
    nlohmann::json config = nlohmann::json::object();  // the candidate's grid keys
    double predicted_step_time_s = 0;
    std::string command;                                // the filled command line it runs (from the user's template)
    std::string command_long;                           // halving: the same run with the full step budget
    std::string parent;                                 // halving: the brief run this longer run continues ("" otherwise)
    std::string executor, job_id, log_file;
    std::string submitted_at, started_at, ended_at;     // ISO-8601 times from the journal lines
    std::string executor_state;                         // Slurm state or local exit description
    std::optional<int> exit_code;
    nlohmann::json metrics = nlohmann::json::object();  // parse-log summary: step_time_s, tflops_per_gpu, ...
    std::string failure_kind = "none", failure_evidence;
    bool done() const { return status == RunStatus::finished || status == RunStatus::cancelled || status == RunStatus::vanished; }
};

struct JournalState {
    std::vector<RunRecord> runs;  // in the order they were planned
    bool torn_tail = false;       // the last line was cut short (a crash mid-write) and was ignored
    int lines = 0;                // complete lines read
    RunRecord* find(std::string_view name);
    const RunRecord* find(std::string_view name) const;
};

// One journal line (with its trailing newline) for an event; `fields` holds the event's own keys.
std::string journal_line(std::string_view event, std::string_view run, std::string_view time, const nlohmann::json& fields = {});

// Replays a whole journal. `source` names the file in messages ("runs/journal.jsonl:12: ...").
Result<JournalState> journal_replay(std::string_view text, std::string_view source);

// One run as the session's "runs" array and `trainplan status --json` show it.
nlohmann::json journal_run_json(const RunRecord& r);

// Applies one parsed event to the state (journal_replay uses it; the search loop uses it as it writes).
Result<bool> journal_apply(JournalState& state, const nlohmann::json& event);

}  // namespace tp
