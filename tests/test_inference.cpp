// Inference grid (issue 8): memory and latency against FasterTransformer's published GPT tables, the NeMo
// launcher's filter, node counts and final_output.csv, the session section and the command templates.
#include <cmath>

#include <gtest/gtest.h>

#include "estimate.hpp"
#include "inference.hpp"
#include "inference_accuracy.hpp"
#include "inference_template.hpp"
#include "model_presets.hpp"
#include "session.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

const std::string& ft_table() {
    static const std::string text = test::read_fixture("ground_truth/fastertransformer_gpt_latency.csv");
    return text;
}

InferenceRequest request(const char* model, const char* gpu) {
    InferenceRequest r;
    r.model = *model_preset_find(model);
    r.gpu = *gpu_find(gpu);
    return r;
}

// [SECTION] Accuracy against the published tables (docs/accuracy.md, "Inference")
TEST(InferenceAccuracy, LatencyWithinBoundsOnCalibrationAndHeldOutTables) {
    Result<InferenceAccuracyReport> report = inference_accuracy_run(ft_table(), "fastertransformer_gpt_latency.csv");
    ASSERT_TRUE(report) << report.error().message;
    ASSERT_EQ(report->rows.size(), 329u);
    const InferenceAccuracyGroup* cal = report->group("calibration");
    const InferenceAccuracyGroup* held = report->group("held-out");
    ASSERT_TRUE(cal && held);
    EXPECT_EQ(cal->rows, 174);  // GPT-20B's measured cells (6 of its 180 are OOM)
    EXPECT_EQ(held->rows, 146);
    // Measured at the last fit: calibration 5.3% median, held-out 12.6% median and 28.6% p90.
    EXPECT_LT(cal->median_error, 0.07);
    EXPECT_LT(held->median_error, 0.16);
    EXPECT_LT(held->p90_error, 0.40);
    for (const char* model : {"megatron-530b", "gpt-175b", "gpt-89b", "gpt-6.7b", "gpt-1.3b", "gpt-350m"}) {
        const InferenceAccuracyGroup* g = report->group(model);
        ASSERT_TRUE(g) << model;
        EXPECT_LT(g->median_error, 0.30) << model;
    }
}

TEST(InferenceAccuracy, OutOfMemoryPointsAgreeWithTheTables) {
    Result<InferenceAccuracyReport> report = inference_accuracy_run(ft_table(), "ft.csv");
    ASSERT_TRUE(report);
    EXPECT_EQ(report->oom_rows, 9);
    EXPECT_EQ(report->oom_predicted, 9);  // every OOM cell predicted not to fit
    EXPECT_EQ(report->measured_rows, 320);
    EXPECT_EQ(report->measured_fit, 320);  // every cell that ran (Megatron-530B TP8 PP3 batch 256 needs the micro-batch rule)
}

TEST(InferenceAccuracy, DefaultConstantsAreTheFittedOptimum) {
    const InferenceCalibration fitted = inference_fit(ft_table());
    const double default_loss = inference_fit_loss(ft_table(), default_inference_calibration());
    const double fitted_loss = inference_fit_loss(ft_table(), fitted);
    EXPECT_LE(fitted_loss, default_loss * 1.0001);
    EXPECT_GE(fitted_loss, default_loss * 0.99) << "refit improves the loss by more than 1%: update core/inference.hpp";
    EXPECT_NEAR(fitted.hbm_efficiency, default_inference_calibration().hbm_efficiency, 0.02);
}

TEST(InferenceAccuracy, BadTableNamesFileLineAndField) {
    std::string text = ft_table();
    const size_t at = text.find(",OOM,");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 5, ",fast,");
    Result<InferenceAccuracyReport> r = inference_accuracy_run(text, "ft.csv");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("ft.csv:"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("latency_ms"), std::string::npos) << r.error().message;
    EXPECT_FALSE(inference_accuracy_run("model,tp\nx,1\n", "short.csv"));
}

// [SECTION] Memory
TEST(InferenceMemory, KvCacheIsGqaAwareAndReplicatedBeyondTheKvHeads) {
    InferenceRequest r = request("llama3-70b", "h100-sxm");  // 80 layers, 8 KV heads of 128
    r.input_len = 1000, r.output_len = 24;
    const double per_position = 2.0 * 8 * 128 * 2;  // K and V, 8 heads, 128 channels, 2 bytes
    EXPECT_DOUBLE_EQ(inference_memory(r, 1, 1, 4).kv_cache, 80 * per_position * 4 * 1024);
    EXPECT_DOUBLE_EQ(inference_memory(r, 8, 1, 4).kv_cache, 80 * per_position / 8 * 4 * 1024);
    // TP 16: each GPU still holds one whole KV head (replicated), not half of one.
    EXPECT_DOUBLE_EQ(inference_memory(r, 16, 1, 4).kv_cache, inference_memory(r, 8, 1, 4).kv_cache);
    EXPECT_DOUBLE_EQ(inference_memory(r, 8, 2, 4).kv_cache, inference_memory(r, 8, 1, 4).kv_cache / 2);
    r.kv_cache = KvFormat::fp8;
    EXPECT_DOUBLE_EQ(inference_memory(r, 8, 1, 4).kv_cache, 80 * per_position / 2 / 8 * 4 * 1024);
}

