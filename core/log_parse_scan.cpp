// Text scanning and numbers for the log parsers (log_parse_internal.hpp). Logs are large and mostly
// irrelevant lines, so everything here works on string_views without copying, and numbers are read
// by hand: strtod is locale-dependent and slower than the few digits logs print need.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

#include "log_parse_internal.hpp"

namespace tp::logparse {

size_t last_of(std::string_view s, size_t pos, char a, char b) {
    if (pos > s.size()) pos = s.size();
    const char* base = s.data();
    while (pos >= 8) {
        const uint64_t w = load_word(base + pos - 8);
        if (bytes_equal(w, static_cast<unsigned char>(a)) | bytes_equal(w, static_cast<unsigned char>(b))) break;
        pos -= 8;
    }
    while (pos > 0) {
        --pos;
        if (base[pos] == a || base[pos] == b) return pos;
    }
    return s.npos;
}

size_t line_begin(std::string_view text, size_t pos) {
    // The parsers call this once per record, from an anchor often a hundred bytes into its line.
    const size_t br = last_of(text, pos, '\n', '\r');
    return br == text.npos ? 0 : br + 1;
}

size_t line_end(std::string_view text, size_t pos) {
    // memchr for '\n' within a window, then for '\r' before it; the window starts at a few lines'
    // length and doubles: a tqdm log can be megabytes of '\r'-separated redraws without one '\n', so
    // an unbounded memchr('\n') per line would make a parse quadratic, and a fixed large window would
    // still search it many times over per line.
    const char* base = text.data();
    for (size_t window = 512; pos < text.size(); pos += window, window *= 2) {
        const size_t limit = std::min(text.size(), pos + window);
        const void* nl = std::memchr(base + pos, '\n', limit - pos);
        const size_t end = nl ? size_t(static_cast<const char*>(nl) - base) : limit;
        if (const void* cr = std::memchr(base + pos, '\r', end - pos)) return size_t(static_cast<const char*>(cr) - base);
        if (nl) return end;
    }
    return text.size();
}

std::string_view line_at(std::string_view text, size_t pos) {
    const size_t b = line_begin(text, pos);
    return text.substr(b, line_end(text, b) - b);
}

std::string_view trim(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, size_t pos, std::string_view word) {
    if (pos + word.size() > s.size()) return false;
    for (size_t i = 0; i < word.size(); ++i)
        if (lower(s[pos + i]) != word[i]) return false;
    return true;
}

// Powers of ten exactly representable in a double (10^22 is the largest).
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

bool parse_number(std::string_view s, size_t& pos, double& out, int shift10, bool grouped) {
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

bool parse_integer(std::string_view s, size_t& pos, long long& out) {
    size_t i = pos;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    long long v = 0;
    while (i < s.size() && is_digit(s[i])) {
        if (v < (std::numeric_limits<long long>::max() - 9) / 10) v = v * 10 + (s[i] - '0');
        ++i;
    }
    out = v;
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
    size_t i = skip_separator(s, k + key.size());
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

void StepSink::add(const StepRecord& r) {
    // Look back a few records: ranks' copies of one line interleave with the next step's.
    constexpr size_t kLookBack = 16;
    const size_t n = records_.size();
    for (size_t back = 1; back <= kLookBack && back <= n; ++back) {
        StepRecord& prev = records_[n - back];
        if (prev.step != r.step) continue;
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
    records_.push_back(r);
}

}  // namespace tp::logparse
