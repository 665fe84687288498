// A session's runs read back (what the web page opens after `trainplan search`): every field journal_run_json
// writes survives the round trip, collect's tables come out the same from the session as from the journal,
// and bad fields are refused with their JSON path. Also the plan a front end makes from session inputs
// (plan_from_inputs): NeMo's name pieces and the files of a plan folder.
#include <gtest/gtest.h>

#include "csv.hpp"
#include "model_presets.hpp"
#include "plan_from_inputs.hpp"
#include "session_runs.hpp"

namespace tp {
namespace {

using nlohmann::json;

RunRecord full_run(const std::string& name, double step_s, const std::string& kind) {
    RunRecord r;
    r.name = name;
    r.status = RunStatus::finished;
    r.rank = 3;
    r.config = {{"tp", 2}, {"pp", 1}, {"cp", 1}, {"ep", 1}, {"vp", nullptr}, {"mbs", 1}, {"gbs", 512}, {"recompute", "none"}};
    r.predicted_step_time_s = 1.25;
    r.executor = "slurm", r.job_id = "17", r.log_file = "/runs/" + name + "/log.txt";
    r.submitted_at = "2026-11-21T09:00:00Z", r.started_at = "2026-11-21T09:00:05Z", r.ended_at = "2026-11-21T09:03:00Z";
    r.executor_state = kind == "none" ? "COMPLETED" : "FAILED";
    r.exit_code = kind == "none" ? 0 : 1;
    if (step_s > 0) r.metrics = {{"step_time_s", step_s}, {"tflops_per_gpu", 400.0}, {"steps", 10}};
    r.failure_kind = kind;
    r.failure_evidence = kind == "none" ? "" : "torch.OutOfMemoryError: CUDA out of memory.";
    return r;
}

json runs_json(const JournalState& s) {
    json a = json::array();
    for (const RunRecord& r : s.runs) a.push_back(journal_run_json(r));
    return a;
}

TEST(SessionRuns, RoundTripKeepsEveryField) {
    JournalState s;
    s.runs = {full_run("a", 1.5, "none"), full_run("b", 0, "oom")};
    s.runs[1].parent = "a";
    s.runs[1].status = RunStatus::cancelled;
    Result<JournalState> back = session_runs_read(runs_json(s), "session.json");
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->runs.size(), 2u);
    EXPECT_EQ(runs_json(*back), runs_json(s));  // journal_run_json covers every field the page and collect read
    EXPECT_EQ(back->runs[1].status, RunStatus::cancelled);
    EXPECT_EQ(back->runs[1].parent, "a");
}

TEST(SessionRuns, CollectsTablesFromTheSessionEqualTheJournals) {
    JournalState s;
    s.runs = {full_run("slow", 2.0, "none"), full_run("fast", 1.0, "none"), full_run("oom", 0, "oom")};
    Session session;
    session.inputs.model = *model_preset_find("llama3-8b");
    session.inputs.training.nodes = 2;
    session.plan = {{"model_name", "llama"}, {"size_label", "8"}};
    const ResultsContext c = session_results_context(session);
    EXPECT_EQ(c.model_name, "llama");
    EXPECT_EQ(c.size_label, "8");
    EXPECT_EQ(c.nodes, 2);
    Result<JournalState> back = session_runs_read(runs_json(s), "session.json");
    ASSERT_TRUE(back);
    const SearchResults a = search_results(s, c, 5), b = search_results(*back, c, 5);
    EXPECT_EQ(csv_write(a.summary_header, a.summary_rows), csv_write(b.summary_header, b.summary_rows));
    EXPECT_EQ(csv_write(a.failed_header, a.failed_rows), csv_write(b.failed_header, b.failed_rows));
    ASSERT_EQ(b.summary_rows.size(), 2u);
    EXPECT_EQ(b.summary_rows[0].back(), "fast");
    EXPECT_EQ(b.optimal_run, "fast");
    EXPECT_EQ(b.failed, 1);
}

TEST(SessionRuns, PlanWithoutNamesOrWithOddTypesFallsBack) {
    Session session;
    session.inputs.model = *model_preset_find("llama3-8b");
    session.plan = {{"model_name", 7}};  // made by hand: not a string
    const ResultsContext c = session_results_context(session);
    EXPECT_EQ(c.model_name, session.inputs.model.family);
    EXPECT_EQ(c.size_label, "0");
    session.plan = json::array();
    EXPECT_EQ(session_results_context(session).size_label, "0");
}

std::string read_error(const json& runs) {
    Result<JournalState> r = session_runs_read(runs, "s.json");
    return r ? "" : r.error().message;
}

TEST(SessionRuns, BadFieldsNameTheirPath) {
    const json good = journal_run_json(full_run("a", 1.5, "none"));
    EXPECT_EQ(read_error(json::array({good})), "");
    EXPECT_EQ(read_error(json()), "");  // no runs section
    EXPECT_EQ(read_error(json::object()), "s.json: runs: expected an array of runs, got {}");
    EXPECT_EQ(read_error(json::array({1})), "s.json: runs[0]: expected an object (a run), got 1");
    json bad = good;
    bad["status"] = "done";
    EXPECT_EQ(read_error(json::array({good, bad})),
              "s.json: runs[1].status: expected one of planned, submitted, running, finished, cancelled, vanished, got \"done\"");
    bad = good;
    bad.erase("name");
    EXPECT_EQ(read_error(json::array({bad})), "s.json: runs[0].name: expected the run's name (a non-empty string)");
    bad = good;
    bad["rank"] = -1;
    EXPECT_EQ(read_error(json::array({bad})), "s.json: runs[0].rank: expected an integer from 0 to 100000000, got -1");
    bad = good;
    bad["metrics"]["step_time_s"] = "1.5";
    EXPECT_EQ(read_error(json::array({bad})), "s.json: runs[0].metrics.step_time_s: expected a number, got \"1.5\"");
    bad = good;
    bad["predicted_step_time_s"] = -2;
    EXPECT_EQ(read_error(json::array({bad})), "s.json: runs[0].predicted_step_time_s: expected seconds (a number, 0 or more), got -2");
    bad = good;
    bad["failure"]["kind"] = 3;
    EXPECT_EQ(read_error(json::array({bad})), "s.json: runs[0].failure.kind: expected a string, got 3");
    bad = good;
    bad["log_file"] = json::array();
    EXPECT_EQ(read_error(json::array({bad})), "s.json: runs[0].log_file: expected a string, got []");
    EXPECT_EQ(read_error(json::array({good, good})), "s.json: runs[1].name: run 'a' appears twice");
}

TEST(PlanFromInputs, NemoNamePieces) {
    auto pieces = [](const std::string& name) {
        ModelSpec m = *model_preset_find("llama3-8b");
        m.name = name;
        std::string model, size;
        plan_name_pieces(m, model, size);
        return model + "/" + size;
    };
    EXPECT_EQ(pieces("llama3-70b"), "llama/70");
    EXPECT_EQ(pieces("mixtral-8x7b"), "llama/8x7");
    EXPECT_EQ(pieces("qwen-7.6b"), "llama/7.6");
    EXPECT_EQ(pieces("my_model_3b"), "llama/3");
    EXPECT_EQ(pieces("custom"), "llama/8");      // no size in the name: the parameter count, rounded (8.03B)
    EXPECT_EQ(pieces("llama3b"), "llama/8");     // the size must follow '-' or '_'
    EXPECT_EQ(pieces("-b"), "llama/8");
}

TEST(PlanFromInputs, TheFilesOfAPlanFolder) {
    SessionInputs in;
    in.model = *model_preset_find("llama3-8b");
    in.model_preset = "llama3-8b";
    in.training.nodes = 2;
    in.training.seq = 4096;
    in.top = 3;
    std::vector<std::string> choices;
    Result<PlanRequest> r = plan_request_from_inputs(in, PlanSchedule{5, 300, 50, 20}, choices);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->base.gbs, search_default_gbs(4096));  // an open GBS is the ~4M-token default
    EXPECT_EQ(r->size_label, "8");
    Result<Plan> plan = plan_generate(*r);
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_EQ(plan->candidates.size(), 3u);
    const auto files = plan_files(*r, *plan, plan_manifest(in, *r, *plan));
    ASSERT_EQ(files.size(), 1 + 3 + 3 + 1u);
    EXPECT_EQ(files.front().first, "base_cfg_8b.yaml");
    EXPECT_NE(files.front().second.find("time_limit: \"5-00:00:00\""), std::string::npos) << files.front().second;  // the days
    EXPECT_EQ(files[1].first, "candidate_configs/" + plan->candidates[0].name + ".yaml");
    EXPECT_EQ(files[4].first, "launch/nemo2.sh");
    EXPECT_EQ(files.back().first, "session.json");
    Result<Session> manifest = session_parse(files.back().second, "session.json");
    ASSERT_TRUE(manifest) << manifest.error().message;
    EXPECT_EQ(manifest->inputs.training.nodes, 2);
    std::vector<std::string> none;
    EXPECT_FALSE(plan_request_from_inputs([] { SessionInputs bad; bad.gpu = "tpu-v9"; return bad; }(), {}, none));
}

}  // namespace
}  // namespace tp
