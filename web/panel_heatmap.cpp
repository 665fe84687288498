// panel_heatmap.cpp — the training plan's TP x PP heatmap: one cell per tensor- and pipeline-parallel size of
// the grid, coloured by the best predicted tokens/s/GPU among the candidates that fit there (viridis, drawn by
// shaders/heatmap.frag through heatmap_gl.hpp), hatched where none fits. Hovering a cell shows its best candidate;
// a click selects it, so the memory bar under the tabs shows that candidate.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "estimate.hpp"
#include "heatmap.hpp"
#include "heatmap_gl.hpp"
#include "panels.hpp"

namespace tp::web {

namespace {

constexpr int kMaxTexture = 4096;  // pixels per side; WebGL2 guarantees at least 2048, desktop GPUs 4096 or more

void refresh(AppState& s) {
    HeatmapView& v = s.heatmap;
    if (v.grid_key == s.grid_key) return;
    v.grid_key = s.grid_key;
    v.table = heatmap_table(s.grid);
    v.levels = heatmap_levels(v.table);
    v.hovered = -1;
}

int framebuffer_pixels(float css, float scale) { return std::clamp(int(std::lround(css * scale)), 1, kMaxTexture); }

void cell_tooltip(const AppState& s, const HeatmapCell& c) {
    ImGui::BeginTooltip();
    ImGui::Text("TP %d, PP %d", c.tp, c.pp);
    if (c.best < 0) {
        ImGui::TextDisabled("none fit: %d combinations rejected, %d of them out of memory", c.rejected, c.out_of_memory);
        if (c.first_rejected >= 0) ImGui::TextDisabled("first: %s", s.grid.rejected[size_t(c.first_rejected)].reason.c_str());
    } else {
        const Candidate& b = s.grid.candidates[size_t(c.best)];
        const TrainConfig& k = b.config;
        const Estimate& e = b.estimate;
        ImGui::Text("%.0f tokens/s/GPU, MFU %.1f%%, step %.3f s", e.tokens_per_s_per_gpu, e.mfu * 100, e.time.total);
        ImGui::Text("rank %d: VP %d, CP %d, EP %d, MBS %d, GBS %d, %s", b.rank, k.vp, k.cp, k.ep, k.mbs, k.gbs,
                    recompute_choice_name({k.recompute, k.recompute_layers}).c_str());
        ImGui::Text("memory %.1f of %.1f GiB usable per GPU", e.memory.total / kGiB, e.usable_bytes / kGiB);
        ImGui::TextDisabled("best of %d fitting candidates here (%d rejected); click to select it", c.fitting, c.rejected);
    }
    ImGui::EndTooltip();
}

// The colour scale under the cells: the slowest cell's figure, the colour map, the fastest cell's figure.
void legend(const HeatmapTable& t) {
    static const std::vector<float> ramp = [] {
        std::vector<float> levels(64);
        for (size_t i = 0; i < levels.size(); ++i) levels[i] = float(i) / float(levels.size() - 1);
        return levels;
    }();
    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    const ImVec2 size(160, ImGui::GetTextLineHeight());
    ImGui::Text("%.0f", t.min);
    ImGui::SameLine();
    const HeatmapImage& image = heatmap_image(heatmap_slot_legend, ramp, int(ramp.size()), 1, framebuffer_pixels(size.x, scale.x),
                                              framebuffer_pixels(size.y, scale.y), 0.0f, 1.0f);
    if (image.texture != nullptr) ImGui::Image(image.texture, size);
    else ImGui::Dummy(size);
    ImGui::SameLine();
    ImGui::Text("%.0f tokens/s/GPU", t.max);
    ImGui::SameLine(0, 24);
    ImGui::TextDisabled("hatched: no candidate fits (hover for the reasons)");
}

}  // namespace

void panel_heatmap(AppState& s, float height) {
    refresh(s);
    HeatmapView& v = s.heatmap;
    const HeatmapTable& t = v.table;
    ImGui::BeginChild("heatmap", ImVec2(0, height), false);
    if (t.cells.empty()) {
        ImGui::TextDisabled("No TP x PP combination was evaluated.");
        ImGui::EndChild();
        return;
    }
    ImGui::TextDisabled("Best predicted tokens/s/GPU for each TP and PP among the candidates that fit; hover a cell for its "
                        "best candidate, click to select it.");

    // Geometry: row labels ("PP 4") on the left, cells, column labels ("TP 8") and the legend underneath.
    const ImGuiStyle& style = ImGui::GetStyle();
    const float line = ImGui::GetTextLineHeight();
    char text[32];
    float label_width = 0;
    for (int pp : t.pp) {
        std::snprintf(text, sizeof text, "PP %d", pp);
        label_width = std::max(label_width, ImGui::CalcTextSize(text).x);
    }
    const float left = std::floor(label_width + 2 * style.ItemSpacing.x);
    const float below = 2 * line + 3 * style.ItemSpacing.y;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float columns = float(t.columns()), rows = float(t.rows());
    const float cell_w = std::floor(std::clamp((avail.x - left) / columns, 12.0f, 160.0f));
    const float cell_h = std::floor(std::clamp((avail.y - below) / rows, 12.0f, 64.0f));
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const ImVec2 p0(origin.x + left, origin.y), size(cell_w * columns, cell_h * rows), p1(p0.x + size.x, p0.y + size.y);
    auto cell_min = [&](size_t column, size_t row) { return ImVec2(p0.x + cell_w * float(column), p0.y + cell_h * float(row)); };

    ImGui::SetCursorScreenPos(p0);
    const bool clicked = ImGui::InvisibleButton("cells", size);
    app_record_rect(s, "heatmap");
    v.hovered = -1;
    if (ImGui::IsItemHovered()) {
        const ImVec2 mouse = ImGui::GetIO().MousePos;
        const int column = std::clamp(int((mouse.x - p0.x) / cell_w), 0, int(t.columns()) - 1);
        const int row = std::clamp(int((mouse.y - p0.y) / cell_h), 0, int(t.rows()) - 1);
        v.hovered = row * int(t.columns()) + column;
        cell_tooltip(s, t.cells[size_t(v.hovered)]);
        if (clicked && t.cells[size_t(v.hovered)].best >= 0) s.selected = t.cells[size_t(v.hovered)].best;
    }

    const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
    const HeatmapImage& image = heatmap_image(heatmap_slot_table, v.levels, int(t.columns()), int(t.rows()), framebuffer_pixels(size.x, scale.x),
                                              framebuffer_pixels(size.y, scale.y), 2.0f * scale.x, 4.0f * scale.x);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    if (image.texture != nullptr) draw->AddImage(image.texture, p0, p1);
    const ImU32 label_color = ImGui::GetColorU32(ImGuiCol_Text);
    for (size_t row = 0; row < t.rows(); ++row) {
        std::snprintf(text, sizeof text, "PP %d", t.pp[row]);
        const ImVec2 at = cell_min(0, row);
        draw->AddText(ImVec2(p0.x - style.ItemSpacing.x - ImGui::CalcTextSize(text).x, at.y + (cell_h - line) / 2), label_color, text);
    }
    for (size_t column = 0; column < t.columns(); ++column) {
        std::snprintf(text, sizeof text, "TP %d", t.tp[column]);
        const ImVec2 at = cell_min(column, 0);
        draw->AddText(ImVec2(at.x + (cell_w - ImGui::CalcTextSize(text).x) / 2, p1.y + style.ItemSpacing.y), label_color, text);
    }
    // Each cell's figure, where it fits. Viridis gets lighter monotonically with the level, so the level alone picks
    // dark text (bright green and yellow cells) or light text (purple and blue ones, and the grey hatching).
    for (size_t i = 0; i < t.cells.size(); ++i) {
        const HeatmapCell& c = t.cells[i];
        if (c.best >= 0) std::snprintf(text, sizeof text, "%.0f", c.tokens_per_s_per_gpu);
        else std::snprintf(text, sizeof text, "none fit");
        const ImVec2 extent = ImGui::CalcTextSize(text);
        if (extent.x > cell_w - 6 || extent.y > cell_h - 4) continue;
        const ImVec2 at = cell_min(i % t.columns(), i / t.columns());
        const ImU32 color = v.levels[i] > 0.6f ? IM_COL32(20, 20, 24, 255) : IM_COL32(235, 235, 240, 255);
        draw->AddText(ImVec2(at.x + (cell_w - extent.x) / 2, at.y + (cell_h - extent.y) / 2), color, text);
    }
    // Outlines: the selected candidate's cell (white) and the one under the pointer.
    if (s.selected >= 0 && size_t(s.selected) < s.grid.candidates.size()) {
        const TrainConfig& k = s.grid.candidates[size_t(s.selected)].config;
        for (size_t i = 0; i < t.cells.size(); ++i)
            if (t.cells[i].tp == k.tp && t.cells[i].pp == k.pp) {
                const ImVec2 at = cell_min(i % t.columns(), i / t.columns());
                draw->AddRect(at, ImVec2(at.x + cell_w, at.y + cell_h), IM_COL32(255, 255, 255, 255), 0.0f, 0, 2.0f);
            }
    }
    if (v.hovered >= 0) {
        const ImVec2 at = cell_min(size_t(v.hovered) % t.columns(), size_t(v.hovered) / t.columns());
        draw->AddRect(at, ImVec2(at.x + cell_w, at.y + cell_h), IM_COL32(255, 255, 255, 150));
    }

    ImGui::SetCursorScreenPos(ImVec2(origin.x, p1.y + line + 2 * style.ItemSpacing.y));
    legend(t);
    ImGui::EndChild();
}

}  // namespace tp::web
