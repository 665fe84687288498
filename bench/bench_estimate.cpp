// Google Benchmark: estimates per second on one core (issue 3 asks for at least 1,000,000).
// scripts/bench.sh builds this in the release preset and prints the figure and the ratio to the target.
#include <benchmark/benchmark.h>

#include "estimate.hpp"
#include "model_presets.hpp"

namespace {

// One configuration: Llama 3 70B, TP 8, PP 4, interleaved, on 8 nodes of H100.
void BM_EstimateOne(benchmark::State& state) {
    const tp::ModelSpec m = *tp::model_preset_find("llama3-70b");
    const tp::GpuSpec gpu = *tp::gpu_find("h100-sxm");
    tp::TrainConfig c;
    c.tp = 8, c.pp = 4, c.vp = 5, c.nodes = 8, c.gbs = 256, c.seq = 8192;
    for (auto _ : state) {
        tp::Result<tp::Estimate> e = tp::estimate(m, gpu, c);
        benchmark::DoNotOptimize(e);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EstimateOne);

// A grid sweep as the search will run it: TP x PP x MBS x recompute for Mixtral 8x7B on 16 nodes,
// invalid combinations included (their rule check is part of the cost).
void BM_EstimateGrid(benchmark::State& state) {
    const tp::ModelSpec m = *tp::model_preset_find("mixtral-8x7b");
    const tp::GpuSpec gpu = *tp::gpu_find("h100-sxm");
    std::vector<tp::TrainConfig> grid;
    for (int tp_size : {1, 2, 4, 8})
        for (int pp : {1, 2, 4, 8})
            for (int ep : {1, 2, 4, 8})
                for (int mbs : {1, 2, 4})
                    for (tp::Recompute r : {tp::Recompute::none, tp::Recompute::selective, tp::Recompute::full}) {
                        tp::TrainConfig c;
                        c.tp = tp_size, c.pp = pp, c.ep = ep, c.mbs = mbs, c.recompute = r, c.nodes = 16, c.gbs = 512;
                        grid.push_back(c);
                    }
    size_t i = 0, fits = 0;
    for (auto _ : state) {
        tp::Result<tp::Estimate> e = tp::estimate(m, gpu, grid[i]);
        if (e.ok() && e->fits) ++fits;
        benchmark::DoNotOptimize(e);
        i = (i + 1) % grid.size();
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["grid"] = double(grid.size());
    benchmark::DoNotOptimize(fits);
}
BENCHMARK(BM_EstimateGrid);

}  // namespace

BENCHMARK_MAIN();
