#include "display_scale.hpp"

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <imgui.h>
#include <imgui_impl_opengl3.h>

namespace tp::web {

namespace {

constexpr const char* kCanvas = "#canvas";  // public/index.html
DisplayMetrics g_metrics;

// ProggyClean (ImGui's built-in font) at 13 x DPR pixels, drawn at 1 / DPR: 13 CSS pixels, one atlas texel per
// device pixel. Settings as AddFontDefault() uses without a template (no oversampling, snapped to pixels).
void rebuild_font(float pixels) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig config;
    config.SizePixels = pixels;
    config.OversampleH = config.OversampleV = 1;
    config.PixelSnapH = true;
    io.Fonts->AddFontDefault(&config);
    io.FontGlobalScale = 13.0f / pixels;
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
}

}  // namespace

DisplayMetrics display_follow_canvas(GLFWwindow* window) {
    DisplayMetrics m;
    emscripten_get_element_css_size(kCanvas, &m.css_width, &m.css_height);
    m.css_width = std::max(m.css_width, 1.0);
    m.css_height = std::max(m.css_height, 1.0);
    m.device_pixel_ratio = std::max(emscripten_get_device_pixel_ratio(), 0.25);
    m.framebuffer_width = std::max(1, int(std::lround(m.css_width * m.device_pixel_ratio)));
    m.framebuffer_height = std::max(1, int(std::lround(m.css_height * m.device_pixel_ratio)));

    // GLFW's window is the CSS size. Not through glfwSetWindowSize: in 3.1.6 a size equal to the screen's (a
    // browser in F11 full screen; headless Chromium under Playwright, whose screen is the viewport) makes it
    // request full screen instead, wrapping the canvas in a new element on each call. emscripten_set_canvas_size
    // takes the path GLFW itself uses to follow canvas resizes (Browser.setCanvasSize, whose resize listener
    // updates GLFW's window size); it is deprecated only because it cannot name a canvas, and the page has one.
    int window_width = 0, window_height = 0;
    glfwGetWindowSize(window, &window_width, &window_height);
    const int css_width = int(std::lround(m.css_width)), css_height = int(std::lround(m.css_height));
    if (window_width != css_width || window_height != css_height) {
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
        emscripten_set_canvas_size(css_width, css_height);
#pragma clang diagnostic pop
    }
    // The drawing buffer: device pixels (that call above set it to CSS pixels).
    int buffer_width = 0, buffer_height = 0;
    emscripten_get_canvas_element_size(kCanvas, &buffer_width, &buffer_height);
    if (buffer_width != m.framebuffer_width || buffer_height != m.framebuffer_height)
        emscripten_set_canvas_element_size(kCanvas, m.framebuffer_width, m.framebuffer_height);

    m.font_pixels = std::max(1.0f, std::round(13.0f * float(m.device_pixel_ratio)));
    if (m.font_pixels != g_metrics.font_pixels) rebuild_font(m.font_pixels);
    g_metrics = m;
    return m;
}

void display_apply(const DisplayMetrics& m) {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(m.css_width), float(m.css_height));
    const ImVec2 scale(float(m.framebuffer_width / m.css_width), float(m.framebuffer_height / m.css_height));
    io.DisplayFramebufferScale = scale;
    // GLFW reported the pointer in drawing-buffer pixels; ImGui lays out in CSS pixels.
    if (io.MousePos.x != -FLT_MAX && io.MousePos.y != -FLT_MAX) io.MousePos = ImVec2(io.MousePos.x / scale.x, io.MousePos.y / scale.y);
}

const DisplayMetrics& display_metrics() { return g_metrics; }

}  // namespace tp::web
