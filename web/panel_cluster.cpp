// The cluster and training panel: GPU type, nodes, GPUs per node, sequence, global batch, precision and
// framework. Every value is kept inside the range session_parse accepts, so the inputs always make a valid
// session file (what the page shows is what `trainplan grid --session` computes).
#include <imgui.h>

#include <algorithm>
#include <string>

#include "hardware.hpp"
#include "panels.hpp"
#include "search.hpp"
#include "text.hpp"

namespace tp::web {

namespace {

bool input_int(const char* label, int* v, int step, int step_fast, int lo, int hi) {
    const bool changed = ImGui::InputInt(label, v, step, step_fast);
    *v = std::clamp(*v, lo, hi);
    return changed;
}

std::string list_text(const std::vector<int>& v) {
    if (v.empty()) return "auto";
    std::string out;
    for (int x : v) out += (out.empty() ? "" : ",") + std::to_string(x);
    return out;
}

}  // namespace

void panel_cluster(AppState& s) {
    TrainConfig& t = s.inputs.training;
    ImGui::PushItemWidth(170);
    const std::vector<GpuSpec>& gpus = gpu_catalog();
    if (ImGui::BeginCombo("GPU", s.inputs.gpu.c_str(), ImGuiComboFlags_HeightLarge)) {
        for (const GpuSpec& g : gpus) {
            const bool current = g.name == s.inputs.gpu;
            if (ImGui::Selectable(g.name.c_str(), current)) s.inputs.gpu = g.name;
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip("%.1f GiB, %.0f TFLOP/s BF16, %.0f TFLOP/s FP8, %d GPUs per node", g.memory_gib, g.peak_tflops_bf16,
                                  g.peak_tflops_fp8, g.gpus_per_node);
            if (current) ImGui::SetItemDefaultFocus();
        }
        ImGui::EndCombo();
    }
    app_record_rect(s, "gpu");
    input_int("nodes", &t.nodes, 1, 8, 1, 100000);
    app_record_rect(s, "nodes");
    input_int("GPUs per node", &t.gpus_per_node, 1, 4, 1, 64);
    app_record_rect(s, "gpus_per_node");
    input_int("sequence length", &t.seq, 1024, 4096, 1, 1 << 24);
    app_record_rect(s, "seq");
    input_int("global batch", &t.gbs, 64, 512, 0, 1 << 24);
    app_record_rect(s, "gbs");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("sequences per optimizer step; 0 = about 4M tokens (a power of two)");
    if (t.gbs == 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("auto: %d", search_default_gbs(t.seq));
    }
    int precision = t.precision == Precision::fp8 ? 1 : 0;
    ImGui::RadioButton("bf16", &precision, 0);
    ImGui::SameLine();
    ImGui::RadioButton("fp8", &precision, 1);
    t.precision = precision == 1 ? Precision::fp8 : Precision::bf16;
    ImGui::SameLine();
    ImGui::TextUnformatted("precision");
    if (Result<GpuSpec> g = gpu_find(s.inputs.gpu); g && t.precision == Precision::fp8 && g->peak_tflops_fp8 <= 0)
        ImGui::TextColored(ImVec4(1.0f, 0.7f, 0.3f, 1.0f), "%s has no FP8 tensor cores", g->name.c_str());
    const Framework frameworks[] = {Framework::megatron, Framework::torchtitan};
    if (ImGui::BeginCombo("framework", framework_name(t.framework))) {
        for (Framework f : frameworks)
            if (ImGui::Selectable(framework_name(f), f == t.framework)) t.framework = f;
        ImGui::EndCombo();
    }
    ImGui::PopItemWidth();

    const SearchSpace& sp = s.inputs.search_space;
    const bool auto_space = sp.tp.empty() && sp.pp.empty() && sp.vp.empty() && sp.cp.empty() && sp.ep.empty() && sp.mbs.empty() &&
                            sp.gbs.empty() && sp.recompute.empty() && sp.sharding.empty() && !sp.tp_across_nodes;
    if (auto_space) {
        ImGui::TextDisabled("search space: auto (from the model and cluster)");
    } else {
        std::string recompute;
        for (const RecomputeChoice& r : sp.recompute) recompute += (recompute.empty() ? "" : ",") + recompute_choice_name(r);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
        ImGui::TextWrapped("search space: tp %s, pp %s, vp %s, cp %s, ep %s, mbs %s, gbs %s, recompute %s", list_text(sp.tp).c_str(),
                            list_text(sp.pp).c_str(), list_text(sp.vp).c_str(), list_text(sp.cp).c_str(), list_text(sp.ep).c_str(),
                            list_text(sp.mbs).c_str(), list_text(sp.gbs).c_str(), recompute.empty() ? "auto" : recompute.c_str());
        ImGui::PopStyleColor();
        if (ImGui::SmallButton("search everything (auto)")) s.inputs.search_space = SearchSpace{};
    }
}

}  // namespace tp::web
