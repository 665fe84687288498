// Fixed-string search for the log parsers: logs are hundreds of megabytes of lines that mostly do not
// matter, so finding the few that do must run near memory speed (issue 5: at least half of grep's
// rate). std::string_view::find stops at every occurrence of the pattern's first byte ("s" of
// "step:" is in every other word); these do not, and no step of their loops waits on the one before
// (a Boyer-Moore-Horspool shift does: load, table lookup, add), so they run at the rate bytes load.
//
// Finder compares a pattern's first and last bytes at sixteen starts at once (SSE2; eight on 64-bit
// words where there is none), and the whole pattern only where both match (W. Mula, "SIMD-friendly
// algorithms for substring searching", 2016, the SSE2 and the generic algorithm). MultiFinder borrows Wu-Manber's blocks (S. Wu, U. Manber, "A
// fast algorithm for multi-pattern searching", TR-94-17, University of Arizona, 1994): one pass over
// the text for all the failure patterns at once, looking at one block of four bytes per (shortest
// pattern's length - 3) bytes and checking the patterns only where that block belongs to one.
#include <algorithm>
#include <bit>
#include <cstring>

#include "log_parse_internal.hpp"

namespace tp::logparse {

size_t Finder::find(std::string_view text, size_t from) const {
    const size_t m = pattern_.size(), n = text.size();
    if (from > n) return text.npos;
    if (m == 0) return from;
    const char* t = text.data();
    const auto first = static_cast<unsigned char>(pattern_.front()), last = static_cast<unsigned char>(pattern_.back());
    auto match = [&](size_t i) {
        return static_cast<unsigned char>(t[i]) == first && static_cast<unsigned char>(t[i + m - 1]) == last &&
               same_bytes(t + i, pattern_.data(), m);
    };
    size_t i = from;
#if TP_LOGPARSE_SSE2
    // The same with sixteen starts per compare, two blocks per round (one branch per 32 bytes).
    const __m128i vf = _mm_set1_epi8(char(first)), vl = _mm_set1_epi8(char(last));
    auto starts = [&](size_t at) {  // bit j: start at+j has the first and the last byte
        const __m128i f = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at)), vf);
        const __m128i l = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at + m - 1)), vl);
        return uint32_t(_mm_movemask_epi8(_mm_and_si128(f, l)));
    };
    for (; i + m - 1 + 32 <= n; i += 32) {
        for (uint32_t mask = starts(i) | starts(i + 16) << 16; mask != 0; mask &= mask - 1) {
            const size_t k = i + size_t(std::countr_zero(mask));
            if (same_bytes(t + k, pattern_.data(), m)) return k;  // inline: a call per record cost more
        }
    }
#endif
    // The word at i holds the first bytes of the starts i..i+7, the word at i+m-1 their last bytes.
    for (; i + m - 1 + 8 <= n; i += 8)
        if (bytes_equal(load_word(t + i), first) & bytes_equal(load_word(t + i + m - 1), last))
            for (size_t k = i; k < i + 8; ++k)
                if (match(k)) return k;
    for (; i + m <= n; ++i)
        if (match(i)) return i;
    return text.npos;
}

namespace {

// Blocks of four bytes: blocks of three in the failure patterns ("ter", "ate", "ed ") are in every
// other log line, blocks of four seldom (1% of the samples of a Megatron log hit one, not 7%).
constexpr size_t kBlock = 4;

// The block ending at p (p[-3..0]) hashed to 16 bits (multiplicative hashing, Knuth, TAOCP vol. 3,
// 6.4).
// block_product is the product, whose top 16 bits are the hash.
inline uint32_t block_product(const unsigned char* p) {
    uint32_t x;
    std::memcpy(&x, p + 1 - kBlock, kBlock);
    return x * 0x9E3779B1u;
}
inline uint16_t block_hash(const unsigned char* p) { return uint16_t(block_product(p) >> 16); }

}  // namespace

