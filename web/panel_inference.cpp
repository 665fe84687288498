// The inference panel: `trainplan inference` in the page. The model is the one on the left; GPU, lengths, the
// TP/PP/batch lists, weight and KV-cache formats, NeMo's filter and the latency bound are inputs.inference (so a
// share link or a session carries them). The answer is the plan's table (sortable; points that do not fit dimmed),
// the best-throughput and lowest-latency lines, the rejected TP x PP with their reason, and a chart of
// throughput per GPU against latency for the fitting points (ImDrawList; log-log axes, one colour per TP x PP).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app_state.hpp"
#include "estimate.hpp"
#include "inference.hpp"
#include "panels.hpp"

namespace tp::web {

namespace {

// More points than this are refused (the panel draws every one; the CLI has no limit).
constexpr size_t kMaxInferencePoints = 20000;

const char* const kWeights[] = {"bf16", "fp8", "int8", "int4"};
const char* const kKvFormats[] = {"bf16", "fp8"};

std::string join(const std::vector<int>& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
    return out;
}

// The field shows the list's text unless the list changed elsewhere (a session, a link) since the field last
// synced with it; then the field takes the new list and forgets its error.
void list_sync(AppState::ListField& f, const std::vector<int>& list) {
    const std::string now = join(list);
    if (now == f.synced) return;
    f.synced = now;
    f.error.clear();
    std::snprintf(f.text, sizeof f.text, "%s", now.c_str());
}

// The table's columns; value() gives the sort key.
enum Column { kTp, kPp, kBatch, kFits, kMemory, kFirst, kPerToken, kLatency, kSamples, kTokens, kColumns };

double column_value(const InferencePoint& p, int column) {
    switch (column) {
        case kTp: return p.tp;
        case kPp: return p.pp;
        case kBatch: return p.batch;
        case kFits: return p.fits ? 1 : 0;
        case kMemory: return p.memory.total;
        case kFirst: return p.latency.first_token;
        case kPerToken: return p.latency.per_token;
        case kLatency: return p.latency.total;
        case kSamples: return p.samples_per_s_per_gpu;
        case kTokens: return p.tokens_per_s_per_gpu;
        default: return 0;
    }
}

void sort_order(AppState& s) {
    const std::vector<InferencePoint>& pts = s.inference_result.points;
    s.inference_order.resize(pts.size());
    for (size_t i = 0; i < pts.size(); ++i) s.inference_order[i] = int(i);
    const int c = s.inference_sort_column;
    if (c < 0) return;
    const bool desc = s.inference_sort_descending;
    std::stable_sort(s.inference_order.begin(), s.inference_order.end(), [&](int a, int b) {
        const double x = column_value(pts[size_t(a)], c), y = column_value(pts[size_t(b)], c);
        return desc ? x > y : x < y;
    });
}

// One colour per TP x PP combination (its index among the plan's combinations), spread over the hue circle.
ImU32 combo_colour(int index, int count) {
    const float h = count > 0 ? float(index) / float(count) : 0.0f;
    return ImColor::HSV(h, 0.65f, 0.95f);
}

std::string point_line(const InferencePoint& p) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "TP %d, PP %d, batch %d: %.1f ms, %.3f samples/s/GPU, %.1f tokens/s/GPU, %.1f GiB per GPU", p.tp, p.pp,
                  p.batch, p.latency.total * 1e3, p.samples_per_s_per_gpu, p.tokens_per_s_per_gpu, p.memory.total / kGiB);
    return buf;
}

// Log-scale axis ticks at 1, 2 and 5 x 10^k within [lo, hi] (both > 0).
std::vector<double> log_ticks(double lo, double hi) {
    std::vector<double> out;
    for (double decade = std::pow(10.0, std::floor(std::log10(lo))); decade <= hi && out.size() < 40; decade *= 10)
        for (double m : {1.0, 2.0, 5.0})
            if (m * decade >= lo && m * decade <= hi) out.push_back(m * decade);
    return out;
}

void tick_label(char* buf, size_t n, double v) {
    if (v >= 1000) std::snprintf(buf, n, "%.0fk", v / 1000);
    else if (v >= 1) std::snprintf(buf, n, "%.0f", v);
    else std::snprintf(buf, n, "%.2g", v);
}

