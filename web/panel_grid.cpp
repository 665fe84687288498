// The grid panel: trainplan's ranked candidates for the current inputs (core search_grid, the same call as
// `trainplan grid --session`), a sortable table of them, their TP x PP heatmap (panel_heatmap.cpp), the rejected
// combinations with the rule each breaks or the memory it lacks, and the selected candidate's memory per GPU as
// a stacked bar against the GPU's reported and usable capacity.
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "estimate.hpp"
#include "panels.hpp"
#include "search.hpp"

namespace tp::web {

namespace {

enum Column { col_rank, col_tp, col_pp, col_vp, col_cp, col_ep, col_mbs, col_gbs, col_recompute, col_memory, col_tokens, col_mfu, col_count };

const char* const kColumnNames[col_count] = {"rank", "TP", "PP", "VP", "CP", "EP", "MBS", "GBS", "recompute", "memory GiB",
                                             "tokens/s/GPU", "MFU"};

// The value a column sorts by (recompute: none < selective < full, then fewer layers first).
double sort_key(const Candidate& c, int column) {
    const TrainConfig& k = c.config;
    switch (column) {
        case col_tp: return k.tp;
        case col_pp: return k.pp;
        case col_vp: return k.vp;
        case col_cp: return k.cp;
        case col_ep: return k.ep;
        case col_mbs: return k.mbs;
        case col_gbs: return k.gbs;
        case col_recompute: return int(k.recompute) * 1e6 + k.recompute_layers;
        case col_memory: return c.estimate.memory.total;
        case col_tokens: return c.estimate.tokens_per_s_per_gpu;
        case col_mfu: return c.estimate.mfu;
        default: return c.rank;
    }
}

void sort_candidates(AppState& s, const ImGuiTableSortSpecs* specs) {
    const std::vector<Candidate>& all = s.grid.candidates;
    s.order.resize(all.size());
    for (size_t i = 0; i < all.size(); ++i) s.order[i] = int(i);
    if (specs == nullptr || specs->SpecsCount == 0) return;
    const ImGuiTableColumnSortSpecs spec = specs->Specs[0];
    const bool descending = spec.SortDirection == ImGuiSortDirection_Descending;
    const int column = spec.ColumnUserID < ImGuiID(col_count) ? int(spec.ColumnUserID) : int(col_rank);
    s.sort_by = kColumnNames[column];
    s.sort_descending = descending;
    std::stable_sort(s.order.begin(), s.order.end(), [&](int a, int b) {
        const double ka = sort_key(all[size_t(a)], column), kb = sort_key(all[size_t(b)], column);
        if (ka != kb) return descending ? ka > kb : ka < kb;
        return all[size_t(a)].rank < all[size_t(b)].rank;  // ties keep trainplan's ranking
    });
}

void config_cells(const TrainConfig& k) {
    ImGui::TableNextColumn();
    ImGui::Text("%d", k.tp);
    ImGui::TableNextColumn();
    ImGui::Text("%d", k.pp);
    ImGui::TableNextColumn();
    if (k.vp > 1) ImGui::Text("%d", k.vp);
    else ImGui::TextDisabled("-");
    ImGui::TableNextColumn();
    ImGui::Text("%d", k.cp);
    ImGui::TableNextColumn();
    ImGui::Text("%d", k.ep);
    ImGui::TableNextColumn();
    ImGui::Text("%d", k.mbs);
    ImGui::TableNextColumn();
    ImGui::Text("%d", k.gbs);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(recompute_choice_name({k.recompute, k.recompute_layers}).c_str());
}

// The tables' filter: comma-separated terms, case-insensitive substrings; a row passes when it contains one of the
// plain terms (or there are none) and none of the terms with a leading '-'. (ImGuiTextFilter returns at the first
// matching term, so "tp8,-full" would let full-recomputation rows through: the order of terms would matter.)
bool filter_pass(const char* filter, const std::string& text) {
    auto lower = [](std::string v) {
        for (char& c : v) c = char(std::tolower(static_cast<unsigned char>(c)));
        return v;
    };
    const std::string hay = lower(text), terms = lower(filter);
    bool any_include = false, included = false;
    size_t begin = 0;
    while (begin <= terms.size()) {
        size_t end = terms.find(',', begin);
        if (end == std::string::npos) end = terms.size();
        std::string term = terms.substr(begin, end - begin);
        begin = end + 1;
        term.erase(0, term.find_first_not_of(' '));
        term.erase(term.find_last_not_of(' ') + 1);
        const bool exclude = !term.empty() && term[0] == '-';
        if (exclude) term.erase(0, 1);
        if (term.empty()) continue;
        const bool found = hay.find(term) != std::string::npos;
        if (exclude && found) return false;
        if (!exclude) any_include = true, included = included || found;
    }
    return !any_include || included;
}

// The text a candidate row is filtered by: "tp4 pp2 vp2 cp1 ep1 mbs1 gbs512 selective".
std::string filter_text(const TrainConfig& k) {
    char text[160];
    std::snprintf(text, sizeof text, "tp%d pp%d vp%d cp%d ep%d mbs%d gbs%d %s", k.tp, k.pp, k.vp, k.cp, k.ep, k.mbs, k.gbs,
                  recompute_choice_name({k.recompute, k.recompute_layers}).c_str());
    return text;
}

void candidates_table(AppState& s, float height) {
    ImGui::SetNextItemWidth(260);
    ImGui::InputTextWithHint("##candidate filter", "filter: tp4,tp8  -full  mbs2 ...", s.candidate_filter, sizeof s.candidate_filter);
    app_record_rect(s, "candidate_filter");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("rows whose settings contain any of the comma-separated terms (tp4, pp2, vp2, cp1, ep1, mbs1, gbs512,\n"
                          "none/selective/full:N); a leading - hides rows with that term");

    const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersV | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Hideable;
    if (!ImGui::BeginTable("candidates", col_count, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (int c = 0; c < col_count; ++c) {
        ImGuiTableColumnFlags f = c == col_rank ? ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_NoHide : 0;
        if (c == col_memory || c == col_tokens || c == col_mfu) f |= ImGuiTableColumnFlags_PreferSortDescending;
        ImGui::TableSetupColumn(kColumnNames[c], f, 0.0f, ImGuiID(c));
    }
    // The header row by hand (TableHeadersRow's loop) so each header's rectangle is recorded for the test.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < col_count; ++c) {
        if (!ImGui::TableSetColumnIndex(c)) continue;
        ImGui::TableHeader(kColumnNames[c]);
        if (c == col_memory) app_record_rect(s, "header_memory");
    }
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs != nullptr && (specs->SpecsDirty || s.order_dirty)) {
        sort_candidates(s, specs);
        specs->SpecsDirty = false;
        s.order_dirty = false;
    }
    if (s.order.size() != s.grid.candidates.size()) sort_candidates(s, nullptr);
    s.shown_rows.clear();
    for (int i : s.order)
        if (filter_pass(s.candidate_filter, filter_text(s.grid.candidates[size_t(i)].config))) s.shown_rows.push_back(i);
    ImGuiListClipper clipper;
    clipper.Begin(int(s.shown_rows.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const int i = s.shown_rows[size_t(row)];
            const Candidate& c = s.grid.candidates[size_t(i)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char label[32];
            std::snprintf(label, sizeof label, "%d##c%d", c.rank, i);
            if (ImGui::Selectable(label, s.selected == i, ImGuiSelectableFlags_SpanAllColumns)) s.selected = i;
            if (row == 2) app_record_rect(s, "grid_row3");
            config_cells(c.config);
            ImGui::TableNextColumn();
            ImGui::Text("%.1f", c.estimate.memory.total / kGiB);
            ImGui::TableNextColumn();
            ImGui::Text("%.0f", c.estimate.tokens_per_s_per_gpu);
            ImGui::TableNextColumn();
            ImGui::Text("%.1f%%", c.estimate.mfu * 100);
        }
    }
    ImGui::EndTable();
}

void rejected_table(AppState& s, float height) {
    ImGui::SetNextItemWidth(260);
    ImGui::InputTextWithHint("##rejected filter", "filter reasons: memory, -divisible", s.rejected_filter, sizeof s.rejected_filter);
    std::vector<int> shown;
    for (size_t i = 0; i < s.grid.rejected.size(); ++i)
        if (filter_pass(s.rejected_filter, s.grid.rejected[i].reason)) shown.push_back(int(i));
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                  ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("rejected", 9, flags, ImVec2(0, height))) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    for (int c = col_tp; c <= col_recompute; ++c) ImGui::TableSetupColumn(kColumnNames[c]);
    ImGui::TableSetupColumn("reason", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(int(shown.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const Rejected& x = s.grid.rejected[size_t(shown[size_t(row)])];
            ImGui::TableNextRow();
            config_cells(x.config);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(x.reason.c_str());
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", x.reason.c_str());
        }
    }
    ImGui::EndTable();
}

// The memory of one candidate as a stacked horizontal bar; the axis runs to the GPU's reported capacity (or
// the total, when a part of the space does not fit), with a marker at the usable capacity (capacity less margin).
void memory_bar(const AppState& s) {
    const std::vector<Candidate>& all = s.grid.candidates;
    if (all.empty()) {
        ImGui::TextDisabled("No candidate fits: the Rejected tab gives each combination's reason.");
        return;
    }
    const Candidate& c = all[size_t(std::clamp(s.selected, 0, int(all.size()) - 1))];
    const TrainConfig& k = c.config;
    const Estimate& e = c.estimate;
    const MemoryBreakdown& m = e.memory;
    ImGui::Text("Rank %d: TP %d, PP %d, VP %d, CP %d, EP %d, MBS %d, %s: %.1f GiB of %.1f GiB usable per GPU", c.rank, k.tp, k.pp, k.vp, k.cp,
                k.ep, k.mbs, recompute_choice_name({k.recompute, k.recompute_layers}).c_str(), m.total / kGiB, e.usable_bytes / kGiB);
    struct Part {
        const char* name;
        double bytes;
        ImU32 color;
    };
    const Part parts[] = {{"weights", m.weights, IM_COL32(86, 156, 214, 255)},
                          {"gradients", m.gradients, IM_COL32(78, 201, 176, 255)},
                          {"optimizer", m.optimizer, IM_COL32(220, 170, 90, 255)},
                          {"activations", m.activations, IM_COL32(197, 134, 192, 255)},
                          {"other", m.other, IM_COL32(150, 150, 150, 255)}};
    const double axis = std::max({e.capacity_bytes, m.total, 1.0});
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 50.0f), height = 24.0f;
    ImGui::InvisibleButton("memory bar", ImVec2(width, height));
    const bool hovered = ImGui::IsItemHovered();
    const float mouse_x = ImGui::GetIO().MousePos.x;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    auto x_of = [&](double bytes) { return origin.x + float(double(width) * bytes / axis); };
    draw->AddRectFilled(origin, ImVec2(x_of(e.capacity_bytes), origin.y + height), IM_COL32(45, 48, 56, 255));
    double at = 0;
    for (const Part& p : parts) {
        const float x0 = x_of(at), x1 = x_of(at + p.bytes);
        draw->AddRectFilled(ImVec2(x0, origin.y), ImVec2(x1, origin.y + height), p.color);
        const float label = ImGui::CalcTextSize(p.name).x;
        if (x1 - x0 > label + 8)
            draw->AddText(ImVec2(x0 + 4, origin.y + (height - ImGui::GetTextLineHeight()) / 2), IM_COL32(20, 20, 24, 255), p.name);
        if (hovered && mouse_x >= x0 && mouse_x < x1) ImGui::SetTooltip("%s: %.2f GiB", p.name, p.bytes / kGiB);
        at += p.bytes;
    }
    const float usable = x_of(e.usable_bytes), capacity = x_of(e.capacity_bytes);
    draw->AddLine(ImVec2(usable, origin.y - 3), ImVec2(usable, origin.y + height + 3), IM_COL32(255, 90, 90, 255), 2.0f);
    draw->AddRect(origin, ImVec2(capacity, origin.y + height), IM_COL32(200, 200, 200, 255));
    for (const Part& p : parts) {
        ImGui::ColorButton(p.name, ImGui::ColorConvertU32ToFloat4(p.color), ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop,
                           ImVec2(10, 10));
        ImGui::SameLine(0, 4);
        ImGui::Text("%s %.1f", p.name, p.bytes / kGiB);
        ImGui::SameLine(0, 14);
    }
    ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.45f, 1.0f), "| usable %.1f", e.usable_bytes / kGiB);
    ImGui::SameLine(0, 14);
    ImGui::Text("of %.1f GiB", e.capacity_bytes / kGiB);
    const StepTime& t = e.time;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("step %.3f s: compute %.3f, TP %.3f, CP %.3f, EP %.3f, bubble %.3f, P2P %.3f, DP %.3f, optimizer %.3f; %.0f tokens/s/GPU, MFU %.1f%%",
                        t.total, t.compute, t.tp_comm, t.cp_comm, t.ep_comm, t.pp_bubble, t.pp_p2p, t.dp_comm, t.optimizer, e.tokens_per_s_per_gpu,
                        e.mfu * 100);
    ImGui::PopStyleColor();
}

}  // namespace

