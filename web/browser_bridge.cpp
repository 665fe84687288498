// browser_bridge.cpp — the only file that talks to the browser: the main loop, the window
// title as a status channel, and a small JS-callable API used by the end-to-end test.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <string>

#include "app_state.hpp"

namespace {
int g_frames = 0;
}

namespace tp::web {
void bridge_frame_done() { ++g_frames; }
}  // namespace tp::web

extern "C" {

EMSCRIPTEN_KEEPALIVE int tp_frame_count() { return g_frames; }

// The current recommendation as JSON (the same document `trainplan recommend --json` prints).
EMSCRIPTEN_KEEPALIVE const char* tp_recommend_json() { return tp::web::app_state().json.c_str(); }

// Sets the budget inputs from the test or the URL; returns the recommendation JSON.
EMSCRIPTEN_KEEPALIVE const char* tp_set_budget(int nodes, int gpus_per_node, double days, double tokens_b) {
    tp::web::AppState& s = tp::web::app_state();
    s.nodes = nodes;
    s.gpus_per_node = gpus_per_node;
    s.days = days;
    s.tokens_b = tokens_b;
    tp::web::app_recompute(s);
    return s.ok ? s.json.c_str() : s.error.c_str();
}

}  // extern "C"
