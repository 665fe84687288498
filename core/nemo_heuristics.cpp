#include "nemo_heuristics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "text.hpp"

namespace tp {

namespace {

const char* const kGptBased[] = {"gpt3", "llama", "mixtral", "mistral", "gemma", "nemotron", "qwen", "qwen2",
                                 "starcoder", "baichuan2", "chatglm"};

bool is_t5(const std::string& f) { return f == "t5" || f == "mt5"; }

std::string known_families() {
    std::string out;
    for (const char* f : kGptBased) out += std::string(f) + ", ";
    return out + "t5, mt5, bert";
}

Result<double> check_positive(const char* field, double v) {
    if (std::isfinite(v) && v > 0) return v;
    return make_error(ErrorKind::out_of_range, std::string(field) + " must be a positive number (got " + format_number(v) + ")");
}

// First failing check of the (field, value) list, or nothing.
std::optional<Error> first_non_positive(std::initializer_list<std::pair<const char*, double>> fields) {
    for (const auto& [field, v] : fields) {
        Result<double> r = check_positive(field, v);
        if (!r) return r.error();
    }
    return std::nullopt;
}

Error unknown_family(const std::string& family) {
    return make_error(ErrorKind::unknown_name, "--model-family: '" + family +
                                                   "' is not a family NVIDIA's Auto Configurator supports; accepted: " +
                                                   known_families());
}

}  // namespace

double python_round(double x, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, x);
    return std::strtod(buf, nullptr);
}

bool nemo_family_gpt_based(const std::string& family) {
    for (const char* f : kGptBased)
        if (family == f) return true;
    return false;
}

bool nemo_family_known(const std::string& family) {
    return nemo_family_gpt_based(family) || is_t5(family) || family == "bert";
}

Result<double> nemo_estimate_model_size_b(double days, double gpus, double tflops_per_gpu, double tokens_b,
                                          const std::string& family) {
    if (auto e = first_non_positive({{"--days", days}, {"--gpus", gpus}, {"--tflops-per-gpu", tflops_per_gpu},
                                     {"--tokens-b", tokens_b}}))
        return *e;
    if (!nemo_family_known(family)) return unknown_family(family);
    const double penalty = family == "mt5" ? 0.87 : 1.0;
    const double flops_budget = days * 3600 * 24 * gpus * tflops_per_gpu * 1e12;
    return python_round(penalty * flops_budget / (8 * tokens_b * 1e9) / 1e9, 2);
}

Result<double> nemo_estimate_training_days(double model_size_b, double gpus, double tflops_per_gpu, double tokens_b,
                                           const std::string& family) {
    if (auto e = first_non_positive({{"--model-size-b", model_size_b}, {"--gpus", gpus},
                                     {"--tflops-per-gpu", tflops_per_gpu}, {"--tokens-b", tokens_b}}))
        return *e;
    if (!nemo_family_known(family)) return unknown_family(family);
    const double penalty = family == "mt5" ? 1.15 : 1.0;
    const double seconds = penalty * (model_size_b * 1e9 * 8 * tokens_b * 1e9) / (gpus * tflops_per_gpu * 1e12);
    return python_round(seconds / (3600 * 24), 2);
}

double nemo_calculate_model_size_b(double vocab, double seq, double hidden, double layers, double ffn,
                                   double kv_channels, double heads, const std::string& family) {
    const double V = vocab, s = seq, h = hidden, L = layers, F = ffn;
    if (is_t5(family)) {
        const double P = heads * kv_channels;
        return (2 * L * 1.5 * F + 3 * L * P + h * (2 + 4 * L * 1.5 * F + L * (21 + 12 * P) + s + V)) / 1e9;
    }
    if (family == "bert") return (L * (F + h * (4 * h + 3 * heads + 2 * F + 6)) + h * (V + s + h + 5)) / 1e9;
    return 12 * L * h * h * (1 + 13 / (12 * h) + (V + s) / (12 * L * h)) / 1e9;
}

