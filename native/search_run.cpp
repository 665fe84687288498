#include "search_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli_common.hpp"
#include "csv.hpp"
#include "nemo_heuristics.hpp"
#include "journal_file.hpp"
#include "log_parse.hpp"
#include "run_outcome.hpp"
#include "session.hpp"
#include "session_runs.hpp"
#include "tensorboard.hpp"
#include "text.hpp"

namespace tp::cli {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

bool active(const RunRecord& r) { return r.status == RunStatus::submitted || r.status == RunStatus::running; }

// A run that finished cleanly with a measured step time.
bool measured(const RunRecord& r) {
    return r.status == RunStatus::finished && r.failure_kind == "none" && r.metrics.contains("step_time_s") && r.metrics["step_time_s"].is_number();
}
double step_time_of(const RunRecord& r) { return r.metrics["step_time_s"].get<double>(); }

// The fastest measured run so far, or nullptr.
const RunRecord* fastest_measured(const JournalState& s) {
    const RunRecord* best = nullptr;
    for (const RunRecord& r : s.runs)
        if (measured(r) && (!best || step_time_of(r) < step_time_of(*best))) best = &r;
    return best;
}

// The step time NeMo 2.0 would report from the event files under a run's folder (the newest file with enough
// points), or nothing. Unreadable or corrupt files are skipped: the log remains the primary source.
std::optional<double> tensorboard_step_time(const std::string& run_dir) {
    std::error_code ec;
    std::optional<double> found;
    fs::file_time_type newest{};
    for (fs::recursive_directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().filename().string().rfind("events.out.tfevents", 0) != 0) continue;
        Result<std::string> bytes = read_text_file(it->path().string());
        if (!bytes) continue;
        Result<TbEvents> events = tensorboard_read(*bytes, it->path().string());
        if (!events) continue;
        const std::optional<double> t = tensorboard_nemo_step_time_s(*events, NemoFlavor::nemo2);
        const fs::file_time_type when = it->last_write_time(ec);
        if (t && (!found || when > newest)) found = t, newest = when;
    }
    return found;
}

// Parses the finished run's log and records the outcome.
Result<bool> record_finished(JournalFile& journal, JournalState& state, RunRecord& r, const JobStatus& st, const SearchOptions& o) {
    // A job the executor no longer knows (purged, the machine rebooted): marked as vanished, not guessed at.
    if (st.state == "VANISHED")
        return journal.append(state, "vanished", r.name, {{"reason", r.executor + " no longer knows job " + r.job_id + "; its outcome is unknown"}});
    const std::string log_file = r.log_file;
    Result<std::string> text = read_text_file(log_file);
    LogParse parse;
    if (text) {
        LogParseOptions lo;
        lo.gpus = o.gpus, lo.seq_length = o.seq;
        Result<LogParse> p = log_parse(*text, lo);
        if (p) parse = *p;
    }
    // NeMo writes its step times to TensorBoard event files (scalar 'train_step_timing in s'); where the log itself
    // printed none, they are read as NeMo 2.0's auto configurator reads them (tensorboard.hpp).
    std::string step_time_source = parse.summary.step_time_s ? "log" : "";
    if (!parse.summary.step_time_s) {
        if (std::optional<double> tb = tensorboard_step_time(fs::path(r.log_file).parent_path().string()); tb) {
            parse.summary.step_time_s = *tb;
            step_time_source = "tensorboard";
        }
    }
    const RunOutcome outcome = run_outcome(st.state, st.exit_code, parse);
    nlohmann::json metrics = nlohmann::json::object();
    auto put = [&](const char* key, const std::optional<double>& v) {
        if (v) metrics[key] = *v;
    };
    put("step_time_s", parse.summary.step_time_s);
    put("tflops_per_gpu", parse.summary.tflops_per_gpu);
    put("tokens_per_s_per_gpu", parse.summary.tokens_per_s_per_gpu);
    metrics["steps"] = parse.steps.size();
    if (!step_time_source.empty()) metrics["step_time_source"] = step_time_source;
    metrics["framework"] = log_framework_name(parse.framework);
    nlohmann::json fields = {{"executor_state", st.state},
                             {"metrics", metrics},
                             {"failure", {{"kind", failure_kind_name(outcome.kind)}, {"evidence", outcome.evidence}}}};
    if (st.exit_code) fields["exit_code"] = *st.exit_code;
    return journal.append(state, "finished", r.name, fields);
}

