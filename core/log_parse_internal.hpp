// log_parse_internal.hpp — what the log_parse_*.cpp files share: text scanning, numbers, the step
// records the framework parsers produce, and the parsers' entry points. Not a public header.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log_parse.hpp"

// SSE2 is part of x86-64 itself, so every native build has it without a -march flag (see "Sixteen
// bytes at a time"); the web build (wasm) has not, and keeps the eight-byte words.
#if defined(__SSE2__)
#include <emmintrin.h>
#define TP_LOGPARSE_SSE2 1
#endif

namespace tp::logparse {

// ---- Text (log_parse_scan.cpp) ------------------------------------------------------------------
// A "line" ends at '\n' or '\r': tqdm (NeMo 1's progress bar) redraws with '\r', so every redraw is
// a line of its own, and CRLF files just gain empty lines.
inline bool is_line_break(char c) { return c == '\n' || c == '\r'; }
inline size_t line_begin(std::string_view text, size_t pos);  // first byte of the line holding pos
inline size_t line_end(std::string_view text, size_t pos);    // the break ending that line, or text.size()
std::string_view line_at(std::string_view text, size_t pos);
// Space, tab, '\r' or '\n': one compare and a bit test, not four compares (all four are below '!').
inline bool is_blank(char c) {
    constexpr uint64_t kBlanks = uint64_t(1) << ' ' | uint64_t(1) << '\t' | uint64_t(1) << '\r' | uint64_t(1) << '\n';
    const auto u = static_cast<unsigned char>(c);
    return u <= ' ' && (kBlanks >> u & 1);
}
inline std::string_view trim(std::string_view s) {  // blanks off both ends
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

inline bool contains(std::string_view s, std::string_view pattern) { return s.find(pattern) != s.npos; }
// Whether n bytes at a and b are equal: eight at a time, the last eight overlapping, inline. The
// parsers compare keys of a few dozen bytes a few times per record; a memcmp call costs more than
// the compare.
inline bool same_bytes(const char* a, const char* b, size_t n) {
    uint64_t x, y;
    if (n < 8) {
        for (size_t i = 0; i < n; ++i)
            if (a[i] != b[i]) return false;
        return true;
    }
    for (size_t i = 0; i + 8 < n; i += 8) {
        std::memcpy(&x, a + i, 8), std::memcpy(&y, b + i, 8);
        if (x != y) return false;
    }
    std::memcpy(&x, a + n - 8, 8), std::memcpy(&y, b + n - 8, 8);
    return x == y;
}
// Whether s holds `word` at pos.
inline bool starts_with_at(std::string_view s, size_t pos, std::string_view word) {
    return pos <= s.size() && s.size() - pos >= word.size() && same_bytes(s.data() + pos, word.data(), word.size());
}

// ---- Eight bytes at a time ---------------------------------------------------------------------
// The bytes of a word equal to c are the zero bytes of word ^ (c repeated), and (v - 0x01..01) & ~v
// & 0x80..80 marks those with their high bit (S. E. Anderson, "Bit Twiddling Hacks", "Determine if
// a word has a zero byte"). No such byte goes unmarked; a byte next to a marked one may be marked
// too (the subtraction's borrow), so the result says exactly whether there is one, and otherwise
// names candidates to check.
inline uint64_t load_word(const char* p) {
    uint64_t w;
    std::memcpy(&w, p, sizeof w);
    return w;
}
inline uint64_t bytes_equal(uint64_t word, unsigned char c) {
    constexpr uint64_t kOnes = 0x0101010101010101u;
    const uint64_t v = word ^ (kOnes * c);
    return (v - kOnes) & ~v & (kOnes * 0x80);
}

// ---- Sixteen bytes at a time -------------------------------------------------------------------
// With SSE2 one compare tests sixteen bytes and a movemask turns the result into a bit per byte:
// twice the rate of the words above, and the bit of the first match is a count of zeros away.
#if TP_LOGPARSE_SSE2
// Bit i set where the sixteen bytes at p hold a, b or c.
inline unsigned bytes_equal16(const char* p, char a, char b, char c) {
    const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i eq = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, _mm_set1_epi8(a)), _mm_cmpeq_epi8(w, _mm_set1_epi8(b))),
                                    _mm_cmpeq_epi8(w, _mm_set1_epi8(c)));
    return unsigned(_mm_movemask_epi8(eq));
}
#endif

