// Base configuration: the YAML NeMo's launcher reads back, trainplan's stated choices, and
// sizes outside every table.
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "base_config.hpp"
#include "model.hpp"

namespace tp {
namespace {

BaseConfigInputs gpt3_5b() {
    BaseConfigInputs in;
    in.model_size_b = 5.0;
    in.family = "gpt3";
    in.nodes = 20;
    in.max_training_days = 6;
    in.tokens_b = 300;
    return in;
}

TEST(BaseConfig, YamlRoundTripsTheLauncherFields) {
    Result<BaseConfig> cfg = base_config_generate(gpt3_5b());
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    const YAML::Node y = YAML::Load(base_config_to_yaml(*cfg));
    EXPECT_EQ(y["run"]["name"].as<std::string>(), "gpt3_5.0b");
    EXPECT_EQ(y["run"]["time_limit"].as<std::string>(), "6-00:00:00");
    EXPECT_EQ(y["trainer"]["num_nodes"].as<int>(), 20);
    EXPECT_EQ(y["trainer"]["max_steps"].as<long long>(), 71525);
    EXPECT_EQ(y["trainer"]["max_time"].as<std::string>(), "5:23:30:00");
    EXPECT_EQ(y["model"]["global_batch_size"].as<int>(), 2048);
    EXPECT_EQ(y["model"]["tensor_model_parallel_size"].as<int>(), 2);
    EXPECT_EQ(y["model"]["num_layers"].as<int>(), 24);
    EXPECT_EQ(y["model"]["hidden_size"].as<int>(), 4096);
    EXPECT_EQ(y["model"]["ffn_hidden_size"].as<std::string>(), "${multiply:4, ${.hidden_size}}");
    EXPECT_DOUBLE_EQ(y["model"]["init_method_std"].as<double>(), 0.01);
    EXPECT_DOUBLE_EQ(y["model"]["optim"]["lr"].as<double>(), 0.00012);
    EXPECT_EQ(y["model"]["optim"]["sched"]["warmup_steps"].as<int>(), 107);
    EXPECT_EQ(y["model"]["optim"]["sched"]["constant_steps"].as<int>(), 11873);
    EXPECT_DOUBLE_EQ(y["model"]["optim"]["sched"]["min_lr"].as<double>(), 1.2e-05);
}

TEST(BaseConfig, T5YamlHasEncoderAndDecoder) {
    BaseConfigInputs in;
    in.model_size_b = 0.22;
    in.family = "t5";
    in.nodes = 4;
    in.max_training_days = 2;
    in.tokens_b = 1000;
    in.vocab = 29000;
    in.seq = 512;
    Result<BaseConfig> cfg = base_config_generate(in);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    const YAML::Node y = YAML::Load(base_config_to_yaml(*cfg));
    EXPECT_EQ(y["model"]["encoder"]["num_layers"].as<int>(), 12);
    EXPECT_EQ(y["model"]["decoder"]["kv_channels"].as<int>(), 64);
    EXPECT_EQ(y["model"]["optim"]["sched"]["name"].as<std::string>(), "WarmupAnnealing");
    EXPECT_DOUBLE_EQ(y["model"]["optim"]["sched"]["warmup_ratio"].as<double>(), 0.01);
}

TEST(BaseConfig, TrainplanModeStatesItsChoicesAndHitsTheSize) {
    BaseConfigInputs in = gpt3_5b();
    in.family = "llama";
    in.model_size_b = 7;  // NeMo's table: hidden 4096 below 8B (8B itself is in the 5120 bracket)
    in.vocab = 128256;
    in.seq = 8192;
    in.heuristics = Heuristics::trainplan;
    Result<BaseConfig> cfg = base_config_generate(in);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->num_query_groups.value_or(0), 8);
    EXPECT_EQ(cfg->ffn, "14336");  // Llama 3's FFN for h = 4096
    EXPECT_EQ(cfg->choices.size(), 4u);
    const double size_b = model_param_counts(base_config_model(*cfg)).total / 1e9;
    EXPECT_NEAR(size_b, 7.0, 0.25);  // one layer of Llama-3-8B is 0.22B
}

TEST(BaseConfig, OutOfTableSizesAreErrors) {
    BaseConfigInputs in = gpt3_5b();
    in.model_size_b = 2000;
    Result<BaseConfig> cfg = base_config_generate(in);
    ASSERT_FALSE(cfg.ok());
    EXPECT_NE(cfg.error().message.find("must be smaller than 1105B"), std::string::npos) << cfg.error().message;

    in = gpt3_5b();
    in.seq = 3000;
    cfg = base_config_generate(in);
    ASSERT_FALSE(cfg.ok());
    EXPECT_NE(cfg.error().message.find("--seq: NeMo has no GBS/TP/PP table for gpt3 at sequence length 3000"), std::string::npos)
        << cfg.error().message;

    in = gpt3_5b();
    in.model_size_b = 100;
    in.seq = 4096;
    cfg = base_config_generate(in);
    ASSERT_FALSE(cfg.ok());
    EXPECT_NE(cfg.error().message.find("above NeMo's largest GBS/TP/PP row"), std::string::npos) << cfg.error().message;

    in = gpt3_5b();
    in.max_training_days = 0;
    EXPECT_FALSE(base_config_generate(in).ok());
    in = gpt3_5b();
    in.gpu_memory_gb = 24;
    cfg = base_config_generate(in);
    ASSERT_FALSE(cfg.ok());
    EXPECT_NE(cfg.error().message.find("40 and 80 GB GPUs only"), std::string::npos);
}

TEST(BaseConfig, TimeStrings) {
    EXPECT_EQ(nemo_time_limit(25.75), "25-18:00:00");
    EXPECT_EQ(nemo_max_time(25.75), "25:17:30:00");
    EXPECT_EQ(nemo_time_limit(2), "2-00:00:00");
    EXPECT_EQ(nemo_max_time(2), "1:23:30:00");
}

}  // namespace
}  // namespace tp
