#include "app_state.hpp"

#include <algorithm>
#include <chrono>

#include <imgui.h>

#include "app_files.hpp"
#include "hf_config.hpp"
#include "model_presets.hpp"
#include "report.hpp"
#include "text.hpp"

namespace tp::web {

namespace {
const char* const kFamilies[] = {"gpt3", "llama", "mixtral", "mistral", "gemma", "nemotron", "qwen", "starcoder", "t5", "mt5", "bert"};
}

const char* const* app_families(int* count) {
    *count = int(sizeof kFamilies / sizeof kFamilies[0]);
    return kFamilies;
}

// The page opens on a case every candidate table has rows for: Llama 3 8B on 16 nodes of 8 H100, 4K context.
// (NeMo's recommend example, 20 x 8 GPUs, leaves a power-of-two global batch no data-parallel size that
// divides it for an 8B Llama, so the grid would open empty.)
SessionInputs AppState::app_default_inputs() {
    SessionInputs in;
    in.model_preset = "llama3-8b";
    in.model = *model_preset_find(in.model_preset);
    in.gpu = "h100-sxm";
    in.training.nodes = 16;
    in.training.gpus_per_node = 8;
    in.training.seq = 4096;
    return in;
}

AppState& app_state() {
    static AppState state;
    return state;
}

void app_recompute(AppState& s) {
    const TrainConfig& t = s.inputs.training;
    RecommendInputs in;
    in.gpus = double(t.nodes) * t.gpus_per_node;
    const BudgetInputs& b = s.inputs.budget;
    if (b.days_for_model) in.model = s.inputs.model;  // how long the model on the left takes (exact FLOPs per token)
    else in.days = b.days;
    in.tokens_b = b.tokens_b;
    in.nemo_tflops_per_gpu = b.nemo_tflops_per_gpu;
    in.family = b.family;
    Result<GpuSpec> gpu = gpu_find(s.inputs.gpu);
    if (gpu) in.gpu = *gpu;
    in.precision = t.precision;
    if (b.mfu > 0) in.mfu = b.mfu;  // else recommend() takes default_mfu(precision)
    in.seq = t.seq;
    Result<RecommendResult> r = gpu ? recommend(in) : Result<RecommendResult>(gpu.error());
    s.ok = r.ok();
    if (r.ok()) {
        s.result = r.value();
        s.json = recommend_json(s.result);
        s.error.clear();
    } else {
        s.error = r.error().message;
        s.json = "{\"error\": \"see page\"}";
    }
    app_update_grid(s);
    app_update_finetune(s);
    app_update_inference(s);
}

void app_update_grid(AppState& s) {
    nlohmann::json inputs = session_inputs_json(s.inputs);
    inputs.erase("finetune");  // the fine-tuning and inference tabs' inputs do not change the grid
    inputs.erase("inference");
    std::string key = inputs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (key == s.grid_key) return;
    s.grid_key = std::move(key);
    s.grid = SearchResult{};
    s.selected = 0;
    s.order.clear();
    s.order_dirty = true;
    Result<GpuSpec> gpu = gpu_find(s.inputs.gpu);
    if (!gpu) {
        s.grid_error = gpu.error().message;
        return;
    }
    s.grid_error.clear();
    s.grid_gpu = *gpu;
    // As `trainplan grid --session` does (native/cmd_grid.cpp): an open GBS is the ~4M-token default.
    s.grid_base = s.inputs.training;
    if (s.grid_base.gbs == 0) s.grid_base.gbs = search_default_gbs(s.grid_base.seq);
    const auto start = std::chrono::steady_clock::now();
    s.grid = search_grid(s.inputs.model, s.grid_gpu, s.grid_base, s.inputs.search_space);
    s.grid_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    ++s.grid_runs;
}

std::string app_grid_json(AppState& s, size_t top) {
    app_update_grid(s);
    if (!s.grid_error.empty()) return nlohmann::json({{"error", s.grid_error}}).dump();
    return grid_json(s.inputs.model, s.grid_gpu, s.grid_base, s.grid, top);
}

std::string app_set_session(AppState& s, const std::string& text) { return app_open_session(s, "session", text); }

std::string app_session_json(const AppState& s) { return app_session_file(s); }

bool app_import_hf_config(AppState& s) {
    Result<ModelSpec> m = hf_config_parse(s.hf_text, "config.json");
    if (!m) {
        s.hf_error = m.error().message;
        s.hf_status.clear();
        return false;
    }
    s.inputs.model = *m;
    // hf_config_parse names the model after its source; a label from the architecture reads better in the
    // page and in the exported session ("qwen-7.6b").
    s.inputs.model.name = m->family + "-" + format_fixed(model_param_counts(*m).total / 1e9, 1) + "b";
    s.inputs.model_preset.clear();
    s.hf_error.clear();
    s.hf_status = "imported " + s.inputs.model.name + " (" + std::to_string(m->layers) + " layers, hidden " + std::to_string(m->hidden) + ")";
    return true;
}

void app_record_rect(AppState& s, const char* id) {
    const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    WidgetRect r{id, lo.x, lo.y, hi.x - lo.x, hi.y - lo.y};
    for (WidgetRect& old : s.rects)
        if (old.id == r.id) {
            old = r;
            return;
        }
    s.rects.push_back(r);
}

}  // namespace tp::web
