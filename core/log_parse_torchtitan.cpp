// torchtitan's step line (pytorch/torchtitan, torchtitan/components/metrics.py MetricsProcessor.log;
// train.py before the metrics module existed):
//   "[titan] 2026-02-24 19:46:17,508 - root - INFO - step:  4  loss:  7.62585  grad_norm: 26.6250
//    memory: 66.91GiB(37.51%)  tps: 10,050  tflops: 314.71  mfu: 13.99%"
// tps is tokens per second per device ("tokens per second per device, abbreviated as tps":
// ntokens_since_last_log / (time_delta * non_data_parallel_size)), printed with {:,}; tflops is
// num_flops_per_token * tps / 1e12, per device. Early versions printed "wps" for tps. The step time
// is not printed; torchtitan's own end-to-end time is time_delta / log_freq, which is what the
// logger's timestamps give: (this line's time - previous line's time) / (steps between them). The
// first line has no previous line, so its step time stays empty.
// Fixtures: torchtitan_01 (grad_norm, each line repeated by three ranks), torchtitan_03 (older,
// no grad_norm, "[rank0]:" prefix, GC/profiler lines between), torchtitan_05 (debug model).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "log_parse_internal.hpp"

namespace tp::logparse {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The logger's "YYYY-MM-DD HH:MM:SS,mmm" before `end` on the line, if any.
std::optional<double> line_timestamp(std::string_view line, size_t end) {
    for (size_t i = 0; i + 19 <= end; ++i)
        if (is_digit(line[i]) && line[i + 4] == '-' && line[i + 7] == '-')
            if (std::optional<double> t = parse_timestamp_us(line, i)) return t;
    return std::nullopt;
}

}  // namespace

// "step:" as a word of its own: not the end of "global_step:" or "microstep:". With
// metrics.enable_color_printing each key follows an ANSI colour code ("\x1b[31mstep:"), whose final
// 'm' is not part of a word.
static bool word_start(std::string_view text, size_t k) {
    if (k == 0) return true;
    const char c = text[k - 1];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return true;
    if (c != 'm') return false;
    size_t i = k - 1;
    while (i > 0 && (std::isdigit(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == ';')) --i;
    return i >= 2 && text[i - 1] == '[' && text[i - 2] == '\x1b';
}

std::optional<Span> torchtitan_at(std::string_view text, size_t k, size_t /*from*/) {
    if (!word_start(text, k)) return std::nullopt;
    size_t i = k + kTorchtitanAnchor.size();
    long long step = 0;
    if (!parse_integer(text, i, step)) return std::nullopt;
    const Span s{line_begin(text, k), line_end(text, k), k};
    std::string_view rest = text.substr(i, s.end - i);
    if (!contains(rest, "loss:") || !(contains(rest, "tps:") || contains(rest, "wps:") || contains(rest, "tflops:")))
        return std::nullopt;
    return Span{s.begin, s.end, k};
}

std::optional<Span> torchtitan_next(std::string_view text, size_t from) {
    static const Finder anchor(kTorchtitanAnchor);
    return next_record(text, from, anchor, torchtitan_at);
}

void torchtitan_parse(std::string_view text, StepSink& sink) {
    size_t pos = 0;
    while (std::optional<Span> s = torchtitan_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->begin, s->end - s->begin);
        const size_t k = s->anchor - s->begin;
        std::string_view fields = line.substr(k);
        StepRecord r;
        r.offset = s->begin;
        size_t i = 5;
        parse_integer(fields, i, r.step);
        r.loss = number_after(fields, "loss:");
        r.tflops_per_gpu = number_after(fields, "tflops:");
        for (std::string_view key : {std::string_view("tps:"), std::string_view("wps:")}) {
            const size_t t = fields.find(key);
            if (t == fields.npos) continue;
            size_t p = t + key.size();
            double v = 0;
            if (parse_number(fields, p, v, 0, /*grouped=*/true)) r.tokens_per_s_per_gpu = v;
            break;
        }
        r.timestamp_us = line_timestamp(line, k);
        const std::optional<double> grad_norm = number_after(fields, "grad_norm:");
        r.non_finite = (r.loss && !std::isfinite(*r.loss)) || (grad_norm && !std::isfinite(*grad_norm));
        sink.add(r);
    }
    // Step times from the timestamps (see the top of this file).
    StepSink::Records& records = sink.records();
    for (size_t n = 1; n < records.size(); ++n) {
        const StepRecord& prev = records[n - 1];
        StepRecord& cur = records[n];
        if (cur.step_time_s || !cur.timestamp_us || !prev.timestamp_us || cur.step <= prev.step) continue;
        const double dt_us = *cur.timestamp_us - *prev.timestamp_us;  // exact: whole microseconds
        if (dt_us >= 0) cur.step_time_s = dt_us / (1e6 * double(cur.step - prev.step));
    }
}

}  // namespace tp::logparse
