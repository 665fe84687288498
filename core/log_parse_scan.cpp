// Text scanning and numbers for the log parsers (log_parse_internal.hpp). Logs are large and mostly
// irrelevant lines, so everything here works on string_views without copying, and numbers are read
// by hand: strtod is locale-dependent and slower than the few digits logs print need.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>

#include "log_parse_internal.hpp"

namespace tp::logparse {

std::string_view line_at(std::string_view text, size_t pos) {
    const size_t b = line_begin(text, pos);
    return text.substr(b, line_end(text, b) - b);
}

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, size_t pos, std::string_view word) {
    if (pos + word.size() > s.size()) return false;
    for (size_t i = 0; i < word.size(); ++i)
        if (lower(s[pos + i]) != word[i]) return false;
    return true;
}

}  // namespace

bool parse_number_general(std::string_view s, size_t& pos, double& out, int shift10, bool grouped) {
    size_t i = pos;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
    // nan / inf as Python and Lightning print them ("nan", "NAN", "nan.0", "inf"); a number's first
    // byte is a digit or '.' far more often, and says at once that neither is there.
    const bool numeral = i < s.size() && (is_digit(s[i]) || s[i] == '.');
    if (!numeral && starts_with_nocase(s, i, "nan")) {
        i += 3;
        if (i + 1 < s.size() && s[i] == '.' && s[i + 1] == '0') i += 2;
        out = std::numeric_limits<double>::quiet_NaN();
        pos = i;
        return true;
    }
    if (!numeral && starts_with_nocase(s, i, "inf")) {
        i += starts_with_nocase(s, i, "infinity") ? 8 : 3;
        out = negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
        pos = i;
        return true;
    }
    const size_t digits_begin = i;
    uint64_t mantissa = 0;
    int significant = 0;  // digits accumulated into mantissa
    int exp10 = 0;        // scale of the mantissa's last digit
    bool any_digit = false, exact = true;
    auto take_digit = [&](char c, bool fraction) {
        any_digit = true;
        if (significant < 19) {
            if (mantissa != 0 || c != '0') ++significant;
            mantissa = mantissa * 10 + uint64_t(c - '0');
            if (fraction) --exp10;
        } else {
            if (c != '0') exact = false;  // digits beyond 19: let strtod round them
            if (!fraction) ++exp10;
        }
    };
    while (i < s.size()) {
        if (is_digit(s[i])) {
            take_digit(s[i++], false);
        } else if (grouped && s[i] == ',' && any_digit && i + 3 < s.size() && is_digit(s[i + 1]) &&
                   is_digit(s[i + 2]) && is_digit(s[i + 3]) && (i + 4 >= s.size() || !is_digit(s[i + 4]))) {
            ++i;  // thousands separator followed by exactly three digits
        } else {
            break;
        }
    }
    if (i < s.size() && s[i] == '.') {
        size_t j = i + 1;
        while (j < s.size() && is_digit(s[j])) take_digit(s[j++], true);
        if (any_digit) i = j;  // "5." and ".5" are numbers, a lone "." is not
    }
    if (!any_digit) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        bool exp_negative = false;
        if (j < s.size() && (s[j] == '-' || s[j] == '+')) exp_negative = s[j++] == '-';
        if (j < s.size() && is_digit(s[j])) {
            int e = 0;
            while (j < s.size() && is_digit(s[j])) {
                if (e < 100000) e = e * 10 + (s[j] - '0');
                ++j;
            }
            exp10 += exp_negative ? -e : e;
            i = j;
        }
    }
    exp10 += shift10;
    double value = 0;
    if (exact && mantissa <= (uint64_t(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        // Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
        const double m = double(mantissa);
        value = exp10 >= 0 ? m * kPow10[exp10] : m / kPow10[-exp10];
    } else {
        std::string digits(s.substr(digits_begin, i - digits_begin));
        std::string cleaned;
        for (char c : digits)
            if (c != ',') cleaned += c;
        value = std::strtod(cleaned.c_str(), nullptr);
        if (shift10 != 0) value *= std::pow(10.0, shift10);
    }
    out = negative ? -value : value;
    pos = i;
    return true;
}

namespace {

// After a key: blanks, then one ':' or '=' (and blanks again).
size_t skip_separator(std::string_view s, size_t i) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i < s.size() && (s[i] == ':' || s[i] == '=')) ++i;
    return i;
}

}  // namespace

std::optional<double> number_after(std::string_view s, std::string_view key, int shift10) {
    const size_t k = s.find(key);
    if (k == s.npos) return std::nullopt;
    return number_at(s, k + key.size(), shift10);
}

std::optional<double> number_at(std::string_view s, size_t pos, int shift10) {
    size_t i = skip_separator(s, pos);
    double v = 0;
    if (!parse_number(s, i, v, shift10)) return std::nullopt;
    return v;
}

