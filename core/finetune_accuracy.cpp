// finetune_accuracy.cpp — fit share, over-recommend share and throughput error on LLMFineTuningBench.
#include "finetune_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "csv.hpp"
#include "estimate.hpp"

namespace tp {

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct Accum {
    int runs = 0, fit = 0, points = 0, over = 0;
    std::vector<double> errors;
};

FinetuneAccuracyGroup finish(const std::string& key, const Accum& a) {
    FinetuneAccuracyGroup g;
    g.key = key;
    g.runs = a.runs;
    g.fit = a.fit;
    g.points = a.points;
    g.over = a.over;
    g.median_throughput_error = median(a.errors);
    return g;
}

std::string pct(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%", 100 * share);
    return buf;
}

}  // namespace

Result<FinetuneAccuracyReport> finetune_accuracy_run(std::string_view csv_text, std::string_view source) {
    Result<CsvTable> table = csv_parse(csv_text, source);
    if (!table) return table.error();
    for (const char* col : {"model_name", "method", "gpu_model", "tokens_per_sample", "batch_size", "number_gpus",
                            "measured_throughput"})
        if (table->column(col) < 0)
            return make_error(ErrorKind::parse_error, std::string(source) + ": missing column '" + col + "'");

    FinetuneAccuracyReport rep;
    Accum overall;
    std::map<std::string, Accum> by_model, by_gpu, by_method;
    // point -> (smallest measured GPU count, model, gpu, method)
    using Point = std::tuple<std::string, std::string, std::string, int, int>;
    std::map<Point, int> smallest;
    std::vector<double> ratios;
    for (size_t i = 0; i < table->rows.size(); ++i) {
        const std::string& model = table->field(i, "model_name");
        const std::string& method = table->field(i, "method");
        const std::string& gpu = table->field(i, "gpu_model");
        const int tokens = int(std::lround(std::atof(table->field(i, "tokens_per_sample").c_str())));
        const int batch = int(std::lround(std::atof(table->field(i, "batch_size").c_str())));
        const int gpus = int(std::lround(std::atof(table->field(i, "number_gpus").c_str())));
        const double measured = std::atof(table->field(i, "measured_throughput").c_str());
        Result<FinetuneRequest> named = finetune_request_named(model, method, gpu, tokens, batch);
        if (!named || tokens < 1 || batch < 1 || gpus < 1) {
            ++rep.skipped;
            if (std::find(rep.skipped_models.begin(), rep.skipped_models.end(), model) == rep.skipped_models.end())
                rep.skipped_models.push_back(model);
            continue;
        }
        const FinetuneRequest& r = *named;
        const bool fits = batch % gpus == 0 && finetune_fits(r, gpus);
        for (Accum* a : {&overall, &by_model[model], &by_gpu[gpu], &by_method[method]}) {
            ++a->runs;
            a->fit += fits ? 1 : 0;
        }
        if (!fits && rep.misses.size() < 40) {
            const FinetuneMemory mem = finetune_memory(r, gpus, finetune_micro_batch(r, gpus));
            rep.misses.push_back({model, method, gpu, tokens, batch, gpus, mem.total / kGiB, mem.usable / kGiB});
        }
        if (measured > 0) {
            const double predicted = finetune_tokens_per_s(r, gpus);
            const double err = std::fabs(predicted - measured) / measured;
            ratios.push_back(predicted / measured);
            for (Accum* a : {&overall, &by_model[model], &by_gpu[gpu], &by_method[method]}) a->errors.push_back(err);
        }
        const Point p{model, method, gpu, tokens, batch};
        auto it = smallest.find(p);
        if (it == smallest.end() || gpus < it->second) smallest[p] = gpus;
    }
    for (const auto& [p, measured_min] : smallest) {
        const auto& [model, method, gpu, tokens, batch] = p;
        const FinetunePlan plan = finetune_recommend(*finetune_request_named(model, method, gpu, tokens, batch));
        const bool over = !plan.can_recommend || plan.total_gpus > measured_min;
        for (Accum* a : {&overall, &by_model[model], &by_gpu[gpu], &by_method[method]}) {
            ++a->points;
            a->over += over ? 1 : 0;
        }
    }
    rep.overall = finish("all", overall);
    for (const auto& [k, a] : by_model) rep.by_model.push_back(finish(k, a));
    for (const auto& [k, a] : by_gpu) rep.by_gpu.push_back(finish(k, a));
    for (const auto& [k, a] : by_method) rep.by_method.push_back(finish(k, a));
    rep.median_ratio = median(ratios);
    return rep;
}