TEST(InferenceMemory, WeightFormatsScaleTheLayersNotTheEmbeddings) {
    InferenceRequest r = request("llama3-8b", "h100-sxm");
    const double bf16 = inference_memory(r, 1, 1, 1).weights;
    EXPECT_NEAR(bf16 / kGiB, model_param_counts(r.model).total * 2 / kGiB, 0.5);
    r.weights = WeightFormat::int4;
    const double int4 = inference_memory(r, 1, 1, 1).weights;
    EXPECT_LT(int4, bf16 * 0.40);  // layers at ~0.52 bytes, embeddings and head still 16-bit
    EXPECT_GT(int4, bf16 * 0.25);
    EXPECT_FALSE(inference_memory(request("llama3-70b", "h100-sxm"), 1, 1, 1).fits());  // 141 GB of bf16 weights
    EXPECT_TRUE(inference_memory(request("llama3-70b", "h100-sxm"), 4, 1, 1).fits());
}

// [SECTION] Latency
TEST(InferenceLatency, DecodeIsMemoryBoundAndPrefillComputeBound) {
    InferenceRequest r = request("llama3-8b", "h100-sxm");
    r.input_len = 2048, r.output_len = 128;
    const InferenceLatency one = inference_latency(r, 1, 1, 1);
    // Batch 1 decode reads every weight once per token: at least bytes / HBM bandwidth.
    const double floor_s = model_param_counts(r.model).total * 2 / (r.gpu.hbm_gbps * 1e9);
    EXPECT_GT(one.per_token, floor_s);
    EXPECT_LT(one.per_token, floor_s * 2);
    EXPECT_GT(one.memory_bound, one.compute_bound);
    // Prefill of 2048 x 32 tokens is compute-bound: about 2 x params x tokens / achieved FLOP/s.
    const InferenceLatency big = inference_latency(r, 1, 1, 32);
    EXPECT_GT(big.first_token, 2 * model_param_counts(r.model).total * 2048 * 32 / (989.5e12));
    EXPECT_DOUBLE_EQ(one.total, one.first_token + one.per_token * (r.output_len - 1));
    // Larger batches take longer but serve more samples per second; TP cuts batch-1 latency.
    EXPECT_GT(inference_latency(r, 1, 1, 64).total, one.total);
    EXPECT_LT(inference_latency(r, 4, 1, 1).total, one.total);
    // PP at batch 1 adds hops and saves nothing: the stages run one after another.
    EXPECT_GT(inference_latency(r, 1, 2, 1).total, one.total);
    // At batch 64 the batch runs as two micro-batches of 32 through two stages: three stage slots of 16 layers
    // (GPipe's fill and drain). Each slot reads its stage's weights whole but only half the batch's KV cache, so
    // the decode step lands between PP 1's (x1) and three-halves of it (weights alone).
    const double ratio = inference_latency(r, 1, 2, 64).per_token / inference_latency(r, 1, 1, 64).per_token;
    EXPECT_GT(ratio, 1.0);
    EXPECT_LT(ratio, 1.5);
}

// The decode steps are summed in closed form on each side of the roofline; adding one output token must add
// exactly that step, and steps must grow with their context, across the point where the layers turn from
// FLOP-bound to byte-bound (llama3-8b at batch 256 on H100: the KV cache's reads overtake the GEMMs near a
// context of 300); a million-token output is summed as cheaply as a short one.
TEST(InferenceLatency, DecodeStepsSumStepByStepAcrossTheRoofline) {
    InferenceRequest r = request("llama3-8b", "h100-sxm");
    r.input_len = 64;
    double previous_step = 0;
    for (int out = 2; out <= 400; ++out) {
        r.output_len = out;
        const InferenceLatency longer = inference_latency(r, 1, 1, 256);
        r.output_len = out - 1;
        const InferenceLatency shorter = inference_latency(r, 1, 1, 256);
        const double step = longer.total - shorter.total;  // the decode step at context input + out - 1
        EXPECT_GE(step, previous_step * (1 - 1e-9)) << out;
        previous_step = step;
    }
    r.output_len = 1000000;
    EXPECT_GT(inference_latency(r, 8, 1, 1).total, 0);
}