// Throughput per GPU (y) against end-to-end latency (x), both log scale, for the points that fit.
void draw_chart(AppState& s, float height) {
    const InferencePlan& plan = s.inference_result;
    s.inference_hovered = -1;
    std::vector<std::pair<int, int>> combos;  // TP x PP in the plan's order
    for (const InferencePoint& p : plan.points)
        if (std::find(combos.begin(), combos.end(), std::pair{p.tp, p.pp}) == combos.end()) combos.push_back({p.tp, p.pp});
    double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
    bool any = false;
    for (const InferencePoint& p : plan.points) {
        if (!p.fits || !(p.latency.total > 0) || !(p.samples_per_s_per_gpu > 0)) continue;
        const double x = p.latency.total * 1e3, y = p.samples_per_s_per_gpu;
        x_lo = any ? std::min(x_lo, x) : x, x_hi = any ? std::max(x_hi, x) : x;
        y_lo = any ? std::min(y_lo, y) : y, y_hi = any ? std::max(y_hi, y) : y;
        any = true;
    }
    // Legend: one coloured square per TP x PP.
    for (size_t i = 0; i < combos.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float sz = ImGui::GetTextLineHeight();
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x, at.y + sz * 0.2f), ImVec2(at.x + sz * 0.6f, at.y + sz * 0.8f),
                                                  combo_colour(int(i), int(combos.size())));
        ImGui::Dummy(ImVec2(sz * 0.7f, sz));
        ImGui::SameLine(0, 2);
        ImGui::Text("TP%d PP%d", combos[i].first, combos[i].second);
    }
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float width = std::max(ImGui::GetContentRegionAvail().x, 50.0f);
    ImGui::InvisibleButton("inf_chart", ImVec2(width, std::max(height, 40.0f)));
    app_record_rect(s, "inf_chart");
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 end(origin.x + width, origin.y + std::max(height, 40.0f));
    dl->AddRectFilled(origin, end, IM_COL32(25, 25, 30, 255));
    if (!any) {
        dl->AddText(ImVec2(origin.x + 10, origin.y + 10), ImGui::GetColorU32(ImGuiCol_TextDisabled), "no point fits in memory");
        return;
    }
    // Pad the ranges (a single point, or all on one line, still gets a span).
    x_lo /= 1.25, x_hi *= 1.25, y_lo /= 1.25, y_hi *= 1.25;
    const float left = 52, bottom = 22, top = 8, right = 12;
    const ImVec2 a(origin.x + left, origin.y + top), b(end.x - right, end.y - bottom);
    if (b.x - a.x < 10 || b.y - a.y < 10) return;
    const double lx0 = std::log10(x_lo), lx1 = std::log10(x_hi), ly0 = std::log10(y_lo), ly1 = std::log10(y_hi);
    auto to_screen = [&](double x, double y) {
        return ImVec2(a.x + float((std::log10(x) - lx0) / (lx1 - lx0)) * (b.x - a.x), b.y - float((std::log10(y) - ly0) / (ly1 - ly0)) * (b.y - a.y));
    };
    const ImU32 grid = IM_COL32(70, 70, 80, 255), label = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    char buf[32];
    for (double t : log_ticks(x_lo, x_hi)) {
        const float x = to_screen(t, y_lo).x;
        dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), grid);
        tick_label(buf, sizeof buf, t);
        dl->AddText(ImVec2(x - 8, b.y + 3), label, buf);
    }
    for (double t : log_ticks(y_lo, y_hi)) {
        const float y = to_screen(x_lo, t).y;
        dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
        tick_label(buf, sizeof buf, t);
        dl->AddText(ImVec2(origin.x + 4, y - 7), label, buf);
    }
    dl->AddRect(a, b, IM_COL32(120, 120, 130, 255));
    dl->AddText(ImVec2(b.x - 150, b.y + 3), label, "latency ms (log)");
    dl->AddText(ImVec2(a.x + 4, a.y + 2), label, "samples/s/GPU (log)");
    const double bound = s.inputs.inference.max_latency_ms;
    if (bound > 0 && bound >= x_lo && bound <= x_hi) {
        const float x = to_screen(bound, y_lo).x;
        for (float y = a.y; y < b.y; y += 8) dl->AddLine(ImVec2(x, y), ImVec2(x, std::min(y + 4, b.y)), IM_COL32(255, 120, 120, 255), 1.5f);
    }
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float nearest = 64;  // squared pixels: within 8 px
    for (size_t i = 0; i < plan.points.size(); ++i) {
        const InferencePoint& p = plan.points[i];
        if (!p.fits || !(p.latency.total > 0) || !(p.samples_per_s_per_gpu > 0)) continue;
        const ImVec2 at = to_screen(p.latency.total * 1e3, p.samples_per_s_per_gpu);
        const int c = int(std::find(combos.begin(), combos.end(), std::pair{p.tp, p.pp}) - combos.begin());
        dl->AddCircleFilled(at, 3.5f, combo_colour(c, int(combos.size())));
        const float d = (at.x - mouse.x) * (at.x - mouse.x) + (at.y - mouse.y) * (at.y - mouse.y);
        if (hovered && d < nearest) nearest = d, s.inference_hovered = int(i);
    }
    auto ring = [&](const std::optional<size_t>& i, ImU32 colour, const char* text) {
        if (!i || *i >= plan.points.size()) return;
        const InferencePoint& p = plan.points[*i];
        const ImVec2 at = to_screen(p.latency.total * 1e3, p.samples_per_s_per_gpu);
        dl->AddCircle(at, 7.5f, colour, 0, 2.0f);
        dl->AddText(ImVec2(at.x + 9, at.y - 7), colour, text);
    };
    ring(plan.lowest_latency, IM_COL32(140, 200, 255, 255), "lowest latency");
    ring(plan.best_throughput, IM_COL32(255, 255, 255, 255), "best");
    if (s.inference_hovered >= 0) {
        const InferencePoint& p = plan.points[size_t(s.inference_hovered)];
        dl->AddCircle(to_screen(p.latency.total * 1e3, p.samples_per_s_per_gpu), 5.5f, IM_COL32(255, 255, 0, 255), 0, 2.0f);
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(point_line(p).c_str());
        ImGui::Text("first token %.2f ms, per token %.3f ms, %d node%s", p.latency.first_token * 1e3, p.latency.per_token * 1e3, p.nodes,
                    p.nodes > 1 ? "s" : "");
        ImGui::EndTooltip();
    }
}

