// NeMo conformance: every upstream unit-test case of NVIDIA's Auto Configurator that this
// part of trainplan covers, one gtest per case, compared with the value the upstream code
// returns (`actual_output` / `actual`), exactly where NeMo is exact.
// Data: ../shared/data/nemo/launcher_unit_test_cases.json (NeMo-Framework-Launcher@26e42fa9),
// nemo2_unit_test_cases.json (NVIDIA/NeMo@8cfedd72), formula_vectors.json (derived with the
// stored upstream functions).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "base_config.hpp"
#include "nemo_heuristics.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

using nlohmann::json;
using test::load_shared_json;

using test::Case;
using test::case_name;
using test::launcher_cases;

std::vector<Case> nemo2_cases(const std::string& key) {
    std::vector<Case> out;
    const json d = load_shared_json("nemo/nemo2_unit_test_cases.json");
    int i = 0;
    for (const json& x : d[key]) {
        std::string label = x.value("model_name", "");
        if (x.contains("model_size_in_b")) label += "_" + x["model_size_in_b"].dump();
        out.push_back({test::test_name(std::to_string(i++) + "_" + label), x});
    }
    return out;
}


const char* const kBase = "auto_configurator/tests/code_tests/test_base_config.py";
const char* const kUtils = "auto_configurator/tests/code_tests/test_utils.py";

