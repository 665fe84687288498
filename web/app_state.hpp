// app_state.hpp — the page's inputs and the last computed outputs. Panels read and write it;
// only browser_bridge.cpp touches the browser.
//
// [SECTION] Inputs: one SessionInputs (core/session.hpp) is the single source of truth for the model,
//           cluster, training and search space: the panels edit it, the test API and (later) share links
//           and uploads replace it, and `trainplan grid --session` reads the same document natively.
// [SECTION] Outputs: the ranked grid of those inputs, recomputed when (and only when) they change,
//           and the budget recommendation, recomputed every frame (it is a few arithmetic operations).
#pragma once

#include <string>
#include <vector>

#include "finetune.hpp"
#include "generate_plan.hpp"
#include "hardware.hpp"
#include "run_journal.hpp"
#include "search_results.hpp"
#include "heatmap.hpp"
#include "inference.hpp"
#include "recommend.hpp"
#include "search.hpp"
#include "session.hpp"

namespace tp::web {

// Screen rectangle of a widget the end-to-end test clicks (ImGui coordinates = CSS pixels).
struct WidgetRect {
    std::string id;
    float x = 0, y = 0, w = 0, h = 0;
};

struct AppState {
    // [SECTION] Inputs
    SessionInputs inputs = app_default_inputs();

    // The budget tab's question and assumptions live in inputs.budget (session.hpp), so a share link and a saved
    // session carry them; GPUs, GPU type, precision and sequence come from the cluster and training inputs.

    // Model panel: the pasted config.json and the outcome of the last import.
    std::string hf_text;
    std::string hf_error;   // "" after a successful import
    std::string hf_status;  // "imported ..." after a successful import

    // Model panel: the custom architecture editor's working copy, and why it is not applied (empty: applied).
    ModelSpec custom_model;
    std::string custom_error;

    // [SECTION] Outputs
    // Recommendation, every frame.
    bool ok = false;
    std::string error;
    RecommendResult result;
    std::string json;  // recommend_json of the last result, for the test API

    // Grid, when `inputs` change (grid_key is the inputs JSON the grid was computed from).
    std::string grid_key;
    std::string grid_error;    // unknown GPU and the like; the grid is empty then
    GpuSpec grid_gpu;
    TrainConfig grid_base;     // inputs.training with the open GBS resolved as `trainplan grid` does
    SearchResult grid;
    double grid_ms = 0;        // wall time of the last search_grid call
    int grid_runs = 0;         // how many times the grid was computed (the test checks recompute-on-change)
    int selected = 0;          // index into grid.candidates whose memory is drawn
    std::vector<int> order;    // display order of grid.candidates (the table's sort)
    char candidate_filter[128] = "";  // the candidates table's filter (ImGuiTextFilter syntax: "tp4,tp8", "-full")
    std::vector<int> shown_rows;      // `order` less the rows the filter hides: what the table shows
    bool order_dirty = true;
    char rejected_filter[128] = "";   // the rejected list's filter over reasons
    const char* grid_view = "";  // the grid panel's open tab in the last frame: "candidates", "heatmap" or "rejected"
    HeatmapView heatmap;         // the TP x PP heatmap's table, rebuilt when the grid changes
    const char* sort_by = "rank";  // the candidates table's sort column (its header) and direction
    bool sort_descending = false;

    // Fine-tuning panel: its answer for the current inputs (finetune_key: the inputs JSON it was computed from).
    std::string finetune_key;
    std::string finetune_error;  // unknown GPU or method
    FinetunePlan finetune_plan;

    // Inference panel: its plan for the current model and inputs.inference (inference_key: the JSON of both it was
    // computed from), the table's sort, the chart's hovered point, and the three list fields ("1,2,4"): their text,
    // the list the text was last synced from (a session or link that changes the list rewrites the text), and the
    // parse error of the last edit (the list keeps its last good value then).
    std::string inference_key;
    std::string inference_error;  // unknown GPU, encoder-decoder model, FP8 weights on a GPU without FP8, too many points
    InferencePlan inference_result;
    int inference_runs = 0;               // times the plan was computed
    std::vector<int> inference_order;     // display order of inference_result.points (the table's sort)
    int inference_sort_column = -1;       // -1: the plan's order (TP, PP, batch)
    bool inference_sort_descending = false;
    int inference_hovered = -1;           // the chart's point under the pointer in the last frame (-1: none)
    struct ListField {
        char text[128] = "";
        std::string synced;  // the list, joined with commas, that `text` was last set from or applied to
        std::string error;
    };
    ListField inference_tp, inference_pp, inference_batch;

    // Share links and files (app_files.hpp).
    std::string notice;            // one message under the title: a refused link or file, or what was opened
    bool notice_is_error = false;
    std::string share_fragment;    // "#s1=..." of the inputs when the share button was last pressed ("" before)
    nlohmann::json opened_plan = nlohmann::json::object();  // plan section of the opened session (NeMo's names)
    std::string runs_source;       // file the runs came from ("" when none are shown)
    JournalState runs;             // runs of the opened session
    SearchResults measured;        // collect's tables of those runs (measured vs predicted)
    std::string files_key;         // inputs JSON + schedule the files were made for
    std::string files_error;
    std::vector<std::pair<std::string, std::string>> files;  // app_files()
    bool show_runs_tab = false;    // select the measured tab in the next frame (a session with runs was opened)
    int file_shown = -1;           // the file whose text the files tab shows (-1: none)

    // Browser actions the panels ask for; browser_bridge.cpp performs and clears them after the frame.
    struct Requests {
        std::string download_name, download_text;  // save a file
        bool pick_session_file = false;            // open the file picker for a session
        bool publish_share_link = false;           // put share_fragment in the address bar and the clipboard
    } requests;

    // Where the test-relevant widgets were drawn in the last frame.
    std::vector<WidgetRect> rects;

    static SessionInputs app_default_inputs();
};

AppState& app_state();
// Recomputes the recommendation (always) and the grid (when the inputs changed since the last grid).
void app_recompute(AppState& s);
void app_update_grid(AppState& s);
// Recomputes the fine-tuning answer when the inputs changed (panel_finetune.cpp).
void app_update_finetune(AppState& s);
// Recomputes the inference plan when the model or inputs.inference changed (panel_inference.cpp).
void app_update_inference(AppState& s);
// Applies a list field's text ("1,2,4") to `list` as the panel does when the field is left or Enter is pressed:
// parsed with int_list_parse; on an error the field keeps the message and the list its last good value.
void app_inference_apply_list(AppState::ListField& field, std::vector<int>& list, const char* flag);
// grid_json (core/report.hpp) of the current grid, the first `top` candidates, as `trainplan grid --json` prints it.
std::string app_grid_json(AppState& s, size_t top);
// Replaces the inputs from a session document; returns "" or the error message (inputs unchanged then).
std::string app_set_session(AppState& s, const std::string& text);
std::string app_session_json(const AppState& s);
// Imports s.hf_text as a Hugging Face config.json into s.inputs.model (errors land in s.hf_error).
bool app_import_hf_config(AppState& s);
// Records the last drawn item's rectangle under `id` (for the test API).
void app_record_rect(AppState& s, const char* id);
const char* const* app_families(int* count);

}  // namespace tp::web