namespace {

struct ArchRow {
    double upper;      // size bound (billions)
    bool inclusive;    // '<=' instead of '<'
    int hidden, heads;
    int ffn;           // 0 = None
    double lr;
};

// Size -> architecture tables (heuristics_tables.json "model_size_to_architecture_tables").
const std::vector<ArchRow>& gpt_rows() {
    static const std::vector<ArchRow> rows = {
        {0.25, false, 768, 12, 0, 6e-4},     {0.5, false, 1024, 16, 0, 3e-4},    {1, false, 1536, 16, 0, 2.5e-4},
        {2, false, 2048, 16, 0, 2e-4},       {3, false, 2560, 32, 0, 1.6e-4},    {4.5, false, 3072, 32, 0, 1.4e-4},
        {8, false, 4096, 32, 0, 1.2e-4},     {15, false, 5120, 40, 0, 1e-4},     {25, false, 6144, 48, 0, 1e-4},
        {52, false, 8192, 64, 0, 8e-5},      {105, false, 10240, 80, 0, 7e-5},   {205, false, 12288, 96, 0, 6e-5},
        {405, false, 20480, 128, 0, 5e-5},   {805, false, 20480, 128, 0, 4e-5},  {1105, false, 25600, 160, 0, 3e-5}};
    return rows;
}

std::vector<ArchRow> t5_rows(bool mt5) {
    const double b0 = mt5 ? 0.25 : 0.1, b1 = mt5 ? 0.5 : 0.4, b2 = mt5 ? 1.2 : 1.0;
    return {{b0, false, 512, 6, 1024, 1e-4},       {b1, false, 768, 12, 2048, 1e-4},
            {b2, false, 1024, 16, 2816, 1e-4},     {5, false, 2048, 32, 5120, 1e-4},
            {15, false, 4096, 64, 10240, 1e-4},    {25.9, false, 5120, 80, 10880, 1e-4},
            {43.0, false, 6144, 96, 10880, 1e-4},  {85.5, true, 6144, 96, 16384, 1e-4},
            {165.5, true, 7680, 96, 20480, 1e-4},  {250, true, 12288, 96, 32768, 1e-4}};
}

const std::vector<ArchRow>& bert_rows() {
    static const std::vector<ArchRow> rows = {
        {0.25, false, 768, 12, 0, 2e-4},    {0.5, false, 1024, 16, 0, 2e-4},   {1, false, 1536, 16, 0, 1e-4},
        {2, false, 2048, 16, 0, 1e-4},      {3, false, 2560, 32, 0, 1e-4},     {4.5, false, 2560, 32, 0, 1e-4},
        {8, false, 4096, 32, 0, 1e-4},      {15, false, 5120, 40, 0, 1e-4},    {25, true, 6144, 48, 0, 1e-4},
        {46.5, true, 7680, 48, 0, 1e-4},    {87.5, true, 9216, 96, 0, 1e-4},   {165.5, true, 9216, 96, 0, 1e-4},
        {250.5, true, 12288, 96, 0, 1e-4}};
    return rows;
}

// The layer search: the first L, in five passes of candidate lists and widening margins, whose
// NeMo size lies strictly within size·(1 ± margin). margin grows by += 0.01 in floating point,
// exactly as upstream (so 0.060000000000000005 is the sixth margin, not 0.06).
std::optional<int> search_layers(double size_b, const std::function<double(int)>& size_of_layers) {
    struct Pass {
        std::vector<int> layers;
        int attempts;
    };
    std::vector<Pass> passes(5);
    for (int p = 1; p <= 9; ++p) passes[0].layers.push_back(1 << p);
    passes[0].attempts = 10;
    for (int l = 16; l <= 200; l += 16) passes[1].layers.push_back(l);
    passes[1].attempts = 6;
    for (int l = 2; l <= 200; l += 2) passes[2].layers.push_back(l);
    passes[2].attempts = 6;
    for (int l = 5; l <= 200; l += 5) passes[3].layers.push_back(l);
    passes[3].attempts = 6;
    for (int l = 1; l < 200; ++l) passes[4].layers.push_back(l);
    passes[4].attempts = 10;
    for (const Pass& pass : passes) {
        double margin = 0.01;
        for (int attempt = 0; attempt < pass.attempts; ++attempt) {
            for (int layers : pass.layers) {
                const double out = size_of_layers(layers);
                if (size_b * (1.0 - margin) < out && out < size_b * (1.0 + margin)) return layers;
            }
            margin += 0.01;
        }
    }
    return std::nullopt;
}

}  // namespace

