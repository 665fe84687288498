// finetune_accuracy.hpp — the fine-tuning recommender against LLMFineTuningBench's measured runs
// (../shared/data/finetune/llmfinetuningbench_valid_runs_dev.csv, IBM, Apache-2.0).
//
// Every run in the file ran at its GPU count (the file holds valid runs only), so:
//   fit share:            runs trainplan predicts to fit at their own GPU count (target >= 97%);
//   over-recommend share: points (model, method, GPU, tokens, batch) where trainplan's recommended count
//                         exceeds the smallest GPU count measured to work (target <= 5%); that smallest
//                         count is an upper bound on the true minimum, so this counts certain errors only;
//   throughput error:     |predicted - measured| / measured of dataset tokens/s summed over the GPUs.
// Units: shares in [0, 1]; tokens/s.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "finetune.hpp"
#include "result.hpp"

namespace tp {

struct FinetuneAccuracyGroup {
    std::string key;        // model name, GPU name or method as the file spells it
    int runs = 0;           // runs (fit share) in this group
    int fit = 0;            // runs predicted to fit at their GPU count
    int points = 0;         // distinct points (over-recommend share)
    int over = 0;           // points where trainplan recommends more GPUs than measured to work
    double median_throughput_error = 0;  // median |pred - meas| / meas
    double fit_share() const { return runs ? double(fit) / runs : 0; }
    double over_share() const { return points ? double(over) / points : 0; }
};

struct FinetuneAccuracyMiss {
    std::string model, method, gpu;
    int tokens = 0, batch = 0, gpus = 0;
    double predicted_gib = 0, usable_gib = 0;
};

struct FinetuneAccuracyReport {
    FinetuneAccuracyGroup overall;
    std::vector<FinetuneAccuracyGroup> by_model, by_gpu, by_method;
    std::vector<FinetuneAccuracyMiss> misses;  // runs predicted not to fit (first ones)
    int skipped = 0;                            // rows whose model trainplan cannot describe
    std::vector<std::string> skipped_models;
    double median_ratio = 0;                    // median predicted / measured throughput
};

// Runs the recommender over the CSV text; `source` names the file in messages.
Result<FinetuneAccuracyReport> finetune_accuracy_run(std::string_view csv_text, std::string_view source);
std::string finetune_accuracy_markdown(const FinetuneAccuracyReport& r);

}  // namespace tp