void panel_grid(AppState& s) {
    app_update_grid(s);
    if (!s.grid_error.empty()) {
        ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.45f, 1.0f), "%s", s.grid_error.c_str());
        return;
    }
    const SearchResult& r = s.grid;
    const TrainConfig& b = s.grid_base;
    ImGui::Text("%s on %d x %s, seq %d, GBS %d, %s", s.inputs.model.name.c_str(), b.gpus(), s.grid_gpu.name.c_str(), b.seq, b.gbs,
                precision_name(b.precision));
    ImGui::Text("%lld combinations: %zu fit, %lld out of memory, %zu break a rule", r.evaluated, r.candidates.size(), r.out_of_memory,
                r.rejected.size() - size_t(r.out_of_memory));
    ImGui::SameLine();
    ImGui::TextDisabled("(searched in %.1f ms)", s.grid_ms);
    if (s.inputs.heuristics == "nemo")
        ImGui::TextDisabled("This session asks for NeMo's grid (trainplan grid --heuristics nemo); the page shows trainplan's ranking.");

    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float bottom = 5 * line + 24 + 2 * ImGui::GetStyle().ItemSpacing.y;  // the memory section under the tables
    if (ImGui::BeginTabBar("grid tabs")) {
        const bool ranked = ImGui::BeginTabItem("Ranked candidates");
        app_record_rect(s, "tab_candidates");
        if (ranked) {
            s.grid_view = "candidates";
            candidates_table(s, -bottom);
            ImGui::EndTabItem();
        }
        const bool heatmap = ImGui::BeginTabItem("TP x PP heatmap");
        app_record_rect(s, "tab_heatmap");
        if (heatmap) {
            s.grid_view = "heatmap";
            panel_heatmap(s, -bottom);
            ImGui::EndTabItem();
        }
        char label[48];
        std::snprintf(label, sizeof label, "Rejected (%zu)###rejected", r.rejected.size());
        const bool rejected = ImGui::BeginTabItem(label);
        app_record_rect(s, "tab_rejected");
        if (rejected) {
            s.grid_view = "rejected";
            rejected_table(s, -bottom);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::Separator();
    memory_bar(s);
}

}  // namespace tp::web