TEST(InferenceLatency, PipelineMicroBatchesFollowFasterTransformer) {
    EXPECT_EQ(inference_micro_batch(64, 1, 1), 64);    // no pipeline
    EXPECT_EQ(inference_micro_batch(8, 1, 2), 4);      // PP micro-batches
    EXPECT_EQ(inference_micro_batch(1, 1, 2), 1);
    EXPECT_EQ(inference_micro_batch(256, 1, 3), 256);  // 3 does not divide 256; 256 tokens <= 1,024
    EXPECT_EQ(inference_micro_batch(256, 60, 2), 16);  // 128 x 60 tokens halved until <= 1,024: 16 x 60 = 960
    EXPECT_EQ(inference_micro_batch(6, 1000, 3), 1);   // 2 x 1,000 > 1,024 and 2 is even: 1
}

// [SECTION] Grid, NeMo's filter and final_output.csv
TEST(InferencePlan, NemoNodeCountsAsInferenceSweepPy) {
    EXPECT_EQ(inference_nodes(8, 1, 1), 1);
    EXPECT_EQ(inference_nodes(8, 8, 2), 2);
    EXPECT_EQ(inference_nodes(8, 16, 1), 2);
    EXPECT_EQ(inference_nodes(8, 16, 2), 4);
    EXPECT_EQ(inference_nodes(8, 12, 1), 0);  // TP beyond a node that is not whole nodes
    EXPECT_EQ(inference_nodes(8, 4, 3), 3);
}

TEST(InferencePlan, NemoFilterRejectsWhatTheLauncherRejects) {
    InferenceRequest r = request("gpt3-5b", "a100-80gb");  // 24 layers, 32 heads
    r.nemo_filter = true;
    r.tp = {1, 2, 3, 8};
    r.pp = {1, 2, 5};
    r.batch_sizes = {4, 8};
    const InferencePlan plan = inference_plan(r);
    // Valid: (1,1) (2,1) (8,1) (8,2); TP 3 fails heads % TP; PP 5 fails layers % PP; PP 2 below TP 8 is a
    // partial node.
    ASSERT_EQ(plan.points.size(), 8u);
    EXPECT_EQ(plan.points[0].tp, 1);
    EXPECT_EQ(plan.points.back().tp, 8);
    EXPECT_EQ(plan.points.back().pp, 2);
    EXPECT_EQ(plan.points.back().nodes, 2);
    ASSERT_EQ(plan.rejected.size(), 16u);
    int heads = 0, layers = 0, partial = 0;
    for (const InferenceRejected& x : plan.rejected) {
        heads += x.reason.find("attention heads (32) not divisible by TP") != std::string::npos;
        layers += x.reason.find("layers (24) not divisible by PP") != std::string::npos;
        partial += x.reason.find("partial-node") != std::string::npos;
    }
    EXPECT_EQ(heads, 6);    // TP 3 with every PP
    EXPECT_EQ(layers, 6);   // PP 5 with TP 1, 2, 8
    EXPECT_EQ(partial, 4);  // PP 2 with TP 1 and 2
}

TEST(InferencePlan, OwnRulesAllowWhatEnginesRunAndPickTheBest) {
    InferenceRequest r = request("llama3-70b", "h100-sxm");
    r.tp = {2, 4, 8, 16};
    r.pp = {1, 2};
    r.batch_sizes = {1, 16, 64};
    const InferencePlan plan = inference_plan(r);
    ASSERT_FALSE(plan.points.empty());
    // TP 2 PP 1 cannot hold 141 GB of weights on 2 x 80 GB with room to spare; the best point fits.
    ASSERT_TRUE(plan.best_throughput && plan.lowest_latency);
    const InferencePoint& best = plan.points[*plan.best_throughput];
    EXPECT_TRUE(best.fits);
    for (const InferencePoint& p : plan.points) {
        if (p.fits) {
            EXPECT_LE(p.samples_per_s_per_gpu, best.samples_per_s_per_gpu + 1e-12);
        }
    }
    EXPECT_EQ(plan.points[*plan.lowest_latency].batch, 1);
    // A latency bound moves the best-throughput pick to a point within it.
    r.max_latency_ms = plan.points[*plan.lowest_latency].latency.total * 1e3 * 1.5;
    const InferencePlan bounded = inference_plan(r);
    ASSERT_TRUE(bounded.best_throughput);
    EXPECT_LE(bounded.points[*bounded.best_throughput].latency.total * 1e3, r.max_latency_ms);
    // TP 3 is never valid for 64 heads; TP 16 beyond 8 KV heads replicates them (valid).
    r.tp = {3, 16};
    const InferencePlan odd = inference_plan(r);
    for (const InferenceRejected& x : odd.rejected) {
        EXPECT_EQ(x.tp, 3);
    }
    EXPECT_FALSE(odd.points.empty());
}

