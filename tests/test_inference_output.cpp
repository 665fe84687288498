// Inference benchmark output parsing (core/inference_output.hpp).
//
// EveryOutputFile: each file of tests/data/inference_output is a case, its expectations written by
// reading the file (not by running the parser): the engine, each figure as printed (vLLM's latency
// seconds in milliseconds), the failure kind and the line that decides it (1-based). The other tests
// pin the policies: which label is which, the first result of several, launcher prefixes, figures
// that are not numbers, and the errors that name what was expected.
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "inference_output.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // "the output does not print it"

struct OutputCase {
    const char* file;
    const char* engine;
    double latency_ms, ttft_ms, tpot_ms;
    double requests_per_s, output_tokens_per_s, total_tokens_per_s;
    const char* failure;
    int evidence_line;  // 0 for none
};

// clang-format off
const OutputCase kCases[] = {
    // "Avg latency: 1.6168341913336675 seconds"; the percentile lines are not kept.
    {"vllm_latency_01_bench_latency_tp4.txt", "vllm-latency", 1616.8341913336675, kNone, kNone, kNone, kNone, kNone, "none", 0},
    {"vllm_latency_02_output_json.json", "vllm-latency", 842.1377310012757, kNone, kNone, kNone, kNone, kNone, "none", 0},
    // "Throughput: 24.05 requests/s, 27703.18 total tokens/s, 3078.13 output tokens/s".
    {"vllm_throughput_01_bench_throughput_random.txt", "vllm-throughput", kNone, kNone, kNone, 24.05, 3078.13, 27703.18, "none", 0},
    // "Throughput: 11.54 requests/s, 7385.60 tokens/s": the tokens are prompt plus output.
    {"vllm_throughput_02_legacy_two_figures.txt", "vllm-throughput", kNone, kNone, kNone, 11.54, kNone, 7385.60, "none", 0},
    {"vllm_throughput_03_output_json.json", "vllm-throughput", kNone, kNone, kNone, 24.049388, kNone, 27704.895, "none", 0},
    // Mean E2EL 13115.68, Mean TTFT 1873.64, Mean TPOT 88.52; 4.87 req/s, 623.33 and 5609.99 tok/s.
    {"vllm_serving_01_bench_serve_concurrency_e2el.txt", "vllm-serving", 13115.68, 1873.64, 88.52, 4.87, 623.33, 5609.99, "none", 0},
    // No E2EL section; "Total Token throughput" with a capital T.
    {"vllm_serving_02_legacy_benchmark_serving.txt", "vllm-serving", kNone, 7312.48, 61.87, 26.21, 4851.27, 10490.58, "none", 0},
    {"vllm_serving_03_save_result.json", "vllm-serving", 13115.684, 1873.6412, 88.5219, 4.869781, 623.33197, 5609.9877, "none", 0},
    // Average request latency 8660.4413 ms (not Total Latency, the run's wall time); no streaming lines.
    {"trtllm_bench_01_throughput_pytorch.txt", "trtllm-bench", 8660.4413, kNone, kNone, 212.8301, 27242.2585, 54484.5170, "none", 0},
    {"trtllm_bench_02_latency_streaming.txt", "trtllm-bench", 1559.5988, 97.3319, 11.5141, 0.6412, 82.0736, 1395.2512, "none", 0},
    // 0.17: "Token Throughput (tokens/sec): 6811.3724" is output tokens; no per-request latency.
    {"trtllm_bench_03_throughput_v0_17.txt", "trtllm-bench", kNone, kNone, kNone, 6.8114, 6811.3724, kNone, "none", 0},
    {"trtllm_bench_04_report_json.json", "trtllm-bench", 1559.5988, 97.3319, 11.5141, 0.6412, 82.0736, 1395.2512, "none", 0},
    // Four ranks print; the first line (1124.76 ms) is read, as NeMo's scrap_latency.
    {"fastertransformer_01_multi_gpu_gpt_tp4.txt", "fastertransformer", 1124.76, kNone, kNone, kNone, kNone, kNone, "none", 0},
    // No figures: the engine is unknown, the OOM on line 6 (under vLLM's ERROR prefix) is the result.
    {"failure_01_vllm_latency_cuda_oom.txt", "unknown", kNone, kNone, kNone, kNone, kNone, kNone, "oom", 6},
    {"failure_02_trtllm_bench_nccl_watchdog_timeout.txt", "unknown", kNone, kNone, kNone, kNone, kNone, kNone, "nccl_timeout", 4},
};
// clang-format on

std::string output_text(const std::string& file) { return test::read_fixture("inference_output/" + file); }

