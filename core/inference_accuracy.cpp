// inference_accuracy.cpp — predicted against FasterTransformer's published GPT latencies; the fit.
#include "inference_accuracy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "csv.hpp"
#include "estimate.hpp"
#include "text.hpp"

namespace tp {

namespace {

constexpr std::string_view kCalibrationModel = "gpt-20b";

// FT's GPT (examples/cpp/multi_gpu_gpt): the GPT-2/GPT-3 layout (learned positions, GeLU MLP of 4h,
// LayerNorm, biases, tied embeddings) with the table's heads, head size, layers and vocabulary.
ModelSpec ft_gpt(const std::string& name, int heads, int head_size, int layers, int vocab) {
    ModelSpec m;
    m.name = name;
    m.family = "gpt3";
    m.layers = layers;
    m.heads = heads;
    m.kv_heads = heads;
    m.head_dim = head_size;
    m.hidden = heads * head_size;
    m.ffn = 4 * m.hidden;
    m.vocab = vocab;
    m.max_seq = 2048;
    m.source = "FasterTransformer docs/gpt_guide.md";
    model_use_classic_layout(m);
    return m;
}

struct Parsed {
    std::vector<InferenceAccuracyRow> rows;
    std::vector<ModelSpec> models;  // per row
};

Result<Parsed> parse_rows(std::string_view csv_text, std::string_view source) {
    Result<CsvTable> table = csv_parse(csv_text, source);
    if (!table) return table.error();
    for (const char* c : {"model", "head_num", "size_per_head", "num_layers", "vocab_size", "tp", "pp", "batch_size",
                          "input_len", "output_len", "latency_ms", "memory_gb"})
        if (table->column(c) < 0)
            return make_error(ErrorKind::parse_error, std::string(source) + ": missing column '" + c + "'");
    Parsed out;
    for (size_t i = 0; i < table->rows.size(); ++i) {
        const int line = table->lines[i];
        auto integer = [&](const char* col, int& v) -> bool {
            const std::string& f = table->field(i, col);
            char* end = nullptr;
            const long x = std::strtol(f.c_str(), &end, 10);
            if (f.empty() || *end != '\0' || x < 1 || x > 10'000'000) return false;
            v = int(x);
            return true;
        };
        InferenceAccuracyRow r;
        r.model = table->field(i, "model");
        r.line = line;
        int heads = 0, head_size = 0, layers = 0, vocab = 0;
        for (auto [col, v] : {std::pair{"head_num", &heads}, {"size_per_head", &head_size}, {"num_layers", &layers},
                              {"vocab_size", &vocab}, {"tp", &r.tp}, {"pp", &r.pp}, {"batch_size", &r.batch},
                              {"input_len", &r.input_len}, {"output_len", &r.output_len}})
            if (!integer(col, *v))
                return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(line) + ": " + col +
                                                              ": expected a positive integer, got '" + table->field(i, col) + "'");
        const std::string& latency = table->field(i, "latency_ms");
        if (latency == "OOM") {
            r.oom = true;
        } else {
            char* end = nullptr;
            r.measured_ms = std::strtod(latency.c_str(), &end);
            if (latency.empty() || *end != '\0' || !(r.measured_ms > 0))
                return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(line) +
                                                              ": latency_ms: expected milliseconds or OOM, got '" + latency + "'");
        }
        const std::string& gb = table->field(i, "memory_gb");
        if (!gb.empty()) r.measured_gb = std::strtod(gb.c_str(), nullptr);
        r.calibration = r.model == kCalibrationModel;
        out.models.push_back(ft_gpt(r.model, heads, head_size, layers, vocab));
        out.rows.push_back(std::move(r));
    }
    return out;
}

// The request one row describes: its model on A100-80GB (the source's hardware), FP16, 8 GPUs per node.
InferenceRequest row_request(const ModelSpec& m, const InferenceAccuracyRow& row) {
    InferenceRequest r;
    r.model = m;
    r.gpu = *gpu_find("a100-80gb");
    r.gpus_per_node = 8;
    r.input_len = row.input_len;
    r.output_len = row.output_len;
    r.tp = {row.tp};
    r.pp = {row.pp};
    r.batch_sizes = {row.batch};
    return r;
}

