#include "run_journal.hpp"

#include <algorithm>

namespace tp {

using nlohmann::json;

const char* run_status_name(RunStatus s) {
    switch (s) {
    case RunStatus::planned: return "planned";
    case RunStatus::submitted: return "submitted";
    case RunStatus::running: return "running";
    case RunStatus::finished: return "finished";
    case RunStatus::cancelled: return "cancelled";
    case RunStatus::vanished: return "vanished";
    }
    return "?";
}

RunRecord* JournalState::find(std::string_view name) {
    auto it = std::find_if(runs.begin(), runs.end(), [&](const RunRecord& r) { return r.name == name; });
    return it == runs.end() ? nullptr : &*it;
}
const RunRecord* JournalState::find(std::string_view name) const { return const_cast<JournalState*>(this)->find(name); }

std::string journal_line(std::string_view event, std::string_view run, std::string_view time, const json& fields) {
    json line = {{"event", event}, {"run", run}, {"time", time}};
    if (fields.is_object())
        for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
    // dump() escapes control characters, so one event is always exactly one line.
    // Log lines quoted as evidence may hold invalid UTF-8: replaced (U+FFFD) rather than thrown on.
    return line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

std::string text_field(const json& e, const char* key) {
    return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
}

}  // namespace

Result<bool> journal_apply(JournalState& state, const json& e) {
    if (!e.is_object() || !e.contains("event") || !e["event"].is_string() || !e.contains("run") || !e["run"].is_string())
        return make_error(ErrorKind::parse_error, "expected {\"event\": ..., \"run\": ...}");
    const std::string event = e["event"], name = e["run"], time = text_field(e, "time");
    if (event == "planned") {
        if (state.find(name)) return make_error(ErrorKind::parse_error, "run '" + name + "' planned twice");
        RunRecord r;
        r.name = name;
        if (e.contains("rank") && e["rank"].is_number_integer()) r.rank = e["rank"];
        if (e.contains("config") && e["config"].is_object()) r.config = e["config"];
        if (e.contains("predicted_step_time_s") && e["predicted_step_time_s"].is_number()) r.predicted_step_time_s = e["predicted_step_time_s"];
        r.command = text_field(e, "command");
        r.command_long = text_field(e, "command_long");
        r.parent = text_field(e, "parent");
        state.runs.push_back(std::move(r));
        return true;
    }
    RunRecord* r = state.find(name);
    if (!r) return make_error(ErrorKind::parse_error, "event '" + event + "' for run '" + name + "', which was never planned");
    if (event == "submitted") {
        r->status = RunStatus::submitted;
        r->executor = text_field(e, "executor");
        r->job_id = text_field(e, "job_id");
        r->log_file = text_field(e, "log_file");
        r->submitted_at = time;
    } else if (event == "running") {
        r->status = RunStatus::running;
        r->started_at = time;
    } else if (event == "finished") {
        r->status = RunStatus::finished;
        r->ended_at = time;
        r->executor_state = text_field(e, "executor_state");
        if (e.contains("exit_code") && e["exit_code"].is_number_integer()) r->exit_code = e["exit_code"].get<int>();
        if (e.contains("metrics") && e["metrics"].is_object()) r->metrics = e["metrics"];
        if (e.contains("failure") && e["failure"].is_object()) {
            r->failure_kind = text_field(e["failure"], "kind");
            r->failure_evidence = text_field(e["failure"], "evidence");
        }
    } else if (event == "cancelled" || event == "vanished") {
        r->status = event == "cancelled" ? RunStatus::cancelled : RunStatus::vanished;
        r->ended_at = time;
        r->failure_kind = event == "cancelled" ? "cancelled" : "crash";
        r->failure_evidence = text_field(e, "reason");
    } else {
        return make_error(ErrorKind::parse_error, "unknown event '" + event + "'");
    }
    return true;
}

nlohmann::json journal_run_json(const RunRecord& r) {
    json one = {{"name", r.name}, {"rank", r.rank}, {"status", run_status_name(r.status)}, {"executor", r.executor},
                {"job_id", r.job_id}, {"log_file", r.log_file}, {"submitted_at", r.submitted_at}, {"started_at", r.started_at},
                {"ended_at", r.ended_at}, {"executor_state", r.executor_state}, {"config", r.config},
                {"predicted_step_time_s", r.predicted_step_time_s}, {"metrics", r.metrics},
                {"failure", {{"kind", r.failure_kind}, {"evidence", r.failure_evidence}}}};
    if (r.exit_code) one["exit_code"] = *r.exit_code;
    if (!r.parent.empty()) one["parent"] = r.parent;
    return one;
}

Result<JournalState> journal_replay(std::string_view text, std::string_view source) {
    JournalState state;
    size_t start = 0;
    int line_number = 0;
    while (start < text.size()) {
        const size_t end = text.find('\n', start);
        ++line_number;
        if (end == std::string_view::npos) {
            // No newline: the write of the last event was cut short. The event did not happen as far as the
            // search is concerned (its effect is redone on resume), so it is dropped, not guessed at.
            state.torn_tail = true;
            break;
        }
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (line.empty()) continue;
        json e;
        try {
            e = json::parse(line);
        } catch (const json::exception&) {
            return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(line_number) + ": not a JSON object");
        }
        if (Result<bool> ok = journal_apply(state, e); !ok)
            return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(line_number) + ": " + ok.error().message);
        ++state.lines;
    }
    return state;
}

}  // namespace tp
