// nemo_heuristics.hpp — NVIDIA Auto Configurator's size, time and base-config rules, exactly.
//
// Re-implemented from the behaviour of NeMo 2.0 (nemo/collections/llm/tools/auto_configurator,
// NVIDIA/NeMo@8cfedd72) and the NeMo launcher (auto_configurator/autoconfig, NVIDIA/NeMo-Framework-
// Launcher@26e42fa9), and checked case by case against their unit tests
// (../shared/data/nemo/*_unit_test_cases.json). These are `--heuristics nemo`: where NeMo is
// crude (8·N·D with no attention term, a fixed 140 TFLOP/s) trainplan's own figures live in
// recommend.hpp and are shown beside these, never instead of them.
//
// Units: model sizes in billions of parameters, tokens in billions, TFLOP/s per GPU, days.
#pragma once

#include <optional>
#include <string>

#include "result.hpp"

namespace tp {

// Which upstream implementation to follow where the two differ.
enum class NemoFlavor { nemo2, launcher };

// Families NeMo knows. gpt-based = gpt3, llama, mixtral, mistral, gemma, nemotron, qwen (qwen2),
// starcoder, baichuan2, chatglm.
bool nemo_family_known(const std::string& family);
bool nemo_family_gpt_based(const std::string& family);

// _estimate_model_size: N = penalty · days·86400·gpus·TFLOPs·1e12 / (8·tokens·1e9) / 1e9, rounded
// to 2 decimals (penalty 0.87 for mT5). The factor 8 is Narayanan et al. 2021 Eq. 4 (6·N·D plus a
// full recomputation forward pass).
Result<double> nemo_estimate_model_size_b(double days, double gpus, double tflops_per_gpu, double tokens_b,
                                          const std::string& family);
// _estimate_training_time: days = penalty · N·1e9 · 8 · tokens·1e9 / (86400·gpus·TFLOPs·1e12),
// rounded to 2 decimals (penalty 1.15 for mT5).
Result<double> nemo_estimate_training_days(double model_size_b, double gpus, double tflops_per_gpu, double tokens_b,
                                           const std::string& family);

// _calculate_model_size (billions, unrounded): NeMo's simplified parameter count per family.
//   gpt-based: 12 L h^2 (1 + 13/(12h) + (V + s)/(12 L h))          (Narayanan et al. 2021 Eq. 2)
//   t5/mt5:    2·L·1.5·F + 3·L·P + h (2 + 4·L·1.5·F + L(21 + 12P) + s + V), P = heads·kv_channels
//   bert:      L (F + h (4h + 3·heads + 2F + 6)) + h (V + s + h + 5)
double nemo_calculate_model_size_b(double vocab, double seq, double hidden, double layers, double ffn,
                                   double kv_channels, double heads, const std::string& family);

// ModelSizeParams.init_params / calculate_model_size_params: the architecture NeMo picks for a size.
struct NemoArchitecture {
    int layers = 0;
    int hidden = 0;
    int heads = 0;
    std::optional<int> ffn;          // None for gpt-based and BERT in the table (then 4·h is used)
    std::optional<int> kv_channels;  // T5/mT5 only
    double lr = 0;
};
// The size-table row alone (hidden, heads, ffn, kv_channels, lr), without the layer search.
Result<NemoArchitecture> nemo_architecture_row(double model_size_b, const std::string& family,
                                               NemoFlavor flavor = NemoFlavor::nemo2);
Result<NemoArchitecture> nemo_model_size_params(double model_size_b, int vocab, int seq, const std::string& family,
                                                NemoFlavor flavor = NemoFlavor::nemo2);

// Launcher base_config.calculate_gbs_tp_pp: the GBS/TP/PP seed of the base config. cp/ep are
// 1 for GPT-like models and absent (None) for T5/mT5/BERT.
struct NemoGbsTpPp {
    int gbs = 0;
    int tp = 1;
    int pp = 1;
    std::optional<int> cp;
    std::optional<int> ep;
};
Result<NemoGbsTpPp> nemo_gbs_tp_pp(double model_size_b, int gpu_memory_gb, const std::string& family, int seq);

// Launcher calculate_tflops / NeMo calculate_performance: model TFLOP/s from a measured step
// time. gpt-based and BERT: 72·B·L·s·h^2 (1 + s/(6h) + V/(12 h L)); T5/mT5 count encoder and
// decoder layers (layers = encoder + decoder) with cross-attention and the logit layer.
struct NemoTflops {
    double aggregate = 0;  // rounded to 2 decimals, as NeMo prints it
    double per_gpu = 0;    // rounded to 2 decimals
};
NemoTflops nemo_calculate_tflops(const std::string& family, double gbs, double enc_seq, double dec_seq, double hidden,
                                 double ffn, double layers, double vocab, double nodes, double gpus_per_node,
                                 double step_time_s);

// Python's round(x, 2) semantics on a double (round-half-even on the decimal representation is
// not what Python does either: it rounds the exact binary value; this matches it).
double python_round(double x, int digits);

}  // namespace tp
