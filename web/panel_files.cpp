// The files tab: everything `trainplan generate --session` would write for the current inputs (base config,
// one NeMo launcher YAML per candidate, launch commands for NeMo 2.0, Megatron-LM and torchtitan), the session
// itself, and with an opened search's runs collect's CSV files; each downloads with one click, and a click on
// the name shows the text.
#include <imgui.h>

#include <string>

#include "app_files.hpp"
#include "panels.hpp"

namespace tp::web {

void panel_files(AppState& s) {
    const auto& files = app_files(s);
    ImGui::TextWrapped("The files `trainplan generate --session session.json` writes for these inputs (its schedule from the "
                       "budget tab: %.2f days, %.0fB tokens), ready to launch; the candidates are the top %d that fit.",
                       s.inputs.budget.days, s.inputs.budget.tokens_b, s.inputs.top);
    if (!s.files_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.45f, 1.0f));
        ImGui::TextWrapped("no plan files: %s", s.files_error.c_str());
        ImGui::PopStyleColor();
    }
    int& shown = s.file_shown;
    if (ImGui::BeginTable("files", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY,
                          ImVec2(0, ImGui::GetContentRegionAvail().y * 0.55f))) {
        ImGui::TableSetupColumn("file", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthFixed, 90);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 90);
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableHeadersRow();
        for (size_t i = 0; i < files.size(); ++i) {
            ImGui::PushID(int(i));
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (ImGui::Selectable(files[i].first.c_str(), shown == int(i))) shown = shown == int(i) ? -1 : int(i);
            ImGui::TableNextColumn();
            ImGui::Text("%zu B", files[i].second.size());
            ImGui::TableNextColumn();
            if (ImGui::SmallButton("download")) {
                s.requests.download_name = files[i].first;
                s.requests.download_text = files[i].second;
            }
            app_record_rect(s, ("download_" + std::to_string(i)).c_str());
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    if (shown >= 0 && size_t(shown) < files.size()) {
        ImGui::TextDisabled("%s", files[size_t(shown)].first.c_str());
        ImGui::BeginChild("file_text", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
        ImGui::TextUnformatted(files[size_t(shown)].second.c_str(), files[size_t(shown)].second.c_str() + files[size_t(shown)].second.size());
        ImGui::EndChild();
    }
}

}  // namespace tp::web
