// NeMo launcher search configs: every upstream preset reads back exactly; Hydra overrides apply;
// every kind of bad input names the key and its file line (or the override).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "search_config.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

using nlohmann::json;

std::string fixture(const std::string& name) { return test::read_fixture("search_config/" + name); }

// The preset as a launcher user's YAML file (block style, flow lists, null as null).
void emit(YAML::Emitter& out, const json& j) {
    if (j.is_object()) {
        out << YAML::BeginMap;
        for (auto it = j.begin(); it != j.end(); ++it) {
            out << YAML::Key << it.key() << YAML::Value;
            emit(out, it.value());
        }
        out << YAML::EndMap;
    } else if (j.is_array()) {
        out << YAML::Flow << YAML::BeginSeq;
        for (const json& v : j) emit(out, v);
        out << YAML::EndSeq;
    } else if (j.is_null()) {
        out << YAML::Null;
    } else if (j.is_string()) {
        out << j.get<std::string>();
    } else {
        out << j.dump();  // numbers as JSON writes them: 5, 0.126, 0.0
    }
}

class EveryUpstreamPreset : public testing::TestWithParam<test::Case> {};

TEST_P(EveryUpstreamPreset, ReadsBackEveryField) {
    const json& p = GetParam().data;
    YAML::Emitter out;
    emit(out, p);
    Result<LauncherSearchConfig> cfg = search_config_parse(out.c_str(), GetParam().name + ".yaml");
    ASSERT_TRUE(cfg) << cfg.error().message << "\n" << out.c_str();
    const json& t = p["train_settings"];
    const LauncherTrainSettings& s = cfg->train;
    if (t["model_size_in_b"].is_null()) {
        EXPECT_FALSE(s.model_size_b);
    } else {
        ASSERT_TRUE(s.model_size_b);
        EXPECT_DOUBLE_EQ(*s.model_size_b, t["model_size_in_b"].get<double>());
        EXPECT_EQ(s.model_size_is_float, t["model_size_in_b"].is_number_float());
    }
    EXPECT_EQ(s.num_nodes, t["num_nodes"]);
    EXPECT_EQ(s.gpus_per_node, t["gpus_per_node"]);
    EXPECT_EQ(s.gpu_memory_gb, t["gpu_memory_gb"]);
    EXPECT_DOUBLE_EQ(s.max_training_days, t["max_training_days"].get<double>());
    EXPECT_EQ(s.limit_search_runs, t["limit_search_runs"]);
    EXPECT_EQ(s.output_top_n, t["output_top_n"]);
    EXPECT_EQ(s.max_steps_per_run, t["max_steps_per_run"]);
    EXPECT_EQ(s.max_minutes_per_run, t["max_minutes_per_run"]);
    EXPECT_DOUBLE_EQ(s.tflops_per_gpu, t["tflops_per_gpu"].get<double>());
    EXPECT_DOUBLE_EQ(s.num_tokens_in_b, t["num_tokens_in_b"].get<double>());
    EXPECT_EQ(s.vocab_size, t["vocab_size"]);
    EXPECT_EQ(s.seq_length, t["seq_length"]);
    EXPECT_EQ(s.custom_config, t["custom_config"].is_null() ? "" : t["custom_config"].get<std::string>());
    EXPECT_EQ(s.logs, t["logs"].get<std::string>());
    auto list = [&](const char* key, const std::optional<std::vector<int>>& got) {
        if (!t.contains(key) || t[key] == "auto") {
            EXPECT_FALSE(got) << key;
        } else {
            ASSERT_TRUE(got) << key;
            EXPECT_EQ(*got, t[key].get<std::vector<int>>()) << key;
        }
    };
    list("tensor_parallel_sizes", s.tp);
    list("pipeline_parallel_sizes", s.pp);
    list("context_parallel_sizes", s.cp);
    list("expert_parallel_sizes", s.ep);
    list("micro_batch_sizes", s.mbs);
    list("act_ckpt_layers", s.act_ckpt_layers);
    EXPECT_EQ(cfg->inference.has_value(), p.contains("inference_settings"));
    if (cfg->inference) {
        const json& run = p["inference_settings"]["run"];
        const json& bench = p["inference_settings"]["benchmark"];
        EXPECT_EQ(cfg->inference->model_train_name, run["model_train_name"]);
        EXPECT_EQ(cfg->inference->tp, run["tensor_parallel_sizes"].get<std::vector<int>>());
        EXPECT_EQ(cfg->inference->pp, run["pipeline_parallel_sizes"].get<std::vector<int>>());
        EXPECT_EQ(cfg->inference->batch_sizes, bench["batch_sizes"].get<std::vector<int>>());
        EXPECT_EQ(cfg->inference->input_len, bench["input_len"]);
        EXPECT_DOUBLE_EQ(cfg->inference->topp, bench["topp"].get<double>());
    }
}

