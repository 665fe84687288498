// app_files: share links, session files and plan files of the page (app_files.hpp).
#include "app_files.hpp"

#include "csv.hpp"
#include "plan_from_inputs.hpp"
#include "session_runs.hpp"
#include "share_link.hpp"

namespace tp::web {

namespace {

void set_notice(AppState& s, std::string text, bool error) {
    s.notice = std::move(text);
    s.notice_is_error = error;
}

// What belonged to the previous session: its runs, and an edit pending in the custom architecture editor.
void drop_previous_session(AppState& s) {
    s.custom_error.clear();
    s.runs = JournalState{};
    s.measured = SearchResults{};
    s.runs_source.clear();
    s.opened_plan = nlohmann::json::object();
}

}  // namespace

std::string app_open_share_link(AppState& s, const std::string& fragment) {
    if (fragment.empty() || fragment == "#") return "";
    Result<SessionInputs> in = share_link_parse(fragment);
    if (!in) {
        // The message names what is wrong; the defaults replace everything (never a mix of two sessions).
        s.inputs = AppState::app_default_inputs();
        drop_previous_session(s);
        set_notice(s, in.error().message + "; showing the default inputs instead", true);
        app_update_grid(s);
        return in.error().message;
    }
    s.inputs = *in;
    drop_previous_session(s);
    s.hf_error.clear();
    s.hf_status.clear();
    set_notice(s, "opened a share link: " + s.inputs.model.name + " on " + std::to_string(s.inputs.training.nodes) + " x " +
                      std::to_string(s.inputs.training.gpus_per_node) + " " + s.inputs.gpu, false);
    app_update_grid(s);
    return "";
}

std::string app_share_fragment(const AppState& s) { return share_link_fragment(s.inputs); }

std::string app_open_session(AppState& s, const std::string& file_name, const std::string& text) {
    Result<Session> session = session_parse(text, file_name);
    if (!session) {
        set_notice(s, session.error().message, true);
        return session.error().message;
    }
    Result<JournalState> runs = session_runs_read(session->runs, file_name);
    if (!runs) {
        set_notice(s, runs.error().message, true);
        return runs.error().message;
    }
    s.inputs = session->inputs;
    s.hf_error.clear();
    s.hf_status.clear();
    drop_previous_session(s);
    if (!runs->runs.empty()) {
        s.runs = std::move(*runs);
        s.runs_source = file_name;
        s.opened_plan = session->plan;
        s.measured = search_results(s.runs, session_results_context(*session), 10);
        s.show_runs_tab = true;
    }
    set_notice(s, "opened " + file_name + (s.runs.runs.empty() ? "" : " with " + std::to_string(s.runs.runs.size()) + " runs"), false);
    app_update_grid(s);
    return "";
}

std::string app_open_file(AppState& s, const std::string& file_name, const std::string& text) {
    // Which parser: a session says so in its "format" key; anything else is read as a config.json. A file that
    // is not JSON at all goes to the session reader, whose message gives the line and column.
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || (doc.is_object() && doc.contains("format"))) return app_open_session(s, file_name, text);
    const std::string before = s.hf_text;
    s.hf_text = text;
    if (!app_import_hf_config(s)) {
        const std::string error = file_name + ": " + s.hf_error;
        s.hf_text = before;
        s.hf_error.clear();
        s.notice = error;
        s.notice_is_error = true;
        return error;
    }
    drop_previous_session(s);
    s.notice = "imported " + file_name + " as the model: " + s.hf_status.substr(s.hf_status.find(' ') + 1);
    s.notice_is_error = false;
    app_update_grid(s);
    return "";
}

std::string app_session_file(const AppState& s) {
    Session session;
    session.inputs = s.inputs;
    if (!s.runs.runs.empty()) {
        session.plan = s.opened_plan;
        for (const RunRecord& r : s.runs.runs) session.runs.push_back(journal_run_json(r));
    }
    return session_to_json(session);
}

const std::vector<std::pair<std::string, std::string>>& app_files(AppState& s) {
    const PlanSchedule schedule{s.inputs.budget.days, s.inputs.budget.tokens_b, 50, 20};
    std::string key = session_inputs_json(s.inputs).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + " " +
                      std::to_string(schedule.days) + " " + std::to_string(schedule.tokens_b) + " " + std::to_string(s.runs.runs.size()) +
                      s.runs_source;
    if (key == s.files_key) return s.files;
    s.files_key = std::move(key);
    s.files.clear();
    s.files_error.clear();
    s.files.emplace_back("session.json", app_session_file(s));
    std::vector<std::string> choices;
    Result<PlanRequest> request = plan_request_from_inputs(s.inputs, schedule, choices);
    Result<Plan> plan = request ? plan_generate(*request) : Result<Plan>(request.error());
    if (!s.runs.runs.empty()) {
        const int nodes = s.inputs.training.nodes;
        s.files.emplace_back(search_results_summary_file(nodes), csv_write(s.measured.summary_header, s.measured.summary_rows));
        s.files.emplace_back(search_results_failed_file(nodes), csv_write(s.measured.failed_header, s.measured.failed_rows));
    }
    if (!plan) {
        s.files_error = plan.error().message;
        return s.files;
    }
    // The folder's top-level files (base config, launch commands) before the many candidate YAMLs; the page's
    // own session.json (first) replaces the manifest.
    const std::string manifest = plan_manifest(s.inputs, *request, *plan);
    std::vector<std::pair<std::string, std::string>> candidates;
    for (auto& [name, text] : plan_files(*request, *plan, manifest)) {
        if (name == "session.json") continue;
        (name.rfind("candidate_configs/", 0) == 0 ? candidates : s.files).emplace_back(std::move(name), std::move(text));
    }
    for (auto& f : candidates) s.files.push_back(std::move(f));
    return s.files;
}

}  // namespace tp::web
