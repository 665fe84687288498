// Memory and step-time estimators: Korthikanti's formulas exactly, the optimizer-state accounting of
// Megatron / ZeRO / FSDP, the pipeline terms, the configuration rules, and the CSV reader.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "csv.hpp"
#include "estimate.hpp"
#include "model_presets.hpp"
#include "session.hpp"

namespace tp {
namespace {

ModelSpec gpt(int layers, int hidden, int heads) {
    ModelSpec m;
    m.name = "gpt";
    m.layers = layers, m.hidden = hidden, m.ffn = 4 * hidden, m.heads = heads, m.kv_heads = heads;
    m.head_dim = hidden / heads, m.vocab = 51200, m.max_seq = 2048;
    model_use_classic_layout(m);
    return m;
}

struct Table2Case {
    KorthikantiRow row;
    int t;
    bool sp;
    Recompute recompute;
};

// Every Table 2 row, over several shapes, equals trainplan's general per-layer model for a GPT layer.
TEST(Korthikanti, Table2RowsMatchExactlyForEveryShape) {
    const Table2Case cases[] = {
        {KorthikantiRow::no_parallelism, 1, false, Recompute::none},
        {KorthikantiRow::tensor_parallel, 8, false, Recompute::none},
        {KorthikantiRow::tensor_parallel, 4, false, Recompute::none},
        {KorthikantiRow::tensor_sequence_parallel, 8, true, Recompute::none},
        {KorthikantiRow::tensor_sequence_parallel, 2, true, Recompute::none},
        {KorthikantiRow::tensor_parallel_selective, 8, false, Recompute::selective},
        {KorthikantiRow::tensor_sequence_parallel_selective, 8, true, Recompute::selective},
        {KorthikantiRow::full_recompute, 1, false, Recompute::full},
    };
    struct Shape { int hidden, heads, seq, mbs; };
    for (const Shape& s : {Shape{6144, 64, 2048, 1}, Shape{12288, 96, 2048, 1}, Shape{20480, 128, 2048, 4}, Shape{4096, 32, 4096, 2}}) {
        const ModelSpec m = gpt(8, s.hidden, s.heads);
        for (const Table2Case& k : cases) {
            TrainConfig c;
            c.tp = k.t, c.seq = s.seq, c.mbs = s.mbs, c.sequence_parallel = k.sp, c.flash_attention = false, c.recompute = k.recompute;
            const double expected = korthikanti_table2_bytes(k.row, s.seq, s.mbs, s.hidden, s.heads, k.t);
            EXPECT_DOUBLE_EQ(activation_bytes_per_layer(m, c, false, k.recompute == Recompute::full), expected)
                << "row " << int(k.row) << " h=" << s.hidden << " t=" << k.t;
        }
    }
}

TEST(Korthikanti, Table2AsPublishedFor22B) {
    // sbh(34/t + 5as/(ht)) for 22B (s 2048, b 1, h 6144, a 64, t 8): 2048*6144*(4.25 + 5*64*2048/(6144*8)).
    EXPECT_DOUBLE_EQ(korthikanti_table2_bytes(KorthikantiRow::tensor_sequence_parallel, 2048, 1, 6144, 64, 8),
                     2048.0 * 6144 * (34.0 / 8 + 5.0 * 64 * 2048 / (6144.0 * 8)));
}

TEST(Korthikanti, FirstStageHoldsLLayersAndInterleavingAddsItsFactor) {
    const ModelSpec m = gpt(48, 6144, 64);
    TrainConfig c;
    c.tp = 8, c.pp = 4, c.nodes = 4, c.seq = 2048, c.mbs = 1, c.gbs = 16, c.flash_attention = false;
    Result<ParallelLayout> layout = train_config_check(m, c);
    ASSERT_TRUE(layout.ok()) << layout.error().message;
    const MemoryBreakdown plain = memory_estimate(m, c, *layout);
    // Eq. 5: p micro-batches x L/p layers = L layers' worth of per-layer activations (+ embedding dropout sbh p / t).
    const double per_layer = activation_bytes_per_layer(m, c, false, false);
    const double embedding = 2048.0 * 6144 * 4 / 8;
    EXPECT_DOUBLE_EQ(plain.inflight_microbatches, 4);
    EXPECT_NEAR(plain.activations, 48 * per_layer + embedding, 1.0);
    c.vp = 3;
    const MemoryBreakdown interleaved = memory_estimate(m, c, *train_config_check(m, c));
    const double factor = 1 + 3.0 / (4 * 3);  // 1 + (p-1)/(p m), Sec. 4.2.3
    EXPECT_DOUBLE_EQ(interleaved.inflight_microbatches, 4 * factor);
}

double state_bytes_per_param(OptimizerSharding s, int nodes, bool grad_reduce_in_fp32 = true) {
    const ModelSpec m = *model_preset_find("llama2-7b");
    TrainConfig c;
    c.nodes = nodes, c.gbs = 8 * nodes, c.sharding = s, c.grad_reduce_in_fp32 = grad_reduce_in_fp32;
    const Estimate e = *estimate(m, *gpu_find("a100-80gb"), c);
    return (e.memory.weights + e.memory.gradients + e.memory.optimizer) / e.memory.params_per_gpu;
}

TEST(OptimizerStates, MegatronZeroAndFsdpAccounting) {
    // Megatron: 2 + 4 + 12 = 18 bytes; distributed optimizer 6 + 12/DP (mem17: 7.5 at DP 8).
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::none, 1), 18.0);
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::distributed, 1), 7.5);
    // Gradients reduced in bf16 (NeMo's performance recipes: grad_sync_dtype bf16): a 2-byte gradient buffer.
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::none, 1, false), 16.0);
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::distributed, 1, false), 5.5);
    // The knob is Megatron's gradient buffer: ZeRO and FSDP keep their own gradient dtypes.
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::zero2, 8, false), state_bytes_per_param(OptimizerSharding::zero2, 8));
    // ZeRO (Rajbhandari et al. 2020, Fig. 1 with K = 12, N_d = 64).
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::zero1, 8), 4 + 12.0 / 64);
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::zero2, 8), 2 + 14.0 / 64);
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::zero3, 8), 16.0 / 64);
    // FSDP: 16 bytes sharded, plus bf16 unsharded parameters of two layers (2 x 2 bytes) and one layer's
    // unsharded gradients in bf16 and fp32 (2 + 4 bytes): 10 bytes per parameter of one layer.
    const ModelSpec m = *model_preset_find("llama2-7b");
    const double layer_share = model_layer_params(m, 0).total() / model_param_counts(m).total;
    EXPECT_DOUBLE_EQ(state_bytes_per_param(OptimizerSharding::fsdp, 8), 16.0 / 64 + 10.0 * layer_share);
}