// Line n (1-based, '\n'-separated), trimmed as evidence is.
std::string line_of(const std::string& text, int n) {
    size_t b = 0;
    for (int i = 1; i < n && b != std::string::npos; ++i) {
        b = text.find('\n', b);
        if (b != std::string::npos) ++b;
    }
    if (b == std::string::npos) return "";
    const size_t e = text.find('\n', b);
    std::string line = text.substr(b, e == std::string::npos ? std::string::npos : e - b);
    const size_t f = line.find_first_not_of(" \t\r");
    const size_t l = line.find_last_not_of(" \t\r");
    return f == std::string::npos ? "" : line.substr(f, l - f + 1);
}

void expect_figure(const std::optional<double>& got, double want, const char* what) {
    if (std::isnan(want)) {
        EXPECT_FALSE(got.has_value()) << what << " should be empty, got " << *got;
    } else {
        ASSERT_TRUE(got.has_value()) << what << " missing, expected " << want;
        EXPECT_NEAR(*got, want, 1e-12 * std::fabs(want)) << what;
    }
}

void expect_figures(const InferenceMeasurement& m, const OutputCase& c) {
    expect_figure(m.latency_ms, c.latency_ms, "latency_ms");
    expect_figure(m.ttft_ms, c.ttft_ms, "ttft_ms");
    expect_figure(m.tpot_ms, c.tpot_ms, "tpot_ms");
    expect_figure(m.requests_per_s, c.requests_per_s, "requests_per_s");
    expect_figure(m.output_tokens_per_s, c.output_tokens_per_s, "output_tokens_per_s");
    expect_figure(m.total_tokens_per_s, c.total_tokens_per_s, "total_tokens_per_s");
}

class EveryOutputFile : public testing::TestWithParam<OutputCase> {};

TEST_P(EveryOutputFile, ReadsWhatAReaderSees) {
    const OutputCase& c = GetParam();
    const std::string text = output_text(c.file);
    const Result<InferenceMeasurement> r = inference_output_parse(text);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_STREQ(inference_engine_name(r->engine), c.engine);
    expect_figures(*r, c);
    EXPECT_STREQ(failure_kind_name(r->failure.kind), c.failure);
    EXPECT_EQ(r->failure.line, c.evidence_line);
    if (c.evidence_line > 0) {
        EXPECT_EQ(r->failure.evidence, line_of(text, c.evidence_line));
    }
}

// The same output with Windows line endings reads the same.
TEST_P(EveryOutputFile, CrlfReadsTheSame) {
    const OutputCase& c = GetParam();
    std::string crlf;
    for (char ch : output_text(c.file)) {
        if (ch == '\n') crlf += '\r';
        crlf += ch;
    }
    const Result<InferenceMeasurement> r = inference_output_parse(crlf);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_STREQ(inference_engine_name(r->engine), c.engine);
    expect_figures(*r, c);
    EXPECT_STREQ(failure_kind_name(r->failure.kind), c.failure);
}

// Every prefix of every fixture (a benchmark killed while printing) parses or errs, never crashes,
// and what it reads is a prefix's worth: figures are finite and >= 0.
TEST_P(EveryOutputFile, TruncatedOutputIsValueOrError) {
    const std::string text = output_text(GetParam().file);
    for (size_t n = 0; n <= text.size(); ++n) {
        const Result<InferenceMeasurement> r = inference_output_parse(std::string_view(text).substr(0, n));
        if (!r.ok()) {
            EXPECT_FALSE(r.error().message.empty());
            continue;
        }
        for (const std::optional<double>* f : {&r->latency_ms, &r->ttft_ms, &r->tpot_ms, &r->requests_per_s,
                                               &r->output_tokens_per_s, &r->total_tokens_per_s})
            if (f->has_value()) {
                EXPECT_TRUE(std::isfinite(**f) && **f >= 0);
            }
    }
}

std::string case_name(const testing::TestParamInfo<OutputCase>& p) { return test::test_name(p.param.file); }
INSTANTIATE_TEST_SUITE_P(InferenceOutput, EveryOutputFile, testing::ValuesIn(kCases), case_name);

TEST(InferenceOutputFixtures, EveryFileHasACase) {
    std::set<std::string> listed;
    for (const OutputCase& c : kCases) listed.insert(c.file);
    const std::filesystem::path dir = std::filesystem::path(TRAINPLAN_SOURCE_DIR) / "tests/data/inference_output";
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (name == "README.md") continue;
        EXPECT_TRUE(listed.count(name)) << name << " has no case in kCases";
    }
}