Result<NemoArchitecture> nemo_architecture_row(double model_size_b, const std::string& family, NemoFlavor flavor) {
    if (auto e = first_non_positive({{"--model-size-b", model_size_b}})) return *e;
    if (!nemo_family_known(family)) return unknown_family(family);
    std::vector<ArchRow> rows;
    const char* label = "GPT-3";
    double limit = 1105;
    if (is_t5(family)) {
        rows = t5_rows(family == "mt5");
        label = family == "mt5" ? "mT5" : "T5";
        limit = 250;
    } else if (family == "bert") {
        rows = bert_rows();
        label = "BERT";
        limit = 250.5;
    } else {
        rows = gpt_rows();
    }
    for (const ArchRow& r : rows) {
        if (!(r.inclusive ? model_size_b <= r.upper : model_size_b < r.upper)) continue;
        NemoArchitecture a;
        a.hidden = r.hidden;
        a.heads = r.heads;
        a.lr = r.lr;
        if (is_t5(family)) {
            a.ffn = r.ffn;
            // The launcher used 128-wide heads for its two largest T5 brackets; NeMo 2.0 uses 64 throughout.
            const bool largest_two = r.upper >= 165.5;
            a.kv_channels = (flavor == NemoFlavor::launcher && largest_two) ? 128 : 64;
        }
        if (family == "bert") a.ffn = 4 * r.hidden;  // BERT's table returns ffn = 4·h explicitly
        return a;
    }
    return make_error(ErrorKind::out_of_range, "--model-size-b: " + format_number(model_size_b) + "B is outside NeMo's " +
                                                   label + " size table; " + label + " must be smaller than " +
                                                   format_number(limit) + "B parameters");
}

Result<NemoArchitecture> nemo_model_size_params(double model_size_b, int vocab, int seq, const std::string& family,
                                                NemoFlavor flavor) {
    if (auto e = first_non_positive({{"--model-size-b", model_size_b}, {"vocab", double(vocab)}, {"--seq", double(seq)}}))
        return *e;
    Result<NemoArchitecture> row = nemo_architecture_row(model_size_b, family, flavor);
    if (!row) return row.error();
    NemoArchitecture a = row.value();
    const char* label = is_t5(family) ? "T5" : family == "bert" ? "BERT" : "GPT-3";
    const double ffn_for_size = a.ffn ? double(*a.ffn) : 4.0 * a.hidden;
    const double kv_for_size = a.kv_channels ? double(*a.kv_channels) : 0.0;
    auto size_of = [&](int layers) {
        return nemo_calculate_model_size_b(vocab, seq, a.hidden, layers, ffn_for_size, kv_for_size, a.heads, family);
    };
    std::optional<int> layers = search_layers(model_size_b, size_of);
    if (!layers) {
        return make_error(ErrorKind::out_of_range, std::string("--model-size-b: no layer count between 1 and 512 gives a ") + label +
                                                       " model of " + format_number(model_size_b) +
                                                       "B with hidden " + std::to_string(a.hidden) +
                                                       " (NeMo: 'Number of layers not found, config is not possible')");
    }
    a.layers = *layers;
    return a;
}

