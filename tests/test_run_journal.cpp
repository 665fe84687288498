// The run journal: replay gives each run's last state; a torn last line (a crash mid-write) is dropped and
// reported; any other bad line is an error with its line number, so nothing measured is lost or repeated.
#include <gtest/gtest.h>

#include "run_journal.hpp"

namespace tp {
namespace {

using nlohmann::json;

std::string sample() {
    return journal_line("planned", "a", "2026-11-21T06:00:00Z", {{"rank", 1}, {"config", {{"tp", 4}}}, {"predicted_step_time_s", 1.5}}) +
           journal_line("planned", "b", "2026-11-21T06:00:00Z", {{"rank", 2}}) +
           journal_line("submitted", "a", "2026-11-21T06:00:01Z", {{"executor", "slurm"}, {"job_id", "17"}, {"log_file", "runs/a/log.txt"}}) +
           journal_line("running", "a", "2026-11-21T06:00:05Z") +
           journal_line("finished", "a", "2026-11-21T06:01:00Z",
                        {{"executor_state", "COMPLETED"}, {"exit_code", 0}, {"metrics", {{"step_time_s", 1.62}}}, {"failure", {{"kind", "none"}}}}) +
           journal_line("submitted", "b", "2026-11-21T06:01:01Z", {{"executor", "slurm"}, {"job_id", "18"}});
}

TEST(RunJournal, ReplayGivesEachRunsLastState) {
    Result<JournalState> s = journal_replay(sample(), "journal.jsonl");
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->runs.size(), 2u);
    EXPECT_EQ(s->lines, 6);
    EXPECT_FALSE(s->torn_tail);
    const RunRecord& a = *s->find("a");
    EXPECT_EQ(a.status, RunStatus::finished);
    EXPECT_TRUE(a.done());
    EXPECT_EQ(a.job_id, "17");
    EXPECT_EQ(a.config["tp"], 4);
    EXPECT_EQ(a.metrics["step_time_s"], 1.62);
    EXPECT_EQ(*a.exit_code, 0);
    EXPECT_EQ(a.started_at, "2026-11-21T06:00:05Z");
    const RunRecord& b = *s->find("b");
    EXPECT_EQ(b.status, RunStatus::submitted);  // still out there: resume follows job 18, does not resubmit
    EXPECT_FALSE(b.done());
}

TEST(RunJournal, EveryCutOfTheFileReplaysToAPrefix) {
    // SIGKILL can stop the writer anywhere: every prefix replays, and the runs it knows are a prefix of the whole.
    const std::string text = sample();
    for (size_t n = 0; n <= text.size(); ++n) {
        Result<JournalState> s = journal_replay(text.substr(0, n), "journal.jsonl");
        ASSERT_TRUE(s) << n << ": " << s.error().message;
        EXPECT_EQ(s->torn_tail, n > 0 && text[n - 1] != '\n') << n;
    }
}

TEST(RunJournal, NamesStrangeValuesSafely) {
    // A run name with a newline or quotes stays on one line.
    const std::string line = journal_line("planned", "x\n\"y", "t");
    EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
    Result<JournalState> s = journal_replay(line, "j");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->runs[0].name, "x\n\"y");
}

TEST(RunJournal, CorruptionInTheMiddleIsAnErrorWithTheLine) {
    std::string text = sample();
    text.insert(text.find('\n') + 1, "{not json\n");
    EXPECT_EQ(journal_replay(text, "runs/journal.jsonl").error().message, "runs/journal.jsonl:2: not a JSON object");
    EXPECT_EQ(journal_replay(journal_line("finished", "ghost", "t"), "j").error().message,
              "j:1: event 'finished' for run 'ghost', which was never planned");
    EXPECT_EQ(journal_replay(journal_line("planned", "a", "t") + journal_line("planned", "a", "t"), "j").error().message,
              "j:2: run 'a' planned twice");
    EXPECT_EQ(journal_replay(journal_line("planned", "a", "t") + journal_line("exploded", "a", "t"), "j").error().message,
              "j:2: unknown event 'exploded'");
    EXPECT_EQ(journal_replay("[1]\n", "j").error().message, "j:1: expected {\"event\": ..., \"run\": ...}");
}

}  // namespace
}  // namespace tp