void predict(Parsed& p, const InferenceCalibration& k) {
    for (size_t i = 0; i < p.rows.size(); ++i) {
        InferenceAccuracyRow& row = p.rows[i];
        const InferenceRequest r = row_request(p.models[i], row);
        const InferenceMemory mem = inference_memory(r, row.tp, row.pp, row.batch, k);
        row.predicted_gib = mem.total / kGiB;
        row.predicted_fits = mem.fits();
        row.predicted_ms = inference_latency(r, row.tp, row.pp, row.batch, k).total * 1e3;
    }
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const size_t lo = size_t(pos);
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

template <typename Pred>
InferenceAccuracyGroup make_group(const std::string& key, const std::vector<InferenceAccuracyRow>& rows, Pred in) {
    InferenceAccuracyGroup g;
    g.key = key;
    std::vector<double> errors, ratios;
    for (const InferenceAccuracyRow& r : rows) {
        if (r.oom || !in(r)) continue;
        errors.push_back(std::fabs(r.predicted_ms - r.measured_ms) / r.measured_ms);
        ratios.push_back(r.predicted_ms / r.measured_ms);
    }
    g.rows = int(errors.size());
    g.median_error = quantile(errors, 0.5);
    g.p90_error = quantile(errors, 0.9);
    g.median_ratio = quantile(ratios, 0.5);
    return g;
}

double loss_of(const Parsed& p) {
    double sum = 0;
    int n = 0;
    for (const InferenceAccuracyRow& r : p.rows) {
        if (r.oom || !r.calibration) continue;
        const double e = std::log(r.predicted_ms / r.measured_ms);
        sum += e * e;
        ++n;
    }
    return n ? sum / n : 0;
}

}  // namespace

const InferenceAccuracyGroup* InferenceAccuracyReport::group(std::string_view key) const {
    for (const InferenceAccuracyGroup& g : groups)
        if (g.key == key) return &g;
    return nullptr;
}

Result<InferenceAccuracyReport> inference_accuracy_run(std::string_view csv_text, std::string_view source,
                                                       const InferenceCalibration& k) {
    Result<Parsed> parsed = parse_rows(csv_text, source);
    if (!parsed) return parsed.error();
    Parsed& p = parsed.value();
    predict(p, k);
    InferenceAccuracyReport report;
    report.rows = p.rows;
    report.groups.push_back(make_group("all", report.rows, [](const auto&) { return true; }));
    report.groups.push_back(make_group("calibration", report.rows, [](const auto& r) { return r.calibration; }));
    report.groups.push_back(make_group("held-out", report.rows, [](const auto& r) { return !r.calibration; }));
    std::vector<std::string> models;
    for (const InferenceAccuracyRow& r : report.rows)
        if (std::find(models.begin(), models.end(), r.model) == models.end()) models.push_back(r.model);
    for (const std::string& m : models)
        report.groups.push_back(make_group(m, report.rows, [&](const auto& r) { return r.model == m; }));
    for (const InferenceAccuracyRow& r : report.rows) {
        if (r.oom) {
            ++report.oom_rows;
            report.oom_predicted += r.predicted_fits ? 0 : 1;
        } else {
            ++report.measured_rows;
            report.measured_fit += r.predicted_fits ? 1 : 0;
        }
    }
    return report;
}

double inference_fit_loss(std::string_view csv_text, const InferenceCalibration& k) {
    Result<Parsed> parsed = parse_rows(csv_text, "fit");
    if (!parsed) return INFINITY;
    predict(parsed.value(), k);
    return loss_of(*parsed);
}

namespace {

// Coordinate search: each parameter in turn moves by a factor while the loss falls; the factor shrinks until
// moves of 0.5% stop helping. Bounds keep every parameter physical.
struct FitParam {
    double* value;
    double lo, hi;
};
template <typename Loss>
void coordinate_search(std::initializer_list<FitParam> params, Loss loss) {
    double best = loss();
    for (double step = 0.5; step > 0.005; step /= 2) {
        bool moved = true;
        while (moved) {
            moved = false;
            for (const FitParam& q : params) {
                for (double factor : {1.0 + step, 1.0 / (1.0 + step)}) {
                    const double old = *q.value;
                    *q.value = std::clamp(old == 0 ? step * 10 : old * factor, q.lo, q.hi);  // 0 moves by a small amount
                    const double l = loss();
                    if (l < best - 1e-12) {
                        best = l;
                        moved = true;
                    } else {
                        *q.value = old;
                    }
                }
            }
        }
    }
}

// Mean squared log(pred / meas) of memory over the rows with a memory column. The column says GB; FT's
// tables come from nvidia-smi, which counts MiB, so GB is read as GiB (2^30 bytes).
double memory_loss(const Parsed& p) {
    double sum = 0;
    int n = 0;
    for (const InferenceAccuracyRow& r : p.rows) {
        if (r.measured_gb <= 0) continue;
        const double e = std::log(r.predicted_gib / r.measured_gb);
        sum += e * e;
        ++n;
    }
    return n ? sum / n : 0;
}

}  // namespace

