// parse-log's two outputs: the JSON contract of design.md and a readable report.
#include <cmath>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "log_parse.hpp"

namespace tp {

namespace {

using ordered_json = nlohmann::ordered_json;

// JSON has no NaN or infinity: a figure the log printed as nan is null there (the failure kind
// says nan_loss), like a figure the log did not print.
ordered_json number_or_null(const std::optional<double>& v) {
    return v && std::isfinite(*v) ? ordered_json(*v) : ordered_json(nullptr);
}

ordered_json parse_object(const LogParse& p, std::string_view file) {
    ordered_json j;
    if (!file.empty()) j["file"] = std::string(file);
    j["framework"] = log_framework_name(p.framework);
    ordered_json steps = ordered_json::array();
    for (const LogStep& s : p.steps) {
        ordered_json o;
        o["step"] = s.step;
        o["step_time_s"] = number_or_null(s.step_time_s);
        o["tflops_per_gpu"] = number_or_null(s.tflops_per_gpu);
        o["tokens_per_s_per_gpu"] = number_or_null(s.tokens_per_s_per_gpu);
        o["loss"] = number_or_null(s.loss);
        steps.push_back(std::move(o));
    }
    j["steps"] = std::move(steps);
    ordered_json summary;
    summary["step_time_s"] = number_or_null(p.summary.step_time_s);
    summary["tflops_per_gpu"] = number_or_null(p.summary.tflops_per_gpu);
    summary["tokens_per_s_per_gpu"] = number_or_null(p.summary.tokens_per_s_per_gpu);
    summary["warmup_steps_dropped"] = p.summary.warmup_steps_dropped;
    summary["steps_averaged"] = p.summary.steps_averaged;
    j["summary"] = std::move(summary);
    ordered_json failure;
    failure["kind"] = failure_kind_name(p.failure.kind);
    const bool none = p.failure.kind == FailureKind::none;
    failure["evidence"] = none ? ordered_json(nullptr) : ordered_json(p.failure.evidence);
    failure["line"] = none ? ordered_json(nullptr) : ordered_json(p.failure.line);
    j["failure"] = std::move(failure);
    return j;
}

// Log text is untrusted: invalid UTF-8 in evidence or a file name becomes U+FFFD, not an exception.
std::string dump(const ordered_json& j) { return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n"; }

// Six significant digits: every figure a log prints, without a division's trailing noise.
std::string cell(const std::optional<double>& v) {
    if (!v) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", *v);
    return buf;
}

std::string pad_left(std::string s, size_t width) { return std::string(s.size() >= width ? 1 : width - s.size(), ' ') + s; }

void step_row(std::string& out, const LogStep& s) {
    out += pad_left(std::to_string(s.step), 10) + pad_left(cell(s.step_time_s), 14) + pad_left(cell(s.tflops_per_gpu), 16) +
           pad_left(cell(s.tokens_per_s_per_gpu), 14) + pad_left(cell(s.loss), 14) + "\n";
}

}  // namespace

std::string log_parse_json(const LogParse& p, std::string_view file) { return dump(parse_object(p, file)); }

std::string log_parse_json_many(const std::vector<std::pair<std::string, LogParse>>& parses) {
    ordered_json all = ordered_json::array();
    for (const auto& [file, p] : parses) all.push_back(parse_object(p, file));
    return dump(all);
}

std::string log_parse_text(const LogParse& p, std::string_view file) {
    std::string out;
    if (!file.empty()) out += std::string(file) + ": ";
    out += std::string(log_framework_name(p.framework)) + ", " + std::to_string(p.steps.size()) +
           (p.steps.size() == 1 ? " step" : " steps");
    if (!p.steps.empty())
        out += " (" + std::to_string(p.steps.front().step) + " to " + std::to_string(p.steps.back().step) + ")";
    out += "\n";
    if (!p.steps.empty()) {
        out += pad_left("step", 10) + pad_left("step_time_s", 14) + pad_left("tflops_per_gpu", 16) + pad_left("tokens/s/GPU", 14) +
               pad_left("loss", 14) + "\n";
        constexpr size_t kShown = 10;  // first and last ten of a long log
        const size_t n = p.steps.size();
        for (size_t i = 0; i < n; ++i) {
            if (n > 2 * kShown && i == kShown) {
                out += pad_left("...", 10) + "  (" + std::to_string(n - 2 * kShown) + " more steps)\n";
                i = n - kShown;
            }
            step_row(out, p.steps[i]);
        }
        const LogSummary& s = p.summary;
        out += "summary: step time " + (s.step_time_s ? cell(s.step_time_s) + " s" : std::string("-"));
        if (s.tflops_per_gpu) out += ", " + cell(s.tflops_per_gpu) + " TFLOP/s/GPU";
        if (s.tokens_per_s_per_gpu) out += ", " + cell(s.tokens_per_s_per_gpu) + " tokens/s/GPU";
        out += " (mean of " + std::to_string(s.steps_averaged) + (s.steps_averaged == 1 ? " step" : " steps");
        out += s.warmup_steps_dropped == 0 ? ", no warm-up dropped)\n"
                                           : " after " + std::to_string(s.warmup_steps_dropped) + " warm-up" +
                                                 (s.warmup_steps_dropped == 1 ? " step)\n" : " steps)\n");
    }
    if (p.failure.kind == FailureKind::none) {
        out += "failure: none\n";
    } else {
        out += std::string("failure: ") + failure_kind_name(p.failure.kind) + " at line " + std::to_string(p.failure.line) +
               ": " + p.failure.evidence + "\n";
    }
    return out;
}

}  // namespace tp
