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
#include <array>
#include <cctype>
#include <cmath>

#include "log_parse_internal.hpp"

namespace tp::logparse {

namespace {

// The logger's "YYYY-MM-DD HH:MM:SS,mmm" before `end` on the line, if any: the first place where a
// digit has '-' four and seven bytes on. Only the places four bytes before a '-' are looked at.
std::optional<double> line_timestamp(std::string_view line, size_t end) {
    for (size_t dash = first_of(line, 4, '-', '-'); dash != line.npos && dash - 4 + 19 <= end;
         dash = first_of(line, dash + 1, '-', '-')) {
        const size_t i = dash - 4;
        if (is_digit(line[i]) && line[i + 7] == '-')
            if (std::optional<double> t = parse_timestamp_us(line, i)) return t;
    }
    return std::nullopt;
}

// Where each key the parse reads first occurs in a step line's fields (npos: nowhere). Every key
// ends with ':', so one pass over the line's ':' bytes, comparing the bytes before each, finds the
// first occurrence of all of them; a search per key read the line five times.
struct TitanKeys {
    static constexpr std::string_view kNames[] = {"loss:", "tflops:", "tps:", "wps:", "grad_norm:"};
    enum { loss, tflops, tps, wps, grad_norm, count };
    std::array<size_t, count> end;  // just past the key's ':'

    explicit TitanKeys(std::string_view fields) {
        end.fill(fields.npos);
        ByteCursor colons(fields, ':');
        for (size_t c = colons.next(); c != fields.npos; c = colons.next())
            for (size_t key = 0; key < count; ++key)
                if (end[key] == fields.npos && c + 1 >= kNames[key].size() &&
                    starts_with_at(fields, c + 1 - kNames[key].size(), kNames[key]))
                    end[key] = c + 1;
    }
    bool has(size_t key) const { return end[key] != std::string_view::npos; }
};

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

namespace {

// A step line at an anchor hit k: "step:" as a word, its number, and on the line after it a loss and
// a throughput (tps, wps or tflops). `keys` gets where the line's keys are, for the parse.
std::optional<Span> titan_line(std::string_view text, size_t k, std::optional<TitanKeys>& keys) {
    if (!word_start(text, k)) return std::nullopt;
    size_t i = k + kTorchtitanAnchor.size();
    long long step = 0;
    if (!parse_integer(text, i, step)) return std::nullopt;
    const Span s{line_begin(text, k), line_end(text, k), k};
    // The keys' first occurrences in the fields from "step:" on are those after its number: the
    // bytes between are "step:", blanks and digits, which none of the keys can end in.
    keys.emplace(text.substr(k, s.end - k));
    const bool throughput = keys->has(TitanKeys::tps) || keys->has(TitanKeys::wps) || keys->has(TitanKeys::tflops);
    if (!keys->has(TitanKeys::loss) || !throughput) return std::nullopt;
    return s;
}

}  // namespace

std::optional<Span> torchtitan_at(std::string_view text, size_t k, size_t /*from*/) {
    std::optional<TitanKeys> keys;
    return titan_line(text, k, keys);
}

void torchtitan_parse(std::string_view text, StepSink& sink) {
    static const Finder anchor(kTorchtitanAnchor);
    std::optional<TitanKeys> keys;
    size_t pos = 0;
    for (size_t k = anchor.find(text); k != text.npos; k = anchor.find(text, pos)) {
        const std::optional<Span> s = titan_line(text, k, keys);
        if (!s) {
            pos = k + 1;  // "step:" outside a step line: look on from the next byte
            continue;
        }
        pos = std::max(s->end, k + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->begin, s->end - s->begin);
        std::string_view fields = line.substr(k - s->begin);
        StepRecord& r = sink.begin();
        r.offset = s->begin;
        size_t i = 5;
        parse_integer(fields, i, r.step);
        if (keys->has(TitanKeys::loss)) r.loss = number_at(fields, keys->end[TitanKeys::loss]);
        if (keys->has(TitanKeys::tflops)) r.tflops_per_gpu = number_at(fields, keys->end[TitanKeys::tflops]);
        for (const size_t key : {TitanKeys::tps, TitanKeys::wps}) {  // tps if printed, else wps
            if (!keys->has(key)) continue;
            size_t p = keys->end[key];
            double v = 0;
            if (parse_number(fields, p, v, 0, /*grouped=*/true)) r.tokens_per_s_per_gpu = v;
            break;
        }
        r.timestamp_us = line_timestamp(line, k - s->begin);
        std::optional<double> grad_norm;
        if (keys->has(TitanKeys::grad_norm)) grad_norm = number_at(fields, keys->end[TitanKeys::grad_norm]);
        r.non_finite = (r.loss && !std::isfinite(*r.loss)) || (grad_norm && !std::isfinite(*grad_norm));
        sink.commit();  // which turns the timestamps into step times (see the top of this file)
    }
}

}  // namespace tp::logparse
