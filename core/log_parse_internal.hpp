// log_parse_internal.hpp — what the log_parse_*.cpp files share: text scanning, numbers, the step
// records the framework parsers produce, and the parsers' entry points. Not a public header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "log_parse.hpp"

namespace tp::logparse {

// ---- Text (log_parse_scan.cpp) ------------------------------------------------------------------
// A "line" ends at '\n' or '\r': tqdm (NeMo 1's progress bar) redraws with '\r', so every redraw is
// a line of its own, and CRLF files just gain empty lines.
inline bool is_line_break(char c) { return c == '\n' || c == '\r'; }
size_t line_begin(std::string_view text, size_t pos);  // first byte of the line holding pos
// The last a or b before pos (npos if none): a backward memchr, eight bytes at a time.
size_t last_of(std::string_view s, size_t pos, char a, char b);
size_t line_end(std::string_view text, size_t pos);    // the break ending that line, or text.size()
std::string_view line_at(std::string_view text, size_t pos);
std::string_view trim(std::string_view s);             // spaces, tabs, '\r', '\n' both ends

inline bool contains(std::string_view s, std::string_view pattern) { return s.find(pattern) != s.npos; }

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
    std::vector<Entry> entries_;           // sorted by hash
};

// ---- Numbers ------------------------------------------------------------------------------------
// A decimal number at s[pos] (leading blanks skipped): [+-]digits[.digits][e[+-]digits], or nan/inf
// in any case (Python prints "nan", "NAN" for {:E}, Lightning "nan.0"). Exact to the nearest double
// for the short numbers logs print, without the locale. `pos` moves past it; false if none.
// With `grouped`, "10,050" reads as 10050 (torchtitan prints tps with {:,}).
bool parse_number(std::string_view s, size_t& pos, double& out, int shift10 = 0, bool grouped = false);
// The number after `key` (blanks and one ':' or '=' skipped), `shift10` powers of ten applied
// exactly (-3 turns milliseconds into seconds without a rounding step of its own).
std::optional<double> number_after(std::string_view s, std::string_view key, int shift10 = 0);
// The same, for records whose keys may be broken by a hard wrap (spaces in the key and the text
// are both ignored while matching: "global batch" + newline + "size:" still matches).
std::optional<double> number_after_loose(std::string_view s, std::string_view key, int shift10 = 0);
// An integer at s[pos] (blanks skipped); false if no digit.
bool parse_integer(std::string_view s, size_t& pos, long long& out);
// A metric/SI suffix right after a number: K M G T P E (also B, billions) -> its power of ten; 0 if none.
int si_suffix_power(std::string_view s, size_t pos);
// "YYYY-MM-DD HH:MM:SS" with optional ",mmm" or ".mmm" (up to microseconds) at s[pos]: whole
// microseconds since 1970 (no zone), exact in a double, so differences of timestamps are exact.
std::optional<double> parse_timestamp_us(std::string_view s, size_t pos);

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
class StepSink {
public:
    // The records in order, in blocks that never move once written. A std::vector doubles as it
    // grows, copying every record into fresh memory each time: a progress-bar log has a record per
    // 170 bytes, so its records outweigh the log itself, and that copying and the page faults of the
    // fresh memory were a third of its step parse (bench_log_parse). Blocks are written once.
    class Records {
    public:
        size_t size() const { return size_; }
        bool empty() const { return size_ == 0; }
        StepRecord& operator[](size_t i) { return blocks_[i / kBlock][i % kBlock]; }
        const StepRecord& operator[](size_t i) const { return blocks_[i / kBlock][i % kBlock]; }
        void push_back(const StepRecord& r) {
            if (size_ % kBlock == 0) blocks_.emplace_back(new StepRecord[kBlock]);
            blocks_.back()[size_++ % kBlock] = r;
        }

    private:
        static constexpr size_t kBlock = 256;  // 43 KB
        std::vector<std::unique_ptr<StepRecord[]>> blocks_;
        size_t size_ = 0;
    };

    void add(const StepRecord& r);
    Records& records() { return records_; }

private:
    Records records_;
};

// ---- Framework parsers --------------------------------------------------------------------------
// Each format has an anchor (a fixed string every record of it contains), a validator `X_at` that
// turns an anchor hit at k into the record around it (or nothing: the string occurred elsewhere;
// `from` bounds how far back a record may start), `X_next` (the next record at or after `from`) and
// a parse over the whole text. Detection runs all anchors in one pass and the same validators.
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
std::optional<Span> nemo1_next(std::string_view text, size_t from);
void nemo1_parse(std::string_view text, StepSink& sink);

std::optional<Span> torchtitan_at(std::string_view text, size_t k, size_t from);
std::optional<Span> torchtitan_next(std::string_view text, size_t from);
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