// ---- launcher: estimate_model_size ----------------------------------------------------------
class LauncherEstimateModelSize : public testing::TestWithParam<Case> {};
TEST_P(LauncherEstimateModelSize, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<double> r = nemo_estimate_model_size_b(c["training_days"], c["gpus"], c["tflops"], c["tokens"], c["model_name"]);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_DOUBLE_EQ(*r, c["actual_output"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherEstimateModelSize, testing::ValuesIn(launcher_cases(kBase, "TestEstimateModelSize")), case_name);

// ---- launcher: estimate_training_time -------------------------------------------------------
class LauncherEstimateTrainingTime : public testing::TestWithParam<Case> {};
TEST_P(LauncherEstimateTrainingTime, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<double> r = nemo_estimate_training_days(c["model_size"], c["gpus"], c["tflops"], c["tokens"], c["model_name"]);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_DOUBLE_EQ(*r, c["actual_output"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherEstimateTrainingTime, testing::ValuesIn(launcher_cases(kBase, "TestEstimateTrainingTime")), case_name);

// ---- launcher: calculate_gbs_tp_pp ----------------------------------------------------------
class LauncherGbsTpPp : public testing::TestWithParam<Case> {};
TEST_P(LauncherGbsTpPp, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<NemoGbsTpPp> r = nemo_gbs_tp_pp(c["model_size"], 80, c["model_name"], c["seq_length"]);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const json got = {r->gbs, r->tp, r->pp, r->cp ? json(*r->cp) : json(nullptr), r->ep ? json(*r->ep) : json(nullptr)};
    EXPECT_EQ(got, c["actual_output"]);
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherGbsTpPp, testing::ValuesIn(launcher_cases(kBase, "TestCalculateGbsTpPp")), case_name);

// ---- launcher: generate_base_config ---------------------------------------------------------
class LauncherBaseConfig : public testing::TestWithParam<Case> {};
TEST_P(LauncherBaseConfig, MatchesUpstream) {
    const json& c = GetParam().data;
    BaseConfigInputs in;
    in.model_size_b = c["model_size"];
    in.model_size_is_float = c["model_size"].is_number_float();
    in.family = c["model_name"];
    in.nodes = c["nodes"];
    in.gpus_per_node = c["gpus_per_node"];
    in.gpu_memory_gb = c["gpu_mem"];
    in.max_training_days = c["max_days"];
    in.tokens_b = c["tokens"];
    in.vocab = c["vocab"];
    in.seq = c["seq_length"];
    Result<BaseConfig> r = base_config_generate(in);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const json& want = c["actual_output"];
    EXPECT_EQ(r->name, want["name"]);
    EXPECT_EQ(r->time_limit, want["time_limit"]);
    EXPECT_EQ(r->max_time, want["max_time"]);
    EXPECT_EQ(r->max_steps, want["max_steps"].get<long long>());
    EXPECT_EQ(r->num_layers, want["num_layers"].get<int>());
    EXPECT_EQ(r->gbs, want["gbs"].get<int>());
    EXPECT_EQ(r->hidden, want["hs"].get<int>());
    EXPECT_EQ(r->heads, want["att_heads"].get<int>());
    EXPECT_EQ(r->ffn, want["ffn"].is_string() ? want["ffn"].get<std::string>() : want["ffn"].dump());
    EXPECT_EQ(r->kv_channels ? json(*r->kv_channels) : json(nullptr), want["kv"]);
    EXPECT_DOUBLE_EQ(r->init_std, want["init_std"].get<double>());
    EXPECT_DOUBLE_EQ(r->lr, want["lr"].get<double>());
    EXPECT_DOUBLE_EQ(r->min_lr, want["min_lr"].get<double>());
    EXPECT_EQ(r->warmup_steps ? json(*r->warmup_steps) : json(nullptr), want["warmup_steps"]);
    EXPECT_EQ(r->constant_steps ? json(*r->constant_steps) : json(nullptr), want["constant_steps"]);
    EXPECT_EQ(r->warmup_ratio ? json(*r->warmup_ratio) : json(nullptr), want["warmup_ratio"]);
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherBaseConfig, testing::ValuesIn(launcher_cases(kBase, "TestGenerateBaseconfig")), case_name);

// ---- launcher: calculate_model_size ---------------------------------------------------------
class LauncherCalculateModelSize : public testing::TestWithParam<Case> {};
TEST_P(LauncherCalculateModelSize, MatchesUpstream) {
    const json& c = GetParam().data;
    const double kv = c["kv"].is_null() ? 0.0 : c["kv"].get<double>();
    const double got = nemo_calculate_model_size_b(c["vocab"], c["seq_len"], c["hs"], c["layers"], c["ffn"], kv, c["att"], c["model_name"]);
    EXPECT_NEAR(got, c["actual_output"].get<double>(), 1e-12 * c["actual_output"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherCalculateModelSize, testing::ValuesIn(launcher_cases(kUtils, "TestCalculateModelSize")), case_name);

// ---- launcher: calculate_model_size_params --------------------------------------------------
json architecture_json(const NemoArchitecture& a) {
    return {{"layers", a.layers}, {"hs", a.hidden}, {"att", a.heads}, {"ffn", a.ffn ? json(*a.ffn) : json(nullptr)},
            {"kv", a.kv_channels ? json(*a.kv_channels) : json(nullptr)}, {"lr", a.lr}};
}
class LauncherModelSizeParams : public testing::TestWithParam<Case> {};
TEST_P(LauncherModelSizeParams, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<NemoArchitecture> r = nemo_model_size_params(c["model_size"], c["vocab"], c["seq_len"], c["model_name"], NemoFlavor::launcher);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(architecture_json(*r), c["actual_output"]);
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherModelSizeParams, testing::ValuesIn(launcher_cases(kUtils, "TestCalculatemodelSizeParams")), case_name);

// ---- NeMo 2.0: size and days estimates -------------------------------------------------------
class Nemo2EstimateModelSize : public testing::TestWithParam<Case> {};
TEST_P(Nemo2EstimateModelSize, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<double> r = nemo_estimate_model_size_b(c["max_training_days"], c["gpu_count"], c["tflops_per_gpu"], c["num_tokens_in_b"], c["model_name"]);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_DOUBLE_EQ(*r, c["actual"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, Nemo2EstimateModelSize, testing::ValuesIn(nemo2_cases("estimate_model_size_exact")), case_name);

class Nemo2EstimateTrainingTime : public testing::TestWithParam<Case> {};
TEST_P(Nemo2EstimateTrainingTime, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<double> r = nemo_estimate_training_days(c["model_size_in_b"], c["gpu_count"], c["tflops_per_gpu"], c["num_tokens_in_b"], c["model_name"]);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_DOUBLE_EQ(*r, c["actual"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, Nemo2EstimateTrainingTime, testing::ValuesIn(nemo2_cases("estimate_training_time_exact")), case_name);

// ---- NeMo 2.0: _calculate_model_size (parameter count) ---------------------------------------
class Nemo2ParameterCount : public testing::TestWithParam<Case> {};
TEST_P(Nemo2ParameterCount, MatchesUpstream) {
    const json& c = GetParam().data;
    const double kv = c["kv_channels"].is_null() ? 0.0 : c["kv_channels"].get<double>();
    const double got = nemo_calculate_model_size_b(c["vocab_size"], c["seq_length"], c["hidden_size"], c["num_layers"],
                                                   c["ffn_size"], kv, c["att_heads"], c["model_name"]);
    EXPECT_NEAR(got, c["actual_raw"].get<double>(), 1e-12 * c["actual_raw"].get<double>());
    EXPECT_DOUBLE_EQ(python_round(got, 2), c["actual_round2"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, Nemo2ParameterCount, testing::ValuesIn(nemo2_cases("calculate_model_size_params_count_round2")), case_name);

// ---- NeMo 2.0: ModelSizeParams (size -> architecture) -----------------------------------------
class Nemo2SizeToArchitecture : public testing::TestWithParam<Case> {};
TEST_P(Nemo2SizeToArchitecture, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<NemoArchitecture> r = nemo_model_size_params(c["model_size_in_b"], c["vocab_size"], c["seq_length"], c["model_name"]);
    if (!c["raises"].is_null()) {
        ASSERT_FALSE(r.ok()) << "NeMo raises " << c["raises"] << " here";
        EXPECT_NE(r.error().message.find("must be smaller than"), std::string::npos) << r.error().message;
        return;
    }
    ASSERT_TRUE(r.ok()) << r.error().message;
    json got = {r->hidden, r->heads};
    if (r->kv_channels) got.push_back(*r->ffn), got.push_back(*r->kv_channels);
    got.push_back(r->lr);
    EXPECT_EQ(got, c["actual"]);
    EXPECT_EQ(r->layers, c["layers_found"].get<int>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, Nemo2SizeToArchitecture, testing::ValuesIn(nemo2_cases("model_size_params_hs_heads_lr")), case_name);

// ---- formula_vectors.json: calculate_tflops and the seed size/time examples -------------------
std::vector<Case> formula_cases(const char* key) {
    std::vector<Case> out;
    const json d = load_shared_json("nemo/formula_vectors.json");
    int i = 0;
    for (const json& x : d[key]) {
        const std::string label = x.contains("desc") ? x["desc"].get<std::string>() : x["model_name"].get<std::string>();
        out.push_back({test::test_name(std::to_string(i++) + "_" + label.substr(0, 40)), x});
    }
    return out;
}
class NemoCalculateTflops : public testing::TestWithParam<Case> {};
TEST_P(NemoCalculateTflops, MatchesUpstream) {
    const json& c = GetParam().data;
    const json& in = c["inputs"];
    NemoTflops t = nemo_calculate_tflops(in["model_name"], in["gbs"], in["enc_seq_len"], in["dec_seq_len"], in["hs"], in["ffn_hs"],
                                         in["layers"], in["vocab"], in["nodes"], in["gpus_per_node"], in["time_per_step"]);
    EXPECT_DOUBLE_EQ(t.aggregate, c["expected_model_tflops_aggregate"].get<double>());
    EXPECT_DOUBLE_EQ(t.per_gpu, c["expected_model_tflops_per_gpu"].get<double>());
}
INSTANTIATE_TEST_SUITE_P(Nemo, NemoCalculateTflops, testing::ValuesIn(formula_cases("tflops_reference_vectors")), case_name);

class NemoSizeTimeExamples : public testing::TestWithParam<Case> {};
TEST_P(NemoSizeTimeExamples, MatchesUpstream) {
    const json& c = GetParam().data;
    if (c.contains("estimate_model_size_in_b")) {
        Result<double> r = nemo_estimate_model_size_b(c["max_training_days"], c["gpu_count"], c["tflops_per_gpu"], c["num_tokens_in_b"], c["model_name"]);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_DOUBLE_EQ(*r, c["estimate_model_size_in_b"].get<double>());
    } else {
        Result<double> r = nemo_estimate_training_days(c["model_size_in_b"], c["gpu_count"], c["tflops_per_gpu"], c["num_tokens_in_b"], c["model_name"]);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_DOUBLE_EQ(*r, c["estimate_training_days"].get<double>());
    }
}
INSTANTIATE_TEST_SUITE_P(Nemo, NemoSizeTimeExamples, testing::ValuesIn(formula_cases("size_time_estimates")), case_name);

}  // namespace
}  // namespace tp