void draw_table(AppState& s) {
    const InferencePlan& plan = s.inference_result;
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingFixedFit;
    const float height = std::max(ImGui::GetContentRegionAvail().y, ImGui::GetTextLineHeightWithSpacing() * 6);
    if (!ImGui::BeginTable("inf_points", kColumns, flags, ImVec2(0, height))) return;
    const char* const headers[kColumns] = {"TP", "PP", "BS", "fits", "memory GiB", "first-token ms", "per-token ms", "latency ms",
                                           "samples/s/GPU", "tokens/s/GPU"};
    for (int c = 0; c < kColumns; ++c) ImGui::TableSetupColumn(headers[c], c == 0 ? ImGuiTableColumnFlags_DefaultSort : 0);
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableHeadersRow();
    app_record_rect(s, "inf_table");
    if (ImGuiTableSortSpecs* spec = ImGui::TableGetSortSpecs(); spec != nullptr && spec->SpecsDirty) {
        if (spec->SpecsCount > 0) {
            s.inference_sort_column = spec->Specs[0].ColumnIndex;
            s.inference_sort_descending = spec->Specs[0].SortDirection == ImGuiSortDirection_Descending;
        }
        spec->SpecsDirty = false;
        sort_order(s);
    }
    if (s.inference_order.size() != plan.points.size()) sort_order(s);
    ImGuiListClipper clipper;
    clipper.Begin(int(s.inference_order.size()));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const size_t i = size_t(s.inference_order[size_t(row)]);
            const InferencePoint& p = plan.points[i];
            const bool best = plan.best_throughput && *plan.best_throughput == i;
            ImGui::TableNextRow();
            if (best) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, IM_COL32(60, 90, 60, 255));
            if (!p.fits) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            const double v[kColumns] = {double(p.tp), double(p.pp), double(p.batch), 0, p.memory.total / kGiB, p.latency.first_token * 1e3,
                                        p.latency.per_token * 1e3, p.latency.total * 1e3, p.samples_per_s_per_gpu, p.tokens_per_s_per_gpu};
            const char* const formats[kColumns] = {"%.0f", "%.0f", "%.0f", "", "%.1f", "%.2f", "%.3f", "%.1f", "%.3f", "%.1f"};
            for (int c = 0; c < kColumns; ++c) {
                ImGui::TableSetColumnIndex(c);
                if (c == kFits) ImGui::TextUnformatted(p.fits ? "yes" : "OOM");
                else ImGui::Text(formats[c], v[c]);
            }
            if (!p.fits) ImGui::PopStyleColor();
        }
    }
    ImGui::EndTable();
}