TEST(Framework, TorchtitanPerOpSacSavesEveryOtherMatmul) {
    // Llama 3 8B, one sequence of 8192: block input, Q, V, FC1, FC2 outputs and the SDPA output (bf16),
    // plus the fp32 log-sum-exp of 32 heads, per token: 2 (4096 + 4096 + 1024 + 14336 + 4096 + 4096) + 4 x 32.
    const ModelSpec m = *model_preset_find("llama3-8b");
    TrainConfig c;
    c.seq = 8192, c.framework = Framework::torchtitan;
    EXPECT_DOUBLE_EQ(activation_bytes_per_layer(m, c, false, false), 8192.0 * (2 * (4096 + 4096 + 1024 + 14336 + 4096 + 4096) + 128));
    // Megatron's selective recomputation (attention core only) keeps every other tensor: far more.
    c.framework = Framework::megatron;
    EXPECT_GT(activation_bytes_per_layer(m, c, false, false), 2.0 * 8192.0 * 63616);
}

TEST(Framework, LossBuffersAndRecomputeTransient) {
    const ModelSpec m = *model_preset_find("llama3-8b");
    const GpuSpec gpu = *gpu_find("h100-sxm");
    TrainConfig c;
    c.seq = 4096, c.gbs = 8, c.sharding = OptimizerSharding::fsdp;
    const double logits = 4096.0 * m.vocab;
    const Estimate megatron = *estimate(m, gpu, c);
    c.framework = Framework::torchtitan;
    const Estimate eager = *estimate(m, gpu, c);
    c.compiled_loss = true;
    const Estimate compiled = *estimate(m, gpu, c);
    // Megatron's fused loss: fp32 logits (4 B); torchtitan eager: 12 B; compiled: 4 B.
    EXPECT_DOUBLE_EQ(eager.memory.logits - megatron.memory.logits, 8.0 * logits);
    EXPECT_DOUBLE_EQ(compiled.memory.logits, megatron.memory.logits);
    // Megatron selective recomputes nothing that needs a transient; SAC and full recomputation do.
    EXPECT_EQ(megatron.memory.recompute_transient, 0.0);
    EXPECT_GT(eager.memory.recompute_transient, 0.0);
    EXPECT_FALSE(framework_parse("deepspeed"));
    EXPECT_EQ(framework_parse("deepspeed").error().message, "--framework: 'deepspeed' is not one of megatron, torchtitan");
}

