// Ranking quality against NeMo 24.07's tuned configurations (ranking_quality.hpp).
#include "ranking_quality.hpp"

#include <sstream>

#include "accuracy.hpp"
#include "csv.hpp"
#include "hardware.hpp"
#include "search.hpp"
#include "text.hpp"

namespace tp {

namespace {

std::string layout_name(const TrainConfig& c) {
    std::string s = "TP" + std::to_string(c.tp) + " PP" + std::to_string(c.pp);
    if (c.vp > 1) s += " VP" + std::to_string(c.vp);
    if (c.cp > 1) s += " CP" + std::to_string(c.cp);
    return s + " MBS" + std::to_string(c.mbs);
}

bool same_layout(const TrainConfig& a, const TrainConfig& b) {
    return a.tp == b.tp && a.pp == b.pp && a.vp == b.vp && a.cp == b.cp && a.mbs == b.mbs;
}

}  // namespace

Result<RankingReport> ranking_quality_run(const std::string& csv_text) {
    Result<CsvTable> table = csv_parse(csv_text, "nemo_24_07_performance_summary_h100_fp8.csv");
    if (!table) return table.error();
    const CsvTable& t = *table;
    const GpuSpec gpu = *gpu_find("h100-sxm");
    RankingReport out;
    for (size_t r = 0; r < t.rows.size(); ++r) {
        if (t.field(r, "doc_version").find("final") == std::string::npos || t.field(r, "task") != "pretrain") continue;
        Result<ModelSpec> spec = nemo_2407_model(t.field(r, "model"));
        if (!spec) return spec.error();
        ModelSpec m = *spec;
        const TrainConfig published = nemo_2407_config(t, r);
        m.max_seq = std::max(m.max_seq, published.seq);
        // The search space: everything auto except what the table fixes for the job (GPUs, sequence,
        // global batch, FP8); TP may not leave the node.
        TrainConfig base;
        base.nodes = published.nodes, base.seq = published.seq, base.gbs = published.gbs, base.precision = Precision::fp8;
        base.grad_reduce_in_fp32 = published.grad_reduce_in_fp32;  // the search runs as NVIDIA's recipes did (bf16 gradients)
        const SearchResult found = search_grid(m, gpu, base, SearchSpace{});

        RankingRow row;
        row.model = t.field(r, "model");
        row.gpus = published.gpus();
        row.published = layout_name(published);
        row.published_measured = std::strtod(t.field(r, "tokens_per_sec_per_gpu").c_str(), nullptr);
        row.candidates = int(found.candidates.size());
        for (const Candidate& c : found.candidates) {
            if (!same_layout(c.config, published)) continue;
            row.published_rank = c.rank, row.published_predicted = c.estimate.tokens_per_s_per_gpu;
            break;
        }
        if (row.published_rank == 0) {
            for (const Rejected& x : found.rejected) {
                if (!same_layout(x.config, published)) continue;
                row.published_rejected = x.reason;
                break;
            }
            if (row.published_rejected.empty()) row.published_rejected = "not in the auto search space";
        }
        if (!found.candidates.empty()) {
            const Candidate& best = found.candidates.front();
            row.top1 = layout_name(best.config) + " " + recompute_choice_name({best.config.recompute, best.config.recompute_layers});
            row.top1_predicted = best.estimate.tokens_per_s_per_gpu;
        }
        if (row.published_rank == 1) ++out.top1;
        if (row.published_rank >= 1 && row.published_rank <= 5) ++out.top5;
        out.rows.push_back(std::move(row));
    }
    return out;
}

std::string ranking_quality_markdown(const RankingReport& r) {
    std::ostringstream o;
    o << "## Ranking quality: NeMo 24.07's tuned configurations\n\n"
      << "For each pre-training row of nemo_24_07_performance_summary_h100_fp8.csv, `trainplan grid` searches\n"
      << "the auto space (TP within a node, PP, VP, CP, MBS, recomputation) at the row's GPUs, sequence,\n"
      << "global batch and FP8. *Rank*: where the published layout lands (best recomputation choice);\n"
      << "*top-1 / published, predicted*: trainplan's first choice over the published layout, both predicted;\n"
      << "*top-1 predicted / published measured*: trainplan's first choice against what NVIDIA measured.\n\n"
      << "Published layout is trainplan's top-1 in " << r.top1 << " of " << r.rows.size() << " rows, in its top-5 in "
      << r.top5 << ".\n\n"
      << "| model | GPUs | published | rank | candidates | trainplan top-1 | top-1 / published, predicted | top-1 predicted / published measured |\n"
      << "|---|---:|---|---:|---:|---|---:|---:|\n";
    for (const RankingRow& row : r.rows) {
        o << "| " << row.model << " | " << row.gpus << " | " << row.published << " | "
          << (row.published_rank > 0 ? std::to_string(row.published_rank) : "rejected: " + row.published_rejected) << " | "
          << row.candidates << " | " << (row.top1.empty() ? "(none fits)" : row.top1) << " | "
          << (row.published_predicted > 0 ? format_fixed(row.top1_predicted / row.published_predicted, 3) : "") << " | "
          << (row.published_measured > 0 && row.top1_predicted > 0 ? format_fixed(row.top1_predicted / row.published_measured, 3) : "")
          << " |\n";
    }
    return o.str();
}

}  // namespace tp
