// Inference benchmark output: engine detection, each engine's labels, the JSON files, failures.
//
// [SECTION] Labels: every engine's printed labels, with the upstream file that prints them.
// [SECTION] Lines: where a label may start, its number, and what makes a number a figure.
// [SECTION] Text: the first result's marker, then its labels up to the next result.
// [SECTION] JSON: the engines' --output-json / --save-result / --report_json files.
// [SECTION] Entry: failure classification, and the error that names what was expected.
//
// The sources (repository, path, commit) are listed once more in tests/data/inference_output/README.md,
// next to the fixtures that reproduce each printed format.
#include "inference_output.hpp"

#include <array>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "log_parse_internal.hpp"
#include "text.hpp"

namespace tp {

const char* inference_engine_name(InferenceEngine e) {
    switch (e) {
        case InferenceEngine::vllm_latency: return "vllm-latency";
        case InferenceEngine::vllm_throughput: return "vllm-throughput";
        case InferenceEngine::vllm_serving: return "vllm-serving";
        case InferenceEngine::trtllm_bench: return "trtllm-bench";
        case InferenceEngine::fastertransformer: return "fastertransformer";
        case InferenceEngine::unknown: break;
    }
    return "unknown";
}

namespace {

using logparse::is_line_break;

// ---- [SECTION] Labels ---------------------------------------------------------------------------
enum class Field { latency_ms, ttft_ms, tpot_ms, requests_per_s, output_tokens_per_s, total_tokens_per_s };

std::optional<double>& field_of(InferenceMeasurement& m, Field f) {
    switch (f) {
        case Field::latency_ms: return m.latency_ms;
        case Field::ttft_ms: return m.ttft_ms;
        case Field::tpot_ms: return m.tpot_ms;
        case Field::requests_per_s: return m.requests_per_s;
        case Field::output_tokens_per_s: return m.output_tokens_per_s;
        case Field::total_tokens_per_s: return m.total_tokens_per_s;
    }
    return m.latency_ms;
}

struct Label {
    std::string_view text;  // as printed, matched without regard to ASCII case
    Field field;
};

// vLLM's "Serving Benchmark Result" block: vllm/benchmarks/serve.py (vllm-project/vllm 009e6d4),
// and benchmarks/benchmark_serving.py before it, print every line as "{:<40} {:<10.2f}" (label padded
// to 40 columns). benchmark_serving.py printed "Total Token throughput", serve.py "Total token
// throughput": matching ignores case. E2EL ("End-to-end Latency") is printed only when
// --percentile-metrics names e2el; "Mean E2EL incl. Client Queue (ms):" is another figure, and
// "Peak output token throughput" is not matched because a label must start the line (label_end).
constexpr std::array kServingLabels = {
    Label{"Request throughput (req/s):", Field::requests_per_s},
    Label{"Output token throughput (tok/s):", Field::output_tokens_per_s},
    Label{"Total token throughput (tok/s):", Field::total_tokens_per_s},
    Label{"Mean TTFT (ms):", Field::ttft_ms},
    Label{"Mean TPOT (ms):", Field::tpot_ms},
    Label{"Mean E2EL (ms):", Field::latency_ms},
};

// trtllm-bench's report, every vintage:
//  - today, tensorrt_llm/bench/dataclasses/reporting.py ReportUtility.report_statistics (NVIDIA/
//    TensorRT-LLM 0249976): "= PERFORMANCE OVERVIEW" with "Request Throughput (req/sec):", "Total
//    Output Throughput (tokens/sec):", "Total Token Throughput (tokens/sec):", "Average request
//    latency (ms):", and with streaming (always for the latency subcommand, tensorrt_llm/bench/
//    benchmark/low_latency.py passes streaming=True) "Average time-to-first-token [TTFT] (ms):" and
//    "Average time-per-output-token [TPOT] (ms):"; example output in docs/source/performance/
//    perf-benchmarking.md (04276b4), "Sample output" of the multi-modal run;
//  - 0.17, tensorrt_llm/bench/benchmark/utils/reporting.py (535c9cc) and the same doc's Quickstart:
//    "Token Throughput (tokens/sec):" (total output tokens / total latency: output tokens), and under
//    "= STREAMING STATISTICS" "Average request latency (ms):", "Average time-to-first-token (ms):",
//    "Average inter-token latency (ms):" — the per-request mean of the inter-token gaps, which today's
//    reporting.py keeps as tpot_percentiles (from the same intertoken_avg_latencies): TPOT.
// "Total Latency (ms)" is the whole run's wall time, not a request's, and is not read.
constexpr std::array kTrtllmLabels = {
    Label{"Request Throughput (req/sec):", Field::requests_per_s},
    Label{"Total Output Throughput (tokens/sec):", Field::output_tokens_per_s},
    Label{"Token Throughput (tokens/sec):", Field::output_tokens_per_s},
    Label{"Total Token Throughput (tokens/sec):", Field::total_tokens_per_s},
    Label{"Average request latency (ms):", Field::latency_ms},
    Label{"Average time-to-first-token [TTFT] (ms):", Field::ttft_ms},
    Label{"Average time-to-first-token (ms):", Field::ttft_ms},
    Label{"Average time-per-output-token [TPOT] (ms):", Field::tpot_ms},
    Label{"Average inter-token latency (ms):", Field::tpot_ms},
};

// vLLM's benchmark_latency (benchmarks/benchmark_latency.py 00db020, vllm/benchmarks/latency.py
// 00cae07): print(f"Avg latency: {np.mean(latencies)} seconds"), numpy's full repr of the mean.
constexpr std::string_view kVllmLatencyLabel = "Avg latency:";
// vLLM's benchmark_throughput (vllm/benchmarks/throughput.py 0202831): "Throughput: {:.2f}
// requests/s, {:.2f} total tokens/s, {:.2f} output tokens/s"; benchmarks/benchmark_throughput.py
// (018efff, 2024) printed "Throughput: {:.2f} requests/s, {:.2f} tokens/s" (prompt plus output
// tokens: total).
constexpr std::string_view kVllmThroughputLabel = "Throughput:";
// FasterTransformer's C++ GPT examples (NVIDIA/FasterTransformer df4a753, examples/cpp/multi_gpu_gpt/
// multi_gpu_gpt_example.cc): printf("[INFO] request_batch_size %ld beam_width %ld ... vocab_size %ld
// FT-CPP-decoding-beamsearch-time %.2f ms\n", ...), the mean over `ite` runs of one batch. The NeMo
// launcher's auto_configurator/autoconfig/inference_summary.py (NeMo-Framework-Launcher 67f3efc)
// scrap_latency reads the first such line, field [-2] of line.split(" ").
constexpr std::string_view kFasterTransformerLabel = "FT-CPP-decoding-beamsearch-time";
constexpr std::string_view kServingHeader = "Serving Benchmark Result";

// ---- [SECTION] Lines ----------------------------------------------------------------------------
char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, size_t pos, std::string_view word) {
    if (pos > s.size() || s.size() - pos < word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i)
        if (lower(s[pos + i]) != lower(word[i])) return false;
    return true;
}

bool is_blank_or_tab(char c) { return c == ' ' || c == '\t'; }

// Just past `label` where it starts a line's printed text, or npos. The engines print their labels at
// the start of a line, but a launcher or logger may put a prefix before it: srun --label ("0: "),
// mpirun --tag-output ("[1,0]<stdout>:"), TensorRT-LLM's logger on the report's first line
// ("[01/18/2025-01:01:42] [TRT-LLM] [I] "). So a label may start after leading blanks or after any
// ':', ']' or '>' and blanks, and nowhere else: "Peak output token throughput (tok/s):" is not
// "Output token throughput (tok/s):", nor "Total Token Throughput" "Token Throughput".
size_t label_end(std::string_view line, std::string_view label) {
    size_t i = 0;
    while (true) {
        while (i < line.size() && is_blank_or_tab(line[i])) ++i;
        if (starts_with_nocase(line, i, label)) return i + label.size();
        const size_t k = line.find_first_of(":]>", i);
        if (k == line.npos) return line.npos;
        i = k + 1;
    }
}

// A figure is a finite number >= 0; anything else the engine printed ("nan" from an empty list, an
// overflow, a negative count from a clock that went back) says nothing about the point.
bool usable(double v) { return std::isfinite(v) && v >= 0; }

// What a label found on a line gave: nothing (no number after it), a figure, or a number refused.
struct Read {
    bool number = false;
    double value = 0;
    size_t end = 0;  // just past the number
};

Read number_at(std::string_view line, size_t pos) {
    Read r;
    double v = 0;
    size_t p = pos;
    if (!logparse::parse_number(line, p, v)) return r;
    r.number = true, r.value = v, r.end = p;
    return r;
}

// The next word after blanks at pos equals `unit` (case ignored), followed by a blank, ',' or the end.
bool unit_at(std::string_view line, size_t pos, std::string_view unit) {
    while (pos < line.size() && is_blank_or_tab(line[pos])) ++pos;
    if (!starts_with_nocase(line, pos, unit)) return false;
    const size_t after = pos + unit.size();
    return after == line.size() || is_blank_or_tab(line[after]) || line[after] == ',';
}

// The measurement being filled, and the printed values that were refused (for the error message).
struct Reader {
    InferenceMeasurement m;
    std::vector<std::string> refused;

