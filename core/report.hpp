// report.hpp — the JSON documents and readable text both front ends print.
//
// JSON keys are the command-line contract of ../shared/docs/design.md: scripts, the web page
// and tests rely on them.
#pragma once

#include <string>

#include "base_config.hpp"
#include "estimate.hpp"
#include "model.hpp"
#include "recommend.hpp"
#include "search.hpp"

namespace tp {

// `recommend --json`: NeMo's figures at the top level (model_size_b, days, gpus, tokens_b,
// tflops_per_gpu, nemo_line) and trainplan's under "trainplan".
std::string recommend_json(const RecommendResult& r);
std::string recommend_text(const RecommendResult& r);

// `estimate --json` (model part): params, active_params, embedding_params, flops_per_token.
std::string model_summary_json(const ModelSpec& m, int seq);
std::string model_summary_text(const ModelSpec& m, int seq);

// `estimate --json` (configuration): the model summary's keys plus the contract keys of design.md:
// tp pp cp ep vp dp mbs gbs recompute, memory_gib {weights gradients optimizer activations other total},
// fits, step_time_s, tokens_per_s_per_gpu, model_tflops_per_gpu, mfu; plus details
// (memory_detail_gib, step_time_breakdown_s, capacity_gib, usable_gib, gpu, precision, seq, gpus).
std::string estimate_json(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const Estimate& e);
std::string estimate_text(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const Estimate& e);

// `grid --json`: {"candidates": [... config and estimate keys plus "rank" ...], "rejected": [{config keys,
// "reason"}]}, with the counts (evaluated, out_of_memory, candidates_total); top = 0 prints every candidate.
std::string grid_json(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& base, const SearchResult& r, size_t top);
std::string grid_text(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& base, const SearchResult& r, size_t top);

// `generate --json`: the base configuration's fields and trainplan's stated choices.
std::string base_config_json(const BaseConfig& cfg);

}  // namespace tp
