// search.hpp — trainplan's own candidate grid: enumerate a space of parallel and batch settings,
// reject what cannot run (each with the rule it broke, or the memory it lacks), and rank the rest
// by predicted tokens/s/GPU.
//
// Unlike NeMo's Auto Configurator (nemo_grid.hpp), nothing is launched to discover an OOM: the
// memory estimate removes those candidates before any GPU time is spent, and expert parallelism
// lives inside the data-parallel x context-parallel group (Megatron MoE) instead of multiplying
// the model-parallel size.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "estimate.hpp"
#include "model.hpp"
#include "result.hpp"
#include "train_config.hpp"

namespace tp {

// One recomputation setting of the space: none, selective, or full of `layers` layers per stage (0 = all).
struct RecomputeChoice {
    Recompute mode = Recompute::selective;
    int layers = 0;
};
// "none", "selective", "full", "full:4" (four layers per stage).
Result<RecomputeChoice> recompute_choice_parse(std::string_view text);
std::string recompute_choice_name(const RecomputeChoice& r);

// Lists to search; an empty list means "auto" (search_auto_space fills it from the model and cluster).
struct SearchSpace {
    std::vector<int> tp, pp, vp, cp, ep, mbs, gbs;
    std::vector<RecomputeChoice> recompute;
    std::vector<OptimizerSharding> sharding;  // auto: the base configuration's
    bool tp_across_nodes = false;             // allow TP groups larger than a node
};

// The space with every empty list filled:
//   tp: powers of two up to min(GPUs per node, GPUs) (all GPUs with tp_across_nodes);
//   pp: divisors of the layer count with TP x PP <= GPUs;
//   vp: 1 and every divisor d >= 2 of layers / PP (interleaving; filtered per PP);
//   cp: 1, 2, 4, ... while the sequence per rank stays >= 2048 tokens (at most 32);
//   ep: 1 for dense models; divisors of the expert count for MoE;
//   mbs: 1, 2, 4, 8; gbs: the base configuration's; recompute: none, selective, full (selective only
//   where it differs from none: torchtitan's SAC, or attention without flash attention).
SearchSpace search_auto_space(const ModelSpec& m, const TrainConfig& base, const SearchSpace& given);

struct Candidate {
    TrainConfig config;
    Estimate estimate;
    int rank = 0;  // 1 = best
};
struct Rejected {
    TrainConfig config;
    std::string reason;  // the rule that failed, or "out of memory: needs ... GiB, ... GiB usable ..."
};
struct SearchResult {
    std::vector<Candidate> candidates;  // ranked: tokens/s/GPU (0.1% buckets), then smaller TP x PP x CP, larger MBS, memory headroom
    std::vector<Rejected> rejected;
    long long evaluated = 0;            // combinations tried
    long long out_of_memory = 0;        // of the rejected, those removed by the memory estimate
};

// The global batch when the user leaves it open: the power of two (in sequences) nearest to 4M tokens
// per step (Llama 3 pre-training used 4M tokens at 8K context, Dubey et al. 2024 Sec. 3.4; NeMo's
// GPT-3 presets use 2048 x 2048). Larger batches always look faster, so the grid does not pick GBS
// by throughput; a list given with --gbs is searched as given.
int search_default_gbs(int seq);

// The reason a configuration that does not fit is removed: "out of memory: needs 93.1 GiB, 75.4 GiB usable
// (79.3 GiB less 5% margin)".
std::string search_out_of_memory_reason(const Estimate& e, const TrainConfig& c);

// Every combination of `space` (auto-filled) applied to `base`, checked and ranked. VP values that
// do not divide a PP's layers per stage are skipped for that PP, not reported (they are not choices
// a user made for it); every other failing combination is in `rejected` with its reason.
SearchResult search_grid(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& base, const SearchSpace& space,
                         const Calibration& k = default_calibration());

}  // namespace tp
