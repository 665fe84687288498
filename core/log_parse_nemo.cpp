// NeMo's step lines: NeMo 2.0's progress printer and NeMo 1.x's PyTorch Lightning progress bar.
//
// NeMo 2.0 (nemo/lightning/pytorch/callbacks/progress_printer.py, ProgressPrinter) prints one line
// per logged step:
//   "Training epoch {epoch}, iteration {batch}/{total} | {key}: {value} | ..."
// with the module's logged metrics: global_step, reduced_train_loss, train_step_timing in s (the
// Megatron strategy's step timer), consumed_samples, global_batch_size, and TFLOPS_per_GPU when the
// FLOPs measurement callback runs. Fixtures: nemo2_01 (no timing), nemo2_03 (srun label " 0: ",
// TFLOPS_per_GPU), nemo2_04 (nemo_run stream label, "`Trainer.fit` stopped: `max_steps=20` reached."),
// nemo2_06 (final lines of two DGXC runs).
//
// NeMo 1.x (PyTorch Lightning's TQDMProgressBar) redraws a tqdm bar with '\r':
//   "Epoch 0:   6%|██   | 32040/500150 [6:28:43<94:39:17,  1.37it/s, loss=2.6, v_num=95nc,
//    reduced_train_loss=2.590, global_step=3.2e+4, consumed_samples=2.56e+7]"
// The postfix carries global_step and, in NeMo Megatron models, "train_step_timing in s" (the
// Megatron timer; older builds "train_step_timing"). tqdm formats postfix numbers to 3 significant
// digits (tqdm.format_num), so "global_step=3.2e+4" is rounded; the bar's counter (32040 batches done)
// is then the exact step. Without train_step_timing the bar's rate is the step time ("41.36s/it" or
// "1.37it/s", tqdm's smoothed average). Fixtures: nemo1_01 (rate only), nemo1_02 (NaN loss,
// exponent global_step), nemo1_04 (final lines of seven DGXC runs), nccl_03 (bar, then the watchdog).
#include <algorithm>
#include <cmath>

#include "log_parse_internal.hpp"

namespace tp::logparse {

std::optional<Span> nemo2_at(std::string_view text, size_t k, size_t /*from*/) {
    size_t i = k + kNemo2Anchor.size();
    long long epoch = 0, batch = 0;
    if (!parse_integer(text, i, epoch)) return std::nullopt;
    constexpr std::string_view kIteration = ", iteration ";
    if (text.substr(i, kIteration.size()) != kIteration) return std::nullopt;
    i += kIteration.size();
    if (!parse_integer(text, i, batch) || i >= text.size() || text[i] != '/') return std::nullopt;
    return Span{line_begin(text, k), line_end(text, k), k};
}

std::optional<Span> nemo2_next(std::string_view text, size_t from) {
    static const Finder anchor(kNemo2Anchor);
    return next_record(text, from, anchor, nemo2_at);
}

namespace {

// The progress printer's keys read here ("train_step_timing in s" has spaces). Their lengths differ,
// so the length picks the one key to compare with.
enum class Nemo2Key { global_step, step_timing, tflops, loss, global_batch };
std::optional<Nemo2Key> nemo2_key(std::string_view key) {
    auto is = [&](std::string_view name) { return starts_with_at(key, 0, name); };
    switch (key.size()) {
        case 11: if (is("global_step")) return Nemo2Key::global_step; break;
        case 22: if (is("train_step_timing in s")) return Nemo2Key::step_timing; break;
        case 14: if (is("TFLOPS_per_GPU")) return Nemo2Key::tflops; break;
        case 18: if (is("reduced_train_loss")) return Nemo2Key::loss; break;
        case 17: if (is("global_batch_size")) return Nemo2Key::global_batch; break;
    }
    return std::nullopt;
}

// A step printed as a double (NeMo 1's "global_step=1233.0", "3.2e+4"; NeMo 2's "global_step: 12"),
// rounded. Most are whole numbers below 2^53, which a cast converts exactly; anything else goes
// through llround (a libm call per record otherwise).
long long round_step(double v) {
    if (std::fabs(v) < 9.0e15) {
        const long long whole = (long long)v;
        if (double(whole) == v) return whole;
    }
    return (long long)std::llround(v);
}

}  // namespace

void nemo2_parse(std::string_view text, StepSink& sink) {
    size_t pos = 0;
    while (std::optional<Span> s = nemo2_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->anchor, s->end - s->anchor);
        StepRecord& r = sink.begin();
        r.offset = s->begin;
        {
            size_t i = line.find(", iteration ") + 12;  // nemo2_next checked it is there
            parse_integer(line, i, r.step);
        }
        // " key: value |" fields, one pass: the '|' and ':' bytes in order, from one cursor.
        ByteCursor marks(line, '|', ':');
        size_t mark = marks.next();
        while (mark != line.npos && line[mark] != '|') mark = marks.next();
        size_t b = mark;  // the field's '|'
        while (b != line.npos && b < line.size()) {
            // The key ends at the field's last colon ("train_step_timing in s" has spaces); keys have
            // none, so a field with two colons is none of ours.
            size_t colon = line.npos;
            bool colons = false;  // more than one
            for (mark = marks.next(); mark != line.npos && line[mark] == ':'; mark = marks.next()) {
                colons = colon != line.npos;
                if (colon == line.npos) colon = mark;
            }
            const size_t field_at = b + 1;  // in line
            b = mark == line.npos ? line.size() : mark;
            if (colon == line.npos || colons) continue;
            const std::optional<Nemo2Key> key = nemo2_key(trim(line.substr(field_at, colon - field_at)));
            if (!key) continue;
            // Read in the line: the field's '|' ends a number as the field's end would, and its
            // bytes can be read eight at a time.
            size_t i = colon + 1;
            double v = 0;
            if (!parse_number(line, i, v)) continue;
            switch (*key) {
                case Nemo2Key::global_step: r.step = round_step(v); break;
                case Nemo2Key::step_timing: r.step_time_s = v; break;
                case Nemo2Key::tflops: r.tflops_per_gpu = v; break;
                case Nemo2Key::loss: r.loss = v; break;
                case Nemo2Key::global_batch: r.global_batch = v; break;
            }
        }
        r.non_finite = r.loss && !std::isfinite(*r.loss);
        sink.commit();
    }
}