    void set(Field f, double value, std::string_view label) {
        std::optional<double>& slot = field_of(m, f);
        if (slot) return;  // the first result's figure stays (several results: see the header)
        if (usable(value)) {
            slot = value;
        } else if (refused.size() < 8) {
            refused.push_back("'" + std::string(label) + "' " + format_refused(value));
        }
    }
    static std::string format_refused(double v) {
        if (std::isnan(v)) return "nan";
        if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
        return format_number(v);
    }
    bool any() const {
        return m.latency_ms || m.ttft_ms || m.tpot_ms || m.requests_per_s || m.output_tokens_per_s || m.total_tokens_per_s;
    }
};

// ---- [SECTION] Text -----------------------------------------------------------------------------
// Calls f(line) for each line ('\n' or '\r' ends one, as in log_parse) until f returns false.
template <typename F>
void for_each_line(std::string_view text, size_t from, F&& f) {
    size_t b = from;
    while (b < text.size()) {
        size_t e = b;
        while (e < text.size() && !is_line_break(text[e])) ++e;
        if (!f(text.substr(b, e - b), b)) return;
        b = e + 1;
    }
}

// "Throughput: <x> requests/s" starts the line: vLLM's throughput result.
bool vllm_throughput_line(std::string_view line) {
    const size_t k = label_end(line, kVllmThroughputLabel);
    if (k == line.npos) return false;
    const Read r = number_at(line, k);
    return r.number && unit_at(line, r.end, "requests/s");
}

bool trtllm_marker(std::string_view line) {
    // The report's section header (every vintage of the throughput report; the 0.17 latency report
    // began with "= GENERAL OVERVIEW"), or its first figure when the header was cut off.
    return line.find("= PERFORMANCE OVERVIEW") != line.npos || line.find("= GENERAL OVERVIEW") != line.npos ||
           label_end(line, kTrtllmLabels[0].text) != line.npos;
}

// The engine of the first line that shows one, and where that line starts.
struct Detected {
    InferenceEngine engine = InferenceEngine::unknown;
    size_t line = 0;
};

InferenceEngine line_engine(std::string_view line) {
    if (line.find(kFasterTransformerLabel) != line.npos) return InferenceEngine::fastertransformer;
    if (line.find(kServingHeader) != line.npos) return InferenceEngine::vllm_serving;
    if (trtllm_marker(line)) return InferenceEngine::trtllm_bench;
    if (label_end(line, kVllmLatencyLabel) != line.npos) return InferenceEngine::vllm_latency;
    if (vllm_throughput_line(line)) return InferenceEngine::vllm_throughput;
    return InferenceEngine::unknown;
}

Detected detect(std::string_view text) {
    Detected d;
    for_each_line(text, 0, [&](std::string_view line, size_t begin) {
        d.engine = line_engine(line);
        d.line = begin;
        return d.engine == InferenceEngine::unknown;
    });
    return d;
}

// Labels of a block (serving, trtllm-bench): the first value of each, from the marker's line until
// the next result of the same engine begins (a second header) or, for vLLM's block, its closing rule
// of '=' (print("=" * 50)).
void read_block(std::string_view text, size_t from, std::span<const Label> labels, InferenceEngine engine, Reader& r) {
    bool first = true;
    for_each_line(text, from, [&](std::string_view line, size_t) {
        // The next result begins; trtllm's first label, which follows its header, is still this one.
        const bool own_first_label = engine == InferenceEngine::trtllm_bench && label_end(line, kTrtllmLabels[0].text) != line.npos;
        if (!first && !own_first_label && line_engine(line) == engine) return false;
        first = false;
        if (engine == InferenceEngine::vllm_serving) {
            const std::string_view t = logparse::trim(line);
            if (t.size() >= 50 && t.find_first_not_of('=') == t.npos) return false;
        }
        for (const Label& l : labels) {
            const size_t k = label_end(line, l.text);
            if (k == line.npos) continue;
            if (const Read n = number_at(line, k); n.number) r.set(l.field, n.value, l.text);
            break;  // one label per line
        }
        return true;
    });
}

// "Avg latency: <s> seconds": the first such line. The unit must follow the number: a line cut
// inside its number ("Avg latency: 1.2") is not read as a shorter number.
void read_vllm_latency(std::string_view text, size_t from, Reader& r) {
    for_each_line(text, from, [&](std::string_view line, size_t) {
        const size_t k = label_end(line, kVllmLatencyLabel);
        if (k == line.npos) return true;
        const Read n = number_at(line, k);
        if (n.number && unit_at(line, n.end, "seconds")) r.set(Field::latency_ms, n.value * 1000.0, kVllmLatencyLabel);
        return !r.m.latency_ms.has_value();
    });
}

// "Throughput: <x> requests/s, <y> total tokens/s, <z> output tokens/s": each comma-separated part
// read by its unit; a part with another unit (a fork's "expected output tokens/s") is skipped.
void read_vllm_throughput(std::string_view text, size_t from, Reader& r) {
    for_each_line(text, from, [&](std::string_view line, size_t) {
        if (!vllm_throughput_line(line)) return true;
        const Read n = number_at(line, label_end(line, kVllmThroughputLabel));
        r.set(Field::requests_per_s, n.value, "requests/s");
        size_t pos = n.end;
        while (true) {
            const size_t comma = line.find(',', pos);
            if (comma == line.npos) break;
            const Read part = number_at(line, comma + 1);
            pos = comma + 1;
            if (!part.number) continue;
            pos = part.end;
            if (unit_at(line, part.end, "total tokens/s") || unit_at(line, part.end, "tokens/s"))
                r.set(Field::total_tokens_per_s, part.value, "tokens/s");
            else if (unit_at(line, part.end, "output tokens/s"))
                r.set(Field::output_tokens_per_s, part.value, "output tokens/s");
        }
        return false;
    });
}

// "... FT-CPP-decoding-beamsearch-time <x> ms": the first such line, as scrap_latency.
void read_fastertransformer(std::string_view text, size_t from, Reader& r) {
    for_each_line(text, from, [&](std::string_view line, size_t) {
        const size_t k = line.find(kFasterTransformerLabel);
        if (k == line.npos) return true;
        const Read n = number_at(line, k + kFasterTransformerLabel.size());
        if (n.number && unit_at(line, n.end, "ms")) r.set(Field::latency_ms, n.value, kFasterTransformerLabel);
        return false;
    });
}

// What each engine's output was expected to show, for the error of an output without figures.
std::string expected_labels(InferenceEngine e) {
    auto list = [](std::span<const Label> labels) {
        std::string s;
        for (const Label& l : labels) s += (s.empty() ? "'" : ", '") + std::string(l.text) + "'";
        return s;
    };
    switch (e) {
        case InferenceEngine::vllm_latency: return "'Avg latency: <s> seconds'";
        case InferenceEngine::vllm_throughput: return "'Throughput: <x> requests/s, <y> total tokens/s, <z> output tokens/s'";
        case InferenceEngine::vllm_serving: return "the 'Serving Benchmark Result' block's " + list(kServingLabels);
        case InferenceEngine::trtllm_bench: return "the PERFORMANCE OVERVIEW block's " + list(kTrtllmLabels);
        case InferenceEngine::fastertransformer: return "'FT-CPP-decoding-beamsearch-time <x> ms'";
        case InferenceEngine::unknown: break;
    }
    return "vLLM's 'Avg latency: <s> seconds' (benchmark_latency), 'Throughput: <x> requests/s, ...' "
           "(benchmark_throughput) or 'Serving Benchmark Result' block (benchmark_serving), trtllm-bench's "
           "PERFORMANCE OVERVIEW block, FasterTransformer's 'FT-CPP-decoding-beamsearch-time <x> ms', or one of "
           "their JSON result files";
}

// ---- [SECTION] JSON -----------------------------------------------------------------------------
using nlohmann::json;

struct JsonKey {
    std::string_view key;
    Field field;
    double scale;  // to the field's unit
};

// vLLM latency --output-json (latency.py above): {"avg_latency": s, "std_latency", "latencies": [...],
// "percentiles": {"10": s, ...}} (json.dump turns the percentages into string keys).
constexpr std::array kVllmLatencyJson = {JsonKey{"avg_latency", Field::latency_ms, 1000.0}};
// vLLM throughput --output-json (throughput.py above): "requests_per_second", "tokens_per_second"
// (total_num_tokens / elapsed_time: prompt plus output).
constexpr std::array kVllmThroughputJson = {JsonKey{"requests_per_second", Field::requests_per_s, 1.0},
                                            JsonKey{"tokens_per_second", Field::total_tokens_per_s, 1.0}};
// vLLM serve --save-result (serve.py above, the `result` dict plus process_one_metric's keys).
constexpr std::array kVllmServingJson = {
    JsonKey{"request_throughput", Field::requests_per_s, 1.0},  JsonKey{"output_throughput", Field::output_tokens_per_s, 1.0},
    JsonKey{"total_token_throughput", Field::total_tokens_per_s, 1.0}, JsonKey{"mean_ttft_ms", Field::ttft_ms, 1.0},
    JsonKey{"mean_tpot_ms", Field::tpot_ms, 1.0},               JsonKey{"mean_e2el_ms", Field::latency_ms, 1.0}};
// trtllm-bench --report_json (reporting.py above, get_statistics_dict): "performance" and, when
// streaming, "streaming_metrics".
constexpr std::array kTrtllmPerformanceJson = {
    JsonKey{"request_throughput_req_s", Field::requests_per_s, 1.0},
    JsonKey{"system_output_throughput_tok_s", Field::output_tokens_per_s, 1.0},
    JsonKey{"system_total_throughput_tok_s", Field::total_tokens_per_s, 1.0},
    JsonKey{"avg_request_latency_ms", Field::latency_ms, 1.0}};
constexpr std::array kTrtllmStreamingJson = {JsonKey{"avg_ttft_ms", Field::ttft_ms, 1.0},
                                             JsonKey{"avg_tpot_ms", Field::tpot_ms, 1.0}};

void read_json_keys(const json& object, std::span<const JsonKey> keys, Reader& r) {
    if (!object.is_object()) return;
    for (const JsonKey& k : keys) {
        const auto it = object.find(std::string(k.key));
        if (it == object.end() || !it->is_number()) continue;  // null (goodput unset), text: no figure
        r.set(k.field, it->get<double>() * k.scale, k.key);
    }
}

// A JSON result file, or an error saying why not (the caller then reads the text as printed output).
Result<InferenceEngine> read_json(std::string_view text, Reader& r) {
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {
        // nlohmann reports a number beyond double range (error 406) without a byte offset, like a
        // syntax error with one: either way the file is not a result (as in hf_config.cpp).
        return make_error(ErrorKind::parse_error, std::string("invalid JSON (") + e.what() + ")");
    }
    if (!doc.is_object()) return make_error(ErrorKind::parse_error, "JSON result must be an object");
    if (doc.contains("avg_latency")) {
        read_json_keys(doc, kVllmLatencyJson, r);
        return InferenceEngine::vllm_latency;
    }
    if (doc.contains("performance")) {
        read_json_keys(doc["performance"], kTrtllmPerformanceJson, r);
        if (doc.contains("streaming_metrics")) read_json_keys(doc["streaming_metrics"], kTrtllmStreamingJson, r);
        return InferenceEngine::trtllm_bench;
    }
    if (doc.contains("requests_per_second")) {
        read_json_keys(doc, kVllmThroughputJson, r);
        return InferenceEngine::vllm_throughput;
    }
    if (doc.contains("request_throughput")) {
        read_json_keys(doc, kVllmServingJson, r);
        return InferenceEngine::vllm_serving;
    }
    return make_error(ErrorKind::parse_error,
                      "JSON object with none of the result keys 'avg_latency' (vLLM latency), 'requests_per_second' (vLLM "
                      "throughput), 'request_throughput' (vLLM serving), 'performance' (trtllm-bench)");
}

}  // namespace

