#include "model.hpp"

#include <cmath>
#include <string>

namespace tp {

int modern_kv_heads(int heads) { return heads % 8 == 0 ? 8 : heads; }

int modern_swiglu_ffn(int hidden) { return int(std::ceil(8.0 * hidden / 3.0 * 1.3 / 1024.0)) * 1024; }

void model_use_classic_layout(ModelSpec& m) {
    m.position = PositionKind::learned;
    m.mlp = MlpKind::gelu;
    m.norm = NormKind::layernorm;
    m.tied_embeddings = true;
    m.attention_bias = true;
    m.mlp_bias = true;
    m.dropout = true;
}

std::string model_validate(const ModelSpec& m) {
    auto positive = [](const char* field, long long v) -> std::string {
        if (v > 0) return {};
        return std::string(field) + " must be a positive integer (got " + std::to_string(v) + ")";
    };
    for (const auto& check : {positive("layers", m.layers), positive("hidden", m.hidden), positive("ffn", m.ffn),
                              positive("heads", m.heads), positive("kv_heads", m.kv_heads),
                              positive("head_dim", m.head_dim), positive("vocab", m.vocab)}) {
        if (!check.empty()) return check;
    }
    if (m.heads % m.kv_heads != 0)
        return "kv_heads (" + std::to_string(m.kv_heads) + ") must divide heads (" + std::to_string(m.heads) + ")";
    if (m.arch == Architecture::encoder_decoder && m.decoder_layers <= 0)
        return "decoder_layers must be a positive integer for an encoder-decoder model";
    if (m.moe.enabled()) {
        if (m.moe.top_k <= 0 || m.moe.top_k > m.moe.experts)
            return "topk must be between 1 and experts (" + std::to_string(m.moe.experts) + "), got " +
                   std::to_string(m.moe.top_k);
        if (m.moe.expert_ffn <= 0) return "expert_ffn must be a positive integer for a mixture-of-experts model";
        if (m.moe.layer_freq <= 0) return "moe layer_freq must be a positive integer";
    }
    if (m.position == PositionKind::learned && m.max_seq <= 0)
        return "max_seq must be a positive integer for learned position embeddings";
    return {};
}

namespace {

// Parameters of one norm layer: LayerNorm has a scale and a bias, RMSNorm only a scale.
double norm_params(const ModelSpec& m) { return m.norm == NormKind::layernorm ? 2.0 * m.hidden : 1.0 * m.hidden; }

// Self-attention (or cross-attention) block: Q, K, V and output projections.
double attention_params(const ModelSpec& m) {
    const double h = m.hidden, q = double(m.heads) * m.head_dim, kv = double(m.kv_heads) * m.head_dim;
    double p = h * q + 2.0 * h * kv + q * h;
    if (m.attention_bias) p += q + 2.0 * kv + h;
    if (m.qkv_bias_only) p += q + 2.0 * kv;
    return p;
}

// One feed-forward network of width ffn: gated MLPs have gate, up and down matrices.
double mlp_params(const ModelSpec& m, double ffn) {
    const double h = m.hidden;
    if (m.mlp == MlpKind::gated) return 3.0 * h * ffn + (m.mlp_bias ? 2.0 * ffn + h : 0.0);
    return 2.0 * h * ffn + (m.mlp_bias ? ffn + h : 0.0);
}

bool layer_is_moe(const ModelSpec& m, int layer_index) {
    return m.moe.enabled() && (layer_index + 1) % m.moe.layer_freq == 0;
}

struct FfnParams {
    double total = 0;
    double active = 0;
};

// FFN of one layer: dense, or routed experts + shared experts + router.
FfnParams ffn_params(const ModelSpec& m, int layer_index) {
    if (!layer_is_moe(m, layer_index)) {
        const double p = mlp_params(m, m.ffn);
        return {p, p};
    }
    const double expert = mlp_params(m, m.moe.expert_ffn);
    const double shared = m.moe.shared_experts * mlp_params(m, m.moe.shared_expert_ffn);
    const double router = double(m.hidden) * m.moe.experts;
    return {m.moe.experts * expert + shared + router, m.moe.top_k * expert + shared + router};
}

}  // namespace

LayerParams model_layer_params(const ModelSpec& m, int layer_index) {
    LayerParams p;
    p.attention = attention_params(m);
    p.norms = (2 + m.extra_norms_per_layer) * norm_params(m);
    p.moe = layer_is_moe(m, layer_index);
    if (!p.moe) {
        p.dense_ffn = mlp_params(m, m.ffn);
        return p;
    }
    p.dense_ffn = m.moe.shared_experts * mlp_params(m, m.moe.shared_expert_ffn) + double(m.hidden) * m.moe.experts;
    p.routed_expert = mlp_params(m, m.moe.expert_ffn);
    p.routed_experts = m.moe.experts * p.routed_expert;
    return p;
}

ParamCounts model_param_counts(const ModelSpec& m) {
    ParamCounts c;
    const double h = m.hidden, V = m.vocab;
    // Embeddings: token table, learned positions, BERT token types, untied output head.
    c.embedding = V * h;
    if (m.position == PositionKind::learned) c.embedding += double(m.max_seq) * h;
    if (m.token_types > 0) c.embedding += double(m.token_types) * h;
    if (!m.tied_embeddings) c.embedding += V * h;

    double layers_total = 0, layers_active = 0;
    const double attn = attention_params(m), norm = norm_params(m);
    for (int i = 0; i < m.layers; ++i) {
        const FfnParams f = ffn_params(m, i);
        const double norms = (2 + m.extra_norms_per_layer) * norm;
        layers_total += attn + f.total + norms;
        layers_active += attn + f.active + norms;
    }
    double extra = norm;  // final norm of the (first) stack; BERT: embedding LayerNorm instead
    if (m.arch == Architecture::encoder_decoder) {
        // T5 decoder layer: self-attention, cross-attention, FFN and three norms; plus the
        // decoder's final norm and one relative-position bias table per stack (Raffel et al. 2020).
        const double dec_layer = 2 * attn + mlp_params(m, m.ffn) + 3 * norm;
        layers_total += m.decoder_layers * dec_layer;
        layers_active += m.decoder_layers * dec_layer;
        extra += norm + 2.0 * m.relative_buckets * m.heads;
    }
    if (m.pooler) extra += h * h + h;
    c.non_embedding = layers_total + extra;
    c.total = c.embedding + c.non_embedding;
    c.active = c.embedding + layers_active + extra;
    return c;
}

double model_training_flops_per_token(const ModelSpec& m, int seq) {
    // Matrix parameters touched per token in one forward pass, then 2 FLOPs per multiply-add and
    // 3x for forward + backward (Kaplan et al. 2020 Sec. 2.1; Narayanan et al. 2021 Sec. 5.1).
    const double q = double(m.heads) * m.head_dim, kv = double(m.kv_heads) * m.head_dim, h = m.hidden;
    const double attn_matrices = h * q + 2.0 * h * kv + q * h;
    double forward = 0;
    auto gemm_ffn = [&](double ffn) { return (m.mlp == MlpKind::gated ? 3.0 : 2.0) * h * ffn; };
    for (int i = 0; i < m.layers; ++i) {
        double ffn_matrices = gemm_ffn(m.ffn);
        if (layer_is_moe(m, i)) {
            ffn_matrices = m.moe.top_k * gemm_ffn(m.moe.expert_ffn) +
                           m.moe.shared_experts * gemm_ffn(m.moe.shared_expert_ffn) + h * m.moe.experts;
        }
        // Attention scores QK^T and weighted values: 2 GEMMs of s x head_dim per head, 2 FLOPs each.
        forward += 2.0 * (attn_matrices + ffn_matrices) + 4.0 * seq * q;
    }
    if (m.arch == Architecture::encoder_decoder) {
        // Decoder: self- and cross-attention plus FFN (cross-attention over an encoder sequence of equal length).
        forward += m.decoder_layers * (2.0 * (2 * attn_matrices + gemm_ffn(m.ffn)) + 8.0 * seq * q);
    }
    forward += 2.0 * m.vocab * h;  // logits
    return 3.0 * forward;
}

double megatron_flops_per_iteration_recompute(double batch, double seq, double layers, double hidden, double vocab) {
    return 96.0 * batch * seq * layers * hidden * hidden *
           (1.0 + seq / (6.0 * hidden) + vocab / (16.0 * layers * hidden));
}

double megatron_param_count(double layers, double hidden, double vocab, double seq) {
    return 12.0 * layers * hidden * hidden * (1.0 + 13.0 / (12.0 * hidden) + (vocab + seq) / (12.0 * layers * hidden));
}

double megatron_training_time_s(double tokens, double params, double gpus, double flops_per_gpu) {
    return 8.0 * tokens * params / (gpus * flops_per_gpu);
}

DgxcFlops dgxc_flops_per_token_parts(const ModelSpec& m, int seq) {
    const double L = m.layers, h = m.hidden, s = seq;
    DgxcFlops f;
    f.embedding = 6.0 * m.vocab * h;
    if (m.family == "gpt3") {
        f.attention = 24.0 * L * h * h + 12.0 * L * h * s;
        f.mlp = 48.0 * L * h * h;
    } else if (m.family == "nemotron") {
        // Nemotron READMEs count attention as if K and V were full width: 12 L h^2 (2 + s/h);
        // the MLP is squared-ReLU (two matrices): 12 L ffn h.
        f.attention = 12.0 * L * h * h * (2.0 + s / h);
        f.mlp = 12.0 * L * m.ffn * h;
    } else {
        f.attention = 12.0 * L * h * h * (1.0 + double(m.kv_heads) / m.heads + s / h);
        f.mlp = 18.0 * L * m.ffn * h;
    }
    return f;
}

}  // namespace tp