TEST(Framework, TorchtitanTensorParallelIsExposedUnlessAsync) {
    const ModelSpec m = *model_preset_find("llama3-70b");
    const GpuSpec gpu = *gpu_find("h100-sxm");
    TrainConfig c;
    c.tp = 8, c.nodes = 2, c.gbs = 16, c.seq = 8192, c.recompute = Recompute::full, c.sharding = OptimizerSharding::fsdp;
    const double megatron = estimate(m, gpu, c)->time.tp_comm;
    c.framework = Framework::torchtitan;
    const double vanilla = estimate(m, gpu, c)->time.tp_comm;
    c.async_tp = true;
    EXPECT_GT(vanilla, 5 * megatron);
    EXPECT_DOUBLE_EQ(estimate(m, gpu, c)->time.tp_comm, megatron);
}

TEST(Estimate, RulesNameWhatFailed) {
    const ModelSpec llama = *model_preset_find("llama3-8b");
    const GpuSpec h100 = *gpu_find("h100-sxm");
    TrainConfig c;
    c.gbs = 8;
    c.tp = 3, c.gpus_per_node = 6;
    EXPECT_NE(estimate(llama, h100, c).error().message.find("attention heads 32 are not divisible by TP"), std::string::npos);
    c = TrainConfig{};
    c.gbs = 12;
    EXPECT_NE(estimate(llama, h100, c).error().message.find("not divisible by MBS x DP = 1 x 8"), std::string::npos);
    c = TrainConfig{};
    c.gbs = 8, c.cp = 2, c.seq = 4098;
    EXPECT_NE(estimate(llama, h100, c).error().message.find("not divisible by 2 x CP"), std::string::npos);
    const ModelSpec mixtral = *model_preset_find("mixtral-8x7b");
    c = TrainConfig{};
    c.gbs = 16, c.nodes = 2, c.ep = 16;
    EXPECT_NE(estimate(mixtral, h100, c).error().message.find("EP is larger than the 8 experts"), std::string::npos);
    c.ep = 4;
    EXPECT_TRUE(estimate(mixtral, h100, c).ok());
    c = TrainConfig{};
    c.gbs = 8, c.ep = 2;
    EXPECT_NE(estimate(llama, h100, c).error().message.find("needs a mixture-of-experts model"), std::string::npos);
    c = TrainConfig{};
    c.gbs = 8, c.precision = Precision::fp8;
    EXPECT_NE(estimate(llama, *gpu_find("a100-80gb"), c).error().message.find("no FP8 tensor cores"), std::string::npos);
}

TEST(Estimate, ExpertParallelismShardsExpertsNotTheRest) {
    const ModelSpec m = *model_preset_find("mixtral-8x7b");
    TrainConfig c;
    c.gbs = 16, c.nodes = 2;
    const Estimate one = *estimate(m, *gpu_find("h100-sxm"), c);
    c.ep = 8;
    const Estimate eight = *estimate(m, *gpu_find("h100-sxm"), c);
    EXPECT_LT(eight.memory.params_per_gpu, one.memory.params_per_gpu / 4);
    EXPECT_GT(eight.time.ep_comm, 0);
    EXPECT_EQ(one.time.ep_comm, 0);
}

