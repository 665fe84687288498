// The model panel: a preset from the catalog, or a Hugging Face config.json pasted into a text box and
// imported with the core's parser; what the parser refuses is shown under the box, naming the field.
#include <imgui.h>

#include <string>

#include "model.hpp"
#include "model_presets.hpp"
#include "panels.hpp"
#include "text.hpp"

namespace tp::web {

namespace {

// std::string-backed InputText (the same technique as ImGui's misc/cpp/imgui_stdlib.cpp).
int text_resize(ImGuiInputTextCallbackData* data) {
    if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* text = static_cast<std::string*>(data->UserData);
        text->resize(size_t(data->BufTextLen));
        data->Buf = text->data();
    }
    return 0;
}

std::string billions(double params) { return format_fixed(params / 1e9, 2) + "B"; }

}  // namespace

void panel_model(AppState& s) {
    ModelSpec& m = s.inputs.model;
    const std::vector<ModelPreset>& presets = model_presets();
    const std::string preview = s.inputs.model_preset.empty() ? "config.json: " + m.name : s.inputs.model_preset;
    ImGui::SetNextItemWidth(-90);
    if (ImGui::BeginCombo("preset", preview.c_str(), ImGuiComboFlags_HeightLarge)) {
        for (const ModelPreset& p : presets) {
            const bool current = p.spec.name == s.inputs.model_preset;
            if (ImGui::Selectable(p.spec.name.c_str(), current)) {
                s.inputs.model = p.spec;
                s.inputs.model_preset = p.spec.name;
                s.hf_error.clear();
                s.hf_status.clear();
            }
            if (current) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
    }
    app_record_rect(s, "preset");

    const ParamCounts params = model_param_counts(m);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("%s, %d layers, hidden %d, FFN %d, %d/%d heads, vocab %d", m.family.c_str(), m.layers, m.hidden, m.ffn,
                        m.heads, m.kv_heads, m.vocab);
    if (m.moe.enabled())
        ImGui::TextWrapped("%s parameters, %s active (%d experts, top %d)", billions(params.total).c_str(),
                            billions(params.active).c_str(), m.moe.experts, m.moe.top_k);
    else
        ImGui::TextWrapped("%s parameters", billions(params.total).c_str());
    ImGui::PopStyleColor();

    ImGui::Spacing();
    ImGui::TextUnformatted("or paste a Hugging Face config.json:");
    ImGui::InputTextMultiline("##config.json", s.hf_text.data(), s.hf_text.capacity() + 1,
                              ImVec2(-1, ImGui::GetTextLineHeight() * 5.5f), ImGuiInputTextFlags_CallbackResize, text_resize, &s.hf_text);
    app_record_rect(s, "hf_text");
    if (ImGui::Button("Import config.json")) app_import_hf_config(s);
    app_record_rect(s, "hf_import");
    ImGui::SameLine();
    if (ImGui::Button("Clear")) {
        s.hf_text.clear();
        s.hf_error.clear();
        s.hf_status.clear();
    }
    if (!s.hf_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.45f, 1.0f));
        ImGui::TextWrapped("%s", s.hf_error.c_str());
        ImGui::PopStyleColor();
    } else if (!s.hf_status.empty()) {
        ImGui::TextColored(ImVec4(0.5f, 0.85f, 0.5f, 1.0f), "%s", s.hf_status.c_str());
    }
}

}  // namespace tp::web
