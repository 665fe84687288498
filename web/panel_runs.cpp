// The measured tab, shown when an opened session holds runs from `trainplan search`: collect's table of the
// measured configurations, fastest first, with trainplan's predicted step time and its error beside the
// measurement, then the failed runs with their kind and the log line that decided it. The rows are
// search_results' (core/search_results.hpp), the same rows as the final_summary and failed_jobs CSV files.
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "panels.hpp"

namespace tp::web {

namespace {

// Index of a column of collect's tables by its NeMo name (-1 if absent).
int column(const std::vector<std::string>& header, const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : int(it - header.begin());
}

void table(const char* id, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
           const std::vector<const char*>& names, float height) {
    std::vector<int> cols;
    for (const char* n : names) cols.push_back(column(header, n));
    if (!ImGui::BeginTable(id, int(cols.size()), ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_ScrollY |
                                                     ImGuiTableFlags_Resizable,
                           ImVec2(0, height)))
        return;
    for (const char* n : names) ImGui::TableSetupColumn(n);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    for (const std::vector<std::string>& row : rows) {
        ImGui::TableNextRow();
        for (int c : cols) {
            ImGui::TableNextColumn();
            const char* text = c >= 0 && size_t(c) < row.size() ? row[size_t(c)].c_str() : "";
            ImGui::TextUnformatted(text);
            if (ImGui::IsItemHovered() && ImGui::CalcTextSize(text).x > ImGui::GetColumnWidth()) ImGui::SetTooltip("%s", text);
        }
    }
    ImGui::EndTable();
}

}  // namespace

void panel_runs(AppState& s) {
    const SearchResults& m = s.measured;
    ImGui::Text("%zu runs from %s: %d measured, %d failed, %d not run", s.runs.runs.size(), s.runs_source.c_str(), m.finished, m.failed,
                m.not_run);
    if (!m.optimal_run.empty()) ImGui::Text("Measured optimum: %s, %.4f s per global step", m.optimal_run.c_str(), m.optimal_step_time_s);
    ImGui::TextDisabled("Prediction error = (predicted - measured) / measured; the step time is the mean after the warm-up steps.");
    ImGui::Separator();
    ImGui::TextUnformatted("Measured, fastest first");
    table("measured", m.summary_header, m.summary_rows,
          {"Config Name", "TP", "PP", "CP", "EP", "MBS", "VP", "GBS", "Time per Step", "Predicted Time per Step", "Prediction Error",
           "Model TFLOPS / GPU"},
          ImGui::GetContentRegionAvail().y * 0.55f);
    ImGui::Separator();
    ImGui::TextUnformatted("Failed");
    table("failed", m.failed_header, m.failed_rows, {"Config Name", "Failure Kind", "Error Message"}, 0);
}

}  // namespace tp::web
