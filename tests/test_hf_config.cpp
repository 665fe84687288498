// Hugging Face config.json import: the supported architectures give the checkpoint's exact
// parameter count; bad files give messages that name the file, the field or the line.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hf_config.hpp"
#include "model.hpp"

namespace tp {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(TRAINPLAN_SOURCE_DIR) + "/tests/data/hf/" + name);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Result<ModelSpec> parse_fixture(const std::string& name) { return hf_config_parse(fixture(name), name); }

TEST(HfConfig, ExactCountsOfRealConfigs) {
    struct Row {
        const char* file;
        double total;
        double active;
        const char* family;
    };
    const Row rows[] = {
        {"llama3_8b.json", 8030261248.0, 8030261248.0, "llama"},
        {"mixtral_8x7b.json", 46702792704.0, 12879925248.0, "mixtral"},
        {"gpt2.json", 124439808.0, 124439808.0, "gpt3"},          // HF gpt2: 124,439,808
        {"pythia_1b.json", 1011781632.0, 1011781632.0, "gpt3"},   // Pythia paper: 1,011,781,632
    };
    for (const Row& r : rows) {
        Result<ModelSpec> m = parse_fixture(r.file);
        ASSERT_TRUE(m.ok()) << r.file << ": " << m.error().message;
        const ParamCounts c = model_param_counts(*m);
        EXPECT_DOUBLE_EQ(c.total, r.total) << r.file;
        EXPECT_DOUBLE_EQ(c.active, r.active) << r.file;
        EXPECT_EQ(m->family, r.family) << r.file;
    }
}

TEST(HfConfig, PublishedCountsOfOtherArchitectures) {
    struct Row {
        const char* file;
        double total_b;  // published, rounded
        int decimals;
    };
    const Row rows[] = {{"qwen2_5_7b.json", 7.62, 2},   {"gemma_7b.json", 8.54, 2},
                        {"gemma2_9b.json", 9.24, 2},    {"starcoder2_7b.json", 7.17, 2},
                        {"granite_3_1_8b.json", 8.17, 2}, {"granite_3_1_3b_a800m.json", 3.3, 1}};
    for (const Row& r : rows) {
        Result<ModelSpec> m = parse_fixture(r.file);
        ASSERT_TRUE(m.ok()) << r.file << ": " << m.error().message;
        const double b = model_param_counts(*m).total / 1e9;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.*f", r.decimals, b);
        EXPECT_DOUBLE_EQ(std::strtod(buf, nullptr), r.total_b) << r.file << " " << b;
    }
}

TEST(HfConfig, DeepSeekMlaIsRefusedByName) {
    Result<ModelSpec> m = parse_fixture("deepseek_v3.json");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.error().kind, ErrorKind::unsupported);
    EXPECT_NE(m.error().message.find("DeepseekV3ForCausalLM"), std::string::npos);
    EXPECT_NE(m.error().message.find("multi-head latent attention"), std::string::npos);
}

TEST(HfConfig, SyntaxErrorNamesFileAndLine) {
    Result<ModelSpec> m = parse_fixture("bad_syntax.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("bad_syntax.json: invalid JSON at line 3, column 26"), std::string::npos) << m.error().message;
}

TEST(HfConfig, MissingAndMalformedFieldsAreNamed) {
    Result<ModelSpec> m = hf_config_parse(R"({"architectures":["LlamaForCausalLM"],"hidden_size":4096})", "x/config.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("x/config.json: missing required field 'num_hidden_layers'"), std::string::npos) << m.error().message;

    m = hf_config_parse(R"({"architectures":["LlamaForCausalLM"],"num_hidden_layers":"32","hidden_size":4096})", "c.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("field 'num_hidden_layers' must be a positive integer (got \"32\")"), std::string::npos)
        << m.error().message;

    m = hf_config_parse(R"({"architectures":["BloomForCausalLM"]})", "bloom.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("unsupported architecture 'BloomForCausalLM'"), std::string::npos);

    m = hf_config_parse("[1,2]", "list.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("top level must be a JSON object"), std::string::npos);

    m = hf_config_parse(R"({"model_type":"llama"})", "t.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("unsupported architecture 'model_type=llama'"), std::string::npos) << m.error().message;

    m = hf_config_parse(R"({"architectures":["LlamaForCausalLM"],"num_hidden_layers":32,"hidden_size":4096,
        "intermediate_size":14336,"num_attention_heads":32,"num_key_value_heads":7,"vocab_size":1000})", "gqa.json");
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find("kv_heads (7) must divide heads (32)"), std::string::npos) << m.error().message;
}

}  // namespace
}  // namespace tp