// ---- [SECTION] Entry ----------------------------------------------------------------------------
Result<InferenceMeasurement> inference_output_parse(std::string_view text) {
    Reader r;
    r.m.failure = logparse::failure_classify(text, std::nullopt);

    const std::string_view body = logparse::trim(text);
    std::string json_error;
    if (!body.empty() && body.front() == '{') {
        Result<InferenceEngine> e = read_json(body, r);
        if (e.ok()) {
            r.m.engine = *e;
        } else {
            json_error = e.error().message;  // then read as printed text: a log may start with a '{' line
        }
    }
    if (r.m.engine == InferenceEngine::unknown) {
        const Detected d = detect(text);
        r.m.engine = d.engine;
        switch (d.engine) {
            case InferenceEngine::vllm_latency: read_vllm_latency(text, d.line, r); break;
            case InferenceEngine::vllm_throughput: read_vllm_throughput(text, d.line, r); break;
            case InferenceEngine::vllm_serving: read_block(text, d.line, kServingLabels, d.engine, r); break;
            case InferenceEngine::trtllm_bench: read_block(text, d.line, kTrtllmLabels, d.engine, r); break;
            case InferenceEngine::fastertransformer: read_fastertransformer(text, d.line, r); break;
            case InferenceEngine::unknown: break;
        }
    }
    if (r.any() || r.m.failure.kind != FailureKind::none) return r.m;

    // No figure and no failure: say what was looked for, and what stood in its place.
    std::string message;
    if (!json_error.empty() && r.m.engine == InferenceEngine::unknown) {
        message = "not an inference benchmark result: " + json_error + "; expected " + expected_labels(InferenceEngine::unknown);
    } else if (r.m.engine == InferenceEngine::unknown) {
        message = std::string(body.empty() ? "empty output" : "no inference benchmark result found") + ": expected " +
                  expected_labels(InferenceEngine::unknown);
    } else {
        message = std::string(inference_engine_name(r.m.engine)) + " output without a usable figure: expected " +
                  expected_labels(r.m.engine);
        if (!r.refused.empty()) {
            message += "; printed but not a finite number >= 0:";
            for (const std::string& s : r.refused) message += " " + s;
        }
    }
    return make_error(ErrorKind::parse_error, message);
}

}  // namespace tp
