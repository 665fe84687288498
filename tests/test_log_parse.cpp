// Log parsing and failure classification (core/log_parse.hpp).
//
// EveryLogFile: each file of ../shared/data/logs is a case, and its expectations below were written
// by reading the file (not by running the parser): the framework, how many steps a reader counts,
// the first and last step numbers, step times and TFLOP/s as printed (Megatron's milliseconds in
// seconds; torchtitan's step time from the logger's timestamps), the failure kind, and the line
// that decides it (1-based, counting the fixture's "# source:" line). The other tests pin the
// policies: warm-up, derived tokens/s/GPU, precedence between failures, odd input.
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "log_parse.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // "the log does not give it"

struct LogCase {
    const char* file;
    const char* framework;
    size_t steps;
    long long first_step, last_step;
    double first_time_s, last_time_s;  // kNone: not printed (and not derivable)
    double first_tflops, last_tflops;
    double first_loss;                  // kNone: not printed; NaN losses are checked separately
    const char* failure;
    int evidence_line;                  // 0 for none
};

// clang-format off
const LogCase kCases[] = {
    // PyTorch OOM messages of every generation; no step lines.
    {"cuda_oom_01_axolotl_70b_4x3090_issue1717.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "oom", 5},
    {"cuda_oom_03_reserved_in_total_format_unilm137.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "oom", 2},
    {"cuda_oom_05_torch2_1_total_capacty_typo_mgfn35.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "oom", 2},
    {"cuda_oom_07_torch_OutOfMemoryError_other_processes_firered17.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "oom", 2},
    {"cuda_oom_09_megatron_lm_gpt2_large_v100_issue525.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "oom", 2},
    // GPT-NeoX record (4103.1 ms, 112.9TFLOPS, lm_loss 1.118665E+01) and DeepSpeed's timer line for the same step 34.
    {"deepspeed_01_gpt_neox_style_timer_memalloc_issue3742.txt", "deepspeed", 1, 34, 34, 4.1031, 4.1031, 112.9, 112.9, 11.18665, "none", 0},
    // ZeRO-3 init memory lines and a flops-profiler header: DeepSpeed, no steps.
    {"deepspeed_03_see_memory_usage_zero3_init_trl2784.txt", "deepspeed", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "none", 0},
    {"deepspeed_05_flops_profiler_summary_header_dalle302.txt", "deepspeed", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "none", 0},
    // Wrapped records for iterations 10 (13212.7 ms) and 20 (14260.3 ms); "Step Time : 14.26s ... 58.2" is iteration 20's.
    {"megatron_bridge_01_wrapped_lines_step_time_pr841.txt", "megatron_bridge", 2, 10, 20, 13.2127, 14.2603, kNone, 58.2, 4.474437, "none", 0},
    // One record (20289.1 ms), joined to the next print; GB memory report.
    {"megatron_bridge_03_theoretical_vs_measured_memory_dgxc_v25_12.txt", "megatron_bridge", 1, 1, 1, 20.2891, 20.2891, kNone, kNone, 12.58695, "none", 0},
    // Three records, no lm loss, grad norm nan from the first: nan_loss on line 2.
    {"megatron_deepspeed_01_gradnorm_nan_bigscience_issue396.txt", "megatron_deepspeed", 3, 5426, 5428, 4.2479, 4.2292, 78.36, 78.71, kNone, "nan_loss", 2},
    {"megatron_lm_01_mixtral8x7b_16xH100_issue756.txt", "megatron_lm", 3, 43, 45, 5.4449, 5.7186, 239.8, 228.4, 1.825991, "none", 0},
    {"megatron_lm_03_legacy_format_no_throughput_epfllm_issue11.txt", "megatron_lm", 4, 122, 125, 86.5452, 89.0752, kNone, kNone, 2.504220, "none", 0},
    // 2020: no loss printed while fp16 loss scaling skips iterations (5 skipped of 5).
    {"megatron_lm_05_2020_format_memory_report_v100_issue60.txt", "megatron_lm", 2, 5, 10, 16.4915, 1.9939, kNone, kNone, kNone, "none", 0},
    {"megatron_lm_07_final_iteration_after_training_done_mbridge3427.txt", "megatron_lm", 1, 50, 50, 9.9694, 9.9694, kNone, kNone, 4.791878e-3, "none", 0},
    // MLLOG events only: no per-step lines; run_stop status success.
    {"mlperf_01_gpt3_175b_512xH100_mllog_selected.txt", "mlperf", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "none", 0},
    // elapsed_time_per_iteration_ms 45 .. 39.4; model_tflops_per_gpu 0.00869 .. 0.00992.
    {"nanotron_01_iteration_lines_pr23.txt", "nanotron", 3, 991, 993, 0.045, 0.0394, 0.00869, 0.00992, 10.6, "none", 0},
    {"nccl_01_watchdog_timeout_allreduce_llamafactory7396.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "nccl_timeout", 2},
    // A NeMo 1 bar (32040 batches done; global_step=3.2e+4 is tqdm's rounding; 1.37it/s) with the watchdog glued to it.
    {"nccl_03_nemo1_progress_bar_then_watchdog_timeout_pytorch118369.txt", "nemo1", 1, 32040, 32040, 1 / 1.37, 1 / 1.37, kNone, kNone, 2.590, "nccl_timeout", 2},
    {"nccl_05_remote_error_ofi_distbackenderror_nccl1928.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "nccl_error", 2},
    {"nccl_07_socket_broken_pipe_nccl_debug_info_nccl795.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "nccl_error", 2},
    // global_step=794.0, rate 41.36s/it, no train_step_timing.
    {"nemo1_01_progress_bar_launcher_issue55.txt", "nemo1", 1, 794, 794, 41.36, 41.36, kNone, kNone, 3.090, "none", 0},
    // 9000/301500, global_step=9e+3, train_step_timing in s=0.615, reduced_train_loss=nan.0.
    {"nemo1_02_progress_bar_train_step_timing_checkpoint_nemo7957.txt", "nemo1", 1, 9000, 9000, 0.615, 0.615, kNone, kNone, kNone, "nan_loss", 2},
    // Final lines of seven runs: global_step 49 (24.00 s) ... 99 (3.590 s).
    {"nemo1_04_dgxc_benchmark_final_progress_lines_v24_11_1.txt", "nemo1", 7, 49, 99, 24.0, 3.59, kNone, kNone, 0.186, "none", 0},
    {"nemo2_01_training_epoch_iteration_lines_nemo_pr10128.txt", "nemo2", 5, 0, 4, kNone, kNone, kNone, kNone, 11.02, "none", 0},
    {"nemo2_03_memory_and_tflops_fields_qwen3_30b_nemo14850.txt", "nemo2", 4, 8, 11, 27.01, 26.93, 48.58, 85.8, 10.22, "none", 0},
    {"nemo2_04_nemo_run_local_pretrain_fit_stopped_resiliency_notebook.txt", "nemo2", 5, 0, 19, 10.31, 7.592, kNone, kNone, 11.03, "none", 0},
    // Two runs' final lines, both global_step 49, different losses: two records.
    {"nemo2_06_dgxc_v25_04_peak_memory_fields.txt", "nemo2", 2, 49, 49, 12.39, 2.693, kNone, kNone, 11.96, "none", 0},
    {"slurm_01_job_and_step_cancelled_time_limit_zetta671.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "time_limit", 3},
    {"slurm_03_step_and_job_rank_prefixed_ufs907.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "time_limit", 4},
    {"slurm_05_older_format_no_error_prefix_canu1067.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "time_limit", 2},
    // torchelastic's summary only (the OOM itself is not in the excerpt): a crash, evidence "train.py FAILED".
    {"torchelastic_01_torchtitan_oom_failure_summary_issue620.txt", "unknown", 0, 0, 0, kNone, kNone, kNone, kNone, kNone, "crash", 3},
    // Step 4 printed by three ranks (tflops 314.71 first), step 5 at 19:46:19,145 - 19:46:17,508 = 1.637 s.
    {"torchtitan_01_moe_gate_fp32_pr2389.txt", "torchtitan", 2, 4, 5, kNone, 1.637, 314.71, 313.36, 7.62585, "none", 0},
    // Every 10 steps; 250 at 22:32:00,846 after 240 at 22:31:46,869: 13.977 s / 10.
    {"torchtitan_03_dcp_zoc_pr1287_gc_profiler_lines.txt", "torchtitan", 6, 200, 250, kNone, 1.3977, 339.16, 339.48, 6.1384, "none", 0},
    // 7 at 15:57:44,656 after 6 at 15:57:44,183: 0.473 s.
    {"torchtitan_05_flex_debug_cpu_zero_memory_pr1437.txt", "torchtitan", 5, 3, 7, kNone, 0.473, 3.15, 3.56, 4.9925, "none", 0},
};
// clang-format on

std::string log_text(const std::string& file) { return test::read_shared("logs/" + file); }

// Line n (1-based, '\n'-separated) of a text, trimmed as evidence is.
std::string line_of(const std::string& text, int n) {
    std::istringstream in(text);
    std::string line;
    for (int i = 0; i < n && std::getline(in, line); ++i) {}
    const size_t b = line.find_first_not_of(" \t\r");
    const size_t e = line.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : line.substr(b, e - b + 1);
}

void expect_figure(const std::optional<double>& got, double want, const char* what) {
    if (std::isnan(want)) {
        EXPECT_FALSE(got.has_value()) << what << " should be empty, got " << *got;
    } else {
        ASSERT_TRUE(got.has_value()) << what << " missing, expected " << want;
        EXPECT_NEAR(*got, want, 1e-9 * std::fabs(want)) << what;
    }
}

class EveryLogFile : public testing::TestWithParam<LogCase> {};

TEST_P(EveryLogFile, ParsesToWhatAReaderSees) {
    const LogCase& c = GetParam();
    const std::string text = log_text(c.file);
    Result<LogParse> p = log_parse(text);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_STREQ(log_framework_name(p->framework), c.framework);
    ASSERT_EQ(p->steps.size(), c.steps);
    if (c.steps > 0) {
        const LogStep& first = p->steps.front();
        const LogStep& last = p->steps.back();
        EXPECT_EQ(first.step, c.first_step);
        EXPECT_EQ(last.step, c.last_step);
        expect_figure(first.step_time_s, c.first_time_s, "first step time");
        expect_figure(last.step_time_s, c.last_time_s, "last step time");
        expect_figure(first.tflops_per_gpu, c.first_tflops, "first TFLOP/s/GPU");
        expect_figure(last.tflops_per_gpu, c.last_tflops, "last TFLOP/s/GPU");
        if (!std::isnan(c.first_loss)) expect_figure(first.loss, c.first_loss, "first loss");
    }
    EXPECT_STREQ(failure_kind_name(p->failure.kind), c.failure);
    if (c.evidence_line > 0) {
        EXPECT_EQ(p->failure.line, c.evidence_line);
        EXPECT_EQ(p->failure.evidence, line_of(text, c.evidence_line));
    } else {
        EXPECT_EQ(p->failure.evidence, "");
        EXPECT_EQ(p->failure.line, 0);
    }
}

std::string log_case_name(const testing::TestParamInfo<LogCase>& c) {
    const std::string file = c.param.file;
    return test::test_name(file.substr(0, file.find('.')));
}
INSTANTIATE_TEST_SUITE_P(SharedLogs, EveryLogFile, testing::ValuesIn(kCases), log_case_name);

// A new fixture without an expectation fails here, so every file stays a test case.
TEST(LogFixtures, EveryFileHasACase) {
    std::set<std::string> listed;
    for (const LogCase& c : kCases) listed.insert(c.file);
    std::set<std::string> present;
    for (const auto& entry : std::filesystem::directory_iterator(test::shared_data_dir() + "/logs"))
        if (entry.path().extension() == ".txt") present.insert(entry.path().filename().string());
    EXPECT_EQ(listed, present);
}

// ---- What the table does not show -----------------------------------------------------------

TEST(LogParse, AllStepsOfTheMegatronLog) {
    Result<LogParse> p = log_parse(log_text("megatron_lm_01_mixtral8x7b_16xH100_issue756.txt"));
    ASSERT_TRUE(p);
    ASSERT_EQ(p->steps.size(), 3u);
    EXPECT_DOUBLE_EQ(*p->steps[1].step_time_s, 5.5338);
    EXPECT_DOUBLE_EQ(*p->steps[1].tflops_per_gpu, 236.0);
    EXPECT_DOUBLE_EQ(*p->steps[2].loss, 1.834162);
    EXPECT_FALSE(p->steps[0].tokens_per_s_per_gpu);  // no GPU count and no sequence length in the log
}

TEST(LogParse, NanLossIsKeptAsNan) {
    Result<LogParse> p = log_parse(log_text("nemo1_02_progress_bar_train_step_timing_checkpoint_nemo7957.txt"));
    ASSERT_TRUE(p);
    ASSERT_TRUE(p->steps[0].loss);
    EXPECT_TRUE(std::isnan(*p->steps[0].loss));
}

TEST(LogParse, TokensPerGpuAsPrinted) {
    Result<LogParse> p = log_parse(log_text("torchtitan_01_moe_gate_fp32_pr2389.txt"));
    ASSERT_TRUE(p);
    EXPECT_DOUBLE_EQ(*p->steps[0].tokens_per_s_per_gpu, 10050);  // "tps: 10,050"
    EXPECT_DOUBLE_EQ(*p->steps[1].tokens_per_s_per_gpu, 10007);
    Result<LogParse> n = log_parse(log_text("nanotron_01_iteration_lines_pr23.txt"));
    ASSERT_TRUE(n);
    EXPECT_DOUBLE_EQ(*n->steps[0].tokens_per_s_per_gpu, 1780);  // "tokens_per_sec_per_gpu: 1.78K"
    EXPECT_DOUBLE_EQ(*n->steps[2].tokens_per_s_per_gpu, 2030);
}

TEST(LogParse, TokensPerGpuDerivedOnlyWithTheGpuCount) {
    const std::string text = log_text("megatron_deepspeed_01_gradnorm_nan_bigscience_issue396.txt");
    // "samples per second: 1.883" of all GPUs x "actual seqlen: 2048"; per GPU needs the GPU count.
    Result<LogParse> unknown = log_parse(text);
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->steps[0].tokens_per_s_per_gpu);
    Result<LogParse> p = log_parse(text, LogParseOptions{.gpus = 8});
    ASSERT_TRUE(p);
    EXPECT_DOUBLE_EQ(*p->steps[0].tokens_per_s_per_gpu, 1.883 * 2048 / 8);
    // Megatron-LM prints the global batch (128) and the step time; with the run's sequence length
    // and GPU count that is tokens/s/GPU.
    Result<LogParse> m = log_parse(log_text("megatron_lm_01_mixtral8x7b_16xH100_issue756.txt"),
                                   LogParseOptions{.gpus = 16, .seq_length = 4096});
    ASSERT_TRUE(m);
    EXPECT_DOUBLE_EQ(*m->steps[0].tokens_per_s_per_gpu, 128.0 * 4096 / 5.4449 / 16);
}

TEST(LogParse, SummaryDropsTheStatedWarmup) {
    const std::string text = log_text("megatron_lm_03_legacy_format_no_throughput_epfllm_issue11.txt");
    Result<LogParse> p = log_parse(text);  // default: the first record is warm-up
    ASSERT_TRUE(p);
    EXPECT_EQ(p->summary.warmup_steps_dropped, 1);
    EXPECT_EQ(p->summary.steps_averaged, 3);
    EXPECT_DOUBLE_EQ(*p->summary.step_time_s, (87.8716 + 89.4748 + 89.0752) / 3);
    EXPECT_FALSE(p->summary.tflops_per_gpu);
    Result<LogParse> none = log_parse(text, LogParseOptions{.warmup_steps = 0});
    ASSERT_TRUE(none);
    EXPECT_EQ(none->summary.steps_averaged, 4);
    EXPECT_DOUBLE_EQ(*none->summary.step_time_s, (86.5452 + 87.8716 + 89.4748 + 89.0752) / 4);
    // A log with no more records than the warm-up keeps them all, and says so.
    Result<LogParse> all = log_parse(text, LogParseOptions{.warmup_steps = 4});
    ASSERT_TRUE(all);
    EXPECT_EQ(all->summary.warmup_steps_dropped, 0);
    EXPECT_EQ(all->summary.steps_averaged, 4);
    Result<LogParse> tt = log_parse(log_text("torchtitan_05_flex_debug_cpu_zero_memory_pr1437.txt"));
    ASSERT_TRUE(tt);
    EXPECT_NEAR(*tt->summary.step_time_s, (0.468 + 0.471 + 0.470 + 0.473) / 4, 1e-12);
    EXPECT_NEAR(*tt->summary.tflops_per_gpu, (3.59 + 3.57 + 3.57 + 3.56) / 4, 1e-12);
}

TEST(LogParse, BridgeStepTimeLineBelongsToItsRecord) {
    // "Step Time : 14.26s GPU utilization: 58.2TFLOP/s/GPU" sits after iteration 10's record but
    // carries iteration 20's time (14260.3 ms); the last one (16.85 s) has no record in the excerpt.
    Result<LogParse> p = log_parse(log_text("megatron_bridge_01_wrapped_lines_step_time_pr841.txt"));
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->steps[0].tflops_per_gpu);
    EXPECT_DOUBLE_EQ(*p->steps[1].tflops_per_gpu, 58.2);
    EXPECT_DOUBLE_EQ(*p->steps[1].loss, 8.797448e-02);
}

TEST(LogParse, TorchtitanColouredLines) {
    // metrics.enable_color_printing wraps each key in ANSI colours.
    const std::string text =
        "[titan] 2025-01-01 10:00:00,000 - root - INFO - \x1b[31mstep:  1  \x1b[32mloss:  8.1000  \x1b[33mmemory: 10.00GiB(10.00%)  "
        "\x1b[34mtps: 1,234  \x1b[36mtflops: 55.50  \x1b[35mmfu: 5.61%\x1b[39m\n"
        "[titan] 2025-01-01 10:00:02,500 - root - INFO - \x1b[31mstep:  2  \x1b[32mloss:  7.9000  \x1b[33mmemory: 10.00GiB(10.00%)  "
        "\x1b[34mtps: 1,300  \x1b[36mtflops: 58.10  \x1b[35mmfu: 5.87%\x1b[39m\n";
    Result<LogParse> p = log_parse(text);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->framework, LogFramework::torchtitan);
    ASSERT_EQ(p->steps.size(), 2u);
    EXPECT_DOUBLE_EQ(*p->steps[1].step_time_s, 2.5);
    EXPECT_DOUBLE_EQ(*p->steps[1].tflops_per_gpu, 58.1);
    EXPECT_DOUBLE_EQ(*p->steps[0].tokens_per_s_per_gpu, 1234);
}

TEST(LogParse, CrlfLineEndingsReadTheSame) {
    std::string text = log_text("megatron_lm_01_mixtral8x7b_16xH100_issue756.txt");
    std::string crlf;
    for (char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    Result<LogParse> p = log_parse(crlf);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->steps.size(), 3u);
    EXPECT_DOUBLE_EQ(*p->steps[2].step_time_s, 5.7186);
}

TEST(LogParse, ProgressBarRedrawsAreOneStep) {
    // tqdm redraws with '\r': three draws of step 11 (same loss), then step 12.
    const std::string bar = "Epoch 0:   1%|          | %d/100 [00:10<01:00, 2.00s/it, reduced_train_loss=%s, global_step=%d.0]";
    auto draw = [&](int n, const char* loss, int step) {
        char buf[256];
        std::snprintf(buf, sizeof buf, bar.c_str(), n, loss, step);
        return std::string(buf);
    };
    const std::string text = draw(12, "3.10", 11) + "\r" + draw(12, "3.10", 11) + "\r" + draw(12, "3.10", 11) + "\r" +
                             draw(13, "3.05", 12) + "\n";
    Result<LogParse> p = log_parse(text);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->framework, LogFramework::nemo1);
    ASSERT_EQ(p->steps.size(), 2u);
    EXPECT_EQ(p->steps[0].step, 11);
    EXPECT_DOUBLE_EQ(*p->steps[0].step_time_s, 2.0);
}

// ---- Failure precedence ---------------------------------------------------------------------

struct Classified {
    std::string kind, evidence;
};
Classified classify(const std::string& text) {
    Result<LogParse> p = log_parse(text);
    if (!p) return {"error: " + p.error().message, ""};
    return {failure_kind_name(p->failure.kind), p->failure.evidence};
}

TEST(LogFailure, OomOutranksTheTimeoutsAndTheTimeLimitItCauses) {
    const std::string oom = "[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.";
    const Classified c = classify(
        "[rank0]:[E ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, "
        "OpType=ALLREDUCE, Timeout(ms)=600000) ran for 600010 milliseconds before timing out.\n" +
        oom + "\ntorch.distributed.elastic.multiprocessing.errors.ChildFailedError:\n"
              "slurmstepd: error: *** JOB 1 ON n1 CANCELLED AT 2024-01-01T00:00:00 DUE TO TIME LIMIT ***\n");
    EXPECT_EQ(c.kind, "oom");
    EXPECT_EQ(c.evidence, oom);
}

TEST(LogFailure, ARanksExceptionOutranksThePeersTimeouts) {
    const Classified c = classify(
        "[rank1]: Traceback (most recent call last):\n"
        "[rank1]:   File \"train.py\", line 10, in <module>\n"
        "[rank1]:     except KeyError:\n"
        "[rank1]: ValueError: batch has 3 sequences, expected 4\n"
        "[rank0]:[E ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(...)\n");
    EXPECT_EQ(c.kind, "crash");
    EXPECT_EQ(c.evidence, "[rank1]: ValueError: batch has 3 sequences, expected 4");
}

TEST(LogFailure, AnExceptionCarryingTheWatchdogIsATimeout) {
    const Classified c = classify(
        "Traceback (most recent call last):\n  File \"train.py\", line 3, in <module>\n"
        "torch.distributed.DistBackendError: [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(...)\n"
        "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:\n");
    EXPECT_EQ(c.kind, "nccl_timeout");
}

TEST(LogFailure, SchedulerReasonsOutrankTheWrappersTheirSignalsLeave) {
    Classified c = classify("torch.distributed.elastic.multiprocessing.api.SignalException: Process 12 got signal: 15\n"
                            "slurmstepd: error: *** STEP 7.0 ON n1 CANCELLED AT 2024-01-01T00:00:00 DUE TO PREEMPTION ***\n"
                            "torch.distributed.elastic.multiprocessing.errors.ChildFailedError:\n");
    EXPECT_EQ(c.kind, "preempted");
    c = classify("srun: error: n1: task 0: Exited with exit code 1\n"
                 "slurmstepd: error: *** JOB 7 ON n1 CANCELLED AT 2024-01-01T00:00:00 ***\n");
    EXPECT_EQ(c.kind, "cancelled");
    EXPECT_EQ(c.evidence, "slurmstepd: error: *** JOB 7 ON n1 CANCELLED AT 2024-01-01T00:00:00 ***");
    EXPECT_EQ(classify("^CTraceback (most recent call last):\nKeyboardInterrupt\n").kind, "cancelled");
}

TEST(LogFailure, NcclErrorsAndHarmlessNcclWarnings) {
    EXPECT_EQ(classify("host:1:2 [0] NCCL WARN Failed to open libibverbs.so[.1]\n").kind, "none");
    EXPECT_EQ(classify("host:1:2 [0] proxy.cc:1119 NCCL WARN [Proxy Service 9] Failed to execute operation Connect from rank 9, retcode 6\n").kind,
              "nccl_error");
    // An NCCL error takes the traceback that carries it.
    const Classified c = classify("Traceback (most recent call last):\n"
                                  "RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1269, unhandled system error, NCCL version 2.18.1\n");
    EXPECT_EQ(c.kind, "nccl_error");
}

TEST(LogFailure, MegatronNanIterationsAndNanChecks) {
    EXPECT_EQ(classify(" iteration       20/     100 | elapsed time per iteration (ms): 1000.0 | learning rate: 1.0E-04 | "
                       "global batch size:    32 | loss scale: 1.0 | number of skipped iterations:   0 | number of nan iterations:   2 |\n")
                  .kind,
              "nan_loss");
    EXPECT_EQ(classify("RuntimeError: Rank 3, node n1, device 3, iteration 20: Unexpected result nan (message='found NaN in local "
                       "forward loss calculation')\n")
                  .kind,
              "nan_loss");
}

TEST(LogFailure, HealthyLogIsNone) {
    EXPECT_EQ(classify(log_text("megatron_lm_01_mixtral8x7b_16xH100_issue756.txt")).kind, "none");
    EXPECT_EQ(classify("").kind, "none");
}

// ---- Odd input ------------------------------------------------------------------------------

TEST(LogParse, EmptyAndStepFreeTextIsNotAnError) {
    Result<LogParse> p = log_parse("");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->framework, LogFramework::unknown);
    EXPECT_TRUE(p->steps.empty());
    EXPECT_FALSE(p->summary.step_time_s);
    p = log_parse("hello\nworld\n iteration 3/ | elapsed time per iteration (ms): x\n");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->steps.empty());
}

TEST(LogParse, BinaryAndCompressedDataAreRefused) {
    std::string binary;
    for (int i = 0; i < 2000; ++i) binary += char(i % 32);
    Result<LogParse> p = log_parse(binary);
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("not a text log: binary data"), std::string::npos);
    p = log_parse(std::string("\x1f\x8b\x08\x00rest", 8));
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("gzip-compressed"), std::string::npos);
    // A crashed node's NUL padding after real lines does not make a log binary.
    std::string padded = log_text("megatron_lm_01_mixtral8x7b_16xH100_issue756.txt") + std::string(8192, '\0');
    p = log_parse(padded);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->steps.size(), 3u);
}

TEST(LogParse, ALoneElapsedTimeAfterARecordEndsTheScan) {
    // Found by fuzzing (a hang): a line with Megatron's elapsed-time key but no header, right after a
    // record, once made the record be found again and again.
    Result<LogParse> p = log_parse(" iteration 1/ 10 | elapsed time per iteration (ms): 100.0 | lm loss: 1.0 |\n"
                                   "x elapsed time per iteration (ms): 5 |\n");
    ASSERT_TRUE(p);
    ASSERT_EQ(p->steps.size(), 1u);
    EXPECT_DOUBLE_EQ(*p->steps[0].step_time_s, 0.1);
}

TEST(LogParse, OptionsOutOfRangeNameTheFlag) {
    Result<LogParse> p = log_parse("", LogParseOptions{.warmup_steps = -1});
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("--warmup -1"), std::string::npos);
}

// ---- Output ---------------------------------------------------------------------------------

TEST(LogParseJson, TheContractKeys) {
    Result<LogParse> p = log_parse(log_text("nemo1_02_progress_bar_train_step_timing_checkpoint_nemo7957.txt"));
    ASSERT_TRUE(p);
    const nlohmann::json j = nlohmann::json::parse(log_parse_json(*p));
    EXPECT_EQ(j["framework"], "nemo1");
    ASSERT_EQ(j["steps"].size(), 1u);
    const nlohmann::json& s = j["steps"][0];
    EXPECT_EQ(s["step"], 9000);
    EXPECT_EQ(s["step_time_s"], 0.615);
    EXPECT_TRUE(s["tflops_per_gpu"].is_null());
    EXPECT_TRUE(s["tokens_per_s_per_gpu"].is_null());
    EXPECT_TRUE(s["loss"].is_null());  // nan: JSON has none, the failure says nan_loss
    EXPECT_EQ(j["summary"]["step_time_s"], 0.615);
    EXPECT_TRUE(j["summary"]["tflops_per_gpu"].is_null());
    EXPECT_EQ(j["summary"]["warmup_steps_dropped"], 0);
    EXPECT_EQ(j["failure"]["kind"], "nan_loss");
    EXPECT_EQ(j["failure"]["line"], 2);
    EXPECT_FALSE(j.contains("file"));

    const nlohmann::json many = nlohmann::json::parse(log_parse_json_many({{"a.txt", *p}, {"b.txt", *p}}));
    ASSERT_EQ(many.size(), 2u);
    EXPECT_EQ(many[1]["file"], "b.txt");
    EXPECT_TRUE(many[0]["failure"].contains("evidence"));
}

TEST(LogParseJson, InvalidUtf8InEvidenceStillMakesJson) {
    Result<LogParse> p = log_parse("RuntimeError: CUDA out of memory. \xff\xfe tried\n");
    ASSERT_TRUE(p);
    const nlohmann::json j = nlohmann::json::parse(log_parse_json(*p));
    EXPECT_EQ(j["failure"]["kind"], "oom");
}

TEST(LogParseText, Readable) {
    Result<LogParse> p = log_parse(log_text("megatron_lm_01_mixtral8x7b_16xH100_issue756.txt"));
    ASSERT_TRUE(p);
    const std::string t = log_parse_text(*p, "run.log");
    EXPECT_NE(t.find("run.log: megatron_lm, 3 steps (43 to 45)"), std::string::npos) << t;
    EXPECT_NE(t.find("5.4449"), std::string::npos) << t;
    EXPECT_NE(t.find("after 1 warm-up step"), std::string::npos) << t;
    EXPECT_NE(t.find("failure: none"), std::string::npos) << t;
}

}  // namespace
}  // namespace tp
