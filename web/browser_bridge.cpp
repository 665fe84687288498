// browser_bridge.cpp — the only file that talks to the browser: the main loop, the window
// title as a status channel, and a small JS-callable API used by the end-to-end test (browser_bridge_heatmap.cpp
// holds the heatmap's and the display's part).
//
// Strings returned to JavaScript point into static buffers that stay valid until the next call of
// the same function (read them with UTF8ToString at once, or through ccall(..., 'string', ...)).
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "app_files.hpp"
#include "app_state.hpp"

namespace {

int g_frames = 0;

// Uploaded session files larger than this are refused before they are read (a session of 100,000 runs is ~60 MB).
constexpr double kMaxSessionFileBytes = 64.0 * 1024 * 1024;

// Saves text as a file: a Blob behind a temporary link with the download attribute, the one way a static page
// can write to the user's disk. The name's folder part is dropped (candidate_configs/x.yaml saves as x.yaml).
EM_JS(void, js_download, (const char* name, const char* text), {
    const blob = new Blob([UTF8ToString(text)], {type: "application/octet-stream"});
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = UTF8ToString(name).split("/").pop();
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
});

// The file picker of the page shell (public/index.html: <input type="file" id="upload">); its change handler
// calls tp_open_session_file. Called in the frame after the button"s click, inside the click"s user activation.
EM_JS(void, js_pick_session_file, (), { document.getElementById("upload").click(); });

// The share link into the address bar (replaceState: no hashchange event, no new history entry) and, when the
// browser allows it, onto the clipboard.
EM_JS(void, js_publish_share_link, (const char* fragment), {
    history.replaceState(null, "", UTF8ToString(fragment));
    if (navigator.clipboard) navigator.clipboard.writeText(location.href).catch(function () {});
});

// When the first frame was complete, in ms since navigation started (performance.now()'s origin), for
// bench/web_budgets.js (issue 6's budget: 1.5 s from navigation to the first complete frame).
EM_JS(void, js_mark_first_frame, (), { window.tpFirstFrameMs = performance.now(); });

}  // namespace

namespace tp::web {

// After each frame: the browser actions the panels asked for (AppState::Requests).
void bridge_frame_done() {
    if (++g_frames == 1) js_mark_first_frame();
    AppState::Requests& r = app_state().requests;
    if (!r.download_name.empty()) js_download(r.download_name.c_str(), r.download_text.c_str());
    if (r.pick_session_file) js_pick_session_file();
    if (r.publish_share_link) js_publish_share_link(app_state().share_fragment.c_str());
    r = AppState::Requests{};
}

}  // namespace tp::web