// The first a, b or c at or after pos (npos if none): memchr for up to three bytes. Inline: the
// parsers call it several times per record, mostly for a few dozen bytes.
inline size_t first_of(std::string_view s, size_t pos, char a, char b, char c) {
    const size_t n = s.size();
    const char* base = s.data();
#if TP_LOGPARSE_SSE2
    for (; pos + 16 <= n; pos += 16)
        if (const unsigned mask = bytes_equal16(base + pos, a, b, c)) return pos + size_t(std::countr_zero(mask));
    // The last few bytes: the sixteen that end s, those before pos masked off (no byte loop).
    if (pos < n && n >= 16) {
        const unsigned mask = bytes_equal16(base + n - 16, a, b, c) >> (16 - (n - pos));
        return mask ? pos + size_t(std::countr_zero(mask)) : s.npos;
    }
#else
    for (; pos + 8 <= n; pos += 8) {
        const uint64_t w = load_word(base + pos);
        if (bytes_equal(w, static_cast<unsigned char>(a)) | bytes_equal(w, static_cast<unsigned char>(b)) |
            bytes_equal(w, static_cast<unsigned char>(c)))
            break;
    }
#endif
    for (; pos < n; ++pos)
        if (base[pos] == a || base[pos] == b || base[pos] == c) return pos;
    return s.npos;
}
inline size_t first_of(std::string_view s, size_t pos, char a, char b) { return first_of(s, pos, a, b, b); }

// The last a, b or c before pos (npos if none): the same backwards.
inline size_t last_of(std::string_view s, size_t pos, char a, char b, char c) {
    if (pos > s.size()) pos = s.size();
    const char* base = s.data();
#if TP_LOGPARSE_SSE2
    for (; pos >= 16; pos -= 16)
        if (const unsigned mask = bytes_equal16(base + pos - 16, a, b, c))
            return pos - 16 + size_t(std::bit_width(mask)) - 1;  // the highest marked byte
    // The first few bytes: the sixteen that start s, those from pos on masked off.
    if (pos > 0 && s.size() >= 16) {
        const unsigned mask = bytes_equal16(base, a, b, c) & ((1u << pos) - 1);
        return mask ? size_t(std::bit_width(mask)) - 1 : s.npos;
    }
#else
    for (; pos >= 8; pos -= 8) {
        const uint64_t w = load_word(base + pos - 8);
        if (bytes_equal(w, static_cast<unsigned char>(a)) | bytes_equal(w, static_cast<unsigned char>(b)) |
            bytes_equal(w, static_cast<unsigned char>(c)))
            break;
    }
#endif
    while (pos > 0) {
        --pos;
        if (base[pos] == a || base[pos] == b || base[pos] == c) return pos;
    }
    return s.npos;
}
inline size_t last_of(std::string_view s, size_t pos, char a, char b) { return last_of(s, pos, a, b, b); }

// Inline, as first_of and last_of: the parsers ask for a line's ends once or twice per record.
inline size_t line_begin(std::string_view text, size_t pos) {
    // From an anchor often a hundred bytes into its line.
    const size_t br = last_of(text, pos, '\n', '\r');
    return br == text.npos ? 0 : br + 1;
}

inline size_t line_end(std::string_view text, size_t pos) {
    // Both breaks in one pass: a tqdm log can be megabytes of '\r'-separated redraws without one
    // '\n', so looking for '\n' first (one memchr) would read far past every redraw's end.
    const size_t br = first_of(text, pos, '\n', '\r');
    return br == text.npos ? text.size() : br;
}