namespace {

struct SeedRow {
    double upper;  // inclusive upper size bound (billions)
    int gbs, tp, pp;
};

// Launcher base_config._gbs_tp_pp_* tables (heuristics_tables.json).
const std::vector<SeedRow>* seed_table(const std::string& family, int gpu_memory_gb, int seq) {
    static const std::vector<SeedRow> gpt80_2k = {{1.0, 256, 1, 1},    {4.0, 1024, 1, 1},   {8.0, 2048, 2, 1},
                                                  {13.0, 2048, 4, 1},  {20.6, 2048, 8, 1},  {45.6, 2048, 8, 2},
                                                  {123.6, 2048, 8, 4}, {196.6, 2048, 8, 8}, {392.2, 2048, 8, 16},
                                                  {735.0, 2048, 8, 32}, {1100.0, 2048, 8, 64}};
    static const std::vector<SeedRow> gpt80_4k = {{1.0, 128, 1, 1},   {4.0, 512, 1, 1},   {8.0, 1024, 2, 1},
                                                  {13.0, 1024, 4, 1}, {20.6, 1024, 4, 2}, {45.6, 1024, 8, 2}};
    static const std::vector<SeedRow> gpt80_8k = {{1.0, 64, 1, 1},   {4.0, 256, 1, 1},   {8.0, 512, 2, 1},
                                                  {13.0, 512, 4, 1}, {20.6, 512, 4, 4}, {45.6, 512, 8, 2}};
    static const std::vector<SeedRow> gpt80_16k = {
        {1.0, 32, 2, 1}, {4.0, 128, 2, 1}, {8.0, 256, 2, 2}, {13.0, 256, 4, 1}, {20.6, 256, 8, 2}};
    static const std::vector<SeedRow> gpt80_32k = {{1.0, 16, 2, 1}, {4.0, 64, 2, 1}, {13.0, 128, 4, 2}, {20.6, 128, 8, 2}};
    static const std::vector<SeedRow> gpt40_2k = {{1.0, 256, 1, 1},    {4.0, 1024, 4, 1},   {8.0, 2048, 8, 1},
                                                  {13.0, 2048, 8, 2},  {45.6, 2048, 8, 4},  {123.6, 2048, 8, 8},
                                                  {196.6, 2048, 8, 16}, {392.2, 2048, 8, 32}, {735.0, 2048, 8, 64},
                                                  {1100.0, 2048, 8, 128}};
    static const std::vector<SeedRow> t5_80 = {{1.0, 2048, 1, 1},   {5.0, 1920, 2, 1},   {11.5, 1920, 4, 1},
                                               {18.5, 1920, 8, 1},  {25.9, 1920, 8, 2},  {43.0, 1920, 8, 4},
                                               {85.5, 1920, 8, 8},  {165.5, 1920, 8, 16}, {250.0, 1920, 8, 32}};
    static const std::vector<SeedRow> t5_40 = {{1.0, 2048, 2, 1},   {5.0, 1920, 4, 1},   {11.5, 1920, 8, 1},
                                               {18.5, 1920, 8, 2},  {25.9, 1920, 8, 4},  {43.0, 1920, 8, 8},
                                               {85.5, 1920, 8, 16}, {165.5, 1920, 8, 32}, {250.0, 1920, 8, 64}};
    static const std::vector<SeedRow> bert_80 = {{1.0, 256, 1, 1},   {3.2, 1024, 1, 1},   {8.0, 2048, 2, 1},
                                                 {13.0, 2048, 4, 1}, {25.5, 2048, 8, 1},  {46.5, 2048, 8, 2},
                                                 {87.5, 2048, 8, 4}, {165.5, 4096, 8, 8}, {250.5, 2048, 8, 16}};
    static const std::vector<SeedRow> bert_40 = {{1.0, 256, 1, 1},   {3.2, 1024, 4, 1},   {8.0, 2048, 8, 1},
                                                 {13.0, 2048, 8, 2}, {25.0, 2048, 8, 4},  {46.5, 2048, 8, 8},
                                                 {87.5, 2048, 8, 16}, {165.5, 2048, 8, 32}, {250.5, 2048, 8, 64}};
    if (is_t5(family)) return seq == 512 ? (gpu_memory_gb == 80 ? &t5_80 : &t5_40) : nullptr;
    if (family == "bert") return seq == 512 ? (gpu_memory_gb == 80 ? &bert_80 : &bert_40) : nullptr;
    if (gpu_memory_gb == 40) return seq == 2048 ? &gpt40_2k : nullptr;
    switch (seq) {
        case 2048: return &gpt80_2k;
        case 4096: return &gpt80_4k;
        case 8192: return &gpt80_8k;
        case 16384: return &gpt80_16k;
        case 32768: return &gpt80_32k;
        default: return nullptr;
    }
}

}  // namespace

