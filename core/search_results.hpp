// search_results.hpp — what `collect` writes into final_results/ from the journal's runs: the measured
// configurations as NeMo 2.0's final_summary CSV (its columns, plus trainplan's predicted step time and its
// error), the failed runs with kind and evidence, the top-N printout and the measured optimum.
//
// NeMo 2.0's columns and formats: ../shared/data/nemo/output_formats.json ("nemo2": results_columns,
// failed_columns, topn_header, topn_line, optimal_block). Two of its slips are not copied: rows are sorted by
// time per step (NeMo 2.0 does; the launcher sorted by a constant column), and the top-N line labels the
// per-GPU figure as per GPU (NeMo printed the aggregate under that label).
#pragma once

#include <string>
#include <vector>

#include "model.hpp"
#include "run_journal.hpp"

namespace tp {

struct ResultsContext {
    ModelSpec model;
    std::string model_name;   // NeMo's model name (gpt3, llama, ...)
    std::string size_label;   // "5", "70"
    int nodes = 1, gpus_per_node = 8, seq = 2048;
};

struct SearchResults {
    std::vector<std::string> summary_header, failed_header;
    std::vector<std::vector<std::string>> summary_rows, failed_rows;  // summary: fastest first
    std::vector<std::string> top_lines;   // "Top N configs sorted from fastest to slowest:", "Config #1: ..."
    std::string optimal_run;              // fastest measured run ("" when none finished with a step time)
    double optimal_step_time_s = 0;
    int finished = 0, failed = 0, not_run = 0;
};

SearchResults search_results(const JournalState& s, const ResultsContext& c, int top_n);

// The final_summary / failed_jobs file names NeMo uses: final_summary_{nodes}nodes.csv, failed_jobs_{nodes}nodes.csv.
std::string search_results_summary_file(int nodes);
std::string search_results_failed_file(int nodes);

}  // namespace tp
