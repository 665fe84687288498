// display_scale.hpp — the page follows the browser window and its device pixel ratio (web only, called by main.cpp).
//
// Emscripten 3.1.6's GLFW (library_glfw.js) does neither on its own: the canvas keeps the size glfwCreateWindow
// gave it, glfwGetFramebufferSize returns the window size (no hi-DPI), and cursor positions come in drawing-buffer
// pixels (library_browser.js, calculateMouseEvent scales by canvas.width / CSS width). So every frame we read the
// canvas' CSS size and the DPR, make the drawing buffer CSS size x DPR, and give ImGui the CSS size as its display
// (layout and input in CSS pixels, the coordinates tp_widget_rects_json reports) and the DPR as framebuffer scale,
// with the font rasterised at 13 x DPR pixels and drawn at 1 / DPR, so text stays sharp on a DPR 2 screen.
#pragma once

struct GLFWwindow;

namespace tp::web {

struct DisplayMetrics {
    double css_width = 0, css_height = 0;                // the canvas' CSS size: ImGui's display size
    double device_pixel_ratio = 1;                       // window.devicePixelRatio
    int framebuffer_width = 0, framebuffer_height = 0;   // the drawing buffer: CSS size x DPR, rounded
    float font_pixels = 13;                              // the size the font atlas is rasterised at
};

// Call after ImGui_ImplOpenGL3_NewFrame (it may rebuild the font texture) and before ImGui_ImplGlfw_NewFrame:
// resizes the GLFW window and the drawing buffer when the CSS size or the DPR changed.
DisplayMetrics display_follow_canvas(GLFWwindow* window);
// Call after ImGui_ImplGlfw_NewFrame, which set the display size, framebuffer scale and mouse position from
// GLFW's view: puts them in CSS pixels.
void display_apply(const DisplayMetrics& m);
// The last frame's metrics (for the page's test API).
const DisplayMetrics& display_metrics();

}  // namespace tp::web
