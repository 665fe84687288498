// Fixed-string search for the log parsers: logs are hundreds of megabytes of lines that mostly do not
// matter, so finding the few that do must run near memory speed (issue 5: at least half of grep's
// rate). std::string_view::find stops at every occurrence of the pattern's first byte; these skip.
//
// Finder is Boyer-Moore-Horspool (R. N. Horspool, "Practical fast searching in strings", Software:
// Practice and Experience 10(6), 1980): compare the window's last byte, shift by how far that byte
// is from the pattern's end. MultiFinder is Wu-Manber (S. Wu, U. Manber, "A fast algorithm for
// multi-pattern searching", TR-94-17, University of Arizona, 1994) with blocks of three bytes: one
// pass over the text for all the failure patterns at once, shifting by the shortest pattern's length.
#include <algorithm>
#include <cstring>

#include "log_parse_internal.hpp"

namespace tp::logparse {

Finder::Finder(std::string_view pattern) : pattern_(pattern) {
    const size_t m = pattern_.size();
    const size_t fill = std::min<size_t>(m == 0 ? 1 : m, 255);
    skip_.fill(uint8_t(fill));
    for (size_t j = 0; j + 1 < m; ++j) skip_[static_cast<unsigned char>(pattern_[j])] = uint8_t(std::min<size_t>(m - 1 - j, 255));
}

size_t Finder::find(std::string_view text, size_t from) const {
    const size_t m = pattern_.size(), n = text.size();
    if (from > n) return text.npos;
    if (m == 0) return from;
    const char* t = text.data();
    const char* p = pattern_.data();
    const char last = p[m - 1];
    for (size_t i = from; i + m <= n;) {
        const char c = t[i + m - 1];
        if (c == last && std::memcmp(t + i, p, m - 1) == 0) return i;
        i += skip_[static_cast<unsigned char>(c)];
    }
    return text.npos;
}

namespace {

// Wu-Manber's block of three bytes, hashed into 16 bits (the first and last byte exactly, the middle
// one folded in): longer blocks are rarer in text than pairs, so the scan shifts by the full window
// more often.
inline uint16_t block_hash(unsigned char a, unsigned char b, unsigned char c) {
    return uint16_t(((unsigned(a) << 8) | c) ^ (unsigned(b) << 4));
}

}  // namespace

MultiFinder::MultiFinder(std::vector<std::string_view> patterns) : patterns_(std::move(patterns)) {
    window_ = patterns_.empty() ? 3 : patterns_.front().size();
    for (std::string_view p : patterns_) window_ = std::min(window_, p.size());
    window_ = std::max<size_t>(window_, 3);
    const size_t max_shift = std::min<size_t>(window_ - 2, 255);
    shift_.assign(65536, uint8_t(max_shift));
    for (size_t idx = 0; idx < patterns_.size(); ++idx) {
        std::string_view p = patterns_[idx];
        if (p.size() < window_) continue;  // never matched: every pattern here is at least 3 bytes
        auto at = [&](size_t j) {
            return block_hash(static_cast<unsigned char>(p[j - 2]), static_cast<unsigned char>(p[j - 1]), static_cast<unsigned char>(p[j]));
        };
        for (size_t j = 2; j < window_; ++j)
            shift_[at(j)] = std::min<uint8_t>(shift_[at(j)], uint8_t(std::min<size_t>(window_ - 1 - j, 255)));
        candidates_.push_back({at(window_ - 1), uint16_t(idx)});
    }
    std::sort(candidates_.begin(), candidates_.end());
}

void MultiFinder::scan(std::string_view text, const std::function<bool(size_t, size_t)>& on_match) const {
    const size_t n = text.size(), m = window_;
    if (patterns_.empty() || n < m) return;
    const auto* t = reinterpret_cast<const unsigned char*>(text.data());
    for (size_t end = m - 1; end < n;) {
        const uint16_t block = block_hash(t[end - 2], t[end - 1], t[end]);
        const uint8_t s = shift_[block];
        if (s != 0) {
            end += s;
            continue;
        }
        // The window's last three bytes may end some pattern's first `m` bytes: check those patterns.
        const size_t start = end + 1 - m;
        auto it = std::lower_bound(candidates_.begin(), candidates_.end(), std::pair<uint16_t, uint16_t>{block, 0});
        for (; it != candidates_.end() && it->first == block; ++it) {
            std::string_view p = patterns_[it->second];
            if (start + p.size() <= n && std::memcmp(text.data() + start, p.data(), p.size()) == 0)
                if (!on_match(it->second, start)) return;
        }
        ++end;
    }
}

}  // namespace tp::logparse
