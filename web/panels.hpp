// panels.hpp — one function per panel, each in panel_<name>.cpp. A panel draws into the current ImGui
// window or child region (it never calls Begin/End for a window of its own), so app_draw can lay the
// panels out and the native smoke test (web/test_panels_null.cpp) can call each one alone.
#pragma once

#include "app_state.hpp"

namespace tp::web {

// Model: a preset, a custom architecture (field by field), or a pasted Hugging Face config.json (errors inline).
void panel_model(AppState& s);
// Cluster and training: GPU from the catalog, nodes, GPUs per node, sequence, global batch, precision, framework.
void panel_cluster(AppState& s);
// Ranked candidates of the current inputs (sortable table), their TP x PP heatmap, the rejected ones with their
// reason, and the selected candidate's memory as a stacked bar against the GPU's usable capacity.
void panel_grid(AppState& s);
// The grid as a TP x PP heatmap of the best predicted tokens/s/GPU (panel_heatmap.cpp); `height` as for BeginChild.
void panel_heatmap(AppState& s, float height);
// Model size for a compute budget: NeMo's and trainplan's figures side by side.
void panel_recommend(AppState& s);

// Fine-tuning: the fewest GPUs and workers for the model on the left (inputs.finetune; finetune-gpus' answer).
void panel_finetune(AppState& s);
// Inference: TP x PP x batch for the model on the left (inputs.inference; `trainplan inference`'s plan), as a sortable
// table, the best-throughput and lowest-latency lines, the rejected TP x PP, and throughput against latency as a chart.
void panel_inference(AppState& s);

// The share bar: share link, open and save a session; the notice of the last link or file.
void panel_share(AppState& s);
// Files to download: the session, generate's plan files for the inputs, collect's CSV files of opened runs.
void panel_files(AppState& s);
// Runs of an opened session from `trainplan search`: measured against predicted, and the failures.
void panel_runs(AppState& s);

// The whole page in one full-viewport window: inputs on the left, results (tabs) on the right.
void app_draw(AppState& s);

// Position of `value` among `names` (a combo's items), or -1: the combos show a value the session holds.
inline int name_index(const std::string& value, const char* const* names, int n) {
    for (int i = 0; i < n; ++i)
        if (value == names[i]) return i;
    return -1;
}

}  // namespace tp::web
