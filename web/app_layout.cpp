// The page's layout: one window over the whole viewport (no docking, no overlapping windows), the inputs in
// a child region on the left and the results in tabs on the right. Readable from 1280x720 up.
#include <imgui.h>

#include <algorithm>
#include <string>

#include "panels.hpp"

namespace tp::web {

void app_draw(AppState& s) {
    app_recompute(s);
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
    ImGui::Begin("trainplan", nullptr, flags);
    ImGui::TextUnformatted("trainplan");
    ImGui::SameLine();
    ImGui::TextDisabled("plans an LLM training run: the model and cluster on the left, ranked parallel configurations on the right");
    panel_share(s);

    const float left = std::clamp(viewport->WorkSize.x * 0.32f, 320.0f, 480.0f);
    ImGui::BeginChild("inputs", ImVec2(left, 0), true);
    if (ImGui::CollapsingHeader("Model", ImGuiTreeNodeFlags_DefaultOpen)) panel_model(s);
    if (ImGui::CollapsingHeader("Cluster and training", ImGuiTreeNodeFlags_DefaultOpen)) panel_cluster(s);
    ImGui::EndChild();

    ImGui::SameLine();
    ImGui::BeginChild("results", ImVec2(0, 0), true);
    if (ImGui::BeginTabBar("views")) {
        const bool plan = ImGui::BeginTabItem("Training plan");
        app_record_rect(s, "tab_plan");
        if (plan) {
            panel_grid(s);
            ImGui::EndTabItem();
        }
        const bool budget = ImGui::BeginTabItem("Size or days for a budget");
        app_record_rect(s, "tab_budget");
        if (budget) {
            panel_recommend(s);
            ImGui::EndTabItem();
        }
        const bool finetune = ImGui::BeginTabItem("Fine-tuning GPUs");
        app_record_rect(s, "tab_finetune");
        if (finetune) {
            panel_finetune(s);
            ImGui::EndTabItem();
        }
        const bool inference = ImGui::BeginTabItem("Inference");
        app_record_rect(s, "tab_inference");
        if (inference) {
            panel_inference(s);
            ImGui::EndTabItem();
        }
        if (!s.runs.runs.empty()) {
            const std::string label = "Measured runs (" + std::to_string(s.runs.runs.size()) + ")###runs";
            const bool runs = ImGui::BeginTabItem(label.c_str(), nullptr, s.show_runs_tab ? ImGuiTabItemFlags_SetSelected : 0);
            app_record_rect(s, "tab_runs");
            s.show_runs_tab = false;
            if (runs) {
                panel_runs(s);
                ImGui::EndTabItem();
            }
        }
        const bool files = ImGui::BeginTabItem("Files");
        app_record_rect(s, "tab_files");
        if (files) {
            panel_files(s);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::EndChild();
    ImGui::End();
}

}  // namespace tp::web
