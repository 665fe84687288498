// log_parse_internal.hpp — what the log_parse_*.cpp files share: text scanning, numbers, the step
// records the framework parsers produce, and the parsers' entry points. Not a public header.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
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
size_t line_end(std::string_view text, size_t pos);    // the break ending that line, or text.size()
std::string_view line_at(std::string_view text, size_t pos);
std::string_view trim(std::string_view s);             // spaces, tabs, '\r', '\n' both ends

inline bool contains(std::string_view s, std::string_view pattern) { return s.find(pattern) != s.npos; }

// ---- Fast fixed-string search (log_parse_search.cpp) --------------------------------------------
// One pattern, Boyer-Moore-Horspool: the parsers' anchors over whole logs.
class Finder {
public:
    explicit Finder(std::string_view pattern);
    size_t find(std::string_view text, size_t from = 0) const;  // npos if none
    size_t size() const { return pattern_.size(); }

private:
    std::string pattern_;
    std::array<uint8_t, 256> skip_{};
};

// Many patterns in one pass, Wu-Manber: the failure classifier's patterns. on_match(pattern index,
// position) is called for every occurrence in text order; returning false stops the scan.
class MultiFinder {
public:
    explicit MultiFinder(std::vector<std::string_view> patterns);
    void scan(std::string_view text, const std::function<bool(size_t, size_t)>& on_match) const;

private:
    std::vector<std::string_view> patterns_;
    size_t window_ = 3;                                        // the shortest pattern's length
    std::vector<uint8_t> shift_;                               // per hashed three-byte block
    std::vector<std::pair<uint16_t, uint16_t>> candidates_;    // (last block of the window, pattern)
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
    void add(StepRecord r);
    std::vector<StepRecord>& records() { return records_; }

private:
    std::vector<StepRecord> records_;
};

// ---- Framework parsers --------------------------------------------------------------------------
// Each format has an anchor (a fixed string every record of it contains), a validator `X_at` that
// turns an anchor hit at k into the record around it (or nothing: the string occurred elsewhere;
// `from` bounds how far back a record may start), `X_next` (the next record at or after `from`) and
// a parse over the whole text. Detection runs all anchors in one pass and the same validators.
struct Span {
    size_t begin = 0, end = 0;  // the record's lines
    size_t anchor = 0;          // where the anchor matched (inside the span)
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
