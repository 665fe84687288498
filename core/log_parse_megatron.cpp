// The Megatron record family: Megatron-LM's training_log line and the frameworks that copied it.
//
// Megatron-LM, megatron/training/training.py training_log() (older: megatron/training.py), builds
//   " [%Y-%m-%d %H:%M:%S]"                              (2023+; absent in the 2020/legacy fixtures)
//   " iteration {:8d}/{:8d} |"
//   " consumed samples: {:12d} |"                       (2021+)
//   " elapsed time per iteration (ms): {:.1f} |"
//   " throughput per GPU (TFLOP/s/GPU): {:.1f} |"       (with --log-throughput, 2023+)
//   " learning rate: {:.6E} |" " global batch size: {:5d} |" " lm loss: {:.6E} |" ...
//   " loss scale: {:.1f} |" " grad norm: {:.3f} |"
//   " number of skipped iterations: {:3d} |" " number of nan iterations: {:3d} |"
// Fixtures: megatron_lm_01 (current, throughput), megatron_lm_03 (legacy, no throughput),
// megatron_lm_05 (2020: no consumed samples, no loss while fp16 loss scaling skips steps),
// megatron_lm_07 (final iteration, then "[after training is done]").
//
// Megatron-Bridge (src/megatron/bridge/training/utils/train_utils.py training_log) prints the same
// record (print_rank_last) and, just before it, on rank 0:
//   "Step Time : {elapsed_time_per_iteration:.2f}s GPU utilization: {per_gpu_tf:.1f}MODEL_TFLOP/s/GPU"
// (PR 841's era printed "...TFLOP/s/GPU"), and reports memory as "memory (GB) | mem-allocated-
// gigabytes: ...". Fixtures: megatron_bridge_01 (record hard-wrapped at ~86 columns as pasted, Step
// Time lines), megatron_bridge_03 (record joined to the next print without a newline, GB memory).
//
// Megatron-DeepSpeed (bigscience-workshop/Megatron-DeepSpeed, megatron/training.py) adds
// " consumed tokens:", " actual seqlen: {:5d} |", " samples per second: {:.3f} |",
// " TFLOPs: {:.2f} |" (per GPU) and later " tokens per gpu per second (tgs): {:.3f} |".
// Fixture: megatron_deepspeed_01 (no lm loss, "grad norm: nan").
//
// GPT-NeoX (EleutherAI/gpt-neox, megatron/training.py training_log) runs on DeepSpeed and prints
// " samples/sec: {:.3f} |" first and " approx flops per GPU: {human_readable_flops}" with a unit
// ("112.9TFLOPS"), loss as " lm_loss: {:.6E} |". Fixture: deepspeed_01.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "log_parse_internal.hpp"

namespace tp::logparse {

namespace {

// At text[k] == "iteration": " iteration {:8d}/{:8d} |" — spaces, digits, '/', spaces, digits.
bool header_at(std::string_view text, size_t k, long long* step) {
    size_t i = k + 9;  // strlen("iteration")
    if (i >= text.size() || text[i] != ' ') return false;
    long long n = 0, total = 0;
    if (!parse_integer(text, i, n)) return false;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '/') return false;
    ++i;
    if (!parse_integer(text, i, total)) return false;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || text[i] != '|') return false;
    if (step) *step = n;
    return true;
}

// The header's "iteration" in a line, or npos.
size_t header_in(std::string_view line, long long* step = nullptr) {
    for (size_t k = line.find("iteration "); k != line.npos; k = line.find("iteration ", k + 1))
        if (header_at(line, k, step)) return k;
    return line.npos;
}

constexpr std::string_view kElapsed = kMegatronAnchor;

// After a line break at `pos` (one of "\n", "\r", "\r\n"), the next line's first byte.
size_t next_line(std::string_view text, size_t pos) {
    if (pos >= text.size()) return text.size();
    if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') return pos + 2;
    return pos + 1;
}

// Before a line starting at `begin`, the previous line's first byte (begin itself if none).
size_t previous_line(std::string_view text, size_t begin) {
    if (begin == 0) return 0;
    size_t e = begin - 1;  // the break ending the previous line
    if (text[e] == '\n' && e > 0 && text[e - 1] == '\r') --e;
    return line_begin(text, e);
}