std::optional<double> number_after_loose(std::string_view s, std::string_view key, int shift10) {
    // Match ignoring spaces on both sides; the key's first byte anchors each attempt.
    size_t first = 0;
    while (first < key.size() && key[first] == ' ') ++first;
    if (first == key.size()) return std::nullopt;
    for (size_t start = s.find(key[first]); start != s.npos; start = s.find(key[first], start + 1)) {
        size_t i = start, k = first;
        while (k < key.size() && i < s.size()) {
            if (key[k] == ' ') {
                ++k;
            } else if (s[i] == ' ') {
                ++i;
            } else if (s[i] == key[k]) {
                ++i, ++k;
            } else {
                break;
            }
        }
        if (k < key.size()) continue;
        size_t p = skip_separator(s, i);
        double v = 0;
        if (parse_number(s, p, v, shift10)) return v;
    }
    return std::nullopt;
}

int si_suffix_power(std::string_view s, size_t pos) {
    if (pos >= s.size()) return 0;
    switch (s[pos]) {
        case 'K': return 3;
        case 'M': return 6;
        case 'G': case 'B': return 9;
        case 'T': return 12;
        case 'P': return 15;
        case 'E': return 18;
        default: return 0;
    }
}

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level
// Date Algorithms", days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

bool fixed_digits(std::string_view s, size_t pos, size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!is_digit(s[pos + i])) return false;
        v = v * 10 + (s[pos + i] - '0');
    }
    out = v;
    return true;
}

}  // namespace

std::optional<double> parse_timestamp_us(std::string_view s, size_t pos) {
    int y, mo, d, h, mi, se;
    if (!fixed_digits(s, pos, 4, y) || pos + 19 > s.size() || s[pos + 4] != '-' || !fixed_digits(s, pos + 5, 2, mo) ||
        s[pos + 7] != '-' || !fixed_digits(s, pos + 8, 2, d) || (s[pos + 10] != ' ' && s[pos + 10] != 'T') ||
        !fixed_digits(s, pos + 11, 2, h) || s[pos + 13] != ':' || !fixed_digits(s, pos + 14, 2, mi) ||
        s[pos + 16] != ':' || !fixed_digits(s, pos + 17, 2, se))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
    long long us = (days_from_civil(y, unsigned(mo), unsigned(d)) * 86400LL + h * 3600LL + mi * 60LL + se) * 1000000LL;
    size_t i = pos + 19;
    if (i < s.size() && (s[i] == ',' || s[i] == '.')) {
        long long scale = 100000;
        for (++i; i < s.size() && is_digit(s[i]); ++i, scale /= 10) us += (s[i] - '0') * scale;
    }
    return double(us);
}

StepRecord& StepSink::begin() {
    // The record kLookBack + 1 back is out of reach of this one and every later one: final.
    if (added_ - finalized_ > kLookBack) leave_window();
    // Constructed anew in place rather than assigned StepRecord{}: that zeroes all 168 bytes (a
    // `rep stos`, slow to start), where the constructor only clears each figure's flag.
    StepRecord* r = &window_[added_ % kRing];
    r = ::new (r) StepRecord;
    return *r;
}

void StepSink::commit() {
    const StepRecord& r = window_[added_ % kRing];
    // Look back a few records: ranks' copies of one line interleave with the next step's.
    const size_t reach = window_step_counts_[size_t(r.step) % 64] == 0 ? 0 : std::min(kLookBack, added_ - finalized_);
    for (size_t back = 1; back <= reach; ++back) {
        const size_t slot = (added_ - back) % kRing;
        if (window_steps_[slot] != r.step) continue;
        StepRecord& prev = window_[slot];
        const bool same_loss = !prev.loss || !r.loss || *prev.loss == *r.loss ||
                               (std::isnan(*prev.loss) && std::isnan(*r.loss));
        if (!same_loss) break;  // same number, other loss: another run's step
        auto fill = [](std::optional<double>& mine, const std::optional<double>& theirs) {
            if (!mine) mine = theirs;
        };
        fill(prev.step_time_s, r.step_time_s);
        fill(prev.tflops_per_gpu, r.tflops_per_gpu);
        fill(prev.tokens_per_s_per_gpu, r.tokens_per_s_per_gpu);
        fill(prev.loss, r.loss);
        fill(prev.tokens_per_s_total, r.tokens_per_s_total);
        fill(prev.samples_per_s, r.samples_per_s);
        fill(prev.global_batch, r.global_batch);
        fill(prev.seq_length, r.seq_length);
        fill(prev.timestamp_us, r.timestamp_us);
        prev.non_finite = prev.non_finite || r.non_finite;
        return;
    }
    window_steps_[added_ % kRing] = r.step;
    ++window_step_counts_[size_t(r.step) % 64];
    ++added_;
}

void StepSink::leave_window() {
    StepRecord& r = window_[finalized_++ % kRing];
    --window_step_counts_[size_t(r.step) % 64];
    finalize(r);
}

void StepSink::finish() {
    while (finalized_ < added_) leave_window();
}