TEST(InferencePlan, FinalOutputCsvHasNemoColumnsAndRounding) {
    InferenceRequest r = request("gpt3-5b", "a100-80gb");
    r.nemo_filter = true;
    r.tp = {1};
    r.pp = {1};
    r.batch_sizes = {4, 8};
    const InferencePlan plan = inference_plan(r);
    const std::string csv = inference_nemo_csv(plan, {123.456, NAN});
    const std::string header = "TP,PP,BS,Latency [ms],Throughput per GPU [samples/sec/gpu]\r\n";
    ASSERT_EQ(csv.substr(0, header.size()), header);
    // Measured 123.456 ms -> 123.46 ms; round(4 * 1000 / 123.46 / 1 / 1, 3) = 32.399.
    EXPECT_NE(csv.find("\r\n1,1,4,123.46,32.399\r\n"), std::string::npos) << csv;
    // The second row is the prediction.
    const double predicted = std::round(plan.points[1].latency.total * 1e5) / 100;
    EXPECT_NE(csv.find("1,1,8," + std::to_string(int(predicted))), std::string::npos) << csv;
}

// [SECTION] Inputs: session, lists, validation
TEST(InferenceInputs, SessionCarriesTheSectionAndNamesBadFields) {
    Session s;
    s.inputs.model = *model_preset_find("llama3-8b");
    s.inputs.model_preset = "llama3-8b";
    s.inputs.inference.tp = {1, 2};
    s.inputs.inference.input_len = 512;
    s.inputs.inference.weights = "int4";
    const std::string text = session_to_json(s);
    EXPECT_NE(text.find("\"inference\""), std::string::npos);
    Result<Session> back = session_parse(text, "s.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->inputs.inference, s.inputs.inference);
    // Defaults are not written (older readers see the file unchanged).
    Session plain;
    plain.inputs.model = s.inputs.model;
    EXPECT_EQ(session_to_json(plain).find("\"inference\""), std::string::npos);
    std::string bad = text;
    bad.replace(bad.find("\"int4\""), 6, "\"int3\"");
    Result<Session> e = session_parse(bad, "s.json");
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("inputs.inference.weights"), std::string::npos) << e.error().message;
}

TEST(InferenceInputs, ListsAndValidationNameTheFlag) {
    Result<std::vector<int>> ok = int_list_parse("1, 2,4", "--tp");
    ASSERT_TRUE(ok);
    EXPECT_EQ(*ok, (std::vector<int>{1, 2, 4}));
    for (const char* bad : {"", "1,,2", "0", "-1", "x", "1.5", "99999999999"}) {
        Result<std::vector<int>> e = int_list_parse(bad, "--tp");
        ASSERT_FALSE(e) << bad;
        EXPECT_EQ(e.error().message.rfind("--tp", 0), 0u) << e.error().message;
    }
    InferenceRequest r = request("llama3-8b", "a100-80gb");
    r.input_len = 0;
    EXPECT_EQ(inference_validate(r), "--input-len must be at least 1");
    r.input_len = 10;
    r.weights = WeightFormat::fp8;
    EXPECT_NE(inference_validate(r).find("no FP8"), std::string::npos);
    InferenceInputs in;
    in.gpu = "a100-80gbx";
    EXPECT_FALSE(inference_request_from_inputs(r.model, in));
}

// [SECTION] Command templates
TEST(InferenceTemplate, FillsQuotesAndRejectsUnknownPlaceholders) {
    InferenceRunValues v;
    v.tp = 2, v.pp = 1, v.batch = 16, v.input_len = 60, v.output_len = 20;
    v.hf_model = "x; rm -rf ~";
    v.log_dir = "/runs/tp2_pp1_bs16";
    v.name = inference_point_name(2, 1, 16);
    Result<RunTemplate> vllm = inference_template_builtin("vllm");
    ASSERT_TRUE(vllm);
    Result<std::string> cmd = inference_template_fill(vllm->text, v);
    ASSERT_TRUE(cmd) << cmd.error().message;
    EXPECT_NE(cmd->find("--model 'x; rm -rf ~'"), std::string::npos) << *cmd;
    EXPECT_NE(cmd->find("--tensor-parallel-size 2 --pipeline-parallel-size 1"), std::string::npos) << *cmd;
    EXPECT_NE(cmd->find("--batch-size 16"), std::string::npos);
    ASSERT_TRUE(inference_template_builtin("trtllm"));
    EXPECT_FALSE(inference_template_builtin("tgi"));
    Result<std::string> unknown = inference_template_fill("run {mbs}", v);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("unknown placeholder {mbs}"), std::string::npos);
    v.hf_model.clear();
    EXPECT_FALSE(inference_template_fill("run {hf_model}", v));
    EXPECT_EQ(v.name, "tp2_pp1_bs16");
}

}  // namespace
}  // namespace tp
