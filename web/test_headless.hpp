// test_headless.hpp — the ImGui-without-backends fixture the page's native tests share (test_panels_headless.cpp,
// test_heatmap.cpp): the page's state reset to its defaults and one ImGui context per test, 1280 x 720 at 60 Hz,
// the font atlas built (nothing uploads it).
#pragma once

#include <gtest/gtest.h>
#include <imgui.h>

#include <utility>

#include "app_state.hpp"

namespace tp::web {

class HeadlessImGui : public ::testing::Test {
protected:
    void SetUp() override {
        // A named default state moved in: GCC 12 warns (maybe-uninitialized, a false positive) on the temporary
        // of `app_state() = AppState{}` since AppState grew.
        AppState fresh;
        app_state() = std::move(fresh);
        ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(1280, 720);
        io.DeltaTime = 1.0f / 60;
        unsigned char* pixels = nullptr;
        int width = 0, height = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
        ASSERT_GT(width, 0);
    }
    void TearDown() override { ImGui::DestroyContext(); }
};

}  // namespace tp::web