MultiFinder::MultiFinder(std::vector<std::string_view> patterns) : patterns_(std::move(patterns)) {
    window_ = patterns_.empty() ? 3 : patterns_.front().size();
    for (std::string_view p : patterns_) window_ = std::min(window_, p.size());
    window_ = std::max(window_, kBlock);
    for (size_t idx = 0; idx < patterns_.size(); ++idx) {
        std::string_view p = patterns_[idx];
        if (p.size() < window_) continue;  // never matched: every pattern here is at least 4 bytes
        for (size_t j = kBlock - 1; j < window_; ++j) {
            const uint16_t h = block_hash(reinterpret_cast<const unsigned char*>(p.data()) + j);
            blocks_[h / 64] |= uint64_t(1) << (h % 64);
            coarse_[h / 4] = 1;
            entries_.push_back({h, uint16_t(j), uint16_t(idx)});
        }
    }
    std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
}

// A sample at `end` whose block some pattern has: every pattern with that block at offset j may
// start at end - j. Hits are reported in text order (by position, then pattern).
bool MultiFinder::check_sample(std::string_view text, size_t end, uint16_t hash, std::vector<std::pair<size_t, size_t>>& hits,
                               const std::function<bool(size_t, size_t)>& on_match) const {
    hits.clear();
    auto it = std::lower_bound(entries_.begin(), entries_.end(), hash, [](const Entry& e, uint16_t h) { return e.hash < h; });
    for (; it != entries_.end() && it->hash == hash; ++it) {
        if (it->offset > end) continue;
        const size_t start = end - it->offset;
        std::string_view p = patterns_[it->pattern];
        if (start + p.size() <= text.size() && same_bytes(text.data() + start, p.data(), p.size()))
            hits.push_back({start, it->pattern});
    }
    std::sort(hits.begin(), hits.end());
    for (const auto& [start, pattern] : hits)
        if (!on_match(pattern, start)) return false;
    return true;
}

void MultiFinder::scan(std::string_view text, const std::function<bool(size_t, size_t)>& on_match) const {
    const size_t n = text.size(), stride = window_ - kBlock + 1;
    if (patterns_.empty() || n < window_) return;
    // An occurrence starting at s has its first window_ bytes at s..s+window_-1, so blocks ending at
    // s+3..s+window_-1: `stride` consecutive ends, of which exactly one is a sample (3 + a multiple
    // of the stride). Sampling those ends alone finds every occurrence once, in text order; the
    // samples do not depend on each other (unlike a Wu-Manber shift), so the loop runs at the
    // rate the processor loads bytes, not at the latency of a load, a hash and a table lookup.
    const auto* t = reinterpret_cast<const unsigned char*>(text.data());
    std::vector<std::pair<size_t, size_t>> hits;
    const uint64_t* blocks = blocks_.data();  // registers, not a load of `this` per sample
    const uint8_t* coarse = coarse_.data();
    // Whether the block ending at p is some pattern's: its bit in the set, in bit 0 (the bits above
    // are other blocks', ignored). The hash's word and bit are taken from the product directly (its
    // top 10 bits and the 6 below), as h / 64 and h % 64 of block_hash.
    auto sample = [blocks](const unsigned char* p) {
        const uint32_t product = block_product(p);
        return blocks[product >> 22] >> (product >> 16 & 63);
    };
    // The coarse test, nonzero where `sample` may be set (and wherever it is): a multiplication, a
    // shift and a byte loaded.
    auto maybe = [coarse](const unsigned char* p) { return coarse[block_product(p) >> 18]; };
    size_t end = kBlock - 1;
    // Four samples per round and one branch for the four: nearly every sample misses (4 in 10,000
    // of a NeMo 1 log's hit), so their coarse bytes are ORed and, only when one is set, the four
    // looked at again one by one with the exact bits below. The loop runs at the rate instructions
    // issue, and a sample was about nine of them (a shift by a variable amount, a branch and the
    // loop's bookkeeping each); now it is about four.
    for (; end + 3 * stride < n; end += 4 * stride) {
        const unsigned char* p = t + end;
        if ((maybe(p) | maybe(p + stride) | maybe(p + 2 * stride) | maybe(p + 3 * stride)) == 0) continue;
        for (size_t e = end; e <= end + 3 * stride; e += stride)
            if ((sample(t + e) & 1) && !check_sample(text, e, block_hash(t + e), hits, on_match)) return;
    }
    for (; end < n; end += stride)
        if ((sample(t + end) & 1) && !check_sample(text, end, block_hash(t + end), hits, on_match)) return;
}

}  // namespace tp::logparse