extern "C" {

EMSCRIPTEN_KEEPALIVE int tp_frame_count() { return g_frames; }

// The current recommendation as JSON (the same document `trainplan recommend --json` prints).
EMSCRIPTEN_KEEPALIVE const char* tp_recommend_json() { return tp::web::app_state().json.c_str(); }

// Sets the budget inputs from the test or the URL; returns the recommendation JSON or an error. The GPU count is the
// session's cluster (nodes x GPUs per node), shared with the grid.
EMSCRIPTEN_KEEPALIVE const char* tp_set_budget(int nodes, int gpus_per_node, double days, double tokens_b) {
    tp::web::AppState& s = tp::web::app_state();
    static std::string error;
    if (nodes < 1 || nodes > 100000 || gpus_per_node < 1 || gpus_per_node > 64) {  // the session's ranges
        error = "nodes: expected 1 to 100000 and GPUs per node 1 to 64, got " + std::to_string(nodes) + " x " + std::to_string(gpus_per_node);
        return error.c_str();
    }
    s.inputs.training.nodes = nodes;
    s.inputs.training.gpus_per_node = gpus_per_node;
    s.inputs.budget.days = days;
    s.inputs.budget.tokens_b = tokens_b;
    tp::web::app_recompute(s);
    return s.ok ? s.json.c_str() : s.error.c_str();
}

// The grid of the current inputs, top 10 candidates and every rejection: the document
// `trainplan grid --session FILE --top 10 --json` prints for tp_session_json()'s file.
EMSCRIPTEN_KEEPALIVE const char* tp_grid_json() {
    static std::string out;
    out = tp::web::app_grid_json(tp::web::app_state(), 10);
    return out.c_str();
}

// Replaces every input from a session document (a file `trainplan` wrote, or one the test made).
// Returns "" on success, or the error naming the field ("session: inputs.cluster.nodes: ...").
EMSCRIPTEN_KEEPALIVE const char* tp_set_session_json(const char* text) {
    static std::string out;
    out = tp::web::app_set_session(tp::web::app_state(), text != nullptr ? text : "");
    return out.c_str();
}

// The current inputs as a session document (format, schema_version, inputs; empty plan and runs).
EMSCRIPTEN_KEEPALIVE const char* tp_session_json() {
    static std::string out;
    out = tp::web::app_session_json(tp::web::app_state());
    return out.c_str();
}

// What the page shows besides the grid: {"grid": {"runs": times computed, "ms": wall time of the last
// search_grid, "candidates", "rejected", "selected": index of the candidate whose memory is drawn, "error",
// "view": the open tab, candidates or rejected, "sort_by" and "sort_descending": the table's sort, "shown_rows": rows the filter lets through, "shown": its
// first three rows as [rank, memory GiB]},
// "model": {"name", "preset", "import_error", "import_status"} (the model panel's inline messages),
// "runs": {"source", "count", "finished", "failed", "optimal", "measured": [[config, measured s, predicted s, error]]},
// "page": {"notice", "notice_is_error", "share_fragment", "files": names in the files tab, "files_error"},
// "finetune": the fine-tuning tab's answer as `finetune-gpus --json` keys {"can_recommend", "gpus", "workers", "reason"}
// plus "error" (an unknown GPU or method),
// "inference": the inference tab's plan as `trainplan inference --json` keys {"points": [{"tp", "pp", "batch", "nodes",
// "fits", "memory_gib": {"weights", ..., "total", "usable"}, "first_token_ms", "per_token_ms", "latency_ms", "samples_per_s_per_gpu",
// "tokens_per_s_per_gpu"}], "rejected": [{"tp", "pp", "batch", "reason"}], "best_throughput", "lowest_latency" (a point
// or null)} plus "error" (an unknown GPU, an encoder-decoder model, too many points), "runs" (times computed) and
// "hovered" (the chart's point under the pointer, an index into points, or -1)}.
EMSCRIPTEN_KEEPALIVE const char* tp_status_json() {
    static std::string out;
    const tp::web::AppState& s = tp::web::app_state();
    nlohmann::json shown = nlohmann::json::array();  // the table's first rows as shown: [rank, memory GiB, TP, recompute]
    for (size_t i = 0; i < s.shown_rows.size() && i < 3; ++i) {
        const tp::Candidate& c = s.grid.candidates[size_t(s.shown_rows[i])];
        shown.push_back({c.rank, c.estimate.memory.total / tp::kGiB, c.config.tp,
                         tp::recompute_choice_name({c.config.recompute, c.config.recompute_layers})});
    }
    const nlohmann::json grid = {{"runs", s.grid_runs}, {"ms", s.grid_ms}, {"candidates", s.grid.candidates.size()},
                                 {"rejected", s.grid.rejected.size()}, {"selected", s.selected}, {"error", s.grid_error},
                                 {"view", s.grid_view}, {"sort_by", s.sort_by}, {"sort_descending", s.sort_descending},
                                 {"shown", shown}, {"shown_rows", s.shown_rows.size()}};
    const nlohmann::json model = {{"name", s.inputs.model.name}, {"preset", s.inputs.model_preset}, {"import_error", s.hf_error},
                                  {"import_status", s.hf_status}};
    nlohmann::json measured = nlohmann::json::array();  // the measured tab's rows: [config name, measured s, predicted s, error]
    for (const std::vector<std::string>& row : s.measured.summary_rows)
        if (row.size() >= 22) measured.push_back({row[21], row[15], row[19], row[20]});
    const nlohmann::json runs = {{"source", s.runs_source}, {"count", s.runs.runs.size()}, {"finished", s.measured.finished},
                                 {"failed", s.measured.failed}, {"optimal", s.measured.optimal_run}, {"measured", measured}};
    nlohmann::json files = nlohmann::json::array();  // names of the files tab's rows, once it has been drawn
    for (const auto& f : s.files) files.push_back(f.first);
    const nlohmann::json page = {{"notice", s.notice}, {"notice_is_error", s.notice_is_error}, {"share_fragment", s.share_fragment},
                                 {"files", files}, {"files_error", s.files_error}};
    const tp::FinetunePlan& fp = s.finetune_plan;
    const nlohmann::json finetune = {{"can_recommend", fp.can_recommend ? 1 : 0},
                                     {"gpus", fp.can_recommend ? nlohmann::json(fp.gpus) : nlohmann::json(nullptr)},
                                     {"workers", fp.can_recommend ? nlohmann::json(fp.workers) : nlohmann::json(nullptr)},
                                     {"reason", fp.reason}, {"error", s.finetune_error}};
    const tp::InferencePlan& ip = s.inference_result;
    auto point = [](const tp::InferencePoint& p) {
        return nlohmann::json{{"tp", p.tp}, {"pp", p.pp}, {"batch", p.batch}, {"nodes", p.nodes}, {"fits", p.fits},
                              {"memory_gib", {{"weights", p.memory.weights / tp::kGiB}, {"kv_cache", p.memory.kv_cache / tp::kGiB},
                                              {"activations", p.memory.activations / tp::kGiB}, {"other", p.memory.other / tp::kGiB},
                                              {"total", p.memory.total / tp::kGiB}, {"usable", p.memory.usable / tp::kGiB}}},
                              {"first_token_ms", p.latency.first_token * 1e3},
                              {"per_token_ms", p.latency.per_token * 1e3}, {"latency_ms", p.latency.total * 1e3},
                              {"samples_per_s_per_gpu", p.samples_per_s_per_gpu}, {"tokens_per_s_per_gpu", p.tokens_per_s_per_gpu}};
    };
    nlohmann::json points = nlohmann::json::array(), rejected = nlohmann::json::array();
    for (const tp::InferencePoint& p : ip.points) points.push_back(point(p));
    for (const tp::InferenceRejected& x : ip.rejected) rejected.push_back({{"tp", x.tp}, {"pp", x.pp}, {"batch", x.batch}, {"reason", x.reason}});
    auto pick = [&](const std::optional<size_t>& i) { return i && *i < ip.points.size() ? point(ip.points[*i]) : nlohmann::json(nullptr); };
    const nlohmann::json inference = {{"points", points}, {"rejected", rejected}, {"best_throughput", pick(ip.best_throughput)},
                                      {"lowest_latency", pick(ip.lowest_latency)}, {"error", s.inference_error},
                                      {"runs", s.inference_runs}, {"hovered", s.inference_hovered}};
    out = nlohmann::json({{"grid", grid}, {"model", model}, {"runs", runs}, {"page", page}, {"finetune", finetune}, {"inference", inference}})
              .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return out.c_str();
}

// A share link's fragment ("#s1=..."), from the page shell at start and on every hashchange: all the inputs, or
// the page's defaults with a notice naming what is wrong. Returns "" or the error.
EMSCRIPTEN_KEEPALIVE const char* tp_open_share_link(const char* fragment) {
    static std::string out;
    out = tp::web::app_open_share_link(tp::web::app_state(), fragment != nullptr ? fragment : "");
    return out.c_str();
}

// A file the user picked or dropped on the page (its name and text): a session, or a Hugging Face config.json
// (app_open_file). Returns "" or the error, which the page also shows.
EMSCRIPTEN_KEEPALIVE const char* tp_open_session_file(const char* name, const char* text) {
    static std::string out;
    out = tp::web::app_open_file(tp::web::app_state(), name != nullptr ? name : "session.json", text != nullptr ? text : "");
    return out.c_str();
}

// A file too large to read (the shell checks the size first): a notice, nothing else changes.
EMSCRIPTEN_KEEPALIVE void tp_file_too_large(const char* name, double bytes) {
    tp::web::AppState& s = tp::web::app_state();
    char size[64];
    std::snprintf(size, sizeof size, "%.0f MB", bytes / 1e6);
    s.notice = std::string(name != nullptr ? name : "file") + ": " + size + " is larger than a session file can be (at most " +
               std::to_string(int(kMaxSessionFileBytes / (1024 * 1024))) + " MiB); nothing was opened";
    s.notice_is_error = true;
}

EMSCRIPTEN_KEEPALIVE double tp_max_session_file_bytes() { return kMaxSessionFileBytes; }

// Where test-relevant widgets were drawn in the last frame, in CSS pixels of the canvas:
// {"nodes": [x, y, w, h], "hf_text": [...], ...}.
EMSCRIPTEN_KEEPALIVE const char* tp_widget_rects_json() {
    static std::string out;
    nlohmann::json j = nlohmann::json::object();
    for (const tp::web::WidgetRect& r : tp::web::app_state().rects) j[r.id] = {r.x, r.y, r.w, r.h};
    out = j.dump();
    return out.c_str();
}

}  // extern "C"
