// Google Benchmark: log parsing rate against `grep -c` on the same files (issue 5: parsing is
// bounded by reading; aim at half of grep's rate or better).
//
// The corpus is generated: for each of four step-line formats (Megatron-LM, NeMo 2, torchtitan, a
// NeMo 1 progress bar), a log of TRAINPLAN_BENCH_LOG_MB megabytes (default 32) with the record lines
// of that format (numbers varying per step) and, between them, the kind of lines real logs carry
// (timers, memory reports, warnings) so that the parser also has to skip. Benchmarks report
// bytes_per_second of log_parse (framework detection, steps, failure scan, summary); after them a
// table prints, per file, the parse rate, `LC_ALL=C grep -c -F <the format's step marker>` on the
// same file and their ratio, then `LC_ALL=C grep -o -F <marker> <file> | wc -l` and the ratio to
// that (best of three runs each, file in the page cache); scripts/bench.sh prints a line per row.
//
// Two baselines because `grep -c` counts lines: it stops reading a line at its first match, and a
// NeMo 1 log's tqdm redraws are separated by '\r', a hundred records to a '\n' line, so grep reads
// about one record in a hundred past its marker while the parser reads every one. `grep -o | wc -l`
// prints every occurrence, so it reads every record, as the parser does; on the one-record-per-line
// logs it counts what `grep -c` counts. `tr '\r' '\n' < file | grep -c` also counts every record,
// but it copies the whole log through a pipe first and measured tr's rate more than a search's
// (on this machine, 16 MB files: 560-720 MB/s for all four logs, against 870-1830 MB/s for
// grep -o | wc -l and 1420-3160 MB/s for grep -c), so it is not the one kept.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "log_parse.hpp"

namespace {

struct Corpus {
    const char* name;
    const char* grep_marker;  // what `grep -c` counts: the format's step lines
    std::string text;
};

size_t corpus_bytes() {
    const char* env = std::getenv("TRAINPLAN_BENCH_LOG_MB");
    const long mb = env ? std::atol(env) : 32;
    return size_t(mb > 0 ? mb : 32) << 20;
}

std::string fmt(const char* f, double a, double b = 0, double c = 0, double d = 0) {
    char buf[512];
    std::snprintf(buf, sizeof buf, f, a, b, c, d);
    return buf;
}

// One log of about `bytes`: step records with varying figures, and other lines between them.
std::string generate(const std::string& kind, size_t bytes) {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> jitter(0.95, 1.05);
    std::string out;
    out.reserve(bytes + 4096);
    for (long step = 1; out.size() < bytes; ++step) {
        const double j = jitter(rng), loss = 2.0 + 8.0 / double(step);
        if (kind == "megatron_lm") {
            out += " [2024-04-06 02:59:36] iteration " + std::to_string(step) + "/ 1000000 | consumed samples: " +
                   std::to_string(step * 128) + fmt(" | elapsed time per iteration (ms): %.1f | throughput per GPU (TFLOP/s/GPU): %.1f |"
                                                    " learning rate: 8.600000E-06 | global batch size:   128 | lm loss: %.6E |",
                                                    5444.9 * j, 239.8 / j, loss) +
                   " loss scale: 1.0 | grad norm: 1.426 | number of skipped iterations:   0 | number of nan iterations:   0 |\n";
            out += fmt("[Rank 0] (after %.0f iterations) memory (MB) | allocated: 10250.5 | max allocated: 12606.1 | reserved: 17482.0\n", double(step));
            out += fmt("time (ms) | forward-backward: %.2f | optimizer: 20.31 | batch-generator: 0.83\n", 5300.0 * j);
        } else if (kind == "nemo2") {
            out += fmt("Training epoch 0, iteration %.0f/1000000 | lr: 5.389e-06 | global_batch_size: 512 | global_step: %.0f |"
                       " reduced_train_loss: %.4g | train_step_timing in s: %.4g",
                       double(step - 1), double(step - 1), loss, 27.01 * j) +
                   fmt(" | consumed_samples: %.0f | TFLOPS_per_GPU: %.4g\n", double(step * 512), 85.8 / j);
            out += "[NeMo W 2025-10-02 10:00:00 nemo_logging:405] /opt/megatron-lm/megatron/core/utils.py: a deprecation warning\n";
        } else if (kind == "torchtitan") {
            out += fmt("[rank0]:[titan] 2025-06-16 22:%02.0f:%02.0f,%03.0f - root - INFO - ", double(step / 60 % 60), double(step % 60),
                       double(step * 7 % 1000)) +
                   fmt("step: %.0f  loss: %7.4f  memory: 49.66GiB(52.28%%)  tps: 5,%03.0f  ", double(step), loss, double(step % 1000)) +
                   fmt("tflops: %.2f  mfu: 34.29%%\n", 339.16 / j);
            out += "[rank0]:[titan] 2025-06-16 22:30:48,735 - root - INFO - [GC] Peforming periodical GC collection. 0.06 seconds.\n";
        } else {  // nemo1: tqdm redraws with '\r'
            out += fmt("Epoch 0:   1%%|          | %.0f/1000000 [1:42:42<55:37:46, v_num=0-56, reduced_train_loss=%.3f, ", double(step), loss) +
                   fmt("global_step=%.0f.0, consumed_samples=%.0f, train_step_timing in s=%.3f]\r", double(step - 1), double(step * 70),
                       0.615 * j);
            if (step % 100 == 0) out += "\nEpoch 0, global step " + std::to_string(step) + ": 'val_loss' reached 7.04238 (best 7.04238)\n";
        }
    }
    return out;
}

std::vector<Corpus>& corpora() {
    static std::vector<Corpus> c = [] {
        std::vector<Corpus> v = {{"megatron_lm", "elapsed time per iteration", {}},
                                 {"nemo2", "Training epoch", {}},
                                 {"torchtitan", "tflops:", {}},
                                 {"nemo1", "global_step=", {}}};
        for (Corpus& k : v) k.text = generate(k.name, corpus_bytes());
        return v;
    }();
    return c;
}

void BM_LogParse(benchmark::State& state) {
    const Corpus& c = corpora()[size_t(state.range(0))];
    state.SetLabel(c.name);
    size_t steps = 0;
    for (auto _ : state) {
        tp::Result<tp::LogParse> p = tp::log_parse(c.text);
        steps = p ? p->steps.size() : 0;
        benchmark::DoNotOptimize(p);
    }
    state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(c.text.size()));
    state.counters["steps"] = double(steps);
}
BENCHMARK(BM_LogParse)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

