// The share bar under the title: a link that restores every input, and a session file opened from disk. The
// notice line says what the last link or file did, or what was wrong with it (in the error colour).
#include <imgui.h>

#include "app_files.hpp"
#include "panels.hpp"

namespace tp::web {

void panel_share(AppState& s) {
    if (ImGui::Button("Share link")) {
        s.share_fragment = app_share_fragment(s);
        s.requests.publish_share_link = true;
    }
    app_record_rect(s, "share");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("puts a link holding every input in the address bar and on the clipboard");
    ImGui::SameLine();
    if (ImGui::Button("Open file...")) s.requests.pick_session_file = true;
    app_record_rect(s, "open_session");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("a session.json from this page or from `trainplan search` (its runs show measured against predicted),\n"
                          "or a Hugging Face config.json (imported as the model); you can also drop the file on the page");
    ImGui::SameLine();
    if (ImGui::Button("Save session")) {
        s.requests.download_name = "session.json";
        s.requests.download_text = app_session_file(s);
    }
    app_record_rect(s, "save_session");
    if (!s.share_fragment.empty()) {
        ImGui::SameLine();
        ImGui::TextDisabled("%zu characters", s.share_fragment.size());
    }
    if (!s.notice.empty()) {
        const ImVec4 colour = s.notice_is_error ? ImVec4(1.0f, 0.45f, 0.45f, 1.0f) : ImVec4(0.5f, 0.85f, 0.5f, 1.0f);
        ImGui::PushStyleColor(ImGuiCol_Text, colour);
        ImGui::TextWrapped("%s", s.notice.c_str());
        ImGui::PopStyleColor();
    }
}

}  // namespace tp::web
