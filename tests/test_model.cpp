// Parameter counts against published counts, and FLOPs against the published formulas
// (../shared/data/ground_truth/narayanan2021_formulas.csv, nvidia_dgxc_model_flops_per_sequence.csv).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "model.hpp"
#include "model_presets.hpp"
#include "nemo_heuristics.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

ModelSpec preset(const char* name) {
    Result<ModelSpec> m = model_preset_find(name);
    EXPECT_TRUE(m.ok()) << name;
    return m.value();
}

double billions(double v) { return v / 1e9; }

// Published counts are rounded: the exact count must round to the published figure at the
// published precision (Llama-3-8B "8.03B", Mixtral "46.7B total, 12.9B active", ...).
TEST(ParamCounts, RoundToPublishedFigures) {
    struct Row {
        const char* name;
        double total_b;
        int decimals;
        double active_b;  // 0 = dense
    };
    const Row rows[] = {
        {"llama3-8b", 8.03, 2, 0},       {"llama3-70b", 70.6, 1, 0},   {"llama3.1-405b", 406, 0, 0},
        {"llama2-7b", 6.74, 2, 0},       {"llama2-13b", 13.0, 1, 0},   {"llama2-70b", 69.0, 1, 0},
        {"mistral-7b", 7.24, 2, 0},      {"mixtral-8x7b", 46.7, 1, 12.9}, {"mixtral-8x22b", 141, 0, 39.0},
        {"gemma-2b", 2.51, 2, 0},        {"gemma-7b", 8.54, 2, 0},     {"gemma2-9b", 9.24, 2, 0},
        {"gemma2-27b", 27.2, 1, 0},      {"qwen2.5-7b", 7.62, 2, 0},   {"qwen2-72b", 72.7, 1, 0},
        {"nemotron4-340b", 341, 0, 0},   {"granite-3.1-8b", 8.17, 2, 0}, {"granite-3.1-2b", 2.53, 2, 0},
        {"t5-small", 0.0605, 4, 0},      {"t5-base", 0.223, 3, 0},     {"t5-3b", 2.85, 2, 0},
        {"bert-base", 0.11, 2, 0},       {"gpt3-175b", 175, 0, 0},
    };
    for (const Row& r : rows) {
        const ParamCounts c = model_param_counts(preset(r.name));
        EXPECT_DOUBLE_EQ(python_round(billions(c.total), r.decimals), r.total_b) << r.name << " total " << c.total;
        if (r.active_b > 0)
            EXPECT_DOUBLE_EQ(python_round(billions(c.active), r.decimals), r.active_b) << r.name << " active " << c.active;
        else
            EXPECT_DOUBLE_EQ(c.active, c.total) << r.name;
    }
}

// Exact counts from the released checkpoints (Hugging Face safetensors / model cards).
TEST(ParamCounts, ExactCheckpointCounts) {
    EXPECT_DOUBLE_EQ(model_param_counts(preset("llama3-8b")).total, 8030261248.0);
    EXPECT_DOUBLE_EQ(model_param_counts(preset("mixtral-8x7b")).total, 46702792704.0);
    EXPECT_DOUBLE_EQ(model_param_counts(preset("t5-small")).total, 60506624.0);
    EXPECT_DOUBLE_EQ(model_param_counts(preset("bert-base")).total, 109482240.0);
    EXPECT_DOUBLE_EQ(model_param_counts(preset("bert-large")).total, 335141888.0);
}

// Every preset's exact count is within 3% of the figure its authors publish (those figures
// are rounded labels: GPT-3 "40B" is 39.1B, mT5-large "1.2B" is 1.23B).
TEST(ParamCounts, EveryPresetNearItsPublishedCount) {
    for (const ModelPreset& p : model_presets()) {
        ASSERT_GT(p.published_params_b, 0) << p.spec.name;
        const ParamCounts c = model_param_counts(p.spec);
        EXPECT_NEAR(billions(c.total) / p.published_params_b, 1.0, 0.03) << p.spec.name << " (" << p.published_source << ")";
        if (p.published_active_params_b > 0) {
            EXPECT_NEAR(billions(c.active) / p.published_active_params_b, 1.0, 0.12) << p.spec.name << " active";
        }
        EXPECT_EQ(model_validate(p.spec), "") << p.spec.name;
    }
}

