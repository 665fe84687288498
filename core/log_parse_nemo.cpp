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

constexpr std::string_view kEpoch = "Epoch ";

// Whether the description text[begin, open) names an epoch. Mostly the line's first bytes: compared
// there before any search.
inline bool epoch_bar(std::string_view text, size_t begin, size_t open) {
    const std::string_view description = text.substr(begin, open - begin);
    return starts_with_at(description, 0, kEpoch) || description.find(kEpoch) != description.npos;
}

std::optional<Nemo1Bar> nemo1_bar(std::string_view text, size_t k) {
    Nemo1Bar bar;
    bar.open = last_of(text, k, '[', '\n', '\r');
    if (bar.open == text.npos || text[bar.open] != '[') return std::nullopt;  // no '[' before it on its line
    bar.begin = line_begin(text, bar.open);
    if (!epoch_bar(text, bar.begin, bar.open)) return std::nullopt;
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

// ---- The next redraw, from the marks of its line -------------------------------------------------
// tqdm's redraws follow one another, '\r' after '\r': the line after a bar's is, nearly always, the
// next bar. Read from that line's start, one forward pass marks its commas and brackets up to its
// break, and the anchor, the block's '[' and ']' and every item's bounds are then bits of those
// marks: the line is scanned once, where the anchor search, the scans back and forth from the anchor
// and the item loop's own search read the block three times (callgrind: ~500 instructions of a
// record's ~1,200). Any other line (the first bar, a log line between bars, a long line, the text's
// last bytes) is left to the anchor search and nemo1_bar, which give the same answer.

// A line's commas and brackets ('[' or ']'): bit i of word i / 64 for the line's byte i.
struct LineMarks {
    static constexpr size_t kWords = 8;  // lines up to 512 bytes (a bar is ~200); longer: the search
    uint64_t commas[kWords];
    uint64_t brackets[kWords];
    size_t size = 0;  // the line's length: its break is at its first byte + size
    size_t words() const { return size / 64 + 1; }
};

// The marks of the line from s to its first break; false if there is no break within the marks'
// reach (or, with SSE2, before the text's last sixteen bytes).
bool line_marks(std::string_view text, size_t s, LineMarks& m) {
    const char* p = text.data() + s;
    const size_t avail = text.size() - s;
    for (size_t w = 0; w < LineMarks::kWords; ++w) {
        uint64_t commas = 0, brackets = 0;
#if TP_LOGPARSE_SSE2
        for (size_t i = 0; i < 64; i += 16) {
            const size_t at = w * 64 + i;
            if (at + 16 > avail) return false;
            const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
            const unsigned breaks = unsigned(
                _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')))));
            commas |= uint64_t(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(','))))) << i;
            brackets |= uint64_t(unsigned(_mm_movemask_epi8(
                            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('[')), _mm_cmpeq_epi8(x, _mm_set1_epi8(']')))))) << i;
            if (breaks) {
                const size_t in_word = i + size_t(std::countr_zero(breaks));  // < 64
                const uint64_t before = (uint64_t(1) << in_word) - 1;      // the bytes before the break
                m.commas[w] = commas & before, m.brackets[w] = brackets & before;
                m.size = w * 64 + in_word;
                return true;
            }
        }
#else
        // Eight bytes at a time, looked at one by one only where a word holds one of the five.
        for (size_t i = 0; i < 64; i += 8) {
            const size_t at = w * 64 + i;
            if (at + 8 <= avail) {
                const uint64_t x = load_word(p + at);
                if (!(bytes_equal(x, ',') | bytes_equal(x, '[') | bytes_equal(x, ']') | bytes_equal(x, '\n') |
                      bytes_equal(x, '\r')))
                    continue;
            }
            for (size_t j = i; j < i + 8; ++j) {
                if (w * 64 + j >= avail) return false;
                const char c = p[w * 64 + j];
                if (is_line_break(c)) {
                    m.commas[w] = commas, m.brackets[w] = brackets;
                    m.size = w * 64 + j;
                    return true;
                }
                commas |= uint64_t(c == ',') << j;
                brackets |= uint64_t(c == '[' || c == ']') << j;
            }
        }
#endif
        m.commas[w] = commas, m.brackets[w] = brackets;
    }
    return false;
}

// The marked positions of `words` (a LineMarks' commas) at or after `from`, in order: a count of
// trailing zeros each.
class MarkCursor {
public:
    MarkCursor(const uint64_t* words, size_t n, size_t from) : words_(words), n_(n), w_(from / 64) {
        mask_ = w_ < n_ ? words_[w_] & (~uint64_t(0) << (from % 64)) : 0;
    }
    size_t next() {  // the next position, or npos
        while (mask_ == 0) {
            if (++w_ >= n_) return std::string_view::npos;
            mask_ = words_[w_];
        }
        const size_t pos = w_ * 64 + size_t(std::countr_zero(mask_));
        mask_ &= mask_ - 1;
        return pos;
    }

private:
    const uint64_t* words_;
    size_t n_, w_;
    uint64_t mask_ = 0;
};