std::vector<test::Case> presets() {
    std::vector<test::Case> cases;
    const json all = test::load_shared_json("nemo/launcher_search_config_presets.json");
    for (auto it = all["presets"].begin(); it != all["presets"].end(); ++it) cases.push_back({test::test_name(it.key()), it.value()});
    return cases;
}
INSTANTIATE_TEST_SUITE_P(Launcher, EveryUpstreamPreset, testing::ValuesIn(presets()), test::case_name);

TEST(SearchConfig, UpstreamFileWithCommentsAndInterpolations) {
    Result<LauncherSearchConfig> cfg = search_config_parse(fixture("gpt3/5b.yaml"), "5b.yaml");
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(*cfg->train.model_size_b, 5);
    EXPECT_FALSE(cfg->train.model_size_is_float);
    EXPECT_EQ(cfg->train.num_nodes, 16);
    EXPECT_EQ(cfg->train.logs, "${base_results_dir}/${search_config_value}_${.gpu_memory_gb}gb");
    EXPECT_EQ(cfg->train.custom_config, "");
    EXPECT_FALSE(cfg->train.tp);
    ASSERT_TRUE(cfg->inference);
    EXPECT_EQ(cfg->inference->time_limit, "0:30:00");  // a string, not YAML 1.1 sexagesimal
    EXPECT_EQ(cfg->inference->data_type, "fp16");
}

TEST(SearchConfig, HydraOverridesReplaceAndAdd) {
    Result<LauncherSearchConfig> cfg = search_config_parse(
        fixture("gpt3/5b.yaml"), "5b.yaml",
        {"train_settings.num_nodes=4", "search_config.train_settings.tensor_parallel_sizes=[1,2]",
         "+train_settings.expert_parallel_sizes=[1]", "train_settings.model_size_in_b=5.0", "train_settings.min_model_parallel_size=2"});
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->train.num_nodes, 4);
    EXPECT_EQ(*cfg->train.tp, (std::vector<int>{1, 2}));
    EXPECT_EQ(*cfg->train.ep, (std::vector<int>{1}));
    EXPECT_TRUE(cfg->train.model_size_is_float);  // NeMo would name the run gpt3_5.0b
    EXPECT_EQ(*cfg->train.min_model_parallel, 2);
    // An override may turn a list back into auto.
    Result<LauncherSearchConfig> back = search_config_parse(fixture("llama/llama3_8b.yaml"), "llama3_8b.yaml",
                                                            {"train_settings.context_parallel_sizes=auto"});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_FALSE(back->train.cp);
}

TEST(SearchConfig, CustomConfigKeptAsWritten) {
    Result<LauncherSearchConfig> cfg = search_config_parse(fixture("llama/llama3_8b.yaml"), "llama3_8b.yaml");
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->train.custom_config, "${auto_configurator_path}/base_configs/llama3_8b.yaml");
    EXPECT_EQ(*cfg->train.cp, (std::vector<int>{1, 2}));
    EXPECT_FALSE(cfg->inference);
}

// Replaces the first occurrence of `from` in the fixture (keeping its line).
std::string edited(const std::string& name, const std::string& from, const std::string& to) {
    std::string text = fixture(name);
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
    Result<LauncherSearchConfig> cfg = search_config_parse(text, "5b.yaml", overrides);
    EXPECT_FALSE(cfg);
    return cfg ? "" : cfg.error().message;
}

