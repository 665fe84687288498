// A run's outcome (the log's cause before the executor's symptom) and what collect writes: NeMo 2.0's
// columns, fastest first, failed runs with their evidence, halving's brief runs reported by their longer runs.
#include <gtest/gtest.h>

#include "csv.hpp"
#include "model_presets.hpp"
#include "run_outcome.hpp"
#include "search_results.hpp"

namespace tp {
namespace {

LogParse log_with(FailureKind kind, const std::string& evidence, int steps) {
    LogParse p;
    p.failure.kind = kind;
    p.failure.evidence = evidence;
    for (int i = 1; i <= steps; ++i) p.steps.push_back({i, 1.0, std::nullopt, std::nullopt, std::nullopt});
    return p;
}

TEST(RunOutcome, TheLogNamesTheCauseTheExecutorTheSymptom) {
    // An OOM that then hung until Slurm's limit is an OOM.
    RunOutcome o = run_outcome("TIMEOUT", std::nullopt, log_with(FailureKind::oom, "CUDA out of memory", 2));
    EXPECT_EQ(o.kind, FailureKind::oom);
    EXPECT_EQ(o.evidence, "CUDA out of memory");
    EXPECT_EQ(run_outcome("TIMEOUT", std::nullopt, log_with(FailureKind::none, "", 2)).kind, FailureKind::time_limit);
    EXPECT_EQ(run_outcome("CANCELLED", std::nullopt, log_with(FailureKind::none, "", 2)).kind, FailureKind::cancelled);
    EXPECT_EQ(run_outcome("PREEMPTED", std::nullopt, log_with(FailureKind::none, "", 2)).kind, FailureKind::preempted);
    EXPECT_EQ(run_outcome("OUT_OF_MEMORY", std::nullopt, log_with(FailureKind::none, "", 2)).kind, FailureKind::oom);
    EXPECT_EQ(run_outcome("NODE_FAIL", std::nullopt, log_with(FailureKind::none, "", 2)).kind, FailureKind::crash);
    EXPECT_EQ(run_outcome("FAILED", 3, log_with(FailureKind::none, "", 2)).evidence, "executor state FAILED (exit code 3)");
    EXPECT_EQ(run_outcome("COMPLETED", 0, log_with(FailureKind::none, "", 0)).kind, FailureKind::crash);  // nothing measured
    EXPECT_EQ(run_outcome("COMPLETED", 0, log_with(FailureKind::none, "", 5)).kind, FailureKind::none);
}

RunRecord run(const std::string& name, double step_s, const std::string& failure = "none", const std::string& parent = "") {
    RunRecord r;
    r.name = name;
    r.status = RunStatus::finished;
    r.config = {{"tp", 2}, {"pp", 1}, {"cp", 1}, {"ep", 1}, {"vp", nullptr}, {"mbs", 1}, {"gbs", 512}};
    if (step_s > 0) r.metrics = {{"step_time_s", step_s}, {"tflops_per_gpu", 400.0}};
    r.failure_kind = failure;
    r.failure_evidence = failure == "none" ? "" : "the decisive line, with a comma";
    r.predicted_step_time_s = 2.0;
    r.parent = parent;
    return r;
}

TEST(SearchResults, NemoColumnsFastestFirstFailuresWithEvidence) {
    JournalState s;
    s.runs = {run("slow", 2.5), run("fast", 1.6), run("oom", 0, "oom"), run("brief", 1.0), run("brief.long", 1.8, "none", "brief")};
    ResultsContext c;
    c.model = *model_preset_find("llama3-8b");
    c.model_name = "llama", c.size_label = "8", c.nodes = 2, c.gpus_per_node = 8, c.seq = 8192;
    const SearchResults r = search_results(s, c, 5);
    ASSERT_EQ(r.summary_rows.size(), 3u);  // "brief" is reported by "brief.long"
    EXPECT_EQ(r.summary_rows[0].back(), "fast");
    EXPECT_EQ(r.summary_rows[1].back(), "brief.long");
    EXPECT_EQ(r.summary_rows[2].back(), "slow");
    EXPECT_EQ(r.summary_header[15], "Time per Step");
    EXPECT_EQ(r.summary_rows[0][15], "1.6000");
    EXPECT_EQ(r.summary_rows[0][16], "320.00");            // samples/s = 512 / 1.6
    EXPECT_EQ(r.summary_rows[0][17], "400.00");            // TFLOP/s per GPU as the log printed it
    EXPECT_EQ(r.summary_rows[0][18], "6400.00");           // aggregate over 16 GPUs
    EXPECT_EQ(r.summary_rows[0][20], "25.0%");             // predicted 2.0 s vs measured 1.6 s
    ASSERT_EQ(r.failed_rows.size(), 1u);
    EXPECT_EQ(r.failed_rows[0][15], "oom: the decisive line, with a comma");
    EXPECT_EQ(r.optimal_run, "fast");
    EXPECT_EQ(r.top_lines[0], "Top 3 configs sorted from fastest to slowest:");
    EXPECT_EQ(r.top_lines[1], "Config #1: 400.00 TFLOPS per GPU with 1.6000s per global step (fast).");
    // The CSV quotes the comma in the evidence and reads back to the same fields.
    Result<CsvTable> back = csv_parse(csv_write(r.failed_header, r.failed_rows), "failed.csv");
    ASSERT_TRUE(back);
    EXPECT_EQ(back->field(0, "Error Message"), "oom: the decisive line, with a comma");
    EXPECT_EQ(search_results_summary_file(2), "final_summary_2nodes.csv");
}

}  // namespace
}  // namespace tp