// A live status line on a terminal; otherwise one plain line each time the counts change.
void print_progress(const JournalState& s, bool tty, std::string& last) {
    int done = 0, running = 0, queued = 0, failed = 0;
    for (const RunRecord& r : s.runs) {
        if (r.done()) {
            ++done;
            if (r.failure_kind != "none") ++failed;
        }
        if (r.status == RunStatus::running) ++running;
        if (r.status == RunStatus::submitted || r.status == RunStatus::planned) ++queued;
    }
    const RunRecord* best = fastest_measured(s);
    std::string line = "search: " + std::to_string(done) + " done, " + std::to_string(running) + " running, " + std::to_string(queued) +
                       " queued, " + std::to_string(failed) + " failed";
    if (best)
        line += "; best " + best->name + ": " + format_fixed(step_time_of(*best), 3) + " s/step measured, " +
                format_fixed(best->predicted_step_time_s, 3) + " predicted";
    if (line == last) return;
    last = line;
    if (tty) std::cerr << "\r\033[K" << line << std::flush;
    else std::cerr << line << "\n";
}

// Halving's second rung: the fastest measured first-round runs, planned again with their full-length command.
Result<bool> promote_best(JournalFile& journal, JournalState& state, double keep_fraction) {
    std::vector<const RunRecord*> brief;
    for (const RunRecord& r : state.runs)
        if (measured(r) && !r.command_long.empty()) brief.push_back(&r);
    std::stable_sort(brief.begin(), brief.end(), [](const RunRecord* a, const RunRecord* b) { return step_time_of(*a) < step_time_of(*b); });
    const size_t keep = brief.empty() ? 0 : std::max<size_t>(1, size_t(std::ceil(brief.size() * keep_fraction)));
    std::vector<nlohmann::json> promoted;
    for (size_t i = 0; i < keep; ++i) {
        const RunRecord& r = *brief[i];
        promoted.push_back({{"name", r.name + ".long"}, {"rank", r.rank}, {"config", r.config}, {"command", r.command_long},
                            {"predicted_step_time_s", r.predicted_step_time_s}, {"parent", r.name}});
    }
    // Appended after the loop: planning a run grows state.runs, which would move the records read above.
    for (const nlohmann::json& p : promoted) {
        nlohmann::json fields = p;
        fields.erase("name");
        if (Result<bool> ok = journal.append(state, "planned", p["name"].get<std::string>(), fields); !ok) return ok.error();
    }
    return true;
}

}  // namespace

JobSpec search_job_spec(const std::string& run_dir, const RunRecord& r, int nodes, int gpus_per_node, double minutes) {
    JobSpec j;
    j.name = r.name;
    j.command = r.command;
    j.run_dir = run_dir + "/runs/" + r.name;
    j.log_file = j.run_dir + "/log.txt";
    j.nodes = nodes, j.gpus_per_node = gpus_per_node, j.time_limit_minutes = minutes;
    return j;
}

