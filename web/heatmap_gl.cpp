// heatmap_gl.cpp — heatmap_gl.hpp on WebGL2 (the page only; the native test links heatmap_gl_null.cpp).
// Per slot: the levels go up as an R32F texture, one texel per cell, and one full-target triangle runs
// shaders/heatmap.frag into an RGBA8 texture of the requested size through a framebuffer object; ImGui then
// draws that texture like any image. Rendering happens only when the levels, the size or the spacing change,
// so an unchanged heatmap costs nothing per frame.
#include "heatmap_gl.hpp"

#include <GLES3/gl3.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "heatmap_frag.hpp"  // generated from shaders/ by cmake/trainplan_embed_shaders.cmake
#include "heatmap_vert.hpp"

namespace tp::web {

namespace {

struct Program {
    GLuint id = 0;
    GLuint vao = 0;  // empty: the vertex shader makes its corners from gl_VertexID, but WebGL2 draws need a VAO bound
    GLint levels = -1, size = -1, gap = -1, stripe = -1;
    bool failed = false;  // a compile or link error was printed once; the panel then shows no colours
};

struct Slot {
    GLuint levels_texture = 0, target_texture = 0, framebuffer = 0;
    std::vector<float> levels;
    int columns = 0, rows = 0;
    float gap = 0, stripe = 0;
    HeatmapImage image;
};

Program g_program;
Slot g_slots[heatmap_slot_count];

// GL reports a shader's compile and a program's link the same way: a status, then a log when it failed.
template <typename GetStatus, typename GetLog>
bool gl_succeeded(GLuint object, GLenum status, GetStatus get_status, GetLog get_log, const std::string& what) {
    GLint ok = GL_FALSE;
    get_status(object, status, &ok);
    if (ok == GL_TRUE) return true;
    char log[1024] = "";
    get_log(object, sizeof log, nullptr, log);
    std::fprintf(stderr, "trainplan: %s: %s\n", what.c_str(), log);
    return false;
}

GLuint compile(GLenum stage, const char* source, const char* name) {
    const GLuint shader = glCreateShader(stage);
    glShaderSource(shader, 1, &source, nullptr);
    glCompileShader(shader);
    if (!gl_succeeded(shader, GL_COMPILE_STATUS, glGetShaderiv, glGetShaderInfoLog, std::string("shaders/") + name + " does not compile")) {
        glDeleteShader(shader);
        return 0;
    }
    return shader;
}

// Compiles and links the heatmap program on first use; false (and nothing drawn) when that failed.
bool program_ready() {
    if (g_program.id != 0) return true;
    if (g_program.failed) return false;
    g_program.failed = true;
    const GLuint vert = compile(GL_VERTEX_SHADER, shaders::k_heatmap_vert, "heatmap.vert");
    const GLuint frag = compile(GL_FRAGMENT_SHADER, shaders::k_heatmap_frag, "heatmap.frag");
    if (vert == 0 || frag == 0) return false;
    const GLuint program = glCreateProgram();
    glAttachShader(program, vert);
    glAttachShader(program, frag);
    glLinkProgram(program);
    glDeleteShader(vert);
    glDeleteShader(frag);
    if (!gl_succeeded(program, GL_LINK_STATUS, glGetProgramiv, glGetProgramInfoLog, "the heatmap shaders do not link")) {
        glDeleteProgram(program);
        return false;
    }
    g_program.id = program;
    g_program.levels = glGetUniformLocation(program, "u_levels");
    g_program.size = glGetUniformLocation(program, "u_size");
    g_program.gap = glGetUniformLocation(program, "u_gap");
    g_program.stripe = glGetUniformLocation(program, "u_stripe");
    glGenVertexArrays(1, &g_program.vao);
    g_program.failed = false;
    return true;
}

void texture_parameters(GLint filter) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

// Uploads the levels and (re)allocates the target when its size changed; the texture unit 0 binding is the caller's to restore.
bool slot_prepare(Slot& s, int width, int height) {
    if (s.levels_texture == 0) {
        glGenTextures(1, &s.levels_texture);
        glGenTextures(1, &s.target_texture);
        glGenFramebuffers(1, &s.framebuffer);
    }
    glBindTexture(GL_TEXTURE_2D, s.levels_texture);
    // R32F is not filterable in WebGL2 (without OES_texture_float_linear): NEAREST keeps the texture complete.
    texture_parameters(GL_NEAREST);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_R32F, s.columns, s.rows, 0, GL_RED, GL_FLOAT, s.levels.data());
    if (width != s.image.width || height != s.image.height) {
        glBindTexture(GL_TEXTURE_2D, s.target_texture);
        texture_parameters(GL_LINEAR);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
        glBindFramebuffer(GL_FRAMEBUFFER, s.framebuffer);
        glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, s.target_texture, 0);
        if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
            std::fprintf(stderr, "trainplan: heatmap framebuffer %d x %d is incomplete\n", width, height);
            return false;
        }
        s.image.width = width;
        s.image.height = height;
    }
    return true;
}