TEST(Estimate, FitsUsesTheReportedCapacityAndMargin) {
    const ModelSpec m = *model_preset_find("llama3-8b");
    TrainConfig c;
    c.gbs = 8, c.seq = 8192;
    const GpuSpec h100 = *gpu_find("h100-sxm");
    const Estimate e = *estimate(m, h100, c);
    EXPECT_DOUBLE_EQ(e.capacity_bytes, 81559.0 * 1024 * 1024);  // gpu_reported_capacity.csv: 81559 MiB
    EXPECT_DOUBLE_EQ(e.usable_bytes, e.capacity_bytes * 0.95);
    EXPECT_EQ(e.fits, e.memory.total <= e.usable_bytes);
    // A 70B model without model parallelism cannot fit one GPU; with TP8 PP4 and full recompute it does.
    const ModelSpec big = *model_preset_find("llama3-70b");
    c = TrainConfig{};
    c.gbs = 8;
    EXPECT_FALSE(estimate(big, h100, c)->fits);
    c.tp = 8, c.pp = 4, c.nodes = 4, c.gbs = 32, c.recompute = Recompute::full;
    EXPECT_TRUE(estimate(big, h100, c)->fits);
}

TEST(StepTime, BubbleIsPMinusOneOverMvOfThePipelinedWork) {
    const ModelSpec m = gpt(48, 6144, 64);
    TrainConfig c;
    c.tp = 8, c.pp = 4, c.nodes = 4, c.seq = 2048, c.mbs = 1, c.gbs = 32;
    const GpuSpec a100 = *gpu_find("a100-80gb");
    const Estimate e = *estimate(m, a100, c);
    const double per_mb = (e.time.compute + e.time.tp_comm) / e.layout.microbatches;
    EXPECT_NEAR(e.time.pp_bubble, 3.0 * (per_mb + e.time.pp_p2p / e.layout.microbatches), 1e-12);
    c.vp = 2;
    const Estimate v = *estimate(m, a100, c);
    EXPECT_LT(v.time.pp_bubble, e.time.pp_bubble * 0.6);
    // Outputs agree with each other.
    EXPECT_NEAR(e.tokens_per_s_per_gpu, 32.0 * 2048 / e.time.total / 32, 1e-9);
    EXPECT_NEAR(e.mfu, e.model_tflops_per_gpu / 312.0, 1e-12);
}

TEST(StepTime, GradientsAreReducedOverDpTimesCpRanksTpApart) {
    // Llama 3 70B, TP 4, CP 2 on two DGX H100 nodes: DP 2, so the gradient group is DP x CP = 4 ranks, 4 apart
    // (Megatron-Core rank order tp-cp-ep-dp-pp), two of them on each node. A short sequence and one micro-batch
    // leave the reduce-scatter and the all-gather mostly exposed.
    const ModelSpec m = *model_preset_find("llama3-70b");
    const GpuSpec h100 = *gpu_find("h100-sxm");
    TrainConfig c;
    c.tp = 4, c.cp = 2, c.nodes = 2, c.seq = 512, c.mbs = 1, c.gbs = 2;
    auto expected_dp = [&](const Estimate& e, double grad_bytes) {
        const double per_mb = (e.time.compute + e.time.tp_comm + e.time.cp_comm + e.time.ep_comm) / e.layout.microbatches;
        // NCCL ring across nodes: each node's two members share two NICs' worth of the node's network.
        const double bw = 2 * h100.node_network_gbps * 1e9 / h100.gpus_per_node * default_calibration().collective_efficiency;
        const double ring = 3.0 / 4, params = e.memory.params_per_gpu;
        return std::max(0.0, ring * params * grad_bytes / bw - per_mb * 2 / 3) + std::max(0.0, ring * params * 2 / bw - per_mb / 3);
    };
    const Estimate fp32 = *estimate(m, h100, c);
    EXPECT_GT(fp32.time.dp_comm, 0.0);
    EXPECT_NEAR(fp32.time.dp_comm, expected_dp(fp32, 4.0), 1e-9);
    // Reduced in bf16: half the reduce-scatter bytes and half the gradient buffer.
    c.grad_reduce_in_fp32 = false;
    const Estimate bf16 = *estimate(m, h100, c);
    EXPECT_NEAR(bf16.time.dp_comm, expected_dp(bf16, 2.0), 1e-9);
    EXPECT_LT(bf16.time.dp_comm, fp32.time.dp_comm);
    EXPECT_DOUBLE_EQ(bf16.memory.gradients * 2, fp32.memory.gradients);
}

