// model.hpp — model specifications, parameter counts and training FLOPs.
//
// [SECTION] ModelSpec: one plain aggregate that describes decoder-only transformers
//           (learned or rotary positions, GeLU or gated MLP, MHA/GQA/MQA, tied or untied
//           embeddings), mixture-of-experts, T5/mT5 encoder-decoder and BERT encoders.
// [SECTION] Parameter counts: exact, total and active per token.
// [SECTION] FLOPs: trainplan's per-token training FLOPs, and Megatron's / NVIDIA's
//           published formulas kept as separate functions so each can be checked
//           against the data set it comes from.
//
// Units: counts are plain parameters (not billions); FLOPs are floating-point operations
// (a multiply-add is 2 FLOPs), per token or per sequence as the function name says.
#pragma once

#include <cstdint>
#include <string>

namespace tp {

enum class Architecture { decoder, encoder_decoder, encoder };
enum class PositionKind { rotary, learned, relative };  // relative = T5 bucketed bias
enum class MlpKind { gelu, gated };                     // gated = SwiGLU / GeGLU (3 matrices)
enum class NormKind { layernorm, rmsnorm };             // layernorm has a bias, rmsnorm does not

struct MoeSpec {
    int experts = 0;           // routed experts per MoE layer; 0 = dense model
    int top_k = 0;             // routed experts per token
    int expert_ffn = 0;        // FFN width of one routed expert
    int shared_experts = 0;    // always-active experts (DeepSeek/Qwen-MoE style)
    int shared_expert_ffn = 0; // FFN width of one shared expert
    int layer_freq = 1;        // every layer_freq-th layer is MoE (1 = all)
    bool enabled() const { return experts > 0; }
};

struct ModelSpec {
    std::string name;     // preset key or a user label, e.g. "llama3-8b"
    std::string family;   // NeMo family name: gpt3, llama, mixtral, mistral, gemma, nemotron, qwen, starcoder, t5, mt5, bert, granite
    Architecture arch = Architecture::decoder;
    int layers = 0;           // decoder layers (encoder layers for BERT; encoder layers for T5)
    int decoder_layers = 0;   // T5/mT5 only: decoder layers
    int hidden = 0;           // model width h
    int ffn = 0;              // dense FFN width
    int heads = 0;            // attention heads
    int kv_heads = 0;         // key/value heads (== heads for MHA, 1 for MQA)
    int head_dim = 0;         // per-head width; usually hidden/heads (Gemma: 256)
    int vocab = 0;            // padded vocabulary size as trained
    int max_seq = 0;          // positions the model was built for (learned-position table size)
    PositionKind position = PositionKind::rotary;
    MlpKind mlp = MlpKind::gated;
    NormKind norm = NormKind::rmsnorm;
    bool tied_embeddings = false;
    bool attention_bias = false;   // biases on q, k, v and output projections
    bool qkv_bias_only = false;    // Qwen2: bias on q, k, v but not on the output projection
    bool mlp_bias = false;         // biases on FFN matrices
    int relative_buckets = 0;      // T5 relative attention buckets (32)
    int token_types = 0;           // BERT token-type embeddings (2)
    bool pooler = false;           // BERT pooler (dense h x h)
    bool dropout = false;          // trained with hidden/attention dropout (GPT-3, BERT, T5: 0.1); modern LLMs: none
    int extra_norms_per_layer = 0; // Gemma 2: post-attention and post-FFN norms on top of the usual two
    MoeSpec moe;
    std::string source;            // where the architecture numbers come from
};

// The GPT-2/GPT-3/BERT layout: learned positions, GeLU MLP, LayerNorm, biases everywhere,
// tied embeddings, dropout 0.1 (Radford et al. 2019; Brown et al. 2020; Devlin et al. 2019).
void model_use_classic_layout(ModelSpec& m);

// trainplan's choices for a modern decoder of a given width (Llama 2 70B / Llama 3 practice):
// 8 key/value heads where the head count allows it, and a SwiGLU FFN of 8h/3 x 1.3 rounded up
// to a multiple of 1024 (Llama 3's ffn_dim_multiplier and multiple_of: 4096 -> 14336, 8192 -> 28672).
int modern_kv_heads(int heads);
int modern_swiglu_ffn(int hidden);

// Checks the fields a model needs before anything is computed; names the bad field.
// Returns an empty string when the spec is valid.
std::string model_validate(const ModelSpec& m);

// [SECTION] Parameter counts (plain parameters)
struct ParamCounts {
    double total = 0;          // every weight, embeddings included
    double active = 0;         // weights touched by one token (MoE: top_k routed + shared experts)
    double embedding = 0;      // input embedding (+ learned positions, + untied output head)
    double non_embedding = 0;  // total - embedding
};
ParamCounts model_param_counts(const ModelSpec& m);

// Parameters of one transformer layer by part (decoder stack; layer_index from 0), for the memory
// model which shards each part differently (experts over EP, the rest over TP only).
struct LayerParams {
    double attention = 0;       // Q, K, V, output projections (+ biases)
    double norms = 0;           // the layer's norms
    double dense_ffn = 0;       // dense MLP; MoE layers: shared experts + router
    double routed_expert = 0;   // one routed expert (MoE layers only)
    double routed_experts = 0;  // all routed experts of the layer
    bool moe = false;
    double total() const { return attention + norms + dense_ffn + routed_experts; }
};
LayerParams model_layer_params(const ModelSpec& m, int layer_index);

// [SECTION] FLOPs
// Training FLOPs per token (forward + backward = 3x forward), model FLOPs only (no
// recomputation). Counts every GEMM, including attention scores/values and the
// vocabulary projection, with GQA, gated MLPs and MoE top-k routing:
//   forward per layer = 2 * (active matrix parameters) + 4 * s * (heads * head_dim)   [causal mask not discounted,
//   as in Megatron's model-FLOPs convention, Narayanan et al. 2021 Sec. 5.1 and Korthikanti et al. 2022 Sec. 5]
//   logits = 2 * V * h.
// seq is the training sequence length (tokens).
double model_training_flops_per_token(const ModelSpec& m, int seq);

// Megatron / Narayanan et al. 2021 Eq. 3 (arXiv:2104.04473): FLOPs per iteration WITH full
// activation recomputation, F = 96 B s l h^2 (1 + s/(6h) + V/(16 l h)). GPT with ffn = 4h.
double megatron_flops_per_iteration_recompute(double batch, double seq, double layers, double hidden, double vocab);
// Narayanan et al. 2021 Eq. 2: P = 12 l h^2 (1 + 13/(12h) + (V + s)/(12 l h)).
double megatron_param_count(double layers, double hidden, double vocab, double seq);
// Narayanan et al. 2021 Eq. 4: end-to-end time t ~= 8 T P / (n X) in seconds
// (T tokens, P parameters, n GPUs, X achieved FLOP/s per GPU).
double megatron_training_time_s(double tokens, double params, double gpus, double flops_per_gpu);

// NVIDIA DGX Cloud benchmark READMEs (NeMo "Notes" sections; data file
// ground_truth/nvidia_dgxc_model_flops_per_sequence.csv): model FLOPs for one sequence
// (GBS = 1) as the sum of three published parts, each already multiplied by s:
struct DgxcFlops {
    double attention = 0;  // per token: GPT 24 L h^2 + 12 L h s; Llama 12 L h^2 (1 + n_kv/n_heads + s/h)
    double mlp = 0;        // per token: GPT 48 L h^2 (ffn = 4h); Llama 18 L ffn h (gated)
    double embedding = 0;  // per token: 6 V h
    double per_sequence(double seq) const { return seq * (attention + mlp + embedding); }
};
DgxcFlops dgxc_flops_per_token_parts(const ModelSpec& m, int seq);

}  // namespace tp