Result<NemoGbsTpPp> nemo_gbs_tp_pp(double model_size_b, int gpu_memory_gb, const std::string& family, int seq) {
    if (auto e = first_non_positive({{"--model-size-b", model_size_b}})) return *e;
    if (!nemo_family_known(family)) return unknown_family(family);
    if (gpu_memory_gb != 80 && gpu_memory_gb != 40) {
        return make_error(ErrorKind::out_of_range, "gpu_memory_gb: NeMo's GBS/TP/PP tables exist for 40 and 80 GB GPUs only (got " +
                                                       std::to_string(gpu_memory_gb) + ")");
    }
    const std::vector<SeedRow>* table = seed_table(family, gpu_memory_gb, seq);
    if (table == nullptr) {
        const std::string accepted = (is_t5(family) || family == "bert") ? "512"
                                     : gpu_memory_gb == 40               ? "2048 (40 GB GPUs)"
                                                                         : "2048, 4096, 8192, 16384 or 32768";
        return make_error(ErrorKind::out_of_range, "--seq: NeMo has no GBS/TP/PP table for " + family + " at sequence length " +
                                                       std::to_string(seq) + "; accepted: " + accepted);
    }
    for (const SeedRow& r : *table) {
        if (model_size_b <= r.upper) {
            NemoGbsTpPp out{r.gbs, r.tp, r.pp, std::nullopt, std::nullopt};
            if (nemo_family_gpt_based(family)) out.cp = out.ep = 1;
            return out;
        }
    }
    return make_error(ErrorKind::out_of_range, "--model-size-b: " + format_number(model_size_b) +
                                                   "B is above NeMo's largest GBS/TP/PP row for " + family + " at seq " +
                                                   std::to_string(seq) + " (" + format_number(table->back().upper) + "B)");
}

NemoTflops nemo_calculate_tflops(const std::string& family, double gbs, double enc_seq, double dec_seq, double hidden,
                                 double ffn, double layers, double vocab, double nodes, double gpus_per_node,
                                 double step_time_s) {
    const double B = gbs, h = hidden, V = vocab;
    double flops = 0;
    if (is_t5(family)) {
        const double es = enc_seq, ds = dec_seq, L = layers / 2;  // layers counts encoder + decoder
        const double enc = 8 * B * es * h * h + 4 * B * es * es * h + 6 * B * es * h * ffn;
        const double dec = 8 * B * ds * h * h + 4 * B * ds * ds * h + 4 * B * es * h * h + 4 * B * ds * h * h +
                           4 * B * es * ds * h + 6 * B * ds * h * ffn;
        flops = 3 * (L * enc + L * dec + 2 * B * ds * h * V);
    } else {
        const double s = enc_seq, L = layers;
        flops = 72 * B * L * s * h * h * (1 + s / (6 * h) + V / (12 * h * L));
    }
    const double aggregate = flops / step_time_s / 1e12;
    return {python_round(aggregate, 2), python_round(aggregate / (nodes * gpus_per_node), 2)};
}

}  // namespace tp
