// Google Benchmark: the fine-tuning sweep over ado AutoConf's 3,960-point example space
// (examples/ado_sweep/space.yaml; issue 7's target: under one second). Parse + every point + CSV text.
// scripts/bench.sh prints the time per sweep and the ratio to the target.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ado_space.hpp"
#include "csv.hpp"

namespace {

std::string read_space() {
    std::ifstream in(TRAINPLAN_SOURCE_DIR "/examples/ado_sweep/space.yaml");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void BM_SweepAdoExample(benchmark::State& state) {
    const std::string text = read_space();
    size_t points = 0;
    for (auto _ : state) {
        tp::Result<tp::AdoSpace> space = tp::ado_space_parse(text, "space.yaml");
        if (!space) {
            state.SkipWithError(space.error().message.c_str());
            return;
        }
        tp::Result<tp::SweepTable> t = tp::finetune_sweep(*space, tp::FinetuneRequest{}, "space.yaml");
        if (!t) {
            state.SkipWithError(t.error().message.c_str());
            return;
        }
        std::string csv = tp::csv_write(t->header, t->rows);
        benchmark::DoNotOptimize(csv);
        points = t->rows.size();
    }
    state.counters["points"] = double(points);
    state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(points));
}
BENCHMARK(BM_SweepAdoExample)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
