// accuracy.hpp — predicted vs published: memory and throughput over ../shared/data/ground_truth.
//
// Each ground-truth file has one reader that turns its rows into (published, predicted) pairs with
// the configuration the source states; a row the model cannot represent is kept with the reason.
// Roles: `exact` rows check a formula (Korthikanti Table 2, ZeRO Fig. 1, Megatron's theoretical
// memory) and must match; `calibration` rows are the ones `accuracy_fit` tunes the Calibration on;
// every other row is `holdout`. The core receives file contents; the CLI reads the files.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "csv.hpp"
#include "estimate.hpp"
#include "result.hpp"

namespace tp {

enum class AccuracyKind { memory, throughput };
enum class AccuracyRole { exact, calibration, holdout };
const char* accuracy_role_name(AccuracyRole r);

struct AccuracyRow {
    std::string file;
    std::string label;       // model and configuration in a few words
    AccuracyKind kind = AccuracyKind::throughput;
    AccuracyRole role = AccuracyRole::holdout;
    bool used = false;
    std::string reason;      // why a row is not used
    std::string metric;      // what is compared, with units
    double published = 0, predicted = 0;
    double error = 0;        // (predicted - published) / published
};

struct AccuracyFileSummary {
    std::string file;
    AccuracyKind kind = AccuracyKind::throughput;
    int used = 0, not_used = 0;
    double median_abs_error = 0, worst_abs_error = 0;
};

struct AccuracyReport {
    std::vector<AccuracyRow> rows;
    std::vector<AccuracyFileSummary> files;  // one per (file, kind) with used rows, in input order
    // Medians of |error| over used rows, exact-formula rows excluded (they are 0 by construction).
    double memory_median = 0, throughput_median = 0;
    double memory_holdout_median = 0, throughput_holdout_median = 0;
    int memory_rows = 0, throughput_rows = 0;
    double exact_worst = 0;  // worst |error| over exact rows
};

// The ground-truth files accuracy_run reads (names inside the ground_truth folder).
const std::vector<std::string>& accuracy_input_files();

// files: file name -> contents, for every name in accuracy_input_files().
Result<AccuracyReport> accuracy_run(const std::map<std::string, std::string>& files, const Calibration& k);

// Coordinate search over the throughput and memory constants minimising the mean |log error| on the
// calibration rows only. Returns the fitted constants.
Result<Calibration> accuracy_fit(const std::map<std::string, std::string>& files, const Calibration& start);

// The constants by name with the digits they are quoted with (the report and `--fit` print these).
struct CalibrationField { const char* name; std::string value; };
std::vector<CalibrationField> calibration_fields(const Calibration& k);

std::string accuracy_markdown(const AccuracyReport& r, const Calibration& k);
std::string accuracy_text(const AccuracyReport& r);

double median_abs(std::vector<double> errors);

// NeMo 24.07 performance table (nemo_24_07_performance_summary_h100_fp8.csv): the architecture behind a
// model name, and the published configuration of row r (FP8, H100, 8 GPUs per node). Shared with the
// ranking-quality report (ranking_quality.hpp).
Result<ModelSpec> nemo_2407_model(const std::string& model);
TrainConfig nemo_2407_config(const CsvTable& t, size_t r);

}  // namespace tp
