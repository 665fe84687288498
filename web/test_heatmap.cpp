// test_heatmap.cpp — the TP x PP heatmap natively: the table built from a search result (heatmap.hpp), on a small
// hand-made result whose every cell is known and on the page's default grid, and the panel on the headless ImGui
// (no GL: heatmap_gl_null.cpp), where hovering a cell names it and a click selects that cell's best candidate.
#include <gtest/gtest.h>
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "heatmap.hpp"
#include "heatmap_gl.hpp"
#include "model_presets.hpp"
#include "panels.hpp"
#include "test_headless.hpp"

namespace tp::web {
namespace {

Candidate candidate(int tp, int pp, double tokens, int rank) {
    Candidate c;
    c.config.tp = tp;
    c.config.pp = pp;
    c.estimate.tokens_per_s_per_gpu = tokens;
    c.rank = rank;
    return c;
}

Rejected rejected(int tp, int pp, const std::string& reason) {
    Rejected x;
    x.config.tp = tp;
    x.config.pp = pp;
    x.reason = reason;
    return x;
}

// TP 1, 2, 4 x PP 1, 2: TP 4 appears only among the rejected (so its cells are "none fit"), TP 2 PP 2 has a tie.
SearchResult small_result() {
    SearchResult r;
    r.candidates = {candidate(2, 1, 900, 1), candidate(1, 2, 800, 2), candidate(2, 2, 700, 3), candidate(2, 1, 850, 4),
                    candidate(2, 2, 700, 5), candidate(1, 1, 500, 6)};
    r.rejected = {rejected(4, 1, "out of memory: needs 90.0 GiB, 75.4 GiB usable"), rejected(4, 2, "tp x pp x cp must divide the GPUs"),
                  rejected(4, 2, "out of memory: needs 80.0 GiB, 75.4 GiB usable"), rejected(1, 1, "gbs not divisible")};
    return r;
}

TEST(HeatmapTable, AxesBestCellAndRange) {
    const SearchResult r = small_result();
    const HeatmapTable t = heatmap_table(r);
    EXPECT_EQ(t.tp, (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(t.pp, (std::vector<int>{1, 2}));
    ASSERT_EQ(t.cells.size(), 6u);
    EXPECT_DOUBLE_EQ(t.min, 500);
    EXPECT_DOUBLE_EQ(t.max, 900);
    struct Want {
        size_t column, row;
        int tp, pp, best;
        double tokens;
        int fitting, rejected, out_of_memory;
    };
    for (const Want& w : {Want{0, 0, 1, 1, 5, 500, 1, 1, 0}, Want{1, 0, 2, 1, 0, 900, 2, 0, 0}, Want{2, 0, 4, 1, -1, 0, 0, 1, 1},
                          Want{0, 1, 1, 2, 1, 800, 1, 0, 0}, Want{1, 1, 2, 2, 2, 700, 2, 0, 0}, Want{2, 1, 4, 2, -1, 0, 0, 2, 1}}) {
        const HeatmapCell& c = t.at(w.column, w.row);
        SCOPED_TRACE("TP " + std::to_string(w.tp) + " PP " + std::to_string(w.pp));
        EXPECT_EQ(c.tp, w.tp);
        EXPECT_EQ(c.pp, w.pp);
        EXPECT_EQ(c.best, w.best);  // the tie at TP 2 PP 2 (700, 700) keeps the better rank, index 2
        EXPECT_DOUBLE_EQ(c.tokens_per_s_per_gpu, w.tokens);
        EXPECT_EQ(c.fitting, w.fitting);
        EXPECT_EQ(c.rejected, w.rejected);
        EXPECT_EQ(c.out_of_memory, w.out_of_memory);
        if (w.rejected > 0) EXPECT_EQ(r.rejected[size_t(c.first_rejected)].config.tp, w.tp);
        else EXPECT_EQ(c.first_rejected, -1);
    }
    // Levels: linear between the slowest (0) and the fastest (1) cell, -1 where nothing fits; row by row.
    const std::vector<float> levels = heatmap_levels(t);
    const std::vector<float> want = {0.0f, 1.0f, -1.0f, 0.75f, 0.5f, -1.0f};
    ASSERT_EQ(levels.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_FLOAT_EQ(levels[i], want[i]) << i;
}

TEST(HeatmapTable, EmptyAndUniformResults) {
    const HeatmapTable empty = heatmap_table(SearchResult{});
    EXPECT_TRUE(empty.tp.empty() && empty.pp.empty() && empty.cells.empty());
    EXPECT_TRUE(heatmap_levels(empty).empty());

    SearchResult none_fit;
    none_fit.rejected = {rejected(8, 4, "out of memory: needs 1.0 GiB")};
    const HeatmapTable all_rejected = heatmap_table(none_fit);
    ASSERT_EQ(all_rejected.cells.size(), 1u);
    EXPECT_EQ(all_rejected.cells[0].best, -1);
    EXPECT_EQ(all_rejected.min, 0);
    EXPECT_EQ(all_rejected.max, 0);
    EXPECT_EQ(heatmap_levels(all_rejected), std::vector<float>{-1.0f});

    SearchResult uniform;
    uniform.candidates = {candidate(1, 1, 300, 1), candidate(2, 1, 300, 2)};
    EXPECT_EQ(heatmap_levels(heatmap_table(uniform)), (std::vector<float>{1.0f, 1.0f}));  // no range: all at the top
}

// The page's default grid: every candidate and every rejection lands in its cell, and no candidate beats its cell's best.
TEST(HeatmapTable, DefaultGrid) {
    AppState s;
    app_update_grid(s);
    ASSERT_FALSE(s.grid.candidates.empty());
    const HeatmapTable t = heatmap_table(s.grid);
    size_t fitting = 0, rejected_total = 0;
    for (const HeatmapCell& c : t.cells) {
        fitting += size_t(c.fitting);
        rejected_total += size_t(c.rejected);
        if (c.best >= 0) {
            const Candidate& b = s.grid.candidates[size_t(c.best)];
            EXPECT_EQ(b.config.tp, c.tp);
            EXPECT_EQ(b.config.pp, c.pp);
        }
    }
    EXPECT_EQ(fitting, s.grid.candidates.size());
    EXPECT_EQ(rejected_total, s.grid.rejected.size());
    for (const Candidate& c : s.grid.candidates) {
        const HeatmapCell* cell = nullptr;
        for (const HeatmapCell& x : t.cells)
            if (x.tp == c.config.tp && x.pp == c.config.pp) cell = &x;
        ASSERT_NE(cell, nullptr);
        EXPECT_LE(c.estimate.tokens_per_s_per_gpu, cell->tokens_per_s_per_gpu);
    }
    double fastest = 0;
    for (const Candidate& c : s.grid.candidates) fastest = std::max(fastest, c.estimate.tokens_per_s_per_gpu);
    EXPECT_DOUBLE_EQ(t.max, fastest);
}

// The panel alone in a window on ImGui without backends (as test_panels_headless.cpp does for every panel).
class HeatmapPanel : public HeadlessImGui {
protected:
    void frame() {
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(0, 0), ImGuiCond_Always);
        ImGui::SetNextWindowSize(ImVec2(900, 600), ImGuiCond_Always);
        ImGui::Begin("panel");
        app_update_grid(app_state());
        panel_heatmap(app_state(), 0);
        ImGui::End();
        ImGui::Render();
    }
    // The centre of a cell, from the rectangle the panel recorded for its cells.
    ImVec2 cell_centre(size_t column, size_t row) {
        const HeatmapTable& t = app_state().heatmap.table;
        for (const WidgetRect& r : app_state().rects)
            if (r.id == "heatmap")
                return ImVec2(r.x + r.w * (float(column) + 0.5f) / float(t.columns()), r.y + r.h * (float(row) + 0.5f) / float(t.rows()));
        ADD_FAILURE() << "no heatmap rectangle recorded";
        return ImVec2(0, 0);
    }
    void click(ImVec2 at) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = at;
        frame();
        io.MouseDown[0] = true;
        frame();
        io.MouseDown[0] = false;
        frame();
    }
};

TEST_F(HeatmapPanel, HoverNamesTheCellAndAClickSelectsItsBest) {
    // Llama 3 70B on 4 nodes of 8 H100: small TP x PP cannot hold it, so some cells have nothing that fits.
    AppState& s = app_state();
    s.inputs.model_preset = "llama3-70b";
    s.inputs.model = *model_preset_find("llama3-70b");
    s.inputs.training.nodes = 4;
    frame();
    frame();
    const HeatmapTable& t = s.heatmap.table;
    ASSERT_GT(t.cells.size(), 1u);
    int fit = -1, none = -1;
    for (size_t i = 0; i < t.cells.size(); ++i) {
        if (t.cells[i].best > 0 && fit < 0) fit = int(i);  // best > 0: a selection that differs from the default 0
        if (t.cells[i].best < 0 && none < 0) none = int(i);
    }
    ASSERT_GE(fit, 0) << "no cell whose best candidate is not rank 1";
    ASSERT_GE(none, 0) << "expected a cell where nothing fits";
    const HeatmapImage& image = heatmap_image_last(heatmap_slot_table);
    EXPECT_EQ(image.texture, nullptr);  // no GL here
    EXPECT_GT(image.width, 0);

    const ImVec2 at = cell_centre(size_t(fit) % t.columns(), size_t(fit) / t.columns());
    ImGui::GetIO().MousePos = at;
    frame();
    EXPECT_EQ(s.heatmap.hovered, fit);
    EXPECT_EQ(s.selected, 0);
    click(at);
    EXPECT_EQ(s.selected, t.cells[size_t(fit)].best);
    const int selected = s.selected;
    click(cell_centre(size_t(none) % t.columns(), size_t(none) / t.columns()));
    EXPECT_EQ(s.heatmap.hovered, none);
    EXPECT_EQ(s.selected, selected);  // a "none fit" cell selects nothing
    ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    frame();
    EXPECT_EQ(s.heatmap.hovered, -1);
}

TEST_F(HeatmapPanel, TinyDisplaysAndNoGrid) {
    for (ImVec2 size : {ImVec2(320, 200), ImVec2(1, 1), ImVec2(0, 0)}) {
        ImGui::GetIO().DisplaySize = size;
        frame();
        frame();
    }
    app_state().inputs.gpu = "no-such-gpu";  // an empty grid: the panel says so instead of drawing cells
    ImGui::GetIO().DisplaySize = ImVec2(1280, 720);
    frame();
    EXPECT_TRUE(app_state().heatmap.table.cells.empty());
}

}  // namespace
}  // namespace tp::web
