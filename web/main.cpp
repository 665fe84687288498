// The trainplan page: Dear ImGui on WebGL2 through Emscripten's GLFW. The loop is sequential
// (ImGui examples' style); emscripten_set_main_loop drives one frame per animation frame.
#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <emscripten.h>

#include <cstdio>

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include "app_state.hpp"
#include "display_scale.hpp"
#include "panels.hpp"

namespace tp::web {
void bridge_frame_done();
}

namespace {

GLFWwindow* g_window = nullptr;

void frame() {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    // The canvas follows the browser window and its device pixel ratio, by hand (display_scale.hpp says why).
    const tp::web::DisplayMetrics display = tp::web::display_follow_canvas(g_window);
    ImGui_ImplGlfw_NewFrame();
    tp::web::display_apply(display);
    ImGui::NewFrame();
    tp::web::app_draw(tp::web::app_state());
    ImGui::Render();
    glViewport(0, 0, display.framebuffer_width, display.framebuffer_height);
    glClearColor(0.10f, 0.11f, 0.13f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    tp::web::bridge_frame_done();
}

}  // namespace

int main() {
    if (!glfwInit()) {
        std::fprintf(stderr, "trainplan: glfwInit failed\n");
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    // The first frame resizes it to the canvas' CSS size (display_follow_canvas).
    g_window = glfwCreateWindow(1280, 720, "trainplan", nullptr, nullptr);
    if (g_window == nullptr) {
        // The only clue behind a blank headless page: no WebGL2 context.
        std::fprintf(stderr, "trainplan: glfwCreateWindow failed (no WebGL2?)\n");
        return 1;
    }
    glfwMakeContextCurrent(g_window);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no file system in the page
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab / arrows / Space move and activate
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    tp::web::app_recompute(tp::web::app_state());
    emscripten_set_main_loop(frame, 0, true);
    return 0;
}
