// heatmap.hpp — the table behind the training plan's TP x PP heatmap: for every tensor- and pipeline-parallel
// size the search evaluated, the fitting candidate with the best predicted tokens/s/GPU, or none. Pure (no ImGui,
// no GL), so the native tests check it directly; panel_heatmap.cpp draws it through heatmap_gl.hpp.
#pragma once

#include <string>
#include <vector>

#include "search.hpp"

namespace tp::web {

struct HeatmapCell {
    int tp = 0, pp = 0;
    int best = -1;                    // index into SearchResult::candidates of the fastest that fits; -1: none fits
    double tokens_per_s_per_gpu = 0;  // of `best` (0 when none fits)
    int fitting = 0;                  // candidates with this TP and PP
    int rejected = 0;                 // rejected combinations with this TP and PP ...
    int out_of_memory = 0;            // ... of which the memory estimate removed these
    int first_rejected = -1;          // index into SearchResult::rejected of the first one (its reason is an example)
};

struct HeatmapTable {
    std::vector<int> tp, pp;         // the axes: every TP and PP among the candidates and the rejected, ascending
    std::vector<HeatmapCell> cells;  // one row per PP, one column per TP: cells[row * tp.size() + column]
    double min = 0, max = 0;         // tokens/s/GPU over the cells where something fits (0 and 0 when nothing does)

    size_t columns() const { return tp.size(); }
    size_t rows() const { return pp.size(); }
    const HeatmapCell& at(size_t column, size_t row) const { return cells[row * tp.size() + column]; }
};

// Ties in tokens/s/GPU keep the better-ranked candidate (the earlier one: candidates are in rank order).
HeatmapTable heatmap_table(const SearchResult& r);

// A cell's place on the colour map: 0 for the slowest cell with a fitting candidate, 1 for the fastest, linear
// in tokens/s/GPU between; -1 where nothing fits. When every such cell is equally fast, they all get 1.
float heatmap_level(const HeatmapTable& t, const HeatmapCell& c);
// heatmap_level of every cell, in the order of `cells` (what the shader's texture holds).
std::vector<float> heatmap_levels(const HeatmapTable& t);

// What the heatmap panel keeps between frames (AppState::heatmap).
struct HeatmapView {
    std::string grid_key;  // AppState::grid_key of the grid `table` was built from
    HeatmapTable table;
    std::vector<float> levels;  // heatmap_levels(table)
    int hovered = -1;      // index into table.cells under the pointer in the last frame, -1: none
};

}  // namespace tp::web
