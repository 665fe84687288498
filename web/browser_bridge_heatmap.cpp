// browser_bridge_heatmap.cpp — the end-to-end test's view of the TP x PP heatmap and of the display (canvas
// size, device pixel ratio): more of browser_bridge.cpp's JS-callable API, with the same rule for the strings
// returned (static buffers, valid until the next call of the same function).
#include <emscripten.h>

#include <string>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "app_state.hpp"
#include "display_scale.hpp"
#include "heatmap_gl.hpp"

extern "C" {

// The heatmap as last drawn: {"tp": [...], "pp": [...] (the axes), "min", "max" (tokens/s/GPU over the cells that
// have a fitting candidate), "cells": [{"tp", "pp", "best": candidate index or -1, "rank", "tokens_per_s_per_gpu",
// "level": 0..1 on the colour map or -1, "fitting", "rejected", "out_of_memory"}, ...] (row by row: one row per PP),
// "hovered": the cell under the pointer or null, "rect": [x, y, w, h] of the cells in CSS pixels (equal cells,
// row 0 at the top), "texture": {"drawn", "width", "height", "renders"} (the shader's output in device pixels)}.
EMSCRIPTEN_KEEPALIVE const char* tp_heatmap_json() {
    static std::string out;
    const tp::web::AppState& s = tp::web::app_state();
    const tp::web::HeatmapView& v = s.heatmap;
    const tp::web::HeatmapTable& t = v.table;
    nlohmann::json cells = nlohmann::json::array();
    for (size_t i = 0; i < t.cells.size(); ++i) {
        const tp::web::HeatmapCell& c = t.cells[i];
        const int rank = c.best >= 0 ? s.grid.candidates[size_t(c.best)].rank : 0;
        cells.push_back({{"tp", c.tp}, {"pp", c.pp}, {"best", c.best}, {"rank", rank}, {"tokens_per_s_per_gpu", c.tokens_per_s_per_gpu},
                         {"level", i < v.levels.size() ? v.levels[i] : -1.0f}, {"fitting", c.fitting}, {"rejected", c.rejected},
                         {"out_of_memory", c.out_of_memory}});
    }
    nlohmann::json hovered = nullptr;
    if (v.hovered >= 0 && size_t(v.hovered) < t.cells.size()) hovered = {{"tp", t.cells[size_t(v.hovered)].tp}, {"pp", t.cells[size_t(v.hovered)].pp}};
    nlohmann::json rect = nullptr;
    for (const tp::web::WidgetRect& r : s.rects)
        if (r.id == "heatmap") rect = {r.x, r.y, r.w, r.h};
    const tp::web::HeatmapImage& image = tp::web::heatmap_image_last(tp::web::heatmap_slot_table);
    const nlohmann::json texture = {{"drawn", image.texture != nullptr}, {"width", image.width}, {"height", image.height}, {"renders", image.renders}};
    out = nlohmann::json({{"tp", t.tp}, {"pp", t.pp}, {"min", t.min}, {"max", t.max}, {"cells", cells}, {"hovered", hovered}, {"rect", rect},
                          {"texture", texture}})
              .dump();
    return out.c_str();
}

// The display as the last frame set it up: {"css": [w, h] (the canvas' CSS size), "dpr", "framebuffer": [w, h]
// (the drawing buffer), "imgui_display": [w, h] (io.DisplaySize), "imgui_scale": [x, y] (io.DisplayFramebufferScale),
// "font_pixels" (the font atlas' rasterised size), "font_scale" (io.FontGlobalScale)}.
EMSCRIPTEN_KEEPALIVE const char* tp_display_json() {
    static std::string out;
    const tp::web::DisplayMetrics& m = tp::web::display_metrics();
    const ImGuiIO& io = ImGui::GetIO();
    out = nlohmann::json({{"css", {m.css_width, m.css_height}}, {"dpr", m.device_pixel_ratio},
                          {"framebuffer", {m.framebuffer_width, m.framebuffer_height}},
                          {"imgui_display", {io.DisplaySize.x, io.DisplaySize.y}},
                          {"imgui_scale", {io.DisplayFramebufferScale.x, io.DisplayFramebufferScale.y}},
                          {"font_pixels", m.font_pixels}, {"font_scale", io.FontGlobalScale}})
              .dump();
    return out.c_str();
}

}  // extern "C"
