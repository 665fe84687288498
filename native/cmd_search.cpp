// trainplan search / launch / status / collect: the empirical search over a run directory (search_run.hpp).
//   search   plan (as generate does), launch the best candidates, follow them, parse their logs, collect
//   launch   plan and submit what the concurrency allows, then return (follow later with search --resume)
//   status   the runs' states from the journal
//   collect  final_results/ from the journal (also done at the end of search)
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "journal_file.hpp"
#include "nemo_grid.hpp"
#include "plan_inputs.hpp"
#include "run_template.hpp"
#include "search_run.hpp"
#include "text.hpp"

namespace tp::cli {

namespace fs = std::filesystem;

namespace {

struct SearchFlags {
    PlanFlags plan;
    SearchOptions search;
    SlurmOptions slurm;
    std::string executor = "local", template_name, command;
    int limit_search_runs = 0, output_top_n = 5;
    double time_limit_seconds = 0;
    bool resume = false, trust_session = false;
};

void add_executor_flags(CLI::App& app, SearchFlags& f) {
    app.add_option("--executor", f.executor, "local (process groups on this machine) or slurm (sbatch/squeue/scancel)")
        ->check(CLI::IsMember({"local", "slurm"}))
        ->capture_default_str();
    add_slurm_flags(app, f.slurm);
    app.add_option("--concurrency", f.search.concurrency, "Runs in flight at once")->capture_default_str()->check(CLI::Range(1, 10000));
    app.add_option("--poll-seconds", f.search.poll_s, "Seconds between executor polls")->capture_default_str()->check(CLI::Range(0.01, 3600.0));
}

void add_search_flags(CLI::App& app, SearchFlags& f) {
    add_plan_flags(app, f.plan);
    add_executor_flags(app, f);
    app.add_option("--run-dir", f.search.run_dir, "The search's folder (plan, journal, logs, final_results)")->required();
    app.add_flag("--resume", f.resume, "Continue the search in --run-dir: finished runs are kept, submitted ones followed");
    app.add_option("--template", f.template_name, "Built-in command: nemo2, megatron_lm, torchtitan or nemo_launcher");
    app.add_option("--command", f.command,
                   "Command template, e.g. 'python train.py --tp {tp} --pp {pp} --mbs {mbs} --steps {max_steps}' (placeholders: " +
                       [] {
                           std::string s;
                           for (const std::string& p : template_placeholders()) s += (s.empty() ? "{" : " {") + p + "}";
                           return s;
                       }() + ")");
    app.add_flag("--trust-session", f.trust_session, "Run a command template that came from the --session file");
    app.add_option("--limit-search-runs", f.limit_search_runs, "Runs to launch at most (NeMo's limit_search_runs; default: --top)");
    app.add_option("--strategy", f.search.strategy,
                   "ranked: in predicted order, stopping when none left can beat the best; grid: every planned run; halving: every "
                   "planned run for a quarter of the steps, then the fastest --keep-fraction again for all of them")
        ->check(CLI::IsMember({"ranked", "grid", "halving"}))
        ->capture_default_str();
    app.add_option("--keep-fraction", f.search.keep_fraction, "halving: share of the measured brief runs run again at full length")
        ->capture_default_str()
        ->check(CLI::Range(0.01, 1.0));
    app.add_option("--stop-margin", f.search.stop_margin, "ranked: skip a run when its prediction x (1 - margin) is slower than the measured best")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 0.99));
    app.add_option("--time-limit-seconds", f.time_limit_seconds, "Per-run time limit in seconds (default: --max-minutes-per-run)")
        ->check(CLI::Range(0.1, 1e7));
    app.add_option("--output-top-n", f.output_top_n, "Configs in the top-N printout (NeMo's output_top_n)")->capture_default_str();
}

// The command template: --command or --template from the command line; a template stored in a --session
// file runs only with --trust-session (a shared file must never become remote code execution).
Result<RunTemplate> choose_template(const SearchFlags& f, const ModelSpec& m, const std::string& session_template) {
    if (!f.command.empty() && !f.template_name.empty()) return make_error(ErrorKind::invalid_argument, "give --command or --template, not both");
    if (!f.command.empty()) {
        if (Result<bool> ok = template_check(f.command); !ok) return ok.error();
        return RunTemplate{f.command, "", TemplateOrigin::command_line};
    }
    if (!f.template_name.empty()) return template_builtin(f.template_name, m);
    if (!session_template.empty()) {
        RunTemplate t{session_template, "", TemplateOrigin::session_file};
        if (!template_may_run(t, f.trust_session))
            return make_error(ErrorKind::invalid_argument, f.plan.session + ": its plan names a command template ('" + session_template +
                                                               "'); it runs only with --trust-session, or give --command/--template");
        if (Result<bool> ok = template_check(t.text); !ok) return ok.error();
        return t;
    }
    return make_error(ErrorKind::invalid_argument, "give what each run executes: --template nemo2|megatron_lm|torchtitan|nemo_launcher or --command 'TEMPLATE'");
}

