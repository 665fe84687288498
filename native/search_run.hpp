// search_run.hpp — the empirical search over a run directory:
//
//   DIR/session.json          the plan (generate's manifest) plus, after collect, the runs
//   DIR/journal.jsonl         every state change (core/run_journal.hpp); --resume replays it
//   DIR/candidate_configs/    one NeMo launcher YAML per candidate; DIR/launch/ the framework commands
//   DIR/runs/<name>/          each run's log.txt, batch script or exit-code file
//   DIR/final_results/        what collect writes (core/search_results.hpp)
//
// The loop launches planned runs in rank order (up to the concurrency), polls the executor, parses each
// finished run's log and records the outcome; with the ranked strategy it stops launching once no untried
// candidate's optimistic prediction can beat the measured best. Ctrl-C (SIGINT/SIGTERM) cancels what it
// launched and records that. Every decision is in the journal before it takes effect elsewhere.
#pragma once

#include <string>

#include "executor.hpp"
#include "result.hpp"
#include "run_journal.hpp"
#include "search_results.hpp"
#include "session.hpp"

namespace tp::cli {

struct SearchOptions {
    std::string run_dir;
    int concurrency = 1;          // runs in flight at once
    double poll_s = 5;            // seconds between executor polls
    double time_limit_minutes = 20;  // per run (NeMo's max_minutes_per_run)
    std::string strategy = "ranked";  // ranked: stop early on predictions; grid: run every planned candidate;
                                      // halving: every planned run briefly, then the best keep_fraction again at full length
    double keep_fraction = 0.5;       // halving: share of the measured brief runs run again
    double stop_margin = 0.25;    // ranked: an untried run is skipped if predicted x (1 - margin) > measured best
    bool detach = false;          // submit what fits the concurrency and return (`trainplan launch`)
    int gpus = 0, seq = 0;        // for the log parser's per-GPU figures
};

// Runs (or resumes) the loop until every planned run is done, skipped or cancelled. Returns 130 after Ctrl-C.
Result<int> search_loop(JournalState& state, const std::string& journal_path, Executor& executor, const SearchOptions& o);

// collect: final_results/ (CSV files, optimal config, top-N), and the runs merged into DIR/session.json.
// Prints the top-N lines and the optimal block on stdout.
// `session`: the run directory's session.json as read (its inputs name the model and cluster).
Result<SearchResults> search_collect(const std::string& run_dir, const JournalState& state, Session session, int top_n);

// The run's folder, log and job description as every command derives them.
JobSpec search_job_spec(const std::string& run_dir, const RunRecord& r, int nodes, int gpus_per_node, double minutes);

}  // namespace tp::cli