// The bar on the line starting at s, from its marks m: its anchor at k and the bar nemo1_bar would
// find there. False where the line holds no anchor (k = npos) or its first anchor is not in a bar
// (k set): the search then finds the same anchor first, and nemo1_bar the same answer.
bool nemo1_marked_bar(std::string_view text, size_t s, const LineMarks& m, size_t& k, Nemo1Bar& bar) {
    // The anchor search's next hit: the first comma that starts the anchor (no hit crosses a break).
    k = text.npos;
    for (MarkCursor commas(m.commas, m.words(), 0);;) {
        const size_t c = commas.next();
        if (c == text.npos) return false;
        if (starts_with_at(text, s + c, kNemo1Anchor)) {
            k = s + c;
            break;
        }
    }
    // The last '[' before the anchor, and the first ']' after it: the bracket marks' highest below
    // it that is a '[', and the lowest above it that is a ']'.
    const size_t at = k - s;
    bar.open = text.npos;
    for (size_t w = at / 64 + 1; w-- > 0 && bar.open == text.npos;) {
        uint64_t below = w == at / 64 ? m.brackets[w] & ((uint64_t(1) << (at % 64)) - 1) : m.brackets[w];
        for (; below != 0; below &= ~(uint64_t(1) << (63 - std::countl_zero(below)))) {
            const size_t b = s + w * 64 + size_t(63 - std::countl_zero(below));
            if (text[b] == '[') {
                bar.open = b;
                break;
            }
        }
    }
    if (bar.open == text.npos || !epoch_bar(text, s, bar.open)) return false;
    bar.begin = s;
    bar.end = s + m.size;
    bar.close = text.npos;
    for (MarkCursor brackets(m.brackets, m.words(), at);;) {
        const size_t b = brackets.next();
        if (b == text.npos) break;
        if (text[s + b] == ']') {
            bar.close = s + b;
            break;
        }
    }
    return true;
}

// ---- The block's items ---------------------------------------------------------------------------
// What a bar's block says, item by item: global_step as printed (and whether tqdm's
// 3-significant-digit format rounded it), the step timing and the losses.
struct Nemo1Items {
    std::optional<double> timing, timing_old, loss, running_loss, global_step;
    bool rounded = false;
};

// Whether `item`, from i (past its leading blanks), is `key`, blanks and '=': that is, whether
// trim(the item before its first '=') is `key`. Then the value's first byte; npos if not.
inline size_t value_of(std::string_view item, size_t i, std::string_view key) {
    if (!starts_with_at(item, i, key)) return item.npos;
    i += key.size();
    while (i < item.size() && is_blank(item[i])) ++i;
    return i < item.size() && item[i] == '=' ? i + 1 : item.npos;
}

// NeMo 1's usual global_step, "1233.0": digits, then '.' and zeros or nothing, at s[pos]. Read as
// the whole number it is, with the value and the end parse_number would give (its mantissa 12330
// over 10^1, exact below 2^53, is the same number) but no division: the step is the key of the
// sink's look-back, and a division's latency on its path showed as a tenth of the parse (perf).
// False for anything else, which parse_number then reads.
inline bool whole_number(std::string_view s, size_t& pos, uint64_t& out) {
    if (pos >= s.size() || !is_digit(s[pos])) return false;
    uint64_t v = 0;
    const size_t j = read_digits(s, pos, v);
    if (j - pos > 15) return false;
    size_t z = j;
    if (z < s.size() && s[z] == '.')
        for (++z; z < s.size() && s[z] == '0';) ++z;
    if (z < s.size() && (is_digit(s[z]) || s[z] == 'e' || s[z] == 'E')) return false;
    // parse_number_fast's conditions for an exact answer: at most 19 digits, a mantissa (v and its
    // zeros) at most 2^53.
    const size_t zeros = z > j ? z - j - 1 : 0;
    if (j - pos + zeros > 19) return false;
    uint64_t mantissa = v;
    for (size_t i = 0; i < zeros; ++i) {
        if (mantissa > (uint64_t(1) << 53) / 10) return false;
        mantissa *= 10;
    }
    if (mantissa > (uint64_t(1) << 53)) return false;
    out = v;
    pos = z;
    return true;
}

// One "key=value" item, text[b, e). Five keys are read; an item's first byte past its blanks rules
// out the others before any look for its '='.
inline void nemo1_item(std::string_view text, size_t b, size_t e, Nemo1Items& f) {
    const std::string_view item = text.substr(b, e - b);
    size_t i = 0;
    while (i < item.size() && is_blank(item[i])) ++i;
    if (i == item.size()) return;
    std::optional<double>* target = nullptr;
    size_t value = item.npos;
    switch (item[i]) {
        case 'g': value = value_of(item, i, "global_step"), target = &f.global_step; break;
        case 'r': value = value_of(item, i, "reduced_train_loss"), target = &f.loss; break;
        case 'l': value = value_of(item, i, "loss"), target = &f.running_loss; break;
        case 't':
            if ((value = value_of(item, i, "train_step_timing in s")) != item.npos) {
                target = &f.timing;
            } else {
                value = value_of(item, i, "train_step_timing"), target = &f.timing_old;
            }
            break;
        default: return;
    }
    if (value == item.npos) return;
    // Read in the text, not the item alone: the item's ',' (or the block's ']', or the line's break)
    // ends a number as the item's end would, and its bytes can be read eight at a time.
    const size_t begin = b + value;
    size_t end = begin;
    if (target == &f.global_step) {
        if (uint64_t whole = 0; whole_number(text, end, whole)) {
            f.global_step = double(whole);  // exact: below 10^15
            f.rounded = false;
            return;
        }
    }
    double v = 0;
    if (!parse_number(text, end, v)) return;
    *target = v;
    if (target == &f.global_step) {
        f.rounded = false;
        for (size_t c = begin; c < end && !f.rounded; ++c) f.rounded = text[c] == 'e' || text[c] == 'E';
    }
}

