#include "recommend.hpp"

#include <cmath>

#include "nemo_heuristics.hpp"
#include "text.hpp"

namespace tp {

double default_mfu(Precision p) { return p == Precision::fp8 ? 0.30 : 0.40; }

namespace {

constexpr double kSecondsPerDay = 86400.0;

int family_default_vocab(const std::string& family) {
    if (family == "gpt3") return 51200;
    if (family == "llama") return 128256;
    if (family == "gemma" || family == "nemotron") return 256000;
    if (family == "qwen" || family == "qwen2") return 152064;
    if (family == "starcoder" || family == "granite") return 49152;
    if (family == "t5") return 32128;
    if (family == "mt5") return 250112;
    if (family == "bert") return 30522;
    return 32000;  // mistral, mixtral, baichuan2, chatglm and anything else Llama-2-like
}

// The family's template at a given width, with `layers` layers (per stack for T5).
ModelSpec family_template(const std::string& family, int hidden, int heads, int ffn, int head_dim, int vocab, int seq,
                          int layers) {
    ModelSpec m;
    m.family = family;
    m.hidden = hidden;
    m.heads = heads;
    m.head_dim = head_dim;
    m.vocab = vocab;
    m.max_seq = seq;
    m.layers = layers;
    m.kv_heads = heads;
    if (family == "gpt3" || family == "bert") {
        m.ffn = 4 * hidden;
        model_use_classic_layout(m);
        if (family == "bert") m.arch = Architecture::encoder;
    } else if (family == "t5" || family == "mt5") {
        m.arch = Architecture::encoder_decoder;
        m.decoder_layers = layers;
        m.ffn = ffn;
        m.position = PositionKind::relative;
        m.relative_buckets = 32;
        m.mlp = family == "mt5" ? MlpKind::gated : MlpKind::gelu;
        m.tied_embeddings = family == "t5";
    } else {
        m.kv_heads = modern_kv_heads(heads);
        m.ffn = modern_swiglu_ffn(hidden);
    }
    return m;
}

}  // namespace

double family_flops_per_token_at_size(const std::string& family, double size_b, int seq, int vocab) {
    Result<NemoArchitecture> row = nemo_architecture_row(size_b, family);
    NemoArchitecture a;
    if (row) {
        a = row.value();
    } else {
        // Above the largest bracket: keep the widest row and grow depth only.
        Result<NemoArchitecture> last = nemo_architecture_row(family == "t5" || family == "mt5" ? 249.0 : 1100.0, family);
        a = last ? last.value() : NemoArchitecture{0, 25600, 160, std::nullopt, std::nullopt, 3e-5};
    }
    const int v = vocab > 0 ? vocab : family_default_vocab(family);
    const int head_dim = a.kv_channels ? *a.kv_channels : a.hidden / a.heads;
    const ModelSpec one = family_template(family, a.hidden, a.heads, a.ffn.value_or(0), head_dim, v, seq, 1);
    const ModelSpec two = family_template(family, a.hidden, a.heads, a.ffn.value_or(0), head_dim, v, seq, 2);
    const double p1 = model_param_counts(one).total, p2 = model_param_counts(two).total;
    const double f1 = model_training_flops_per_token(one, seq), f2 = model_training_flops_per_token(two, seq);
    // Fractional depth so the size -> FLOPs map is continuous and monotone (for bisection).
    const double layers = std::max(0.0, (size_b * 1e9 - (p1 - (p2 - p1))) / (p2 - p1));
    return (f1 - (f2 - f1)) + layers * (f2 - f1);
}

Result<RecommendResult> recommend(const RecommendInputs& in) {
    if (!(in.gpus >= 1) || !std::isfinite(in.gpus))
        return make_error(ErrorKind::out_of_range, "--gpus must be at least 1 (got " + format_number(in.gpus) + ")");
    if (!(in.tokens_b > 0) || !std::isfinite(in.tokens_b))
        return make_error(ErrorKind::out_of_range, "--tokens-b must be a positive number of billions (got " + format_number(in.tokens_b) + ")");
    if (!(in.nemo_tflops_per_gpu > 0) || !std::isfinite(in.nemo_tflops_per_gpu))
        return make_error(ErrorKind::out_of_range, "--tflops-per-gpu must be positive (got " + format_number(in.nemo_tflops_per_gpu) + ")");
    if (in.seq <= 0) return make_error(ErrorKind::out_of_range, "--seq must be a positive integer (got " + std::to_string(in.seq) + ")");
    const int given = int(in.days.has_value()) + int(in.model_size_b.has_value()) + int(in.model.has_value());
    if (given != 1) {
        return make_error(ErrorKind::invalid_argument,
                          "give exactly one of --days (recommend a size), --model-size-b or --model (recommend days)");
    }
    const double mfu = in.mfu.value_or(default_mfu(in.precision));
    if (!(mfu > 0 && mfu <= 1)) return make_error(ErrorKind::out_of_range, "--mfu must be in (0, 1] (got " + format_number(mfu) + ")");
    const double peak = gpu_peak_tflops(in.gpu, in.precision);
    if (peak <= 0) {
        return make_error(ErrorKind::unsupported, std::string("--precision: ") + in.gpu.name + " has no " +
                                                      precision_name(in.precision) + " tensor cores");
    }
    const double achieved_flops_per_gpu = peak * mfu * 1e12;  // FLOP/s
    auto days_for_flops_per_token = [&](double flops_per_token) {
        return in.tokens_b * 1e9 * flops_per_token / (in.gpus * achieved_flops_per_gpu) / kSecondsPerDay;
    };

    RecommendResult r;
    r.gpus = in.gpus;
    r.tokens_b = in.tokens_b;
    r.trainplan_mfu = mfu;
    r.trainplan_peak_tflops = peak;
    r.nemo.tflops_per_gpu = in.nemo_tflops_per_gpu;
    r.trainplan.tflops_per_gpu = peak * mfu;

    if (in.days) {
        r.size_for_budget = true;
        Result<double> size = nemo_estimate_model_size_b(*in.days, in.gpus, in.nemo_tflops_per_gpu, in.tokens_b, in.family);
        if (!size) return size.error();
        r.nemo.model_size_b = *size;
        r.nemo.days = *in.days;
        // trainplan: the largest size whose FLOPs per token fit the budget (bisection in log space).
        double lo = 1e-3, hi = 1e5;
        for (int i = 0; i < 200; ++i) {
            const double mid = std::sqrt(lo * hi);
            const double days = days_for_flops_per_token(family_flops_per_token_at_size(in.family, mid, in.seq, in.vocab));
            (days <= *in.days ? lo : hi) = mid;
        }
        r.trainplan.model_size_b = lo;
        r.trainplan.days = *in.days;
        r.trainplan_flops_per_token = family_flops_per_token_at_size(in.family, lo, in.seq, in.vocab);
        r.trainplan_note = "training FLOPs per token of a " + in.family + "-family architecture at seq " +
                           std::to_string(in.seq) + " (attention and vocabulary terms included), " +
                           format_fixed(peak, 1) + " TFLOP/s " + precision_name(in.precision) + " peak (" + in.gpu.name +
                           ") x MFU " + format_fixed(mfu, 2);
        r.nemo_line = "You can train a " + python_float_repr(r.nemo.model_size_b) + "B parameter model in " +
                      format_number(*in.days) + " days using " + format_number(in.gpus) +
                      " GPUs. This result assumes you are training to " + format_number(in.tokens_b) +
                      "B tokens, and each GPU achieves " + format_number(in.nemo_tflops_per_gpu) + " TFLOPS.";
        return r;
    }

    r.size_for_budget = false;
    double size_b = 0, flops_per_token = 0;
    if (in.model) {
        if (std::string e = model_validate(*in.model); !e.empty()) return make_error(ErrorKind::invalid_argument, e);
        size_b = model_param_counts(*in.model).total / 1e9;
        flops_per_token = model_training_flops_per_token(*in.model, in.seq);
        r.trainplan_note = "exact training FLOPs per token of " + in.model->name + " at seq " + std::to_string(in.seq);
    } else {
        size_b = *in.model_size_b;
        if (!(size_b > 0) || !std::isfinite(size_b))
            return make_error(ErrorKind::out_of_range, "--model-size-b must be positive (got " + format_number(size_b) + ")");
        flops_per_token = family_flops_per_token_at_size(in.family, size_b, in.seq, in.vocab);
        r.trainplan_note = "training FLOPs per token of a " + in.family + "-family architecture of " +
                           format_number(size_b) + "B at seq " + std::to_string(in.seq);
    }
    r.trainplan_note += ", " + format_fixed(peak, 1) + " TFLOP/s " + precision_name(in.precision) + " peak (" +
                        in.gpu.name + ") x MFU " + format_fixed(mfu, 2);
    const std::string nemo_family = in.model ? (nemo_family_known(in.model->family) ? in.model->family : "gpt3") : in.family;
    Result<double> days = nemo_estimate_training_days(size_b, in.gpus, in.nemo_tflops_per_gpu, in.tokens_b, nemo_family);
    if (!days) return days.error();
    r.nemo.model_size_b = size_b;
    r.nemo.days = *days;
    r.trainplan.model_size_b = size_b;
    r.trainplan.days = days_for_flops_per_token(flops_per_token);
    r.trainplan_flops_per_token = flops_per_token;
    r.nemo_line = "You can train a " + format_number(in.model ? python_round(size_b, 2) : size_b) +
                  "B parameter model in " + python_float_repr(*days) + " days using " + format_number(in.gpus) +
                  " GPUs. This result assumes you are training to " + format_number(in.tokens_b) +
                  "B tokens, and each GPU achieves " + format_number(in.nemo_tflops_per_gpu) + " TFLOPS.";
    return r;
}

}  // namespace tp