// The NeMo simplified count equals Narayanan et al. 2021 Eq. 2 and the GPT-3 preset's exact
// count minus the final LayerNorm (2h), which Eq. 2 leaves out.
TEST(ParamCounts, NemoFormulaIsNarayananEq2) {
    const ModelSpec m = preset("gpt3-126m");
    const double eq2 = megatron_param_count(m.layers, m.hidden, m.vocab, m.max_seq);
    EXPECT_DOUBLE_EQ(eq2 / 1e9, nemo_calculate_model_size_b(m.vocab, m.max_seq, m.hidden, m.layers, 4.0 * m.hidden, 0, m.heads, "gpt3"));
    EXPECT_DOUBLE_EQ(model_param_counts(m).total - 2.0 * m.hidden, eq2);
}

// narayanan2021_formulas.csv worked example: GPT-3 175B, 300B tokens, 1024 A100 at 140 TFLOP/s -> ~34 days (Eq. 4).
TEST(Flops, NarayananWorkedExamples) {
    const double days_175b = megatron_training_time_s(300e9, 175e9, 1024, 140e12) / 86400;
    EXPECT_NEAR(days_175b, 34, 0.5);
    const double days_1t = megatron_training_time_s(450e9, 1e12, 3072, 163e12) / 86400;
    EXPECT_NEAR(days_1t, 84, 1.0);  // the paper rounds 83.2 up to "~84"
}

// Eq. 3 (with recomputation: 4 passes) is 4/3 of the model FLOPs of the GEMMs without
// recomputation; our per-token count for GPT-3 175B, summed over a batch, must match that
// up to the bias/norm terms Eq. 3 drops (< 0.1%).
TEST(Flops, ModelFlopsMatchMegatronEq3) {
    const ModelSpec m = preset("gpt3-175b");
    const double eq3 = megatron_flops_per_iteration_recompute(1536, 2048, m.layers, m.hidden, m.vocab);
    const double ours = model_training_flops_per_token(m, 2048) * 1536 * 2048;
    EXPECT_NEAR(ours / (eq3 * 3.0 / 4.0), 1.0, 1e-3);
}

// nvidia_dgxc_model_flops_per_sequence.csv: the three published parts, exactly, and their sum.
TEST(Flops, DgxcPublishedParts) {
    struct Row {
        const char* preset;
        int seq;
        double attention, mlp, embedding;  // per token, as printed in the READMEs
    };
    const Row rows[] = {
        {"gpt3-175b", 2048, 376883380224.0, 695784701952.0, 3774873600.0},
        {"gpt3-5b", 2048, 12079595520.0, 19327352832.0, 1258291200.0},
        {"llama3.1-8b", 8192, 20937965568.0, 33822867456.0, 3152019456.0},
        {"llama3.1-70b", 8192, 136902082560.0, 338228674560.0, 6304038912.0},
        {"nemotron4-340b", 4096, 869730877440.0, 1565515579392.0, 28311552000.0},
    };
    for (const Row& r : rows) {
        const DgxcFlops f = dgxc_flops_per_token_parts(preset(r.preset), r.seq);
        EXPECT_DOUBLE_EQ(f.attention, r.attention) << r.preset;
        EXPECT_DOUBLE_EQ(f.mlp, r.mlp) << r.preset;
        EXPECT_DOUBLE_EQ(f.embedding, r.embedding) << r.preset;
    }
    // Llama 3.1 405B: the README's attention part (659,545,915,392) uses the 70B model's
    // n_kv/n_heads = 8/64 instead of 405B's 8/128; the MLP and embedding parts are exact.
    const DgxcFlops f405 = dgxc_flops_per_token_parts(preset("llama3.1-405b"), 8192);
    EXPECT_DOUBLE_EQ(f405.attention * (1.0 + 8.0 / 64 + 0.5) / (1.0 + 8.0 / 128 + 0.5), 659545915392.0);
    EXPECT_DOUBLE_EQ(f405.mlp, 1978637746176.0);
    EXPECT_DOUBLE_EQ(f405.embedding, 12608077824.0);
    // Totals per sequence as published (3 significant digits).
    EXPECT_NEAR(dgxc_flops_per_token_parts(preset("gpt3-175b"), 2048).per_sequence(2048), 2.20e15, 0.005e15);
    EXPECT_NEAR(dgxc_flops_per_token_parts(preset("llama2-70b"), 4096).per_sequence(4096), 1.82e15, 0.005e15);
    EXPECT_NEAR(dgxc_flops_per_token_parts(preset("llama3.1-8b"), 8192).per_sequence(8192), 4.74e14, 0.005e14);
    // Nemotron-4 15B's published attention part (38,666,279,738) is 0.03% off its own formula:
    // the README's arithmetic, kept as a documented deviation.
    EXPECT_NEAR(dgxc_flops_per_token_parts(preset("nemotron4-15b"), 4096).attention / 38666279738.0, 1.0, 5e-4);
}

