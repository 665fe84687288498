// heatmap_gl_null.cpp — heatmap_gl.hpp without a GPU, for the native headless panel test (web/panels_test.cmake):
// nothing is rendered and no texture is returned; the sizes asked for are kept so a test can read them back.
#include "heatmap_gl.hpp"

namespace tp::web {

namespace {
HeatmapImage g_images[heatmap_slot_count];
}

const HeatmapImage& heatmap_image(HeatmapSlot slot, const std::vector<float>&, int, int, int width, int height, float, float) {
    HeatmapImage& image = g_images[slot];
    image.width = width;
    image.height = height;
    return image;
}

const HeatmapImage& heatmap_image_last(HeatmapSlot slot) { return g_images[slot]; }

}  // namespace tp::web