TEST(OptimizerStates, GradientDtypeTravelsInTheSessionFile) {
    // inputs.training.grad_reduce_in_fp32: written always, read back, absent = Megatron-LM's fp32.
    Session s;
    s.inputs.model = *model_preset_find("llama3-8b");
    s.inputs.model_preset = "llama3-8b";
    s.inputs.training.grad_reduce_in_fp32 = false;
    Result<Session> back = session_parse(session_to_json(s), "plan.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_FALSE(back->inputs.training.grad_reduce_in_fp32);
    Result<Session> plain = session_parse(R"({"format": "trainplan-session", "schema_version": 1,
        "inputs": {"model": {"preset": "llama3-8b"}}})", "short.json");
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_TRUE(plain->inputs.training.grad_reduce_in_fp32);
    Result<Session> bad = session_parse(R"({"format": "trainplan-session", "schema_version": 1,
        "inputs": {"model": {"preset": "llama3-8b"}, "training": {"grad_reduce_in_fp32": "bf16"}}})", "bad.json");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("inputs.training.grad_reduce_in_fp32"), std::string::npos) << bad.error().message;
}

TEST(StepTime, Fp8IsFasterThanBf16OnHopperAndRecomputeCostsTime) {
    const ModelSpec m = *model_preset_find("llama3-8b");
    TrainConfig c;
    c.gbs = 64;
    const GpuSpec h100 = *gpu_find("h100-sxm");
    const double bf16 = estimate(m, h100, c)->time.total;
    c.precision = Precision::fp8;
    EXPECT_LT(estimate(m, h100, c)->time.total, bf16);
    c.precision = Precision::bf16, c.recompute = Recompute::full;
    EXPECT_GT(estimate(m, h100, c)->time.total, bf16 * 1.2);
}

TEST(GpuCatalog, NamesAliasesAndFigures) {
    for (const char* name : {"a100-40gb", "a100-80gb", "a100-80gb-pcie", "h100-sxm", "h100-pcie", "h100-nvl", "h200", "b200",
                             "gb200", "b300", "gb300", "l40s", "mi300x"}) {
        Result<GpuSpec> g = gpu_find(name);
        ASSERT_TRUE(g.ok()) << name;
        EXPECT_GT(g->memory_gib, 0) << name;
        EXPECT_GT(g->peak_tflops_bf16, 0) << name;
        EXPECT_GT(g->hbm_gbps, 0) << name;
        EXPECT_GT(g->link_gbps, 0) << name;
        EXPECT_GT(g->node_network_gbps, 0) << name;
    }
    // ../shared/data/finetune vendor strings.
    EXPECT_EQ(gpu_find("NVIDIA-A100-80GB-PCIe")->name, "a100-80gb-pcie");
    EXPECT_EQ(gpu_find("NVIDIA-A100-SXM4-80GB")->name, "a100-80gb");
    EXPECT_EQ(gpu_find("L40S")->name, "l40s");
    EXPECT_EQ(gpu_find("NVIDIA-H100-PCIe")->name, "h100-pcie");
    EXPECT_DOUBLE_EQ(gpu_find("h100-sxm")->memory_gib * 1024, 81559.0);  // gpu_reported_capacity.csv
    EXPECT_EQ(gpu_find("a100-80gb")->peak_tflops_fp8, 0);
}

TEST(Csv, QuotesLinesAndErrors) {
    Result<CsvTable> t = csv_parse("a,b,c\n1,\"x, \"\"y\"\"\",3\r\n\n4,5,6\n", "t.csv");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t->rows.size(), 2u);
    EXPECT_EQ(t->field(0, "b"), "x, \"y\"");
    EXPECT_EQ(t->lines[1], 4);
    Result<CsvTable> bad = csv_parse("a,b\n1,2\n3\n", "bad.csv");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "bad.csv:3: 1 fields, header has 2");
    EXPECT_FALSE(csv_parse("a\n\"open", "q.csv").ok());
    EXPECT_FALSE(csv_parse("", "e.csv").ok());
}

}  // namespace
}  // namespace tp
