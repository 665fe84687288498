// recommend.hpp — how big a model fits a compute budget, or how many days a size takes.
//
// Two figures side by side:
// - nemo: NVIDIA Auto Configurator's 8·N·D rule at a fixed achieved TFLOP/s per GPU
//   (nemo_heuristics.hpp), reproduced exactly, with its printed sentence;
// - trainplan: the model's own training FLOPs per token (attention and vocabulary terms,
//   GQA/SwiGLU/MoE aware; model.hpp) at the GPU's dense peak times an MFU. The MFU default is
//   stated in the result and can be set by the user.
#pragma once

#include <optional>
#include <string>

#include "hardware.hpp"
#include "model.hpp"
#include "result.hpp"

namespace tp {

// Default model-FLOPs utilisation (fraction of dense peak) when the user gives none.
// BF16 0.40: Megatron-LM README H100 weak-scaling table (2024) reports 41-48% MFU and
// Narayanan et al. 2021 Table 1 reports 44-52% of A100 peak; 0.40 is the conservative end for
// a run that is not hand-tuned. FP8 0.30 of the FP8 peak: NeMo 24.07 H100 FP8 performance
// summary (GPT3/Llama pretraining, 0.27-0.39 of 1979 TFLOP/s).
double default_mfu(Precision p);

struct RecommendInputs {
    double gpus = 0;                       // total GPUs
    std::optional<double> days;            // budget in days -> recommend a size
    std::optional<double> model_size_b;    // size in billions -> recommend days
    double tokens_b = 300;                 // training tokens (billions)
    double nemo_tflops_per_gpu = 140;      // NeMo's assumed achieved TFLOP/s per GPU
    std::string family = "gpt3";           // NeMo family name (gpt3, llama, t5, mt5, bert, ...)
    std::optional<ModelSpec> model;        // an exact model (preset or config.json): used instead of a size
    GpuSpec gpu;                           // for trainplan's figure
    Precision precision = Precision::bf16;
    std::optional<double> mfu;             // trainplan: fraction of dense peak; default_mfu() when unset
    int seq = 2048;                        // sequence length for the attention FLOPs
    int vocab = 0;                         // 0 = the family's usual vocabulary
};

struct RecommendFigure {
    double model_size_b = 0;
    double days = 0;
    double tflops_per_gpu = 0;  // achieved model TFLOP/s per GPU assumed
};

struct RecommendResult {
    bool size_for_budget = true;  // true: size was recommended for days; false: days for a size
    double gpus = 0, tokens_b = 0;
    RecommendFigure nemo;
    std::string nemo_line;        // NeMo's printed sentence, byte for byte
    RecommendFigure trainplan;
    double trainplan_mfu = 0;
    double trainplan_peak_tflops = 0;
    double trainplan_flops_per_token = 0;  // training FLOPs per token of the recommended/given model
    std::string trainplan_note;            // how the trainplan figure was obtained
};

Result<RecommendResult> recommend(const RecommendInputs& in);

// A representative architecture of `family` at about `size_b` billion parameters with a
// fractional layer count folded into per-layer slopes: returns the training FLOPs per token and
// the exact parameter count for that size. Used to invert budget -> size smoothly.
double family_flops_per_token_at_size(const std::string& family, double size_b, int seq, int vocab);

}  // namespace tp
