// heatmap_gl.hpp — the seam between the heatmap panel and the GPU, chosen at link time: the page links
// heatmap_gl.cpp (WebGL2: the levels become a float texture that shaders/heatmap.frag colours into a texture
// ImGui draws), the native headless test links heatmap_gl_null.cpp (no GL: no texture, so the panel lays out,
// hovers and clicks exactly as in the page but draws no colours).
#pragma once

#include <vector>

#include <imgui.h>

namespace tp::web {

// What a slot holds after its last heatmap_image call.
struct HeatmapImage {
    ImTextureID texture = nullptr;  // the rendered RGBA texture; nullptr without GL
    int width = 0, height = 0;      // its size in framebuffer pixels
    int renders = 0;                // how often the shader ran for this slot (only when the levels or the size change)
};

// Slots: one image each, kept between frames.
enum HeatmapSlot { heatmap_slot_table, heatmap_slot_legend, heatmap_slot_count };

// Colours `levels` (columns x rows, row-major, row 0 at the top; 0..1 on the colour map, < 0 none fit) into a
// width x height pixel image with `gap` transparent pixels between cells and hatch stripes `stripe` pixels wide.
// Called while the frame is built (before ImGui::Render); the GL state it changes is restored.
const HeatmapImage& heatmap_image(HeatmapSlot slot, const std::vector<float>& levels, int columns, int rows, int width, int height,
                                  float gap, float stripe);
// The slot's image as the last call left it (for the page's test API).
const HeatmapImage& heatmap_image_last(HeatmapSlot slot);

}  // namespace tp::web