// One of the TP, PP and batch fields: the text as typed, applied when the field is left or Enter pressed.
void list_field(AppState& s, const char* label, const char* id, AppState::ListField& f, std::vector<int>& list, const char* flag) {
    list_sync(f, list);
    ImGui::InputText(label, f.text, sizeof f.text);
    app_record_rect(s, id);
    if (ImGui::IsItemDeactivatedAfterEdit()) app_inference_apply_list(f, list, flag);
    if (!f.error.empty()) ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", f.error.c_str());
}

}  // namespace

void app_inference_apply_list(AppState::ListField& field, std::vector<int>& list, const char* flag) {
    Result<std::vector<int>> parsed = int_list_parse(field.text, flag);
    if (!parsed) {
        field.error = parsed.error().message + "; keeping " + join(list);
        return;
    }
    field.error.clear();
    list = *parsed;
    field.synced = join(list);  // the text stays as typed ("1, 2" is not rewritten to "1,2")
}

void app_update_inference(AppState& s) {
    // The model and the inference inputs only: the other tabs' inputs do not change the plan. Model names from a
    // config.json may hold invalid UTF-8: replaced, never a throw (exceptions abort the page).
    const nlohmann::json all = session_inputs_json(s.inputs);
    const nlohmann::json part = {{"model", all["model"]}, {"inference", all.contains("inference") ? all["inference"] : nlohmann::json(nullptr)}};
    const std::string key = part.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (key == s.inference_key) return;
    s.inference_key = key;
    s.inference_error.clear();
    s.inference_result = InferencePlan{};
    s.inference_order.clear();
    s.inference_hovered = -1;
    ++s.inference_runs;
    const InferenceInputs& in = s.inputs.inference;
    const size_t points = in.tp.size() * in.pp.size() * in.batch_sizes.size();
    if (points > kMaxInferencePoints) {
        s.inference_error = std::to_string(in.tp.size()) + " TP x " + std::to_string(in.pp.size()) + " PP x " + std::to_string(in.batch_sizes.size()) +
                            " batch sizes = " + std::to_string(points) + " points; the page draws at most " + std::to_string(kMaxInferencePoints) +
                            " (trainplan inference has no limit)";
        return;
    }
    Result<InferenceRequest> r = inference_request_from_inputs(s.inputs.model, in);
    if (!r) {
        s.inference_error = r.error().message;
        return;
    }
    s.inference_result = inference_plan(*r);
    sort_order(s);
}