std::string finetune_accuracy_markdown(const FinetuneAccuracyReport& r) {
    std::string s;
    s += "## Fine-tuning: minimum GPUs on LLMFineTuningBench (finetune/llmfinetuningbench_valid_runs_dev.csv)\n\n";
    s += "Every run in the file ran at its GPU count (valid runs only), so trainplan must predict that it fits "
         "(target at least 97%). A point is (model, method, GPU, tokens per sample, batch); trainplan's "
         "recommended count must not exceed the smallest count measured to work in more than 5% of points. "
         "Throughput is dataset tokens/s summed over the GPUs, predicted with an assumed hardware-FLOPs "
         "utilisation of " + pct(kFinetuneHfu) + " (core/finetune.hpp). Generated by `trainplan accuracy --markdown`; "
         "this section alone: `trainplan accuracy --finetune`; the test: tests/test_finetune.cpp.\n\n"
         "The memory model (core/finetune.cpp, sources cited there) uses the runs' settings, not per-model constants: "
         "FSDP full shard, bf16 weights, gradients and AdamW states (8 bytes per trainable parameter, sharded), two "
         "gathered layers and the root unit in flight, gradient checkpointing (2h bytes per token per layer plus one "
         "recomputed layer with flash attention), three fp32 copies of the logits, 0.5 GiB CUDA context, 5% of the "
         "GPU kept free, and 4 gradient-accumulation micro-steps (ado's default). Throughput ignores communication "
         "(PCIe GPUs all-gather over PCIe) and small-GEMM inefficiency, which is why the MoE granite-3.1-3b-a800m "
         "(40 experts of width 512) is predicted far too fast.\n\n";
    char buf[256];
    std::snprintf(buf, sizeof buf, "Overall: %d runs, fit share **%s** (%d/%d); %d points, over-recommend share **%s** (%d/%d); "
                  "median throughput error **%s** (median predicted/measured %.2f).\n\n",
                  r.overall.runs, pct(r.overall.fit_share()).c_str(), r.overall.fit, r.overall.runs, r.overall.points,
                  pct(r.overall.over_share()).c_str(), r.overall.over, r.overall.points,
                  pct(r.overall.median_throughput_error).c_str(), r.median_ratio);
    s += buf;
    if (r.skipped > 0) s += "Rows skipped (model not described): " + std::to_string(r.skipped) + "\n\n";
    auto table = [&](const char* title, const std::vector<FinetuneAccuracyGroup>& groups) {
        s += std::string("| ") + title + " | runs | fit share | points | over-recommend share | median throughput error |\n";
        s += "|---|---:|---:|---:|---:|---:|\n";
        for (const FinetuneAccuracyGroup& g : groups) {
            std::snprintf(buf, sizeof buf, "| %s | %d | %s | %d | %s | %s |\n", g.key.c_str(), g.runs,
                          pct(g.fit_share()).c_str(), g.points, pct(g.over_share()).c_str(),
                          pct(g.median_throughput_error).c_str());
            s += buf;
        }
        s += "\n";
    };
    table("model", r.by_model);
    table("GPU", r.by_gpu);
    table("method", r.by_method);
    if (!r.misses.empty()) {
        s += "Runs predicted not to fit (measured to work):\n\n| model | method | GPU | tokens | batch | GPUs | predicted GiB | usable GiB |\n";
        s += "|---|---|---|---:|---:|---:|---:|---:|\n";
        for (const FinetuneAccuracyMiss& m : r.misses) {
            std::snprintf(buf, sizeof buf, "| %s | %s | %s | %d | %d | %d | %.1f | %.1f |\n", m.model.c_str(),
                          m.method.c_str(), m.gpu.c_str(), m.tokens, m.batch, m.gpus, m.predicted_gib, m.usable_gib);
            s += buf;
        }
        s += "\n";
    }
    return s;
}

}  // namespace tp
