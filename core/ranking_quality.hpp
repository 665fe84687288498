// ranking_quality.hpp — does trainplan's grid rank NVIDIA's own tuned configurations near the top?
//
// For each pre-training row of NeMo 24.07's performance table (nemo_24_07_performance_summary_h100_
// fp8.csv: configurations NVIDIA tuned by hand for DGX H100, FP8), trainplan searches the auto space
// at the row's model, GPUs, sequence and global batch, and reports where the published layout
// (TP, PP, VP, CP, MBS) lands, what trainplan would run instead, and how their predictions compare
// with each other and with the published throughput.
#pragma once

#include <string>
#include <vector>

#include "result.hpp"

namespace tp {

struct RankingRow {
    std::string model;
    int gpus = 0;
    std::string published;            // "TP4 PP8 VP6 MBS1" etc.
    int published_rank = 0;           // 1-based rank of the best candidate with the published layout; 0 = not a candidate
    std::string published_rejected;   // the reason, when the published layout was rejected
    std::string top1;                 // trainplan's first choice
    int candidates = 0;               // candidates that fit
    double published_measured = 0;    // tokens/s/GPU NVIDIA measured
    double published_predicted = 0;   // trainplan's prediction for the published layout (0 when rejected)
    double top1_predicted = 0;        // trainplan's prediction for its own first choice
};

struct RankingReport {
    std::vector<RankingRow> rows;
    int top1 = 0, top5 = 0;  // rows whose published layout is trainplan's first / in its first five
};

// `csv_text`: the contents of nemo_24_07_performance_summary_h100_fp8.csv.
Result<RankingReport> ranking_quality_run(const std::string& csv_text);
std::string ranking_quality_markdown(const RankingReport& r);

}  // namespace tp
