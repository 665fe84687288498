#include "search_results.hpp"

#include <algorithm>
#include <cmath>

#include "text.hpp"

namespace tp {

namespace {

std::string config_value(const RunRecord& r, const char* key) {
    if (!r.config.contains(key) || r.config[key].is_null()) return "None";
    if (r.config[key].is_number_integer()) return std::to_string(r.config[key].get<long long>());
    return r.config[key].is_string() ? r.config[key].get<std::string>() : r.config[key].dump();
}
int config_int(const RunRecord& r, const char* key, int fallback) {
    return r.config.contains(key) && r.config[key].is_number_integer() ? r.config[key].get<int>() : fallback;
}
std::optional<double> metric(const RunRecord& r, const char* key) {
    if (r.metrics.contains(key) && r.metrics[key].is_number()) return r.metrics[key].get<double>();
    return std::nullopt;
}

}  // namespace

std::string search_results_summary_file(int nodes) { return "final_summary_" + std::to_string(nodes) + "nodes.csv"; }
std::string search_results_failed_file(int nodes) { return "failed_jobs_" + std::to_string(nodes) + "nodes.csv"; }

SearchResults search_results(const JournalState& s, const ResultsContext& c, int top_n) {
    SearchResults out;
    const std::vector<std::string> common = {"Model Name", "Model Size", "Seq Length", "TP", "PP", "CP", "EP", "MBS", "VP",
                                             "Num Layers", "Hidden Size", "FFN Hidden Size", "GBS", "Nodes", "GPUs per Node"};
    out.summary_header = common;
    for (const char* h : {"Time per Step", "Samples per Second", "Model TFLOPS / GPU", "Model TFLOPS Aggregate", "Predicted Time per Step",
                          "Prediction Error", "Config Name"})
        out.summary_header.push_back(h);
    out.failed_header = common;
    for (const char* h : {"Error Message", "Failure Kind", "Config Name"}) out.failed_header.push_back(h);

    const int gpus = c.nodes * c.gpus_per_node;
    struct Measured { const RunRecord* run; double step_s; };
    std::vector<Measured> measured;
    // Halving: a brief first-round run that was run again for longer is reported by its longer run.
    auto superseded = [&](const RunRecord& r) {
        return std::any_of(s.runs.begin(), s.runs.end(), [&](const RunRecord& child) { return child.parent == r.name && child.done(); });
    };
    for (const RunRecord& r : s.runs) {
        if (superseded(r)) continue;
        if (!r.done()) {
            ++out.not_run;
            continue;
        }
        std::vector<std::string> row = {c.model_name, c.size_label, std::to_string(c.seq), config_value(r, "tp"), config_value(r, "pp"),
                                        config_value(r, "cp"), config_value(r, "ep"), config_value(r, "mbs"), config_value(r, "vp"),
                                        std::to_string(c.model.layers), std::to_string(c.model.hidden), std::to_string(c.model.ffn),
                                        config_value(r, "gbs"), std::to_string(c.nodes), std::to_string(c.gpus_per_node)};
        const std::optional<double> step = metric(r, "step_time_s");
        if (r.failure_kind != "none" || !step) {
            ++out.failed;
            row.push_back(r.failure_kind + ": " + (r.failure_evidence.empty() ? "no step time measured" : r.failure_evidence));
            row.push_back(r.failure_kind == "none" ? "crash" : r.failure_kind);
            row.push_back(r.name);
            out.failed_rows.push_back(std::move(row));
            continue;
        }
        ++out.finished;
        measured.push_back({&r, *step});
    }
    std::stable_sort(measured.begin(), measured.end(), [](const Measured& a, const Measured& b) { return a.step_s < b.step_s; });
    for (const Measured& m : measured) {
        const RunRecord& r = *m.run;
        const int gbs = config_int(r, "gbs", 0);
        // Model TFLOP/s per GPU: as the log printed it, else model FLOPs per step over the measured time.
        double tflops = metric(r, "tflops_per_gpu").value_or(0);
        if (tflops <= 0 && gpus > 0)
            tflops = model_training_flops_per_token(c.model, c.seq) * double(gbs) * c.seq / m.step_s / gpus / 1e12;
        std::vector<std::string> row = {c.model_name, c.size_label, std::to_string(c.seq), config_value(r, "tp"), config_value(r, "pp"),
                                        config_value(r, "cp"), config_value(r, "ep"), config_value(r, "mbs"), config_value(r, "vp"),
                                        std::to_string(c.model.layers), std::to_string(c.model.hidden), std::to_string(c.model.ffn),
                                        std::to_string(gbs), std::to_string(c.nodes), std::to_string(c.gpus_per_node),
                                        format_fixed(m.step_s, 4), format_fixed(gbs / m.step_s, 2), format_fixed(tflops, 2),
                                        format_fixed(tflops * gpus, 2)};
        if (r.predicted_step_time_s > 0) {
            row.push_back(format_fixed(r.predicted_step_time_s, 4));
            row.push_back(format_fixed((r.predicted_step_time_s - m.step_s) / m.step_s * 100, 1) + "%");
        } else {
            row.push_back("");
            row.push_back("");
        }
        row.push_back(r.name);
        out.summary_rows.push_back(std::move(row));
    }
    const size_t shown = std::min(size_t(std::max(top_n, 0)), out.summary_rows.size());
    out.top_lines.push_back("Top " + std::to_string(shown) + " configs sorted from fastest to slowest:");
    for (size_t i = 0; i < shown; ++i)
        out.top_lines.push_back("Config #" + std::to_string(i + 1) + ": " + out.summary_rows[i][17] + " TFLOPS per GPU with " +
                                out.summary_rows[i][15] + "s per global step (" + measured[i].run->name + ").");
    if (!measured.empty()) {
        out.optimal_run = measured.front().run->name;
        out.optimal_step_time_s = measured.front().step_s;
    }
    return out;
}

}  // namespace tp
