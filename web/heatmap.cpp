#include "heatmap.hpp"

#include <algorithm>

namespace tp::web {

namespace {

void add_axis_value(std::vector<int>& axis, int v) {
    const auto at = std::lower_bound(axis.begin(), axis.end(), v);
    if (at == axis.end() || *at != v) axis.insert(at, v);
}

size_t axis_index(const std::vector<int>& axis, int v) { return size_t(std::lower_bound(axis.begin(), axis.end(), v) - axis.begin()); }

}  // namespace

HeatmapTable heatmap_table(const SearchResult& r) {
    HeatmapTable t;
    // The axes come from the rejected combinations too, so a TP or PP where nothing fits still gets its cells.
    for (const Candidate& c : r.candidates) {
        add_axis_value(t.tp, c.config.tp);
        add_axis_value(t.pp, c.config.pp);
    }
    for (const Rejected& x : r.rejected) {
        add_axis_value(t.tp, x.config.tp);
        add_axis_value(t.pp, x.config.pp);
    }
    t.cells.resize(t.tp.size() * t.pp.size());
    for (size_t row = 0; row < t.pp.size(); ++row)
        for (size_t column = 0; column < t.tp.size(); ++column) {
            HeatmapCell& cell = t.cells[row * t.tp.size() + column];
            cell.tp = t.tp[column];
            cell.pp = t.pp[row];
        }
    auto cell_of = [&t](const TrainConfig& k) -> HeatmapCell& { return t.cells[axis_index(t.pp, k.pp) * t.tp.size() + axis_index(t.tp, k.tp)]; };
    for (size_t i = 0; i < r.candidates.size(); ++i) {
        const Candidate& c = r.candidates[i];
        HeatmapCell& cell = cell_of(c.config);
        ++cell.fitting;
        if (cell.best < 0 || c.estimate.tokens_per_s_per_gpu > cell.tokens_per_s_per_gpu) {
            cell.best = int(i);
            cell.tokens_per_s_per_gpu = c.estimate.tokens_per_s_per_gpu;
        }
    }
    for (size_t i = 0; i < r.rejected.size(); ++i) {
        const Rejected& x = r.rejected[i];
        HeatmapCell& cell = cell_of(x.config);
        if (cell.first_rejected < 0) cell.first_rejected = int(i);
        ++cell.rejected;
        // search_out_of_memory_reason (core/search.hpp) starts every memory rejection this way.
        if (x.reason.rfind("out of memory", 0) == 0) ++cell.out_of_memory;
    }
    bool any = false;
    for (const HeatmapCell& cell : t.cells) {
        if (cell.best < 0) continue;
        t.min = any ? std::min(t.min, cell.tokens_per_s_per_gpu) : cell.tokens_per_s_per_gpu;
        t.max = any ? std::max(t.max, cell.tokens_per_s_per_gpu) : cell.tokens_per_s_per_gpu;
        any = true;
    }
    return t;
}

float heatmap_level(const HeatmapTable& t, const HeatmapCell& c) {
    if (c.best < 0) return -1.0f;
    if (!(t.max > t.min)) return 1.0f;
    return float(std::clamp((c.tokens_per_s_per_gpu - t.min) / (t.max - t.min), 0.0, 1.0));
}

std::vector<float> heatmap_levels(const HeatmapTable& t) {
    std::vector<float> levels;
    levels.reserve(t.cells.size());
    for (const HeatmapCell& c : t.cells) levels.push_back(heatmap_level(t, c));
    return levels;
}

}  // namespace tp::web