void panel_inference(AppState& s) {
    ImGui::TextWrapped("Which TP, PP and batch size serve the model on the left with the lowest latency or the most throughput per GPU? "
                       "trainplan inference: memory and a roofline latency (prefill, decode steps, TP all-reduces, PP hops), fitted on "
                       "FasterTransformer's published GPT latencies (docs/accuracy.md, Inference).");
    ImGui::TextDisabled("model: %s", s.inputs.model.name.c_str());
    InferenceInputs& f = s.inputs.inference;
    if (ImGui::BeginTable("inf_inputs", 2, ImGuiTableFlags_SizingStretchSame)) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::PushItemWidth(150);
        const std::vector<GpuSpec>& gpus = gpu_catalog();
        if (ImGui::BeginCombo("GPU##inf", f.gpu.c_str(), ImGuiComboFlags_HeightLarge)) {
            for (const GpuSpec& g : gpus)
                if (ImGui::Selectable(g.name.c_str(), g.name == f.gpu)) f.gpu = g.name;
            ImGui::EndCombo();
        }
        app_record_rect(s, "inf_gpu");
        auto int_input = [&](const char* label, int& v, int lo, int hi, const char* id) {
            if (ImGui::InputInt(label, &v, 1, 8)) v = v < lo ? lo : (v > hi ? hi : v);
            app_record_rect(s, id);
        };
        int_input("GPUs per node##inf", f.gpus_per_node, 1, 1024, "inf_gpus_per_node");
        int_input("input tokens", f.input_len, 1, 1 << 22, "inf_input_len");
        int_input("output tokens", f.output_len, 1, 1 << 22, "inf_output_len");
        int weights = name_index(f.weights == "fp16" ? std::string("bf16") : f.weights, kWeights, 4);
        if (ImGui::Combo("weights", &weights, kWeights, 4) && weights >= 0) f.weights = kWeights[weights];
        app_record_rect(s, "inf_weights");
        int kv = name_index(f.kv_cache == "fp16" ? std::string("bf16") : f.kv_cache, kKvFormats, 2);
        if (ImGui::Combo("KV cache", &kv, kKvFormats, 2) && kv >= 0) f.kv_cache = kKvFormats[kv];
        app_record_rect(s, "inf_kv_cache");
        ImGui::PopItemWidth();
        ImGui::TableSetColumnIndex(1);
        ImGui::PushItemWidth(150);
        list_field(s, "TP", "inf_tp", s.inference_tp, f.tp, "TP");
        list_field(s, "PP", "inf_pp", s.inference_pp, f.pp, "PP");
        list_field(s, "batch sizes", "inf_batch", s.inference_batch, f.batch_sizes, "batch sizes");
        if (ImGui::InputDouble("latency bound ms", &f.max_latency_ms, 10, 100, "%.0f")) f.max_latency_ms = std::max(0.0, f.max_latency_ms);
        app_record_rect(s, "inf_max_latency");
        ImGui::Checkbox("NeMo launcher's filter", &f.nemo_filter);
        app_record_rect(s, "inf_nemo");
        ImGui::PopItemWidth();
        ImGui::EndTable();
    }
    ImGui::Separator();

    app_update_inference(s);
    if (!s.inference_error.empty()) {
        ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", s.inference_error.c_str());
        app_record_rect(s, "inf_answer");
        return;
    }
    const InferencePlan& plan = s.inference_result;
    std::string best = "best throughput";
    if (f.max_latency_ms > 0) {
        char b[64];
        std::snprintf(b, sizeof b, " within %g ms", f.max_latency_ms);
        best += b;
    }
    auto line = [&](const std::string& what, const std::optional<size_t>& i) {
        if (!i || *i >= plan.points.size()) {
            ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.3f, 1.0f), "%s: none fits%s", what.c_str(),
                               f.max_latency_ms > 0 && what != "lowest latency" ? " within the latency bound" : "");
            return;
        }
        ImGui::Text("%s: %s", what.c_str(), point_line(plan.points[*i]).c_str());
    };
    line(best, plan.best_throughput);
    app_record_rect(s, "inf_answer");
    line("lowest latency", plan.lowest_latency);
    size_t fitting = 0;
    for (const InferencePoint& p : plan.points) fitting += p.fits ? 1 : 0;
    ImGui::TextDisabled("%zu points, %zu fit in memory, %zu TP x PP x batch rejected", plan.points.size(), fitting, plan.rejected.size());
    if (!plan.rejected.empty()) {
        const std::string header = "Rejected (" + std::to_string(plan.rejected.size()) + ")###inf_rejected";
        if (ImGui::CollapsingHeader(header.c_str())) {
            // One line per TP x PP: the reason does not depend on the batch size.
            std::vector<std::pair<int, int>> seen;
            for (const InferenceRejected& x : plan.rejected) {
                if (std::find(seen.begin(), seen.end(), std::pair{x.tp, x.pp}) != seen.end()) continue;
                seen.push_back({x.tp, x.pp});
                ImGui::BulletText("TP %d, PP %d: %s", x.tp, x.pp, x.reason.c_str());
            }
        }
        app_record_rect(s, "inf_rejected");
    }
    const float avail = ImGui::GetContentRegionAvail().y;
    draw_chart(s, std::clamp(avail * 0.45f, 120.0f, 320.0f));
    draw_table(s);
}

}  // namespace tp::web