TEST(SearchConfigErrors, NameTheKeyAndTheLine) {
    EXPECT_EQ(error_of(edited("gpt3/5b.yaml", "num_nodes: 16", "num_nodez: 16")),
              "5b.yaml:3: train_settings.num_nodez: unknown key (trainplan generate --help lists the search-config keys)");
    EXPECT_EQ(error_of(edited("gpt3/5b.yaml", "num_nodes: 16", "num_nodes: sixteen")),
              "5b.yaml:3: train_settings.num_nodes: expected an integer from 1 to 100000, got 'sixteen'");
    EXPECT_EQ(error_of(edited("gpt3/5b.yaml", "num_nodes: 16", "num_nodes: -2")),
              "5b.yaml:3: train_settings.num_nodes: expected an integer from 1 to 100000, got '-2'");
    EXPECT_EQ(error_of(edited("gpt3/5b.yaml", "tensor_parallel_sizes: auto", "tensor_parallel_sizes: [1, two]")),
              "5b.yaml:17: train_settings.tensor_parallel_sizes: expected auto or a list of positive integers such as [1, 2, 4], got '[1, two]'");
    EXPECT_EQ(error_of(edited("gpt3/5b.yaml", "    topp: 0.0", "    topp: 2")),
              "5b.yaml:40: inference_settings.benchmark.topp: '2' is outside 0 to 1");
    std::string both = edited("gpt3/5b.yaml", "min_model_parallel_size: auto", "min_model_parallel_size: 16");
    both.replace(both.find("max_model_parallel_size: auto"), 29, "max_model_parallel_size: 8");
    EXPECT_EQ(error_of(both),
              "5b.yaml:19: train_settings.min_model_parallel_size: 16 is larger than max_model_parallel_size 8");
}

TEST(SearchConfigErrors, BrokenYamlGivesTheLine) {
    const std::string message = error_of(edited("gpt3/5b.yaml", "  gpus_per_node: 8\n", "  gpus_per_node: [8\n"));
    EXPECT_EQ(message.rfind("5b.yaml:", 0), 0u) << message;
    EXPECT_NE(message.find("not valid YAML"), std::string::npos) << message;
    EXPECT_EQ(error_of("- just\n- a list\n"), "5b.yaml: expected a mapping with train_settings (a NeMo launcher search config)");
    EXPECT_EQ(error_of("train_settings:\n  num_nodes: 2\n"),
              "5b.yaml: train_settings.model_size_in_b: missing (every NeMo search config sets it)");
    EXPECT_EQ(error_of("train_settings: 5\n"), "5b.yaml:1: train_settings: expected a section (a mapping of keys)");
}

TEST(SearchConfigErrors, OverridesAreNamed) {
    const std::string text = fixture("gpt3/5b.yaml");
    EXPECT_EQ(error_of(text, {"train_settings.num_nodes=4", "train_settings.nodes=4"}),
              "override 2 'train_settings.nodes=4': train_settings.nodes: unknown key (trainplan generate --help lists the search-config keys)");
    EXPECT_EQ(error_of(text, {"train_settings.num_nodes=x"}),
              "override 1 'train_settings.num_nodes=x': train_settings.num_nodes: expected an integer from 1 to 100000, got 'x'");
    EXPECT_EQ(error_of(text, {"train_settings.num_nodes"}), "override 1 'train_settings.num_nodes': train_settings.num_nodes: expected key.path=value");
    EXPECT_EQ(error_of(text, {"train_settings=3"}),
              "override 1 'train_settings=3': train_settings: unknown key (trainplan generate --help lists the search-config keys)");
    const std::string bad_yaml = error_of(text, {"train_settings.micro_batch_sizes=[1,2"});
    EXPECT_EQ(bad_yaml.rfind("override 1 'train_settings.micro_batch_sizes=[1,2': train_settings.micro_batch_sizes: not a YAML value", 0), 0u)
        << bad_yaml;
}

}  // namespace
}  // namespace tp