TEST(InferenceOutput, EngineNames) {
    EXPECT_STREQ(inference_engine_name(InferenceEngine::unknown), "unknown");
    EXPECT_STREQ(inference_engine_name(InferenceEngine::vllm_latency), "vllm-latency");
    EXPECT_STREQ(inference_engine_name(InferenceEngine::vllm_throughput), "vllm-throughput");
    EXPECT_STREQ(inference_engine_name(InferenceEngine::vllm_serving), "vllm-serving");
    EXPECT_STREQ(inference_engine_name(InferenceEngine::trtllm_bench), "trtllm-bench");
    EXPECT_STREQ(inference_engine_name(InferenceEngine::fastertransformer), "fastertransformer");
}

// ---- Errors ---------------------------------------------------------------------------------------

std::string error_of(std::string_view text) {
    const Result<InferenceMeasurement> r = inference_output_parse(text);
    EXPECT_FALSE(r.ok()) << "expected an error for: " << text;
    return r.ok() ? "" : r.error().message;
}

TEST(InferenceOutputErrors, EmptyAndGarbageNameEveryEngine) {
    for (std::string_view text : {std::string_view(""), std::string_view("   \n\n"), std::string_view("hello world\n42\n"),
                                  std::string_view("\x01\x02\xff\xfe binary", 12)}) {
        const std::string e = error_of(text);
        EXPECT_NE(e.find("Avg latency"), std::string::npos) << e;
        EXPECT_NE(e.find("Serving Benchmark Result"), std::string::npos) << e;
        EXPECT_NE(e.find("PERFORMANCE OVERVIEW"), std::string::npos) << e;
        EXPECT_NE(e.find("FT-CPP-decoding-beamsearch-time"), std::string::npos) << e;
    }
    EXPECT_NE(error_of("").find("empty output"), std::string::npos);
}

TEST(InferenceOutputErrors, ABlockWithoutFiguresNamesItsLabels) {
    const std::string e = error_of("============ Serving Benchmark Result ============\nSuccessful requests:                     10\n");
    EXPECT_NE(e.find("vllm-serving"), std::string::npos) << e;
    EXPECT_NE(e.find("Mean TTFT (ms):"), std::string::npos) << e;
    const std::string t = error_of("===========================================================\n= PERFORMANCE OVERVIEW \n");
    EXPECT_NE(t.find("trtllm-bench"), std::string::npos) << t;
    EXPECT_NE(t.find("Average request latency (ms):"), std::string::npos) << t;
}

