// generate's plan: NeMo mode writes the launcher's grid file for file; trainplan mode writes the ranked
// candidates that fit; every candidate YAML reads back with the candidate's settings; the NeMo base config
// reader takes the launcher's files and names bad keys with their line.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "base_config.hpp"
#include "candidate_config.hpp"
#include "generate_plan.hpp"
#include "hardware.hpp"
#include "model_presets.hpp"
#include "nemo_base_config.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

std::string fixture(const std::string& name) { return test::read_fixture("search_config/" + name); }

// The launcher's gpt3/5b search config as generate builds it: NeMo's base config, 16 nodes of A100 80GB.
PlanRequest gpt3_5b_request() {
    BaseConfigInputs in;
    in.model_size_b = 5, in.model_size_is_float = false, in.family = "gpt3";
    in.nodes = 16, in.gpus_per_node = 8, in.gpu_memory_gb = 80, in.max_training_days = 5, in.tokens_b = 300;
    in.vocab = 51200, in.seq = 2048;
    const BaseConfig cfg = *base_config_generate(in);
    PlanRequest r;
    r.model = base_config_model(cfg);
    r.gpu = *gpu_find("a100-80gb");
    r.base.nodes = 16, r.base.gpus_per_node = 8, r.base.seq = 2048, r.base.gbs = cfg.gbs;
    r.model_name = "gpt3", r.size_label = "5";
    r.base_yaml = base_config_to_yaml(cfg);
    r.base_run_name = cfg.name;
    r.nemo.model_type = "gpt3", r.nemo.model_size_b = 5, r.nemo.layers = r.model.layers, r.nemo.heads = r.model.heads;
    r.nemo.seq = 2048, r.nemo.nodes = 16, r.nemo.gpus_per_node = 8, r.nemo.gpu_memory_gb = 80;
    r.max_steps_per_run = 50, r.max_minutes_per_run = 20;
    return r;
}

TEST(GeneratePlan, NemoModeIsTheLaunchersGridFileForFile) {
    PlanRequest r = gpt3_5b_request();
    r.heuristics = Heuristics::nemo;
    Result<Plan> plan = plan_generate(r);
    ASSERT_TRUE(plan) << plan.error().message;
    Result<NemoLauncherGrid> grid = nemo_launcher_generate_grid(r.nemo, r.base.gbs, r.act_method, std::nullopt);
    ASSERT_TRUE(grid);
    ASSERT_EQ(plan->candidates.size(), grid->configs.size());
    EXPECT_EQ(plan->nemo_lines, grid->stdout_lines);
    for (size_t i = 0; i < plan->candidates.size(); ++i) {
        const PlannedCandidate& c = plan->candidates[i];
        const YAML::Node y = YAML::Load(c.yaml);
        EXPECT_EQ(y["run"]["name"].as<std::string>(), c.name);
        EXPECT_EQ(y["run"]["time_limit"].as<std::string>(), "0-0:20:00");
        EXPECT_EQ(y["trainer"]["max_steps"].as<int>(), 50);
        EXPECT_EQ(y["trainer"]["val_check_interval"].as<int>(), 50);
        EXPECT_EQ(y["model"]["tensor_model_parallel_size"].as<int>(), c.config.tp);
        EXPECT_EQ(y["model"]["micro_batch_size"].as<int>(), c.config.mbs);
        EXPECT_EQ(y["model"]["global_batch_size"].as<int>(), 2048);
        EXPECT_EQ(c.rank, 0);  // NeMo does not rank before launching
        // trainplan's verdict on each of NeMo's candidates is recorded, not used to drop it.
        EXPECT_TRUE(c.estimate.has_value() || !c.verdict.empty());
        EXPECT_NE(c.nemo2_command.find("nemo llm pretrain"), std::string::npos);
        EXPECT_NE(c.megatron_lm_command.find("pretrain_gpt.py"), std::string::npos);
        EXPECT_NE(c.torchtitan_command.find("torchtitan"), std::string::npos);
    }
    const nlohmann::json j = plan_json(r, *plan);
    EXPECT_EQ(j["heuristics"], "nemo");
    EXPECT_EQ(j["candidates"].size(), plan->candidates.size());
}

