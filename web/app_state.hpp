// app_state.hpp — the page's inputs and the last computed outputs. Panels read and write it;
// only browser_bridge.cpp touches the browser.
#pragma once

#include <string>

#include "recommend.hpp"

namespace tp::web {

struct AppState {
    // Recommendation inputs (defaults: NeMo's launcher example, 20 nodes x 8 GPUs).
    int nodes = 20;
    int gpus_per_node = 8;
    double days = 5.0;
    double tokens_b = 300.0;
    double nemo_tflops_per_gpu = 140.0;
    int family_index = 0;
    int gpu_index = 3;  // h100-sxm
    bool fp8 = false;
    double mfu = 0.40;
    int seq = 2048;

    // Outputs, recomputed every frame from the inputs (the core is fast; no caching needed).
    bool ok = false;
    std::string error;
    RecommendResult result;
    std::string json;  // recommend_json of the last result, for the test API
};

AppState& app_state();
void app_recompute(AppState& s);
const char* const* app_families(int* count);

}  // namespace tp::web