double best_seconds(int runs, const std::function<void()>& f) {
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

// The comparison table: each corpus written to a file, parsed and grepped, best of three.
void compare_with_grep() {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("trainplan-bench-logs-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir);
    std::printf("\n%-12s %10s %14s %14s %8s %16s %8s\n", "log", "MB", "parse MB/s", "grep -c MB/s", "ratio", "grep -o|wc MB/s",
                "ratio");
    for (const Corpus& c : corpora()) {
        const std::filesystem::path file = dir / (std::string(c.name) + ".log");
        std::ofstream(file, std::ios::binary) << c.text;
        const double mb = double(c.text.size()) / 1e6;
        const double parse_s = best_seconds(3, [&] {
            tp::Result<tp::LogParse> p = tp::log_parse(c.text);
            benchmark::DoNotOptimize(p);
        });
        // Into a file, not /dev/null: GNU grep stops at the first match when its output is /dev/null.
        const std::string marker = "'" + std::string(c.grep_marker) + "' '" + file.string() + "'";
        const std::string count = " >'" + (dir / "count").string() + "'";
        const std::string lines = "LC_ALL=C grep -c -F " + marker + count;
        const std::string records = "LC_ALL=C grep -o -F " + marker + " | wc -l" + count;
        (void)std::system(lines.c_str());  // warm the page cache
        const double lines_s = best_seconds(3, [&] { (void)std::system(lines.c_str()); });
        const double records_s = best_seconds(3, [&] { (void)std::system(records.c_str()); });
        std::printf("%-12s %10.1f %14.0f %14.0f %8.2f %16.0f %8.2f\n", c.name, mb, mb / parse_s, mb / lines_s, lines_s / parse_s,
                    mb / records_s, records_s / parse_s);
    }
    std::filesystem::remove_all(dir);
    std::printf("ratio = parse rate / grep's rate (issue 5 aims at 0.5 or more of grep -c's); grep -c counts lines, grep -o every record\n");
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    compare_with_grep();
    return 0;
}
