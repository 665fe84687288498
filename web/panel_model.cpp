// The model panel: a preset from the catalog, a custom architecture edited field by field, or a Hugging Face
// config.json pasted into a text box and imported with the core's parser; what the core refuses is shown under
// the fields or the box, naming the field.
#include <imgui.h>

#include <algorithm>
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

// One integer of the architecture, kept inside the range a session file accepts (core/session.cpp's tables).
bool arch_int(AppState& s, const char* label, const char* id, int* v, int lo, int hi) {
    const bool changed = ImGui::InputInt(label, v, 0, 0);
    app_record_rect(s, id);
    *v = std::clamp(*v, lo, hi);
    return changed;
}

// The architecture field by field. Edits go to a working copy; it replaces the inputs' model only when
// model_validate accepts it (kv_heads must divide heads, top-k at most the experts, ...), so the grid and a
// share link never hold a model the core refuses; until then the reason shows under the fields.
void custom_architecture(AppState& s) {
    if (!ImGui::TreeNode("Custom architecture")) {
        app_record_rect(s, "custom");
        return;
    }
    app_record_rect(s, "custom");
    if (s.custom_error.empty()) s.custom_model = s.inputs.model;  // follow the inputs unless an edit is pending
    ModelSpec& m = s.custom_model;
    ImGui::PushItemWidth(110);
    bool changed = false;
    changed |= arch_int(s, "layers", "custom_layers", &m.layers, 1, 100000);
    changed |= arch_int(s, "hidden", "custom_hidden", &m.hidden, 1, 1 << 20);
    changed |= arch_int(s, "FFN hidden", "custom_ffn", &m.ffn, 1, 1 << 22);
    changed |= arch_int(s, "attention heads", "custom_heads", &m.heads, 1, 1 << 16);
    changed |= arch_int(s, "key/value heads", "custom_kv_heads", &m.kv_heads, 1, 1 << 16);
    changed |= arch_int(s, "head dim", "custom_head_dim", &m.head_dim, 1, 1 << 16);
    changed |= arch_int(s, "vocabulary", "custom_vocab", &m.vocab, 1, 1 << 24);
    changed |= arch_int(s, "routed experts (0: dense)", "custom_experts", &m.moe.experts, 0, 1 << 16);
    if (m.moe.experts > 0) {
        if (m.moe.top_k == 0) m.moe.top_k = 1;
        if (m.moe.expert_ffn == 0) m.moe.expert_ffn = m.ffn;
        changed |= arch_int(s, "experts per token", "custom_top_k", &m.moe.top_k, 1, 1 << 16);
        changed |= arch_int(s, "expert FFN", "custom_expert_ffn", &m.moe.expert_ffn, 1, 1 << 22);
    }
    changed |= ImGui::Checkbox("tied embeddings", &m.tied_embeddings);
    ImGui::PopItemWidth();
    if (changed) {
        s.custom_error = model_validate(m);
        if (s.custom_error.empty()) {
            m.name = "custom";
            s.inputs.model = m;
            s.inputs.model_preset.clear();
            s.hf_status.clear();
            s.hf_error.clear();
        }
    }
    if (!s.custom_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.45f, 1.0f));
        ImGui::TextWrapped("not applied: %s", s.custom_error.c_str());
        ImGui::PopStyleColor();
        if (ImGui::SmallButton("Revert")) s.custom_error.clear();
    }
    ImGui::TreePop();
}

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
                s.custom_error.clear();
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

    custom_architecture(s);

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