namespace {

// A Lightning training bar around an anchor hit at k: the "Epoch N:" description, then the postfix
// block "[..." that holds this global_step, on the anchor's line; that is, "Epoch " before the last
// '[' before the anchor. One scan back from the anchor finds that '[' and then the line's start, one
// forward the block's ']' and the line's end: every redraw is a record, so each of its bytes is
// looked at about once, not once per question asked of it.
struct Nemo1Bar {
    size_t begin = 0, end = 0;  // the line
    size_t open = 0;            // the block's '['
    size_t close = 0;           // its ']' (the first at or after the anchor), or npos
};

std::optional<Nemo1Bar> nemo1_bar(std::string_view text, size_t k) {
    Nemo1Bar bar;
    bar.open = last_of(text, k, '[', '\n', '\r');
    if (bar.open == text.npos || text[bar.open] != '[') return std::nullopt;  // no '[' before it on its line
    bar.begin = line_begin(text, bar.open);
    const std::string_view description = text.substr(bar.begin, bar.open - bar.begin);
    // Mostly the line's first bytes: compared there before any search.
    constexpr std::string_view kEpoch = "Epoch ";
    if (!starts_with_at(description, 0, kEpoch) && description.find(kEpoch) == description.npos)
        return std::nullopt;
    bar.close = first_of(text, k, ']', '\n', '\r');
    if (bar.close == text.npos) {
        bar.end = text.size();
    } else if (text[bar.close] == ']') {
        bar.end = line_end(text, bar.close);
    } else {
        bar.end = bar.close;  // the line ended first: no ']'
        bar.close = text.npos;
    }
    return bar;
}

// Whether `item`, from i (past its leading blanks), is `key`, blanks and '=': that is, whether
// trim(the item before its first '=') is `key`. Then the value's first byte; npos if not.
inline size_t value_of(std::string_view item, size_t i, std::string_view key) {
    if (!starts_with_at(item, i, key)) return item.npos;
    i += key.size();
    while (i < item.size() && is_blank(item[i])) ++i;
    return i < item.size() && item[i] == '=' ? i + 1 : item.npos;
}

}  // namespace

std::optional<Span> nemo1_at(std::string_view text, size_t k, size_t /*from*/) {
    const std::optional<Nemo1Bar> bar = nemo1_bar(text, k);
    if (!bar) return std::nullopt;
    return Span{bar->begin, bar->end, k};
}