namespace {

// tokens/s per GPU when the log prints it per GPU, else from tokens/s of all GPUs (or samples/s, or
// the global batch and the step time) and the run's GPU count; never without the GPU count. Set in
// place, not returned (see finalize).
void set_tokens_per_gpu(const StepRecord& r, const LogParseOptions& o, std::optional<double>& out) {
    if (r.tokens_per_s_per_gpu) {
        out = *r.tokens_per_s_per_gpu;
        return;
    }
    if (o.gpus <= 0) return;
    const double seq = r.seq_length ? *r.seq_length : double(o.seq_length);  // 0 = unknown
    std::optional<double> total = r.tokens_per_s_total;
    if (!total && r.samples_per_s && seq > 0) total = *r.samples_per_s * seq;
    if (!total && r.global_batch && seq > 0 && r.step_time_s && *r.step_time_s > 0)
        total = *r.global_batch * seq / *r.step_time_s;
    if (total) out = *total / o.gpus;
}

}  // namespace

void StepSink::finalize(StepRecord& r) {
    // torchtitan prints no step time; its logger's timestamps give one: (this record's time - the
    // previous record's) / (steps between them) (log_parse_torchtitan.cpp). Only it sets timestamps.
    if (!r.step_time_s && r.timestamp_us && last_timestamp_us_ && r.step > last_step_) {
        const double dt_us = *r.timestamp_us - *last_timestamp_us_;  // exact: whole microseconds
        if (dt_us >= 0) r.step_time_s = dt_us / (1e6 * double(r.step - last_step_));
    }
    last_step_ = r.step;
    last_timestamp_us_ = r.timestamp_us;
    if (keep_records_) {
        records_.push_back(r);
        return;
    }
    if (r.non_finite && !first_non_finite_) first_non_finite_ = r.offset;
    reserve_for(r.offset);
    // Filled in place, a figure at a time: a LogStep built apart and then copied is written in
    // pieces (a double, a flag) and read back whole, which the processor cannot forward from its
    // store buffer (perf: most of this function's time was that reload).
    LogStep& step = steps_.emplace_back();
    step.step = r.step;
    step.step_time_s = r.step_time_s;
    step.tflops_per_gpu = r.tflops_per_gpu;
    set_tokens_per_gpu(r, options_, step.tokens_per_s_per_gpu);
    step.loss = r.loss;
    if (keep_offsets_) offsets_.push_back(r.offset);
    if (steps_.size() > size_t(std::max(options_.warmup_steps, 0))) {  // past the warm-up
        time_sum_.add(step.step_time_s);
        tflops_sum_.add(step.tflops_per_gpu);
        tokens_sum_.add(step.tokens_per_s_per_gpu);
    }
}

void StepSink::Sum::add(const std::optional<double>& v) {
    if (v && std::isfinite(*v)) total += *v, ++count;
}

LogSummary StepSink::summary() const {
    // Records, not step numbers, are dropped (logs.md, "Summary and warm-up"); a log with no more
    // records than the warm-up keeps them all, and its means are summed here (at most warmup_steps
    // of them), as are the means of steps edited after the fact.
    LogSummary s;
    const size_t n = steps_.size(), warmup = size_t(std::max(options_.warmup_steps, 0));
    s.warmup_steps_dropped = n > warmup ? int(warmup) : 0;
    s.steps_averaged = int(n) - s.warmup_steps_dropped;
    Sum t = time_sum_, f = tflops_sum_, k = tokens_sum_;
    if (!summed_ || n <= warmup) {
        t = f = k = Sum{};
        for (size_t i = size_t(s.warmup_steps_dropped); i < n; ++i) {
            t.add(steps_[i].step_time_s);
            f.add(steps_[i].tflops_per_gpu);
            k.add(steps_[i].tokens_per_s_per_gpu);
        }
    }
    auto mean = [](const Sum& sum) { return sum.count > 0 ? std::optional<double>(sum.total / sum.count) : std::nullopt; };
    s.step_time_s = mean(t);
    s.tflops_per_gpu = mean(f);
    s.tokens_per_s_per_gpu = mean(k);
    return s;
}

void StepSink::reserve_for(size_t offset) {
    if (steps_.size() < steps_.capacity()) return;
    // Grow to the count the records so far predict for the whole log (records are spread through a
    // log about evenly), an eighth more for safety, rather than doubling: doubling copies every step
    // each time and leaves freed copies worth twice the output, and a progress-bar log has 100 000
    // steps in 16 MB. Doubling stays the floor when the prediction falls short.
    constexpr size_t kFirst = 64;  // enough records to predict from
    size_t want = std::max(kFirst, 2 * steps_.size());
    if (steps_.size() >= kFirst && offset > 0 && text_size_ > offset) {
        const double predicted = double(steps_.size()) * double(text_size_) / double(offset) * 1.125;
        want = std::max(want, size_t(predicted));
    }
    steps_.reserve(want);
    if (keep_offsets_) offsets_.reserve(want);
}

}  // namespace tp::logparse