std::string journal_path(const std::string& dir) { return dir + "/journal.jsonl"; }

Result<JournalState> read_journal(const std::string& dir) {
    Result<std::string> text = read_text_file(journal_path(dir));
    if (!text) return make_error(ErrorKind::not_found, dir + ": no search here (" + text.error().message + ")");
    Result<JournalState> state = journal_replay(*text, journal_path(dir));
    if (state && state->torn_tail)
        std::cerr << "trainplan: " << journal_path(dir) << ": the last line was cut short (interrupted mid-write) and is ignored\n";
    return state;
}

// The run directory's session: the plan generate wrote, and after collect the runs.
Result<Session> read_run_session(const std::string& dir, const CLI::App& app) { return read_session(dir + "/session.json", app); }

// A new search: plan as generate does, write the plan, and journal one "planned" event per run to launch.
Result<bool> start_search(SearchFlags& f, const CLI::App& app) {
    const std::string& dir = f.search.run_dir;
    if (fs::exists(journal_path(dir)))
        return make_error(ErrorKind::invalid_argument, dir + " already holds a search: pass --resume to continue it, or choose another --run-dir");
    Result<PreparedPlan> prepared = plan_prepare(f.plan, app);
    if (!prepared) return prepared.error();
    for (const std::string& c : prepared->choices) std::cerr << "trainplan choice: " << c << "\n";
    PlanRequest r = prepared->request;
    if (f.limit_search_runs > 0) r.top = size_t(f.limit_search_runs), r.limit_search_runs = f.limit_search_runs;
    Result<RunTemplate> tmpl = choose_template(f, r.model, prepared->session_command_template);
    if (!tmpl) return tmpl.error();
    Result<Plan> plan = plan_generate(r);
    if (!plan) return plan.error();
    if (plan->candidates.empty()) return make_error(ErrorKind::invalid_argument, "no candidate to run: `trainplan grid` with the same inputs says why");
    Session session;
    session.inputs = prepared->inputs;
    session.plan = plan_json(r, *plan);
    session.plan["model_name"] = r.model_name;
    session.plan["size_label"] = r.size_label;
    // How the search runs, so --resume continues it the same way unless told otherwise.
    session.plan["search"] = {{"executor", f.executor}, {"strategy", f.search.strategy}, {"stop_margin", f.search.stop_margin},
                              {"keep_fraction", f.search.keep_fraction},
                              {"concurrency", f.search.concurrency},
                              {"time_limit_minutes", f.time_limit_seconds > 0 ? f.time_limit_seconds / 60 : double(r.max_minutes_per_run)}};
    if (!tmpl->text.empty()) session.plan["command_template"] = tmpl->text;
    if (!tmpl->builtin.empty()) session.plan["command_builtin"] = tmpl->builtin;
    // NeMo's launcher grid for the same inputs, to report how many runs trainplan saved.
    if (Result<NemoLauncherGrid> nemo = nemo_launcher_generate_grid(r.nemo, r.base.gbs, r.act_method, r.act_ckpt_layers); nemo)
        session.plan["nemo_grid_runs"] = nemo_launcher_launch_order(*nemo, std::nullopt).size();
    if (Result<std::vector<std::string>> w = plan_write(dir, r, *plan, session_to_json(session)); !w) return w.error();
    JournalState state;
    JournalFile journal;
    if (Result<bool> ok = journal.open(journal_path(dir)); !ok) return ok.error();
    for (const PlannedCandidate& c : plan->candidates) {
        RunValues v;
        v.config = c.config;
        v.max_steps = r.max_steps_per_run;
        v.name = c.name;
        v.log_dir = dir + "/runs/" + c.name;
        v.config_file = dir + "/candidate_configs/" + c.name + ".yaml";
        // Halving runs every candidate briefly first (a quarter of the steps, at least 3) and keeps the full-length
        // command for the ones it promotes.
        const long long full_steps = r.max_steps_per_run;
        if (f.search.strategy == "halving") v.max_steps = std::max(3LL, full_steps / 4);
        Result<std::string> command = template_command(*tmpl, r.model, v);
        if (!command) return command.error();
        std::string command_long;
        if (f.search.strategy == "halving") {
            v.max_steps = full_steps;
            Result<std::string> long_command = template_command(*tmpl, r.model, v);
            if (!long_command) return long_command.error();
            command_long = *long_command;
        }
        nlohmann::json config = {{"tp", c.config.tp}, {"pp", c.config.pp}, {"cp", c.config.cp}, {"ep", c.config.ep},
                                 {"vp", c.config.vp > 1 ? nlohmann::json(c.config.vp) : nlohmann::json(nullptr)}, {"mbs", c.config.mbs},
                                 {"gbs", c.config.gbs}, {"recompute", recompute_choice_name({c.config.recompute, c.config.recompute_layers})},
                                 {"nodes", c.config.nodes}, {"gpus_per_node", c.config.gpus_per_node}};
        nlohmann::json fields = {{"rank", c.rank}, {"config", config}, {"command", *command}};
        if (!command_long.empty()) fields["command_long"] = command_long;
        if (c.estimate) fields["predicted_step_time_s"] = c.estimate->time.total;
        if (Result<bool> ok = journal.append(state, "planned", c.name, fields); !ok) return ok.error();
    }
    std::cerr << "search: " << plan->candidates.size() << " runs planned in " << dir << "\n";
    return true;
}