void nemo1_parse(std::string_view text, StepSink& sink) {
    static const Finder anchor(kNemo1Anchor);
    size_t pos = 0;
    for (size_t k = anchor.find(text); k != text.npos; k = anchor.find(text, pos)) {
        const std::optional<Nemo1Bar> bar = nemo1_bar(text, k);
        if (!bar) {
            pos = k + 1;  // the anchor outside a bar: look on from the next byte
            continue;
        }
        pos = std::max(bar->end, k + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(bar->begin, bar->end - bar->begin);
        const size_t open = bar->open - bar->begin;  // the block "[elapsed<remaining, rate, k=v, ...]"
        StepRecord& r = sink.begin();
        r.offset = bar->begin;

        // The block's "key=value" items, one pass: global_step as printed, unless tqdm's
        // 3-significant-digit format rounded it.
        std::optional<double> timing, timing_old, loss, running_loss, global_step;
        bool rounded = false;
        const size_t close = bar->close == text.npos ? line.size() : bar->close - bar->begin;
        std::string_view block = line.substr(open + 1, close - open - 1);
        ByteCursor commas(block, ',');
        for (size_t b = 0; b < block.size();) {
            size_t e = commas.next();
            if (e == block.npos) e = block.size();
            std::string_view item = block.substr(b, e - b);
            const size_t item_at = bar->open + 1 + b;  // in text
            b = e + 1;
            // Five keys are read here; an item's first byte past its blanks rules out the others
            // before any look for its '='.
            size_t i = 0;
            while (i < item.size() && is_blank(item[i])) ++i;
            if (i == item.size()) continue;
            std::optional<double>* target = nullptr;
            size_t value = item.npos;
            switch (item[i]) {
                case 'g': value = value_of(item, i, "global_step"), target = &global_step; break;
                case 'r': value = value_of(item, i, "reduced_train_loss"), target = &loss; break;
                case 'l': value = value_of(item, i, "loss"), target = &running_loss; break;
                case 't':
                    if ((value = value_of(item, i, "train_step_timing in s")) != item.npos) {
                        target = &timing;
                    } else {
                        value = value_of(item, i, "train_step_timing"), target = &timing_old;
                    }
                    break;
                default: continue;
            }
            if (value == item.npos) continue;
            // Read in the text, not the item alone: the item's ',' (or the block's ']', or the line's
            // break) ends a number as the item's end would, and its bytes can be read eight at a time.
            const size_t begin = item_at + value;
            size_t end = begin;
            double v = 0;
            if (!parse_number(text, end, v)) continue;
            *target = v;
            if (target == &global_step) {
                rounded = false;
                for (size_t c = begin; c < end && !rounded; ++c) rounded = text[c] == 'e' || text[c] == 'E';
            }
        }
        // The bar's counter "n/total" right before the block: read only when the step needs it (a
        // rounded global_step or none), not for every redraw.
        std::optional<long long> counter;
        if (!global_step || rounded) {
            size_t i = open;
            while (i > 0 && line[i - 1] == ' ') --i;
            size_t j = i;
            while (j > 0 && is_digit(line[j - 1])) --j;  // total
            if (j < i && j > 0 && line[j - 1] == '/') {
                size_t k0 = j - 1;
                while (k0 > 0 && is_digit(line[k0 - 1])) --k0;
                long long n = 0;
                size_t p = k0;
                if (k0 < j - 1 && parse_integer(line, p, n)) counter = n;
            }
        }
        if (global_step && !(rounded && counter)) {
            r.step = round_step(*global_step);
        } else if (counter) {
            r.step = *counter;
        }
        if (!timing && timing_old) timing = *timing_old;
        if (!timing) {
            // The rate: the block's second item, "1.37it/s" or "41.36s/it".
            const size_t comma = block.find(',');
            if (comma != block.npos) {
                size_t i = comma + 1;
                double rate = 0;
                if (parse_number(block, i, rate) && rate > 0) {
                    std::string_view unit = block.substr(i, 4);
                    if (unit == "it/s") timing = 1.0 / rate;
                    if (unit == "s/it") timing = rate;
                }
            }
        }
        // Values, not optionals, copied: each local was just written a double and a flag apart, and
        // a copy whole would read them back before the processor can forward them.
        if (timing) r.step_time_s = *timing;
        if (loss) {
            r.loss = *loss;
        } else if (running_loss) {
            r.loss = *running_loss;
        }
        r.non_finite = r.loss && !std::isfinite(*r.loss);
        sink.commit();
    }
}

}  // namespace tp::logparse