// The positions of a byte (or either of two) in s, in order: a mask per 64 bytes, so that each next
// one costs a count of trailing zeros, not a search of its own (a record's fields are a few dozen
// bytes apart, and a search costs about as much for a few dozen bytes as for a hundred).
class ByteCursor {
public:
    ByteCursor(std::string_view s, char a, char b = 0) : s_(s), a_(a), b_(b ? b : a) { load(0); }
    size_t next() {  // the next position, or npos
        while (mask_ == 0) {
            if (base_ + 64 >= s_.size()) return s_.npos;
            load(base_ + 64);
        }
        const size_t pos = base_ + size_t(std::countr_zero(mask_));
        mask_ &= mask_ - 1;
        return pos;
    }

private:
    void load(size_t base) {
        base_ = base;
        mask_ = 0;
        const size_t n = std::min<size_t>(64, s_.size() - base);
        size_t i = 0;
#if TP_LOGPARSE_SSE2
        for (; i + 16 <= n; i += 16) mask_ |= uint64_t(bytes_equal16(s_.data() + base + i, a_, b_, b_)) << i;
        if (i < n && s_.size() >= 16) {  // the rest: the sixteen bytes that end s, those before i masked off
            const unsigned rest = bytes_equal16(s_.data() + s_.size() - 16, a_, b_, b_) >> (16 - (n - i));
            mask_ |= uint64_t(rest) << i;
            i = n;
        }
#endif
        for (; i < n; ++i) mask_ |= uint64_t(s_[base + i] == a_ || s_[base + i] == b_) << i;
    }

    std::string_view s_;
    char a_, b_;
    size_t base_ = 0;
    uint64_t mask_ = 0;
};

// ---- Fast fixed-string search (log_parse_search.cpp) --------------------------------------------
// One pattern: the parsers' anchors over whole logs.
class Finder {
public:
    explicit Finder(std::string_view pattern) : pattern_(pattern) {}
    size_t find(std::string_view text, size_t from = 0) const;  // npos if none
    size_t size() const { return pattern_.size(); }

private:
    std::string pattern_;
};

// Many patterns in one pass (blocks of four bytes sampled at a fixed stride, log_parse_search.cpp):
// the failure classifier's patterns. on_match(pattern index, position) is called for every
// occurrence in text order; returning false stops the scan.
class MultiFinder {
public:
    explicit MultiFinder(std::vector<std::string_view> patterns);
    void scan(std::string_view text, const std::function<bool(size_t, size_t)>& on_match) const;

private:
    struct Entry {
        uint16_t hash;     // of a block of four bytes in a pattern's first window_ bytes
        uint16_t offset;   // where that block ends in the pattern
        uint16_t pattern;  // index in patterns_
    };
    bool check_sample(std::string_view text, size_t end, uint16_t hash, std::vector<std::pair<size_t, size_t>>& hits,
                      const std::function<bool(size_t, size_t)>& on_match) const;

    std::vector<std::string_view> patterns_;
    size_t window_ = 4;                    // the shortest pattern's length
    std::array<uint64_t, 1024> blocks_{};  // a bit per block hash: does some pattern have it (8 KiB: stays in L1)
    // The same coarser, a byte per four hashes (the hash's top 14 bits): nonzero if any of the four
    // is a pattern's. A sample tests it with one load and no shift (16 KiB: stays in L1 too).
    std::array<uint8_t, 16384> coarse_{};
    std::vector<Entry> entries_;           // sorted by hash
};

// ---- Numbers ------------------------------------------------------------------------------------
// A decimal number at s[pos] (leading blanks skipped): [+-]digits[.digits][e[+-]digits], or nan/inf
// in any case (Python prints "nan", "NAN" for {:E}, Lightning "nan.0"). Exact to the nearest double
// for the short numbers logs print, without the locale. `pos` moves past it; false if none.
// With `grouped`, "10,050" reads as 10050 (torchtitan prints tps with {:,}).
inline bool parse_number(std::string_view s, size_t& pos, double& out, int shift10 = 0, bool grouped = false);
// The number after `key` (blanks and one ':' or '=' skipped), `shift10` powers of ten applied
// exactly (-3 turns milliseconds into seconds without a rounding step of its own).
std::optional<double> number_after(std::string_view s, std::string_view key, int shift10 = 0);
// The same from pos (just past a key found otherwise).
std::optional<double> number_at(std::string_view s, size_t pos, int shift10 = 0);
// The same, for records whose keys may be broken by a hard wrap (spaces in the key and the text
// are both ignored while matching: "global batch" + newline + "size:" still matches).
std::optional<double> number_after_loose(std::string_view s, std::string_view key, int shift10 = 0);
// An integer at s[pos] (blanks skipped); false if no digit.
inline bool parse_integer(std::string_view s, size_t& pos, long long& out);
// A metric/SI suffix right after a number: K M G T P E (also B, billions) -> its power of ten; 0 if none.
int si_suffix_power(std::string_view s, size_t pos);
// "YYYY-MM-DD HH:MM:SS" with optional ",mmm" or ".mmm" (up to microseconds) at s[pos]: whole
// microseconds since 1970 (no zone), exact in a double, so differences of timestamps are exact.
std::optional<double> parse_timestamp_us(std::string_view s, size_t pos);