// The DGXC Llama formula counts the same GEMMs as trainplan's per-token FLOPs (which also
// keeps attention scores for GQA at full query width): equal for Llama 3.1 8B.
TEST(Flops, TrainplanFlopsAgreeWithDgxcForLlama) {
    const ModelSpec m = preset("llama3.1-8b");
    const double dgxc = dgxc_flops_per_token_parts(m, 8192).per_sequence(8192) / 8192;
    EXPECT_NEAR(model_training_flops_per_token(m, 8192) / dgxc, 1.0, 1e-9);
}

TEST(Flops, MoeCountsOnlyActiveExperts) {
    const ModelSpec m = preset("mixtral-8x7b");
    const ParamCounts c = model_param_counts(m);
    const double f = model_training_flops_per_token(m, 4096);
    // 6 x active matrix parameters plus the attention-score term; far below 6 x total.
    EXPECT_LT(f, 6.0 * c.total * 0.35);
    EXPECT_GT(f, 6.0 * (c.active - 2.0 * m.vocab * m.hidden));
}

TEST(ModelValidate, NamesTheBadField) {
    ModelSpec m = preset("llama3-8b");
    m.kv_heads = 5;
    EXPECT_NE(model_validate(m).find("kv_heads (5) must divide heads (32)"), std::string::npos);
    m = preset("mixtral-8x7b");
    m.moe.top_k = 9;
    EXPECT_NE(model_validate(m).find("topk must be between 1 and experts (8)"), std::string::npos);
    m = preset("llama3-8b");
    m.layers = 0;
    EXPECT_NE(model_validate(m).find("layers must be a positive integer"), std::string::npos);
}

TEST(Presets, UnknownNameListsKnownOnes) {
    Result<ModelSpec> m = model_preset_find("llama9-1t");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().kind, ErrorKind::unknown_name);
    EXPECT_NE(m.error().message.find("unknown preset 'llama9-1t'"), std::string::npos);
    EXPECT_NE(m.error().message.find("llama3-70b"), std::string::npos);
}

TEST(Presets, FinetuneBenchmarkNamesResolve) {
    // Every model named in ../shared/data/finetune resolves to a preset.
    std::istringstream csv(test::read_shared("finetune/llmfinetuningbench_valid_runs_dev.csv"));
    std::string line;
    std::getline(csv, line);  // header
    int rows = 0;
    while (std::getline(csv, line)) {
        const std::string model = line.substr(0, line.find(','));
        EXPECT_TRUE(model_preset_find(model).ok()) << model;
        ++rows;
    }
    EXPECT_GT(rows, 100);
}

}  // namespace
}  // namespace tp
