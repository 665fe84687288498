// The recommendation panel: budget and assumptions in (the cluster comes from the inputs panels);
// NeMo's and trainplan's model size side by side out.
#include <imgui.h>

#include <algorithm>

#include "app_state.hpp"
#include "hardware.hpp"
#include "recommend.hpp"
#include "panels.hpp"
#include "text.hpp"

namespace tp::web {

void panel_recommend(AppState& s) {
    ImGui::TextWrapped("How big a model can this cluster train in the time you have, or how long does a model take? NeMo's rule "
                       "(8*N*D at a fixed TFLOP/s) beside trainplan's (the model's own FLOPs per token at an MFU of the GPU's peak).");
    const TrainConfig& t = s.inputs.training;
    ImGui::TextDisabled("Cluster from the inputs: %d x %d %s, %s, sequence %d", t.nodes, t.gpus_per_node, s.inputs.gpu.c_str(),
                        precision_name(t.precision), t.seq);
    ImGui::Separator();
    ImGui::PushItemWidth(180);
    BudgetInputs& in = s.inputs.budget;
    if (ImGui::RadioButton("model size for a time budget", !in.days_for_model)) in.days_for_model = false;
    app_record_rect(s, "mode_size");
    ImGui::SameLine();
    if (ImGui::RadioButton("days for the model on the left", in.days_for_model)) in.days_for_model = true;
    app_record_rect(s, "mode_days");
    // Kept inside the ranges a session file accepts (inputs.budget, core/session.cpp).
    if (in.days_for_model) {
        ImGui::TextDisabled("model: %s", s.inputs.model.name.c_str());
    } else if (ImGui::InputDouble("days", &in.days, 1.0, 5.0, "%.2f")) {
        in.days = std::clamp(in.days, 0.001, 1e6);
    }
    if (ImGui::InputDouble("tokens (billions)", &in.tokens_b, 10.0, 100.0, "%.0f")) in.tokens_b = std::clamp(in.tokens_b, 0.001, 1e9);
    int family_count = 0;
    const char* const* families = app_families(&family_count);
    int family = 0;
    for (int i = 0; i < family_count; ++i)
        if (in.family == families[i]) family = i;
    if (ImGui::Combo("model family", &family, families, family_count)) in.family = families[family];
    ImGui::Separator();
    ImGui::TextUnformatted("NeMo assumption");
    if (ImGui::InputDouble("TFLOP/s per GPU", &in.nemo_tflops_per_gpu, 10.0, 50.0, "%.0f"))
        in.nemo_tflops_per_gpu = std::clamp(in.nemo_tflops_per_gpu, 0.001, 1e6);
    ImGui::TextUnformatted("trainplan assumption");
    static const double kMfuMin = 0.05, kMfuMax = 0.80;
    double mfu = in.mfu > 0 ? in.mfu : default_mfu(s.inputs.training.precision);
    if (ImGui::SliderScalar("MFU", ImGuiDataType_Double, &mfu, &kMfuMin, &kMfuMax, "%.2f"))
        in.mfu = double(int(mfu * 100 + 0.5)) / 100;  // the slider shows two decimals; keep what it shows
    if (in.mfu == 0) {
        ImGui::SameLine();
        ImGui::TextDisabled("default for %s", precision_name(s.inputs.training.precision));
    }
    ImGui::PopItemWidth();
    ImGui::Separator();

    app_recompute(s);
    if (!s.ok) {
        ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", s.error.c_str());
    } else if (ImGui::BeginTable("figures", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("");
        ImGui::TableSetupColumn("NeMo");
        ImGui::TableSetupColumn("trainplan");
        ImGui::TableHeadersRow();
        auto row = [](const char* label, const std::string& a, const std::string& b) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextUnformatted(label);
            ImGui::TableSetColumnIndex(1);
            ImGui::TextUnformatted(a.c_str());
            ImGui::TableSetColumnIndex(2);
            ImGui::TextUnformatted(b.c_str());
        };
        const RecommendResult& r = s.result;
        row("model size", format_fixed(r.nemo.model_size_b, 2) + " B", format_fixed(r.trainplan.model_size_b, 2) + " B");
        row("days", format_fixed(r.nemo.days, 2), format_fixed(r.trainplan.days, 2));
        row("TFLOP/s per GPU", format_fixed(r.nemo.tflops_per_gpu, 1), format_fixed(r.trainplan.tflops_per_gpu, 1));
        row("GPUs", format_number(r.gpus), format_number(r.gpus));
        ImGui::EndTable();
        ImGui::TextWrapped("NeMo: %s", r.nemo_line.c_str());
        ImGui::TextWrapped("trainplan: %s", r.trainplan_note.c_str());
    }
}

}  // namespace tp::web
