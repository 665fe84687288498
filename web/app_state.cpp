#include "app_state.hpp"

#include "hardware.hpp"
#include "report.hpp"

namespace tp::web {

namespace {
const char* const kFamilies[] = {"gpt3", "llama", "mixtral", "mistral", "gemma", "nemotron", "qwen", "starcoder", "t5", "mt5", "bert"};
}

const char* const* app_families(int* count) {
    *count = int(sizeof kFamilies / sizeof kFamilies[0]);
    return kFamilies;
}

AppState& app_state() {
    static AppState state;
    return state;
}

void app_recompute(AppState& s) {
    RecommendInputs in;
    in.gpus = double(s.nodes) * s.gpus_per_node;
    in.days = s.days;
    in.tokens_b = s.tokens_b;
    in.nemo_tflops_per_gpu = s.nemo_tflops_per_gpu;
    in.family = kFamilies[s.family_index];
    in.gpu = gpu_catalog()[size_t(s.gpu_index)];
    in.precision = s.fp8 ? Precision::fp8 : Precision::bf16;
    in.mfu = s.mfu;
    in.seq = s.seq;
    Result<RecommendResult> r = recommend(in);
    s.ok = r.ok();
    if (r.ok()) {
        s.result = r.value();
        s.json = recommend_json(s.result);
        s.error.clear();
    } else {
        s.error = r.error().message;
        s.json = "{\"error\": \"see page\"}";
    }
}

}  // namespace tp::web