std::string_view rstrip(std::string_view s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The record as one string: wrapped lines are joined without their breaks (a hard wrap can split
// a word, "number of s" + "kipped", so nothing is inserted).
std::string joined(std::string_view text, Span s) {
    std::string out;
    out.reserve(s.end - s.begin);
    for (size_t i = s.begin; i < s.end; ++i)
        if (!is_line_break(text[i])) out += text[i];
    return out;
}


// A key as printed, compared with a wanted one; across a hard wrap a space may be lost or the key
// split ("global batch" + "size"), so wrapped records compare without spaces.
bool key_is(std::string_view key, std::string_view want, bool loose) {
    if (!loose) return key == want;
    size_t i = 0, j = 0;
    while (true) {
        while (i < key.size() && key[i] == ' ') ++i;
        while (j < want.size() && want[j] == ' ') ++j;
        if (i == key.size() || j == want.size()) return i == key.size() && j == want.size();
        if (key[i++] != want[j++]) return false;
    }
}

enum Key { elapsed, tflops, neox_flops, loss, batch, tgs, samples, seqlen, grad_norm, nan_iterations };
constexpr std::pair<std::string_view, Key> kKeys[] = {
    {"elapsed time per iteration (ms)", elapsed}, {"throughput per GPU (TFLOP/s/GPU)", tflops}, {"TFLOPs", tflops},
    {"approx flops per GPU", neox_flops},        {"lm loss", loss},                            {"lm_loss", loss},
    {"global batch size", batch},                {"tokens per gpu per second (tgs)", tgs},     {"samples per second", samples},
    {"samples/sec", samples},                    {"actual seqlen", seqlen},                    {"grad norm", grad_norm},
    {"number of nan iterations", nan_iterations},
};

// Bit n set when some key has n bytes: most of a record's keys (consumed samples, loss scale, ...)
// are not wanted, and their length alone says so.
constexpr uint64_t kKeyLengths = [] {
    uint64_t bits = 0;
    for (const auto& [name, k] : kKeys) bits |= uint64_t(1) << name.size();
    return bits;
}();

// For each length, the keys of that length (at most two), by index in kKeys + 1 (0: none), so that
// a key as printed is compared with those alone.
constexpr auto kKeysByLength = [] {
    std::array<std::array<uint8_t, 2>, 64> table{};
    for (size_t i = 0; i < std::size(kKeys); ++i) {
        auto& slot = table[kKeys[i].first.size()];
        slot[slot[0] == 0 ? 0 : 1] = uint8_t(i + 1);
    }
    return table;
}();

const Key* key_lookup(std::string_view key, bool loose) {
    if (loose) {
        for (const auto& [name, k] : kKeys)
            if (key_is(key, name, loose)) return &k;
        return nullptr;
    }
    if (key.size() > 63 || (kKeyLengths >> key.size() & 1) == 0) return nullptr;
    for (const uint8_t index : kKeysByLength[key.size()]) {
        if (index == 0) break;
        const auto& [name, k] = kKeys[index - 1];
        if (same_bytes(key.data(), name.data(), name.size())) return &k;
    }
    return nullptr;
}

// The fields of one record, in one pass: " key: value |" segments (see the top of this file). Only
// the keys wanted here have their number read.
void read_fields(std::string_view record, bool loose, StepRecord& r) {
    std::optional<double> grad, nans;
    // The fields' '|' and the ':' after each key, in order, from one cursor over the record.
    ByteCursor marks(record, '|', ':');
    size_t b = 0;
    size_t mark = marks.next();
    while (b < record.size()) {
        // The field [b, e) and its first ':' (npos: none before its '|').
        size_t colon = record.npos;
        while (mark != record.npos && record[mark] == ':') {
            if (colon == record.npos) colon = mark;
            mark = marks.next();
        }
        const size_t e = mark == record.npos ? record.size() : mark;
        if (mark != record.npos) mark = marks.next();
        const size_t field_begin = b;
        b = e + 1;
        if (colon == record.npos) continue;
        const Key* which = key_lookup(trim(record.substr(field_begin, colon - field_begin)), loose);
        if (!which) continue;
        // The value is read in the record, not the field alone: the field's '|' ends a number as
        // the field's end would, and the number's bytes can then be read eight at a time.
        size_t i = colon + 1;
        double v = 0;
        // Milliseconds become seconds, and "112.9TFLOPS" TFLOP/s, by an exact power-of-ten shift
        // while reading, not a division that rounds again.
        if (!parse_number(record, i, v, *which == elapsed ? -3 : 0)) continue;
        switch (*which) {
            case elapsed: r.step_time_s = v; break;
            case tflops: r.tflops_per_gpu = v; break;
            case neox_flops: {  // GPT-NeoX's human_readable_flops: the unit's prefix scales it
                const int power = si_suffix_power(record, i);
                size_t j = colon + 1;
                if (parse_number(record, j, v, power - 12)) r.tflops_per_gpu = v;
                break;
            }
            case loss: r.loss = v; break;
            case batch: r.global_batch = v; break;
            case tgs: r.tokens_per_s_per_gpu = v; break;
            case samples: r.samples_per_s = v; break;
            case seqlen: r.seq_length = v; break;
            case grad_norm: grad = v; break;
            case nan_iterations: nans = v; break;
        }
    }
    // Megatron counts an iteration as nan when any loss is NaN or Inf (training_log's got_nan), and
    // newer versions stop printing a loss that is not >= 0, so the count is the signal.
    r.non_finite = (r.loss && !std::isfinite(*r.loss)) || (grad && !std::isfinite(*grad)) || (nans && *nans > 0);
}

// "Step Time : 14.26s GPU utilization: 58.2TFLOP/s/GPU" lines (Megatron-Bridge, see above).
struct BridgeStepTime {
    size_t offset;
    double step_time_s;
    double tflops_per_gpu;
};

const Finder& bridge_step_time_finder() {
    static const Finder f("Step Time :");
    return f;
}

std::vector<BridgeStepTime> bridge_step_times(std::string_view text) {
    std::vector<BridgeStepTime> out;
    const Finder& finder = bridge_step_time_finder();
    for (size_t k = finder.find(text); k != text.npos; k = finder.find(text, k + finder.size())) {
        std::string_view line = line_at(text, k);
        const std::optional<double> t = number_after(line, "Step Time :");
        const std::optional<double> tf = number_after(line, "GPU utilization:");
        if (t && tf) out.push_back({line_begin(text, k), *t, *tf});
    }
    return out;
}

// The Step Time line belongs to the record with the same step time (it prints the same
// elapsed_time_per_iteration, rounded to 0.01 s): normally the next record (rank 0 prints it just
// before the last rank prints the record), else the previous one when ranks' output interleaved
// the other way. A line matching neither (its record cut off) is left alone.
void attach_bridge_step_times(std::string_view text, std::vector<LogStep>& steps, const std::vector<size_t>& offsets) {
    if (steps.empty()) return;
    for (const BridgeStepTime& st : bridge_step_times(text)) {
        // The first record at or after the line (records are in text order).
        const size_t lo = size_t(std::lower_bound(offsets.begin(), offsets.end(), st.offset) - offsets.begin());
        auto matches = [&](const LogStep& r) {
            return r.step_time_s && !r.tflops_per_gpu && std::fabs(*r.step_time_s - st.step_time_s) <= 0.0051;
        };
        if (lo < steps.size() && matches(steps[lo])) {
            steps[lo].tflops_per_gpu = st.tflops_per_gpu;
        } else if (lo > 0 && matches(steps[lo - 1])) {
            steps[lo - 1].tflops_per_gpu = st.tflops_per_gpu;
        }
    }
}

}  // namespace

std::optional<Span> megatron_at(std::string_view text, size_t k, size_t from) {
    // The header is on the anchor's line, or a few lines up when the record was hard-wrapped.
    const size_t anchor_line = line_begin(text, k);
    size_t b = anchor_line;
    size_t h = header_in(text.substr(b, k - b));
    for (int up = 0; h == text.npos && up < 8 && b > from; ++up) {
        const size_t pb = previous_line(text, b);
        if (pb == b || pb < from) break;  // never back into the record before
        std::string_view prev = text.substr(pb, line_end(text, pb) - pb);
        if (trim(prev).empty()) break;
        b = pb;
        h = header_in(prev);
    }
    if (h == text.npos) return std::nullopt;  // an elapsed time without Megatron's header
    // On the anchor's line the end is looked for from the anchor: the bytes before it have no break.
    Span s{b, line_end(text, b == anchor_line ? k : b), b + h};
    // Join hard-wrapped continuation lines while the record is incomplete: it lacks the elapsed
    // time, or its last line does not end a field with '|'. A blank line or another record's
    // header stops the join; so does a limit (a record is at most a few wrapped lines).
    std::string_view first = text.substr(s.begin, s.end - s.begin);
    bool has_elapsed = k < s.end || first.find(kElapsed) != first.npos;  // the anchor itself, when on this line
    std::string_view last = rstrip(first);
    for (int joins = 0; joins < 8 && (!has_elapsed || (!last.empty() && last.back() != '|')); ++joins) {
        const size_t nb = next_line(text, s.end);
        if (nb >= text.size()) break;
        const size_t ne = line_end(text, nb);
        std::string_view next = text.substr(nb, ne - nb);
        if (trim(next).empty() || header_in(next) != next.npos) break;
        s.end = ne;
        s.wrapped = true;
        // The key itself may be split by the wrap, with or without its space.
        has_elapsed = has_elapsed || number_after_loose(joined(text, s), kElapsed).has_value();
        last = rstrip(next);
    }
    if (!has_elapsed) return std::nullopt;
    return s;
}

std::optional<Span> megatron_next(std::string_view text, size_t from) {
    static const Finder anchor(kElapsed);
    return next_record(text, from, anchor, megatron_at);
}

LogFramework megatron_flavour(std::string_view text, Span first) {
    const std::string record = joined(text, first);
    auto has = [&](std::string_view key) { return record.find(key) != std::string::npos; };
    if (has("TFLOPs:") || has("samples per second:") || has("consumed tokens:") || has("actual seqlen:") ||
        has("tokens per gpu per second"))
        return LogFramework::megatron_deepspeed;
    if (has("samples/sec:") || has("approx flops per GPU:")) return LogFramework::deepspeed;  // GPT-NeoX
    // Bridge prints its Step Time line with every record and its GB memory report right after the
    // first ones, so the neighbourhood of the first record decides (not a pass over a whole log).
    static const Finder bridge_memory("memory (GB) | mem-");
    constexpr size_t kNear = 64 * 1024;
    const size_t b = first.begin > kNear ? first.begin - kNear : 0;
    const std::string_view near = text.substr(b, std::min(text.size(), first.end + kNear) - b);
    if (bridge_step_time_finder().find(near) != near.npos || bridge_memory.find(near) != near.npos)
        return LogFramework::megatron_bridge;
    return LogFramework::megatron_lm;
}

void megatron_parse(std::string_view text, StepSink& sink, bool bridge) {
    if (bridge) sink.keep_offsets();  // for attach_bridge_step_times
    size_t pos = 0;
    while (std::optional<Span> s = megatron_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        const bool loose = s->wrapped;
        std::string storage;
        std::string_view record = text.substr(s->begin, s->end - s->begin);
        if (loose) {
            storage = joined(text, *s);
            record = storage;
        }
        StepRecord& r = sink.begin();
        r.offset = s->begin;
        // megatron_at found the header at s->anchor, "iteration N/ M |", so N is read as it stands;
        // joining a wrapped record's lines moves the header, which is looked for again.
        if (loose) {
            if (header_in(record, &r.step) == record.npos) continue;  // not committed: dropped
        } else {
            size_t i = s->anchor + 9;  // strlen("iteration")
            parse_integer(text, i, r.step);
        }
        read_fields(record, loose, r);
        sink.commit();
    }
    if (bridge) {
        sink.finish();
        attach_bridge_step_times(text, sink.edit_steps(), sink.offsets());
    }
}

}  // namespace tp::logparse
