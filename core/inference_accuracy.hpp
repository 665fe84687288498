// inference_accuracy.hpp — the inference model against FasterTransformer's published GPT latencies
// (tests/data/ground_truth/fastertransformer_gpt_latency.csv: NVIDIA/FasterTransformer docs/gpt_guide.md,
// "Performance", 8 x A100-80GB SXM per node with NVSwitch, FP16; the engine NeMo's launcher inference sweep
// ran). The GPT-20B table (TP 1, 2, 4, 8) calibrates the four efficiencies; every other table is held out.
//
//   latency error: |predicted - measured| / measured of the batch's generation time (ms);
//   OOM agreement: points the table lists as OOM that trainplan predicts not to fit, and measured points it
//                  predicts to fit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "inference.hpp"
#include "result.hpp"

namespace tp {

struct InferenceAccuracyRow {
    std::string model;
    int tp = 1, pp = 1, batch = 1, input_len = 0, output_len = 0;
    bool oom = false;          // the table says OOM
    double measured_ms = 0;    // when not OOM
    double measured_gb = 0;    // memory column where the table has one (GPT-6.7B, 1.3B, 350M), else 0
    double predicted_ms = 0;
    double predicted_gib = 0;
    bool predicted_fits = false;
    bool calibration = false;  // GPT-20B rows
    int line = 0;              // line in the CSV
};

struct InferenceAccuracyGroup {
    std::string key;              // model name, "calibration", "held-out" or "all"
    int rows = 0;                 // measured (non-OOM) rows
    double median_error = 0;      // median |pred - meas| / meas
    double p90_error = 0;
    double median_ratio = 0;      // median pred / meas (bias)
};

struct InferenceAccuracyReport {
    std::vector<InferenceAccuracyRow> rows;
    std::vector<InferenceAccuracyGroup> groups;  // all, calibration, held-out, then per model in file order
    int oom_rows = 0, oom_predicted = 0;         // OOM rows, and those trainplan predicts not to fit
    int measured_rows = 0, measured_fit = 0;     // measured rows, and those trainplan predicts to fit
    const InferenceAccuracyGroup* group(std::string_view key) const;
};

// Reads the CSV text (`source` names it in messages) and compares every row with the model.
Result<InferenceAccuracyReport> inference_accuracy_run(std::string_view csv_text, std::string_view source,
                                                       const InferenceCalibration& k = default_inference_calibration());

// Refits gemm_efficiency, hbm_efficiency, layer_overhead_us and allreduce_latency_us on the calibration rows
// (coordinate search minimising the mean squared log error), starting from `start`.
InferenceCalibration inference_fit(std::string_view csv_text, const InferenceCalibration& start = default_inference_calibration());
// The objective inference_fit minimises, for a calibration (mean squared log(pred / meas), calibration rows).
double inference_fit_loss(std::string_view csv_text, const InferenceCalibration& k);

// The report as Markdown (docs/accuracy.md, "Inference").
std::string inference_accuracy_markdown(const InferenceAccuracyReport& report, const InferenceCalibration& k);

}  // namespace tp