void slot_render(Slot& s, int width, int height) {
    // ImGui's renderer sets the state it needs on every frame, but not the framebuffer binding; put back all we touch.
    GLint framebuffer = 0, viewport[4] = {}, program = 0, vao = 0, active_texture = 0, texture = 0;
    glGetIntegerv(GL_FRAMEBUFFER_BINDING, &framebuffer);
    glGetIntegerv(GL_VIEWPORT, viewport);
    glGetIntegerv(GL_CURRENT_PROGRAM, &program);
    glGetIntegerv(GL_VERTEX_ARRAY_BINDING, &vao);
    glGetIntegerv(GL_ACTIVE_TEXTURE, &active_texture);
    glActiveTexture(GL_TEXTURE0);
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &texture);
    const GLboolean blend = glIsEnabled(GL_BLEND), scissor = glIsEnabled(GL_SCISSOR_TEST);

    if (slot_prepare(s, width, height)) {
        glBindFramebuffer(GL_FRAMEBUFFER, s.framebuffer);
        glViewport(0, 0, width, height);
        glDisable(GL_BLEND);
        glDisable(GL_SCISSOR_TEST);
        glUseProgram(g_program.id);
        glBindTexture(GL_TEXTURE_2D, s.levels_texture);
        glUniform1i(g_program.levels, 0);
        glUniform2f(g_program.size, float(width), float(height));
        glUniform1f(g_program.gap, s.gap);
        glUniform1f(g_program.stripe, s.stripe);
        glBindVertexArray(g_program.vao);
        glDrawArrays(GL_TRIANGLES, 0, 3);
        s.image.texture = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(s.target_texture));
        ++s.image.renders;
    }

    glBindFramebuffer(GL_FRAMEBUFFER, GLuint(framebuffer));
    glViewport(viewport[0], viewport[1], viewport[2], viewport[3]);
    glUseProgram(GLuint(program));
    glBindVertexArray(GLuint(vao));
    glBindTexture(GL_TEXTURE_2D, GLuint(texture));
    glActiveTexture(GLenum(active_texture));
    if (blend) glEnable(GL_BLEND);
    if (scissor) glEnable(GL_SCISSOR_TEST);
}

}  // namespace

const HeatmapImage& heatmap_image(HeatmapSlot slot, const std::vector<float>& levels, int columns, int rows, int width, int height,
                                  float gap, float stripe) {
    Slot& s = g_slots[slot];
    const bool valid = columns > 0 && rows > 0 && levels.size() == size_t(columns) * size_t(rows) && width > 0 && height > 0;
    if (!valid || !program_ready()) return s.image;
    if (s.image.renders > 0 && levels == s.levels && columns == s.columns && rows == s.rows && width == s.image.width &&
        height == s.image.height && gap == s.gap && stripe == s.stripe)
        return s.image;
    s.levels = levels;
    s.columns = columns;
    s.rows = rows;
    s.gap = gap;
    s.stripe = stripe;
    slot_render(s, width, height);
    return s.image;
}

const HeatmapImage& heatmap_image_last(HeatmapSlot slot) { return g_slots[slot].image; }

}  // namespace tp::web
