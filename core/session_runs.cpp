// session_runs: a session's "runs" section back into run records (session_runs.hpp).
#include "session_runs.hpp"

#include <string>

namespace tp {

using nlohmann::json;

namespace {

Error field_error(std::string_view source, const std::string& path, const std::string& what) {
    return Error{ErrorKind::parse_error, std::string(source) + ": " + path + ": " + what};
}

std::string shown(const json& v) {
    std::string s = v.dump(-1, ' ', false, json::error_handler_t::replace);
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

// Reads an optional string field; wrong type is an error.
Result<bool> read_string(const json& j, const char* key, std::string& out, std::string_view source, const std::string& path) {
    if (!j.contains(key) || j[key].is_null()) return true;
    if (!j[key].is_string()) return field_error(source, path + "." + key, "expected a string, got " + shown(j[key]));
    out = j[key].get<std::string>();
    return true;
}

Result<RunRecord> read_run(const json& j, std::string_view source, const std::string& path) {
    if (!j.is_object()) return field_error(source, path, "expected an object (a run), got " + shown(j));
    RunRecord r;
    if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty())
        return field_error(source, path + ".name", "expected the run's name (a non-empty string)");
    r.name = j["name"].get<std::string>();
    if (!j.contains("status") || !j["status"].is_string())
        return field_error(source, path + ".status", "expected one of planned, submitted, running, finished, cancelled, vanished");
    const std::string status = j["status"];
    bool known = false;
    for (RunStatus s : {RunStatus::planned, RunStatus::submitted, RunStatus::running, RunStatus::finished, RunStatus::cancelled,
                        RunStatus::vanished})
        if (status == run_status_name(s)) r.status = s, known = true;
    if (!known)
        return field_error(source, path + ".status",
                           "expected one of planned, submitted, running, finished, cancelled, vanished, got " + shown(j["status"]));
    if (j.contains("rank")) {
        if (!j["rank"].is_number_integer() || j["rank"].get<long long>() < 0 || j["rank"].get<long long>() > 100000000)
            return field_error(source, path + ".rank", "expected an integer from 0 to 100000000, got " + shown(j["rank"]));
        r.rank = j["rank"].get<int>();
    }
    if (j.contains("config")) {
        if (!j["config"].is_object()) return field_error(source, path + ".config", "expected an object (tp, pp, ...), got " + shown(j["config"]));
        r.config = j["config"];
    }
    if (j.contains("predicted_step_time_s")) {
        const json& p = j["predicted_step_time_s"];
        if (!p.is_number() || !(p.get<double>() >= 0))
            return field_error(source, path + ".predicted_step_time_s", "expected seconds (a number, 0 or more), got " + shown(p));
        r.predicted_step_time_s = p.get<double>();
    }
    if (j.contains("metrics")) {
        if (!j["metrics"].is_object()) return field_error(source, path + ".metrics", "expected an object, got " + shown(j["metrics"]));
        r.metrics = j["metrics"];
        // The figures collect reads: numbers when present (a string here would be shown as if measured).
        for (const char* key : {"step_time_s", "tflops_per_gpu", "tokens_per_s_per_gpu"})
            if (r.metrics.contains(key) && !r.metrics[key].is_null() && !r.metrics[key].is_number())
                return field_error(source, path + ".metrics." + key, "expected a number, got " + shown(r.metrics[key]));
    }
    if (j.contains("failure")) {
        const json& f = j["failure"];
        if (!f.is_object()) return field_error(source, path + ".failure", "expected {\"kind\": ..., \"evidence\": ...}, got " + shown(f));
        if (Result<bool> ok = read_string(f, "kind", r.failure_kind, source, path + ".failure"); !ok) return ok.error();
        if (Result<bool> ok = read_string(f, "evidence", r.failure_evidence, source, path + ".failure"); !ok) return ok.error();
        if (r.failure_kind.empty()) r.failure_kind = "none";
    }
    if (j.contains("exit_code") && !j["exit_code"].is_null()) {
        const json& e = j["exit_code"];
        if (!e.is_number_integer() || e.get<long long>() < -1000000 || e.get<long long>() > 1000000)
            return field_error(source, path + ".exit_code", "expected an integer, got " + shown(e));
        r.exit_code = e.get<int>();
    }
    struct Text { const char* key; std::string RunRecord::*field; };
    for (const Text& t : {Text{"executor", &RunRecord::executor}, {"job_id", &RunRecord::job_id}, {"log_file", &RunRecord::log_file},
                          {"submitted_at", &RunRecord::submitted_at}, {"started_at", &RunRecord::started_at},
                          {"ended_at", &RunRecord::ended_at}, {"executor_state", &RunRecord::executor_state}, {"parent", &RunRecord::parent}})
        if (Result<bool> ok = read_string(j, t.key, r.*t.field, source, path); !ok) return ok.error();
    return r;
}

}  // namespace

Result<JournalState> session_runs_read(const json& runs, std::string_view source) {
    JournalState state;
    if (runs.is_null()) return state;
    if (!runs.is_array()) return field_error(source, "runs", "expected an array of runs, got " + shown(runs));
    if (runs.size() > kSessionRunsMax)
        return field_error(source, "runs", "more than " + std::to_string(kSessionRunsMax) + " runs (" + std::to_string(runs.size()) + ")");
    for (size_t i = 0; i < runs.size(); ++i) {
        const std::string path = "runs[" + std::to_string(i) + "]";
        Result<RunRecord> r = read_run(runs[i], source, path);
        if (!r) return r.error();
        if (state.find(r->name)) return field_error(source, path + ".name", "run '" + r->name + "' appears twice");
        state.runs.push_back(std::move(*r));
    }
    return state;
}

ResultsContext session_results_context(const Session& s) {
    ResultsContext c;
    c.model = s.inputs.model;
    c.nodes = s.inputs.training.nodes, c.gpus_per_node = s.inputs.training.gpus_per_node, c.seq = s.inputs.training.seq;
    // generate's plan section names them; a plan from elsewhere may not (or may hold anything).
    auto plan_text = [&](const char* key, const std::string& fallback) {
        return s.plan.is_object() && s.plan.contains(key) && s.plan[key].is_string() ? s.plan[key].get<std::string>() : fallback;
    };
    c.model_name = plan_text("model_name", s.inputs.model.family);
    c.size_label = plan_text("size_label", "0");
    return c;
}

}  // namespace tp
