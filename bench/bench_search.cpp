// Google Benchmark: trainplan's grid search (issue 4 asks for at least 1,000,000 candidates per second
// per core, and the default grid of a typical case in under 16 ms so the page can recompute per keystroke).
#include <benchmark/benchmark.h>

#include "model_presets.hpp"
#include "search.hpp"

namespace {

// The default (auto) grid of a typical case: Llama 3 70B on 8 nodes of H100, seq 8192, GBS 512.
// Items are candidates enumerated, checked, estimated and ranked.
void BM_SearchDefaultGrid(benchmark::State& state) {
    const tp::ModelSpec m = *tp::model_preset_find("llama3-70b");
    const tp::GpuSpec gpu = *tp::gpu_find("h100-sxm");
    tp::TrainConfig base;
    base.nodes = 8, base.seq = 8192, base.gbs = 512, base.precision = tp::Precision::fp8;
    long long evaluated = 0;
    for (auto _ : state) {
        tp::SearchResult r = tp::search_grid(m, gpu, base, tp::SearchSpace{});
        evaluated += r.evaluated;
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(evaluated);
    state.counters["candidates_per_grid"] = double(evaluated) / double(state.iterations());
}
BENCHMARK(BM_SearchDefaultGrid)->Unit(benchmark::kMillisecond);

}  // namespace
BENCHMARK_MAIN();