InferenceCalibration inference_fit(std::string_view csv_text, const InferenceCalibration& start) {
    Result<Parsed> parsed = parse_rows(csv_text, "fit");
    if (!parsed) return start;
    const Parsed& p = *parsed;
    // Latency: the calibration model's measured rows. Memory: the rows with a memory column (other models).
    Parsed latency_rows, memory_rows;
    for (size_t i = 0; i < p.rows.size(); ++i) {
        if (p.rows[i].calibration && !p.rows[i].oom) latency_rows.rows.push_back(p.rows[i]), latency_rows.models.push_back(p.models[i]);
        if (p.rows[i].measured_gb > 0) memory_rows.rows.push_back(p.rows[i]), memory_rows.models.push_back(p.models[i]);
    }
    InferenceCalibration k = start;
    coordinate_search({{&k.gemm_efficiency, 0.05, 1.0},
                       {&k.hbm_efficiency, 0.2, 1.0},
                       {&k.layer_overhead_us, 0.0, 500.0},
                       {&k.allreduce_latency_us, 0.0, 500.0}},
                      [&] {
                          predict(latency_rows, k);
                          return loss_of(latency_rows);
                      });
    coordinate_search({{&k.other_gib, 0.1, 16.0}, {&k.activation_rows, 1.0, 200.0}}, [&] {
        predict(memory_rows, k);
        return memory_loss(memory_rows);
    });
    return k;
}

std::string inference_accuracy_markdown(const InferenceAccuracyReport& report, const InferenceCalibration& k) {
    auto pct = [](double v) { return format_fixed(v * 100, 1) + "%"; };
    std::string out =
        "Predicted end-to-end generation latency of a batch against FasterTransformer's published GPT tables "
        "(NVIDIA/FasterTransformer docs/gpt_guide.md, \"Performance\"; 8 x A100-80GB SXM per node, FP16; the engine the "
        "NeMo launcher's inference sweep ran; transcribed in tests/data/ground_truth/fastertransformer_gpt_latency.csv). "
        "Error = |predicted - published| / published. The GPT-20B table (TP 1, 2, 4, 8) calibrates the latency "
        "constants and the memory columns of GPT-6.7B, 1.3B and 350M the memory constants; every other latency is "
        "held out, and the OOM cells check the memory model.\n\n";
    out += "Constants (`trainplan accuracy --inference --fit` refits them on the GPT-20B rows): GEMM efficiency " +
           format_fixed(k.gemm_efficiency, 3) + ", HBM efficiency " + format_fixed(k.hbm_efficiency, 3) +
           ", per-layer overhead " + format_fixed(k.layer_overhead_us, 1) + " us, all-reduce latency " +
           format_fixed(k.allreduce_latency_us, 1) + " us; and on the memory columns (GPT-6.7B, 1.3B, 350M): other " +
           format_fixed(k.other_gib, 2) + " GiB, " + format_fixed(k.activation_rows, 1) + " activation rows per prompt token.\n\n";
    out += "| rows | measured | median error | p90 error | median predicted/measured |\n|---|---:|---:|---:|---:|\n";
    for (const InferenceAccuracyGroup& g : report.groups)
        out += "| " + g.key + " | " + std::to_string(g.rows) + " | " + pct(g.median_error) + " | " + pct(g.p90_error) + " | " +
               format_fixed(g.median_ratio, 2) + " |\n";
    out += "\nOut of memory: " + std::to_string(report.oom_predicted) + " of the " + std::to_string(report.oom_rows) +
           " points the tables list as OOM are predicted not to fit; " + std::to_string(report.measured_fit) + " of the " +
           std::to_string(report.measured_rows) + " measured points are predicted to fit.\n";
    std::string misses;
    for (const InferenceAccuracyRow& r : report.rows) {
        if (r.oom == !r.predicted_fits) continue;
        misses += "| " + r.model + " | " + std::to_string(r.tp) + " | " + std::to_string(r.pp) + " | " + std::to_string(r.batch) +
                  " | " + std::to_string(r.input_len) + "/" + std::to_string(r.output_len) + " | " +
                  (r.oom ? std::string("OOM") : format_fixed(r.measured_ms, 0) + " ms") + " | " + format_fixed(r.predicted_gib, 1) +
                  " GiB |\n";
    }
    if (!misses.empty())
        out += "\nDisagreements:\n\n| model | TP | PP | batch | in/out | table | predicted memory |\n|---|---:|---:|---:|---|---|---:|\n" +
               misses;
    return out;
}

}  // namespace tp