TEST(GeneratePlan, TrainplanModeWritesTheRankedCandidatesThatFit) {
    PlanRequest r = gpt3_5b_request();
    r.top = 8;
    Result<Plan> plan = plan_generate(r);
    ASSERT_TRUE(plan) << plan.error().message;
    ASSERT_EQ(plan->candidates.size(), 8u);
    std::set<std::string> names;
    for (size_t i = 0; i < plan->candidates.size(); ++i) {
        const PlannedCandidate& c = plan->candidates[i];
        EXPECT_EQ(c.rank, int(i) + 1);
        ASSERT_TRUE(c.estimate);
        EXPECT_TRUE(c.estimate->fits);
        if (i > 0) {
            EXPECT_LE(c.estimate->tokens_per_s_per_gpu, plan->candidates[i - 1].estimate->tokens_per_s_per_gpu * 1.001);
        }
        EXPECT_TRUE(names.insert(c.name).second) << "duplicate name " << c.name;
        const YAML::Node y = YAML::Load(c.yaml);
        EXPECT_EQ(y["model"]["pipeline_model_parallel_size"].as<int>(), c.config.pp);
        EXPECT_EQ(y["model"]["sequence_parallel"].as<bool>(), c.config.tp > 1);
        const YAML::Node granularity = y["model"]["activations_checkpoint_granularity"];
        const char* expected = c.config.recompute == Recompute::none ? "~" : recompute_name(c.config.recompute);
        EXPECT_EQ(granularity.IsNull() ? "~" : granularity.as<std::string>(), expected);
    }
    EXPECT_EQ(plan->evaluated, search_grid(r.model, r.gpu, r.base, r.space).evaluated);
}

TEST(CandidateConfig, FullRecomputationInNemoTerms) {
    TrainConfig c;
    c.tp = 4, c.pp = 4, c.vp = 2, c.recompute = Recompute::full, c.recompute_layers = 4;
    CandidateYamlEdit e = candidate_edit_from_config(c, 80);
    EXPECT_EQ(*e.act_granularity, "full");
    EXPECT_EQ(*e.act_method, "block");
    EXPECT_EQ(*e.act_ckpt_layers, 2);  // 4 layers per stage over 2 model chunks
    c.recompute_layers = 0;
    e = candidate_edit_from_config(c, 80);
    EXPECT_EQ(*e.act_method, "uniform");
    EXPECT_EQ(*e.act_ckpt_layers, 1);
    EXPECT_EQ(nemo_run_time_limit(20), "0-0:20:00");
    EXPECT_EQ(nemo_run_time_limit(120), "0-2:0:00");
    EXPECT_FALSE(candidate_config_yaml("run: [1", e));
    EXPECT_EQ(candidate_config_yaml("run: {}\ntrainer: {}\n", e).error().message, "base config: missing the 'model' section");
}

TEST(NemoBaseConfig, ReadsTheLaunchersLlama3File) {
    Result<NemoBaseConfig> b = nemo_base_config_read(fixture("base_configs/llama3_8b.yaml"), "llama3_8b.yaml", "llama", 128256);
    ASSERT_TRUE(b) << b.error().message;
    const ModelSpec& m = b->model;
    EXPECT_EQ(m.layers, 32);
    EXPECT_EQ(m.kv_heads, 8);
    EXPECT_EQ(m.ffn, 14336);
    EXPECT_EQ(m.mlp, MlpKind::gated);
    EXPECT_EQ(m.norm, NormKind::rmsnorm);
    EXPECT_EQ(m.position, PositionKind::rotary);
    EXPECT_FALSE(m.tied_embeddings);
    EXPECT_EQ(b->gbs, 2048);
    EXPECT_EQ(b->seq, 8192);
    EXPECT_EQ(b->act_method, "");
    // Same architecture as trainplan's Llama 3 8B preset: the same parameter count.
    EXPECT_EQ(model_param_counts(m).total, model_param_counts(*model_preset_find("llama3-8b")).total);
}

TEST(NemoBaseConfig, ErrorsNameKeyAndLine) {
    std::string text = fixture("base_configs/llama3_8b.yaml");
    text.replace(text.find("hidden_size: 4096"), 17, "hidden_size: wide");
    Result<NemoBaseConfig> b = nemo_base_config_read(text, "llama3_8b.yaml", "llama", 128256);
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().message, "llama3_8b.yaml:32: model.hidden_size: expected a positive integer, got 'wide'");
    EXPECT_EQ(nemo_base_config_read("run: {}\n", "x.yaml", "llama", 32000).error().message, "x.yaml: model: missing (not a NeMo base config)");
    text = fixture("base_configs/llama3_8b.yaml");
    text.replace(text.find("share_embeddings_and_output_weights: false"), 42, "share_embeddings_and_output_weights: maybe");
    b = nemo_base_config_read(text, "llama3_8b.yaml", "llama", 128256);
    ASSERT_FALSE(b);
    EXPECT_EQ(b.error().message.rfind("llama3_8b.yaml:", 0), 0u) << b.error().message;
}

}  // namespace
}  // namespace tp