TEST(InferenceOutputErrors, NumbersThatAreNotFiguresAreNamed) {
    for (const char* value : {"nan", "NaN", "inf", "1e999", "-1.25"}) {
        const std::string e = error_of(std::string("Avg latency: ") + value + " seconds\n");
        EXPECT_NE(e.find("vllm-latency"), std::string::npos) << e;
        EXPECT_NE(e.find("not a finite number"), std::string::npos) << value << ": " << e;
    }
    // A figure refused among others is just empty.
    const Result<InferenceMeasurement> r = inference_output_parse(
        "============ Serving Benchmark Result ============\n"
        "Request throughput (req/s):              3.10      \n"
        "Mean TTFT (ms):                          nan       \n"
        "Mean TPOT (ms):                          -4.00     \n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->requests_per_s, 3.10);
    EXPECT_FALSE(r->ttft_ms);
    EXPECT_FALSE(r->tpot_ms);
}

TEST(InferenceOutputErrors, ALineCutInsideItsNumberIsNotRead) {
    // The unit must follow: "Avg latency: 1.2" may be the start of 1.2345.
    EXPECT_NE(error_of("Avg latency: 1.2").find("vllm-latency"), std::string::npos);
    EXPECT_NE(error_of("[INFO] request_batch_size 8 FT-CPP-decoding-beamsearch-time 11").find("fastertransformer"),
              std::string::npos);
    const Result<InferenceMeasurement> r = inference_output_parse("Avg latency: 1.2345 seconds");  // no final newline
    ASSERT_TRUE(r.ok());
    EXPECT_DOUBLE_EQ(*r->latency_ms, 1234.5);
}

TEST(InferenceOutputErrors, JsonThatIsNotAResult) {
    EXPECT_NE(error_of("{").find("invalid JSON"), std::string::npos);
    EXPECT_NE(error_of("{\"avg_latency\": 1e999}").find("invalid JSON"), std::string::npos);
    EXPECT_NE(error_of("{\"avg_latency\": NaN, \"latencies\": []}").find("invalid JSON"), std::string::npos);
    EXPECT_NE(error_of("{\"model\": \"x\"}").find("none of the result keys"), std::string::npos);
    EXPECT_NE(error_of("[1, 2]").find("expected"), std::string::npos);
    // A result key with a value that is no figure: the engine is known, the error says so.
    EXPECT_NE(error_of("{\"avg_latency\": -0.5}").find("vllm-latency"), std::string::npos);
    EXPECT_NE(error_of("{\"avg_latency\": \"fast\"}").find("vllm-latency"), std::string::npos);
    EXPECT_NE(error_of("{\"performance\": 3}").find("trtllm-bench"), std::string::npos);
}

// ---- Policies -------------------------------------------------------------------------------------

TEST(InferenceOutput, AFailureWithoutFiguresIsAMeasurementNotAnError) {
    const Result<InferenceMeasurement> r = inference_output_parse(
        "Warming up...\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->failure.kind, FailureKind::oom);
    EXPECT_EQ(r->failure.line, 2);
    EXPECT_FALSE(r->latency_ms);
}

TEST(InferenceOutput, FiguresThenACrashAtShutdownKeepBoth) {
    const std::string text = output_text("vllm_throughput_01_bench_throughput_random.txt") +
                             "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
                             "RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled system error\n";
    const Result<InferenceMeasurement> r = inference_output_parse(text);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->requests_per_s, 24.05);
    EXPECT_EQ(r->failure.kind, FailureKind::nccl_error);
}

TEST(InferenceOutput, LabelsStartTheLineOrFollowALaunchersPrefix) {
    // srun --label, mpirun --tag-output, TensorRT-LLM's logger.
    Result<InferenceMeasurement> r = inference_output_parse("0: Avg latency: 0.5 seconds\n");
    ASSERT_TRUE(r.ok());
    EXPECT_DOUBLE_EQ(*r->latency_ms, 500);
    r = inference_output_parse("[1,0]<stdout>:Throughput: 2.00 requests/s, 300.00 total tokens/s, 100.00 output tokens/s\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->engine, InferenceEngine::vllm_throughput);
    EXPECT_EQ(r->output_tokens_per_s, 100.0);
    r = inference_output_parse("[03/12/2025-14:05:40] [TRT-LLM] [I] Request Throughput (req/sec):  7.5000\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->engine, InferenceEngine::trtllm_bench);
    EXPECT_EQ(r->requests_per_s, 7.5);
    // Inside a sentence a label is not a label: a peak is not the mean, a total not the output.
    r = inference_output_parse(
        "============ Serving Benchmark Result ============\n"
        "Peak output token throughput (tok/s):    900.00    \n"
        "Request throughput (req/s):              1.00      \n");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->output_tokens_per_s);
    r = inference_output_parse("= PERFORMANCE OVERVIEW \nTotal Token Throughput (tokens/sec):  50.0\n");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->output_tokens_per_s);
    EXPECT_EQ(r->total_tokens_per_s, 50.0);
    // vLLM's "Mean E2EL incl. Client Queue" is not the E2EL.
    r = inference_output_parse(
        "============ Serving Benchmark Result ============\n"
        "Mean E2EL incl. Client Queue (ms):       900.00    \n"
        "Mean TTFT (ms):                          10.00     \n");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->latency_ms);
}

TEST(InferenceOutput, TheFirstOfSeveralResultsIsRead) {
    // Two serving runs in one log; the first has no TPOT section, and the second's is not borrowed.
    const Result<InferenceMeasurement> r = inference_output_parse(
        "============ Serving Benchmark Result ============\n"
        "Request throughput (req/s):              1.00      \n"
        "Mean TTFT (ms):                          10.00     \n"
        "==================================================\n"
        "============ Serving Benchmark Result ============\n"
        "Request throughput (req/s):              2.00      \n"
        "Mean TTFT (ms):                          20.00     \n"
        "Mean TPOT (ms):                          5.00      \n"
        "==================================================\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->requests_per_s, 1.0);
    EXPECT_EQ(r->ttft_ms, 10.0);
    EXPECT_FALSE(r->tpot_ms);
    // Two trtllm-bench reports: the second's streaming lines are not the first's.
    const std::string once = output_text("trtllm_bench_01_throughput_pytorch.txt");
    const Result<InferenceMeasurement> t = inference_output_parse(once + output_text("trtllm_bench_02_latency_streaming.txt"));
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->requests_per_s, 212.8301);
    EXPECT_FALSE(t->ttft_ms);
}

TEST(InferenceOutput, ThroughputPartsAreReadByTheirUnits) {
    const Result<InferenceMeasurement> r =
        inference_output_parse("Throughput: 3.00 requests/s, 900.00 total tokens/s, 250.00 expected output tokens/s, 240.00 output tokens/s\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->requests_per_s, 3.0);
    EXPECT_EQ(r->total_tokens_per_s, 900.0);
    EXPECT_EQ(r->output_tokens_per_s, 240.0);
    // "Throughput:" without requests/s is not vLLM's line.
    EXPECT_FALSE(inference_output_parse("Throughput: 12 samples/s\n").ok());
}

}  // namespace
}  // namespace tp