// The record of a bar whose items are read: the step (global_step, or the bar's counter where tqdm
// rounded it), the step time (the timing item, or the bar's rate) and the loss.
void nemo1_record(std::string_view text, const Nemo1Bar& bar, const Nemo1Items& f, StepRecord& r) {
    r.offset = bar.begin;
    const std::string_view line = text.substr(bar.begin, bar.end - bar.begin);
    const size_t open = bar.open - bar.begin;  // the block "[elapsed<remaining, rate, k=v, ...]"
    const size_t close = bar.close == text.npos ? line.size() : bar.close - bar.begin;
    const std::string_view block = line.substr(open + 1, close - open - 1);
    // The bar's counter "n/total" right before the block: read only when the step needs it (a
    // rounded global_step or none), not for every redraw.
    std::optional<long long> counter;
    if (!f.global_step || f.rounded) {
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
    if (f.global_step && !(f.rounded && counter)) {
        r.step = round_step(*f.global_step);
    } else if (counter) {
        r.step = *counter;
    }
    std::optional<double> timing = f.timing;
    if (!timing && f.timing_old) timing = *f.timing_old;
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
    if (f.loss) {
        r.loss = *f.loss;
    } else if (f.running_loss) {
        r.loss = *f.running_loss;
    }
    r.non_finite = r.loss && !std::isfinite(*r.loss);
}

}  // namespace

std::optional<Span> nemo1_at(std::string_view text, size_t k, size_t /*from*/) {
    const std::optional<Nemo1Bar> bar = nemo1_bar(text, k);
    if (!bar) return std::nullopt;
    return Span{bar->begin, bar->end, k};
}

void nemo1_parse(std::string_view text, StepSink& sink) {
    static const Finder anchor(kNemo1Anchor);
    LineMarks marks;
    size_t pos = 0;
    // Whether pos is the break that ends a bar's line (or an empty line after one): the next line is
    // then read from its marks first.
    bool after_bar = false;
    for (;;) {
        Nemo1Bar bar;
        size_t k = text.npos;
        bool marked = false;  // the bar was found from `marks`
        if (after_bar) {
            after_bar = false;
            const size_t s = pos + 1;
            if (pos < text.size() && is_line_break(text[pos]) && s < text.size()) {
                if (is_line_break(text[s])) {  // an empty line ("\r\n", or a '\n' after the last redraw)
                    pos = s;
                    after_bar = true;
                    continue;
                }
                if (line_marks(text, s, marks)) {
                    marked = nemo1_marked_bar(text, s, marks, k, bar);
                    // No anchor on the line: the search goes on from its break, none being before.
                    if (k == text.npos) pos = s + marks.size;
                }
            }
        }
        if (!marked) {
            k = anchor.find(text, pos);
            if (k == text.npos) break;
            const std::optional<Nemo1Bar> found = nemo1_bar(text, k);
            if (!found) {
                pos = k + 1;  // the anchor outside a bar: look on from the next byte
                continue;
            }
            bar = *found;
        }
        pos = std::max(bar.end, k + 1);  // always forward, whatever the record's span
        after_bar = true;

        // The block's "key=value" items, one pass over its commas: bits of the line's marks where the
        // bar came from them, a search of the block otherwise (one loop either way, so that the item's
        // code is inlined in it: a call per item cost 3% of this parse).
        Nemo1Items items;
        const size_t block_begin = bar.open + 1, block_end = bar.close == text.npos ? bar.end : bar.close;
        const size_t commas_at = marked ? bar.begin : block_begin;  // where the positions count from
        MarkCursor marked_commas(marks.commas, marked ? marks.words() : 0, block_begin - bar.begin);
        std::optional<ByteCursor> searched_commas;
        if (!marked) searched_commas.emplace(text.substr(block_begin, block_end - block_begin), ',');
        for (size_t b = block_begin; b < block_end;) {
            const size_t c = marked ? marked_commas.next() : searched_commas->next();
            const size_t e = c == text.npos ? block_end : std::min(commas_at + c, block_end);
            nemo1_item(text, b, e, items);
            b = e + 1;
        }
        StepRecord& r = sink.begin();
        nemo1_record(text, bar, items, r);
        sink.commit();
    }
}

}  // namespace tp::logparse