// The parsers read a few numbers per record, hundreds of thousands of records per log: the common
// case is inline, so that a number costs its digits, not a call and the general path's set-up.
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Powers of ten exactly representable in a double (10^22 is the largest).
inline constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// A run of digits at s[i], eight at a time where s has eight bytes left: `value` times ten per digit
// plus the digit (it wraps past 19 digits: callers count), and where the run ends. A loop per digit
// costs a branch per digit and a mispredicted one at the run's end, for every number of every
// record; here a number of up to eight digits is a few multiplications and no loop.
inline size_t read_digits(std::string_view s, size_t i, uint64_t& value) {
    static_assert(std::endian::native == std::endian::little, "the first byte is the word's lowest");
    constexpr uint64_t kPow10Int[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
    const size_t n = s.size();
    while (i + 8 <= n) {
        const uint64_t w = load_word(s.data() + i);
        // The first byte that is not a digit is the lowest with its high bit set in w + 0x46 (bytes
        // above '9') or w - 0x30 (bytes below '0'); carries only reach the bytes after it (simdjson,
        // is_made_of_eight_digits_fast).
        const uint64_t non_digits = ((w + 0x4646464646464646u) | (w - 0x3030303030303030u)) & 0x8080808080808080u;
        const size_t len = size_t(std::countr_zero(non_digits)) / 8;  // 8 when all are digits
        if (len == 0) return i;
        // The digits moved to the word's top (leading zeros below them), then summed in pairs, fours
        // and eights by three multiplications (D. Lemire, "Quickly parsing eight digits", 2018; the
        // fast_float library's parse_eight_digits_unrolled).
        uint64_t v = (w - 0x3030303030303030u) << (8 * (8 - len));
        v = v * 10 + (v >> 8);
        v = (((v & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
             (((v >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >> 32;
        value = value * kPow10Int[len] + v;
        i += len;
        if (len < 8) return i;
    }
    for (; i < n && is_digit(s[i]); ++i) value = value * 10 + uint64_t(s[i] - '0');
    return i;
}

// The numbers logs print most, "2.345", "0.612", "5444.9", "8610": a digit first, at most one '.',
// seven digits in all, and the byte after them in the same eight-byte word (not an exponent's 'e').
// Read from that one word: the '.' found and taken out, the digits converted together as in
// read_digits. The same mantissa, exponent and end as read_digits twice would give, about half the
// instructions and one chain of them (a record carries two or three such numbers). False for
// anything else, read then as before.
inline bool short_decimal(std::string_view s, size_t& pos, uint64_t& mantissa, int& exp10) {
    if (pos + 8 > s.size()) return false;
    const uint64_t w = load_word(s.data() + pos);
    auto non_digits = [](uint64_t x) {  // exact up to the first non-digit (see read_digits)
        return ((x + 0x4646464646464646u) | (x - 0x3030303030303030u)) & 0x8080808080808080u;
    };
    const uint64_t nd = non_digits(w);
    const size_t d = size_t(std::countr_zero(nd)) / 8;  // the first non-digit: 8 when none
    if (d == 0 || d == 8) return false;
    size_t e = d;  // the number's end
    uint64_t digits = w;
    if (static_cast<char>(w >> (8 * d)) == '.') {
        // The '.' made a '0' (a byte below '0' would corrupt the flags of the bytes after it), the
        // end the next non-digit; then the fraction's bytes moved down over the '.'.
        e = size_t(std::countr_zero(non_digits(w ^ (uint64_t('.' ^ '0') << (8 * d))))) / 8;
        if (e == 8) return false;
        digits = (w & ((uint64_t(1) << (8 * d)) - 1)) | ((w >> (8 * (d + 1))) << (8 * d));
    }
    const char after = static_cast<char>(w >> (8 * e));
    if (after == 'e' || after == 'E') return false;
    const size_t n = e - (e > d ? 1 : 0);  // digits, 1 to 7
    uint64_t v = (digits - 0x3030303030303030u) << (8 * (8 - n));
    v = v * 10 + (v >> 8);
    v = (((v & 0x000000FF000000FFu) * (100 + (1000000ull << 32))) +
         (((v >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32)))) >> 32;
    mantissa = v;
    exp10 = e > d ? -int(e - d - 1) : 0;
    pos += e;
    return true;
}

// parse_number's common case: a digit or '.' first, at most 19 digits in all (so the mantissa is
// exact in 64 bits and, as in the general path, every digit counts), no thousands separators, and
// a value within Clinger's fast path (both operands exact, so one IEEE operation rounds correctly).
// False for anything else, which the general path then reads from the start: wherever this one
// answers, both give the same value.
inline bool parse_number_fast(std::string_view s, size_t& pos, double& out, int shift10) {
    const size_t n = s.size();
    size_t i = pos;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
    bool negative = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
    uint64_t mantissa = 0;  // wraps past 19 digits, which are then refused below
    int exp10 = 0;
    size_t j = i;
    if (!short_decimal(s, j, mantissa, exp10)) {  // longer: digits, fraction and exponent read apart
        j = read_digits(s, i, mantissa);
        size_t digits = j - i;
        if (j < n && s[j] == '.') {
            const size_t f = read_digits(s, j + 1, mantissa);
            const size_t fraction = f - j - 1;
            digits += fraction;
            exp10 = -int(fraction);
            j = f;
        }
        if (digits == 0 || digits > 19) return false;  // nan, inf, a lone '.', nothing, or long
        if (j < n && (s[j] == 'e' || s[j] == 'E')) {
            size_t k = j + 1;
            bool exp_negative = false;
            if (k < n && (s[k] == '-' || s[k] == '+')) exp_negative = s[k++] == '-';
            if (k < n && is_digit(s[k])) {
                int e = 0;
                while (k < n && is_digit(s[k])) {
                    if (e < 100000) e = e * 10 + (s[k] - '0');
                    ++k;
                }
                exp10 += exp_negative ? -e : e;
                j = k;
            }
        }
    }
    exp10 += shift10;
    if (mantissa > (uint64_t(1) << 53) || exp10 < -22 || exp10 > 22) return false;
    const double m = double(int64_t(mantissa));  // exact (at most 2^53); signed converts in one instruction
    const double value = exp10 >= 0 ? m * kPow10[exp10] : m / kPow10[-exp10];
    out = negative ? -value : value;
    pos = j;
    return true;
}
bool parse_number_general(std::string_view s, size_t& pos, double& out, int shift10, bool grouped);

inline bool parse_number(std::string_view s, size_t& pos, double& out, int shift10, bool grouped) {
    return (!grouped && parse_number_fast(s, pos, out, shift10)) || parse_number_general(s, pos, out, shift10, grouped);
}

inline bool parse_integer(std::string_view s, size_t& pos, long long& out) {
    size_t i = pos;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size() || !is_digit(s[i])) return false;
    uint64_t fast = 0;
    if (const size_t end = read_digits(s, i, fast); end - i <= 18) {  // exact: below the clamp below
        out = (long long)fast;
        pos = end;
        return true;
    }
    long long v = 0;
    while (i < s.size() && is_digit(s[i])) {
        if (v < (std::numeric_limits<long long>::max() - 9) / 10) v = v * 10 + (s[i] - '0');
        ++i;
    }
    out = v;
    pos = i;
    return true;
}

// ---- Step records -------------------------------------------------------------------------------
// What a framework parser extracts from one record, before the summary and the derivations.
struct StepRecord {
    long long step = 0;
    std::optional<double> step_time_s, tflops_per_gpu, tokens_per_s_per_gpu, loss;
    std::optional<double> tokens_per_s_total;  // all GPUs together
    std::optional<double> samples_per_s;       // all GPUs together
    std::optional<double> global_batch;        // samples per step
    std::optional<double> seq_length;          // tokens per sample, when the record prints it
    std::optional<double> timestamp_us;        // when the line was printed (torchtitan step times)
    bool non_finite = false;                   // NaN/Inf loss or grad norm, or nan iterations > 0
    size_t offset = 0;                         // where the record's (first) line starts
};

// Collects records; a record for the step just seen again (same number, within the last few
// records, and the same loss or no loss on one side) fills the first one's gaps instead of counting
// twice: every rank printing the line, a progress bar redrawn, DeepSpeed's timer line and the
// GPT-NeoX record for one step. A different loss at the same number is another run (the DGXC
// fixtures concatenate final lines of several runs) and stays a record of its own.
//
// Only the last kLookBack records can still change, so each older one is final and leaves the sink
// at once as the LogStep it becomes (tokens/s per GPU derived with the options, as log_parse.hpp
// says). Keeping every StepRecord (168 bytes) to the end made a progress-bar log's records (one per
// 170 bytes) outweigh the log, and the page faults of that memory were a third of its parse
// (bench_log_parse, perf: kernel page-fault paths); the steps alone are 72 bytes each.
class StepSink {
public:
    static constexpr size_t kLookBack = 16;
    // `text_size` lets the steps' storage be sized from the first records (see reserve_for);
    // `keep_records`: keep final records whole instead (the parts of a DeepSpeed log, merged later).
    explicit StepSink(const LogParseOptions& options, size_t text_size, bool keep_records = false)
        : options_(options), text_size_(text_size), keep_records_(keep_records) {}

    // A record is written in place: begin() gives a cleared one after the window, commit() merges
    // it into an earlier record of its step or keeps it; one begun and not committed is dropped.
    // add(r) does both for a record built elsewhere.
    StepRecord& begin();
    void commit();
    void add(const StepRecord& r) {
        begin() = r;
        commit();
    }
    void finish();  // after the last commit: the records still in the window are final too
    // Also keep where each step's record starts (Megatron-Bridge's step-time lines are matched to
    // records by position); 8 bytes a step that other logs do without.
    void keep_offsets() { keep_offsets_ = true; }

    // After finish(): the steps in order and where each one's record starts (with keep_offsets;
    // with keep_records, the records instead), and the offset of the first record whose loss or
    // grad norm was NaN/Inf (failure_classify's nan_loss evidence). steps() is for moving them out;
    // a parser that changes steps after they left the window (Megatron-Bridge's step times) edits
    // them through edit_steps(), so that summary() reads them again.
    std::vector<LogStep>& steps() { return steps_; }
    std::vector<LogStep>& edit_steps() {
        summed_ = false;
        return steps_;
    }
    // After finish(): the means of log_parse.hpp's summary over the steps after the warm-up.
    LogSummary summary() const;
    const std::vector<size_t>& offsets() const { return offsets_; }
    std::vector<StepRecord>& records() { return records_; }
    std::optional<size_t> first_non_finite() const { return first_non_finite_; }

private:
    void leave_window();  // the oldest record in the look-back is final
    void finalize(StepRecord& r);
    void reserve_for(size_t offset);

    LogParseOptions options_;
    size_t text_size_ = 0;
    bool keep_records_ = false;
    bool keep_offsets_ = false;
    // The window: a ring holding the last kLookBack records and the one being written (record i in
    // slot i % kRing), their step numbers apart so that the look-back reads 128 bytes, not 16
    // records.
    static constexpr size_t kRing = 2 * kLookBack;
    std::array<StepRecord, kRing> window_{};
    std::array<long long, kRing> window_steps_{};
    // How many records in the look-back have each step number modulo 64: a new step (a progress
    // bar's next redraw, the next iteration) has none, and skips the look-back altogether.
    std::array<uint8_t, 64> window_step_counts_{};
    size_t added_ = 0;      // records committed so far (not merged into an earlier one)
    size_t finalized_ = 0;  // of those, the ones that left the window
    // The last final record's step and timestamp (step times from timestamps, see finalize).
    long long last_step_ = 0;
    std::optional<double> last_timestamp_us_;

    std::vector<LogStep> steps_;
    // The summary's sums, added to as each step becomes final (in finalize) rather than in a pass
    // over the steps after the parse: a progress-bar log's steps are half its size again, and that
    // pass read them all back from memory (perf: 2% of a NeMo 1 parse). They cover the steps after
    // the first warmup_steps, in order, so they are the very sums such a pass would add up.
    struct Sum {
        double total = 0;
        int count = 0;
        void add(const std::optional<double>& v);
    };
    Sum time_sum_, tflops_sum_, tokens_sum_;
    bool summed_ = true;  // the sums are those of steps_ (false after edit_steps())
    std::vector<size_t> offsets_;
    std::vector<StepRecord> records_;
    std::optional<size_t> first_non_finite_;
};

// ---- Framework parsers --------------------------------------------------------------------------
// Each format has an anchor (a fixed string every record of it contains), a validator `X_at` that
// turns an anchor hit at k into the record around it (or nothing: the string occurred elsewhere;
// `from` bounds how far back a record may start), `X_next` (the next record at or after `from`) and
// a parse over the whole text. Detection runs all anchors in one pass and the same validators. The
// NeMo 1 and torchtitan parses, a record per 170 bytes, walk their anchors themselves to keep what
// their validators found (the bar's '[' and ']', the line's keys) rather than look for it again.
struct Span {
    size_t begin = 0, end = 0;  // the record's lines
    size_t anchor = 0;          // where the anchor matched (inside the span)
    bool wrapped = false;       // more than one line (a hard-wrapped Megatron record)
};

inline constexpr std::string_view kMegatronAnchor = "elapsed time per iteration (ms):";
inline constexpr std::string_view kNemo2Anchor = "Training epoch ";
inline constexpr std::string_view kNemo1Anchor = ", global_step=";
inline constexpr std::string_view kTorchtitanAnchor = "step:";
inline constexpr std::string_view kNanotronAnchor = "iteration: ";
inline constexpr std::string_view kDeepspeedTimerAnchor = "RunningAvgSamplesPerSec=";

template <class At>
std::optional<Span> next_record(std::string_view text, size_t from, const Finder& anchor, At at) {
    for (size_t k = anchor.find(text, from); k != text.npos; k = anchor.find(text, k + 1))
        if (std::optional<Span> s = at(text, k, from)) return s;
    return std::nullopt;
}

std::optional<Span> megatron_at(std::string_view text, size_t k, size_t from);
std::optional<Span> megatron_next(std::string_view text, size_t from);
// `bridge`: also read Megatron-Bridge's "Step Time : ... GPU utilization" lines.
void megatron_parse(std::string_view text, StepSink& sink, bool bridge);
// Which flavour of the Megatron record family the first record shows (megatron_lm, megatron_bridge,
// megatron_deepspeed, or deepspeed for GPT-NeoX).
LogFramework megatron_flavour(std::string_view text, Span first);

std::optional<Span> nemo2_at(std::string_view text, size_t k, size_t from);
std::optional<Span> nemo2_next(std::string_view text, size_t from);
void nemo2_parse(std::string_view text, StepSink& sink);
std::optional<Span> nemo1_at(std::string_view text, size_t k, size_t from);
void nemo1_parse(std::string_view text, StepSink& sink);

std::optional<Span> torchtitan_at(std::string_view text, size_t k, size_t from);
void torchtitan_parse(std::string_view text, StepSink& sink);

std::optional<Span> nanotron_at(std::string_view text, size_t k, size_t from);
std::optional<Span> nanotron_next(std::string_view text, size_t from);
void nanotron_parse(std::string_view text, StepSink& sink);

std::optional<Span> deepspeed_timer_at(std::string_view text, size_t k, size_t from);
std::optional<Span> deepspeed_timer_next(std::string_view text, size_t from);
void deepspeed_timer_parse(std::string_view text, StepSink& sink);
bool deepspeed_marker_present(std::string_view text);  // engine lines without step records
bool mlperf_marker_present(std::string_view text);

// Framework detection and the step parse of the detected framework.
LogFramework framework_detect(std::string_view text);
void steps_parse(std::string_view text, LogFramework f, StepSink& sink);

// Failure classification; `first_non_finite` is the offset of the first record whose loss or grad
// norm was NaN/Inf (the step parse finds those), if any.
LogFailure failure_classify(std::string_view text, std::optional<size_t> first_non_finite);

}  // namespace tp::logparse