int run_search(SearchFlags& f, const CLI::App& app, bool detach) {
    const std::string& dir = f.search.run_dir;
    if (!f.resume) {
        if (Result<bool> ok = start_search(f, app); !ok) return fail(ok.error());
    }
    Result<JournalState> state = read_journal(dir);
    if (!state) return fail(state.error());
    Result<Session> session = read_run_session(dir, app);
    if (!session) return fail(session.error());
    const nlohmann::json& plan = session->plan;
    if (plan.contains("search") && plan["search"].is_object()) {
        // The settings the search started with, where this command line does not name them.
        const nlohmann::json& saved = plan["search"];
        if (!app.count("--executor")) f.executor = saved.value("executor", f.executor);
        if (!app.count("--strategy")) f.search.strategy = saved.value("strategy", f.search.strategy);
        if (!app.count("--stop-margin")) f.search.stop_margin = saved.value("stop_margin", f.search.stop_margin);
        if (!app.count("--keep-fraction")) f.search.keep_fraction = saved.value("keep_fraction", f.search.keep_fraction);
        if (!app.count("--concurrency")) f.search.concurrency = saved.value("concurrency", f.search.concurrency);
        f.search.time_limit_minutes = saved.value("time_limit_minutes", f.search.time_limit_minutes);
    }
    if (f.time_limit_seconds > 0) f.search.time_limit_minutes = f.time_limit_seconds / 60;
    std::unique_ptr<Executor> executor = make_executor(f.executor, f.slurm);
    f.search.detach = detach;
    f.search.gpus = session->inputs.training.gpus();
    f.search.seq = session->inputs.training.seq;
    Result<int> status = search_loop(state.value(), journal_path(dir), *executor, f.search);
    if (!status) return fail(status.error());
    if (detach) return *status;
    const long long nemo_runs = plan.value("nemo_grid_runs", 0LL);
    Result<SearchResults> res = search_collect(dir, *state, std::move(session.value()), f.output_top_n);
    if (!res) return fail(res.error());
    const int used = int(state->runs.size()) - res->not_run -
                     int(std::count_if(state->runs.begin(), state->runs.end(),
                                       [](const RunRecord& r) { return r.status == RunStatus::cancelled && r.job_id.empty(); }));
    std::cout << "runs used: " << used << " (" << res->finished << " measured, " << res->failed << " failed)";
    if (nemo_runs > 0) std::cout << "; NeMo's launcher grid would launch " << nemo_runs;
    std::cout << "\nresults: " << dir << "/final_results/\n";
    return *status;
}

}  // namespace

Runner register_search(CLI::App& app) {
    auto f = std::make_shared<SearchFlags>();
    add_search_flags(app, *f);
    return [f, &app]() { return run_search(*f, app, false); };
}

Runner register_launch(CLI::App& app) {
    auto f = std::make_shared<SearchFlags>();
    add_search_flags(app, *f);
    return [f, &app]() { return run_search(*f, app, true); };
}

Runner register_status(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    app.add_option("--run-dir", *dir, "The search's folder")->required();
    app.add_flag("--json", *json, "Print the runs as JSON");
    return [dir, json]() {
        Result<JournalState> state = read_journal(*dir);
        if (!state) return fail(state.error());
        nlohmann::json runs = nlohmann::json::array();
        for (const RunRecord& r : state->runs) {
            runs.push_back(journal_run_json(r));
            if (!*json)
                std::cout << std::to_string(r.rank) << ". " << r.name << "  " << run_status_name(r.status)
                          << (r.job_id.empty() ? "" : " (job " + r.job_id + ")")
                          << (r.metrics.contains("step_time_s") ? "  " + format_fixed(r.metrics["step_time_s"].get<double>(), 3) + " s/step" : "")
                          << (r.failure_kind != "none" ? "  " + r.failure_kind + ": " + r.failure_evidence : "") << "\n";
        }
        if (*json) std::cout << nlohmann::json({{"runs", runs}, {"torn_tail", state->torn_tail}}).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                      << "\n";
        return 0;
    };
}

Runner register_collect(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto top = std::make_shared<int>(5);
    app.add_option("--run-dir", *dir, "The search's folder")->required();
    app.add_option("--output-top-n", *top, "Configs in the top-N printout")->capture_default_str();
    return [dir, top, &app]() {
        Result<JournalState> state = read_journal(*dir);
        if (!state) return fail(state.error());
        Result<Session> session = read_run_session(*dir, app);
        if (!session) return fail(session.error());
        Result<SearchResults> res = search_collect(*dir, *state, std::move(session.value()), *top);
        if (!res) return fail(res.error());
        return 0;
    };
}

}  // namespace tp::cli
