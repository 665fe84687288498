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

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

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

// The progress printer's keys read here ("train_step_timing in s" has spaces).
enum class Nemo2Key { global_step, step_timing, tflops, loss, global_batch };
const Nemo2Key* nemo2_key(std::string_view key) {
    static constexpr std::pair<std::string_view, Nemo2Key> kKeys[] = {
        {"global_step", Nemo2Key::global_step},       {"train_step_timing in s", Nemo2Key::step_timing},
        {"TFLOPS_per_GPU", Nemo2Key::tflops},         {"reduced_train_loss", Nemo2Key::loss},
        {"global_batch_size", Nemo2Key::global_batch},
    };
    for (const auto& [name, k] : kKeys)
        if (key == name) return &k;
    return nullptr;
}

}  // namespace

void nemo2_parse(std::string_view text, StepSink& sink) {
    size_t pos = 0;
    while (std::optional<Span> s = nemo2_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->anchor, s->end - s->anchor);
        StepRecord r;
        r.offset = s->begin;
        {
            size_t i = line.find(", iteration ") + 12;  // nemo2_next checked it is there
            parse_integer(line, i, r.step);
        }
        // " key: value |" fields, one pass.
        size_t b = line.find('|');
        while (b != line.npos && b < line.size()) {
            size_t e = line.find('|', b + 1);
            if (e == line.npos) e = line.size();
            std::string_view field = line.substr(b + 1, e - b - 1);
            b = e;
            // The key ends at the field's last colon ("train_step_timing in s" has spaces); keys have
            // none, so a field with two colons is none of ours (two memchr, not a byte loop back).
            const size_t colon = field.find(':');
            if (colon == field.npos || field.find(':', colon + 1) != field.npos) continue;
            const Nemo2Key* key = nemo2_key(trim(field.substr(0, colon)));
            if (!key) continue;
            size_t i = colon + 1;
            double v = 0;
            if (!parse_number(field, i, v)) continue;
            switch (*key) {
                case Nemo2Key::global_step: r.step = (long long)std::llround(v); break;
                case Nemo2Key::step_timing: r.step_time_s = v; break;
                case Nemo2Key::tflops: r.tflops_per_gpu = v; break;
                case Nemo2Key::loss: r.loss = v; break;
                case Nemo2Key::global_batch: r.global_batch = v; break;
            }
        }
        r.non_finite = r.loss && !std::isfinite(*r.loss);
        sink.add(r);
    }
}

std::optional<Span> nemo1_at(std::string_view text, size_t k, size_t /*from*/) {
    const size_t b = line_begin(text, k);
    std::string_view head = text.substr(b, k - b);
    // A Lightning training bar: "Epoch N:" description, then the postfix block "[..." that
    // holds this global_step.
    const size_t epoch = head.find("Epoch ");
    if (epoch == head.npos || head.find('[', epoch) == head.npos) return std::nullopt;
    return Span{b, line_end(text, k), k};
}

std::optional<Span> nemo1_next(std::string_view text, size_t from) {
    static const Finder anchor(kNemo1Anchor);
    return next_record(text, from, anchor, nemo1_at);
}

void nemo1_parse(std::string_view text, StepSink& sink) {
    size_t pos = 0;
    while (std::optional<Span> s = nemo1_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->begin, s->end - s->begin);
        const size_t g = s->anchor - s->begin;  // ", global_step=" inside the bar's postfix block
        // The block "[elapsed<remaining, rate, k=v, ...]": its '[' is the last before g.
        const size_t open = last_of(line, g + 1, '[', '[');
        if (open == line.npos) continue;  // nemo1_next checked there is one; keep it obvious
        StepRecord r;
        r.offset = s->begin;

        // The counter "n/total" right before the block.
        std::optional<long long> counter;
        {
            size_t i = open;
            while (i > 0 && line[i - 1] == ' ') --i;
            size_t j = i;
            while (j > 0 && is_digit(line[j - 1])) --j;  // total
            if (j < i && j > 0 && line[j - 1] == '/') {
                size_t k = j - 1;
                while (k > 0 && is_digit(line[k - 1])) --k;
                long long n = 0;
                size_t p = k;
                if (k < j - 1 && parse_integer(line, p, n)) counter = n;
            }
        }
        // The block's "key=value" items, one pass: global_step as printed, unless tqdm's
        // 3-significant-digit format rounded it.
        std::optional<double> timing, timing_old, loss, running_loss, global_step;
        bool rounded = false;
        const size_t close = line.find(']', g);
        std::string_view block = line.substr(open + 1, (close == line.npos ? line.size() : close) - open - 1);
        for (size_t b = 0; b < block.size();) {
            size_t e = block.find(',', b);
            if (e == block.npos) e = block.size();
            std::string_view item = block.substr(b, e - b);
            b = e + 1;
            const size_t eq = item.find('=');
            if (eq == item.npos) continue;
            const std::string_view key = trim(item.substr(0, eq));
            if (key != "global_step" && key != "train_step_timing in s" && key != "train_step_timing" &&
                key != "reduced_train_loss" && key != "loss")
                continue;
            size_t i = eq + 1;
            double v = 0;
            if (!parse_number(item, i, v)) continue;
            if (key == "global_step") {
                global_step = v;
                rounded = item.substr(eq + 1, i - eq - 1).find_first_of("eE") != std::string_view::npos;
            } else if (key == "train_step_timing in s") {
                timing = v;
            } else if (key == "train_step_timing") {
                timing_old = v;
            } else if (key == "reduced_train_loss") {
                loss = v;
            } else if (key == "loss") {
                running_loss = v;
            }
        }
        if (global_step && !(rounded && counter)) {
            r.step = (long long)std::llround(*global_step);
        } else if (counter) {
            r.step = *counter;
        }
        if (!timing) timing = timing_old;
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
        r.step_time_s = timing;
        r.loss = loss ? loss : running_loss;
        r.non_finite = r.loss && !std::isfinite(*r.loss);
        sink.add(r);
    }
}

}  // namespace tp::logparse