Result<int> search_loop(JournalState& state, const std::string& journal_path, Executor& executor, const SearchOptions& o) {
    JournalFile journal;
    if (Result<bool> ok = journal.open(journal_path); !ok) return ok.error();
    g_interrupted = 0;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const bool tty = isatty(2);
    const int nodes = state.runs.empty() ? 1 : state.runs.front().config.value("nodes", 1);
    const int gpn = state.runs.empty() ? 8 : state.runs.front().config.value("gpus_per_node", 8);
    std::string last_progress;
    for (;;) {
        if (g_interrupted) {
            // The user's Ctrl-C: cancel what this search launched, record it, keep what was measured.
            for (RunRecord& r : state.runs) {
                if (!active(r)) continue;
                executor.cancel(search_job_spec(o.run_dir, r, nodes, gpn, o.time_limit_minutes), r.job_id);
                (void)journal.append(state, "cancelled", r.name, {{"reason", "cancelled by the user (interrupt)"}});
            }
            if (tty) std::cerr << "\n";
            std::cerr << "search: interrupted; finished runs are kept, `--resume` continues\n";
            return 130;
        }
        // Follow what is out there.
        int in_flight = 0;
        for (RunRecord& r : state.runs) {
            if (!active(r)) continue;
            const JobSpec spec = search_job_spec(o.run_dir, r, nodes, gpn, o.time_limit_minutes);
            const JobStatus st = executor.poll(spec, r.job_id);
            if (st.done) {
                if (Result<bool> ok = record_finished(journal, state, *state.find(spec.name), st, o); !ok) return ok.error();
                continue;
            }
            if (st.running && r.status == RunStatus::submitted)
                if (Result<bool> ok = journal.append(state, "running", r.name); !ok) return ok.error();
            ++in_flight;
        }
        // Ranked strategy: an untried candidate whose optimistic prediction cannot beat the measured best is not run.
        const RunRecord* fastest = fastest_measured(state);
        const double best = fastest ? step_time_of(*fastest) : 0;
        if (o.strategy == "ranked" && best > 0) {
            for (RunRecord& r : state.runs) {
                if (r.status != RunStatus::planned || r.predicted_step_time_s <= 0) continue;
                const double optimistic = r.predicted_step_time_s * (1 - o.stop_margin);
                if (optimistic > best)
                    if (Result<bool> ok = journal.append(state, "cancelled", r.name,
                                                         {{"reason", "skipped: predicted " + format_fixed(r.predicted_step_time_s, 3) +
                                                                         " s/step, optimistically " + format_fixed(optimistic, 3) +
                                                                         ", cannot beat the measured best " + format_fixed(best, 3) + " s"}});
                        !ok)
                        return ok.error();
            }
        }
        // Halving: once every first-round run is done, the fastest keep_fraction of the measured ones run again
        // with the full step budget (successive halving, Jamieson & Talwalkar 2016, with two rungs).
        if (o.strategy == "halving" && in_flight == 0 &&
            std::none_of(state.runs.begin(), state.runs.end(), [](const RunRecord& r) { return r.status == RunStatus::planned; }) &&
            std::none_of(state.runs.begin(), state.runs.end(), [](const RunRecord& r) { return !r.parent.empty(); })) {
            if (Result<bool> ok = promote_best(journal, state, o.keep_fraction); !ok) return ok.error();
        }
        // Launch in rank order up to the concurrency.
        bool planned_left = false;
        for (RunRecord& r : state.runs) {
            if (r.status != RunStatus::planned) continue;
            if (in_flight >= o.concurrency) {
                planned_left = true;
                break;
            }
            const JobSpec spec = search_job_spec(o.run_dir, r, nodes, gpn, o.time_limit_minutes);
            std::error_code ec;
            fs::create_directories(spec.run_dir, ec);
            if (ec) return make_error(ErrorKind::not_found, spec.run_dir + ": cannot create (" + ec.message() + ")");
            Result<std::string> id = executor.submit(spec);
            if (!id) {
                // A run that cannot even be submitted is a finished crash with the reason, not a stop of the search.
                (void)journal.append(state, "submitted", r.name, {{"executor", executor.name()}, {"job_id", ""}, {"log_file", spec.log_file}});
                (void)journal.append(state, "finished", r.name,
                                     {{"executor_state", "FAILED"}, {"failure", {{"kind", "crash"}, {"evidence", id.error().message}}}});
                continue;
            }
            if (Result<bool> ok = journal.append(state, "submitted", r.name, {{"executor", executor.name()}, {"job_id", *id}, {"log_file", spec.log_file}}); !ok)
                return ok.error();
            ++in_flight;
        }
        print_progress(state, tty, last_progress);
        if (o.detach) {
            if (tty) std::cerr << "\n";
            return 0;
        }
        if (in_flight == 0 && !planned_left) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(int(o.poll_s * 1000)));
    }
    if (tty) std::cerr << "\n";
    return 0;
}

Result<SearchResults> search_collect(const std::string& run_dir, const JournalState& state, Session session, int top_n) {
    const ResultsContext c = session_results_context(session);
    const SearchResults res = search_results(state, c, top_n);
    const std::string out = run_dir + "/final_results";
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) return make_error(ErrorKind::not_found, out + ": cannot create (" + ec.message() + ")");
    if (Result<bool> w = write_text_file(out + "/" + search_results_summary_file(c.nodes), csv_write(res.summary_header, res.summary_rows)); !w)
        return w.error();
    if (Result<bool> w = write_text_file(out + "/" + search_results_failed_file(c.nodes), csv_write(res.failed_header, res.failed_rows)); !w)
        return w.error();
    std::string top;
    for (const std::string& line : res.top_lines) top += line + "\n";
    if (!res.optimal_run.empty()) {
        top += "\n==================================================\nOptimal config: " + res.optimal_run + " with " +
               format_fixed(res.optimal_step_time_s, 4) + "s per global step.\n==================================================\n";
        const std::string yaml = run_dir + "/candidate_configs/" + res.optimal_run + ".yaml";
        if (Result<std::string> text = read_text_file(yaml); text) {
            const std::string target = out + "/optimal_config_" + c.size_label + "b_" + std::to_string(c.nodes) + "nodes.yaml";
            if (Result<bool> w = write_text_file(target, *text); !w) return w.error();
        }
    }
    if (Result<bool> w = write_text_file(out + "/top_configs.txt", top); !w) return w.error();
    std::cout << top;
    // The session with its runs merged: what the web page opens to show measured against predicted.
    const std::string session_path = run_dir + "/session.json";
    session.runs = nlohmann::json::array();
    for (const RunRecord& r : state.runs) session.runs.push_back(journal_run_json(r));
    if (Result<bool> w = write_text_file(session_path, session_to_json(session)); !w) return w.error();
    return res;
}

}  // namespace tp::cli
