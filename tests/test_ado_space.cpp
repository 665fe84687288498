// test_ado_space.cpp — ado space files (errors name the file, line and key) and the fine-tuning sweep
// over ado AutoConf's 3,960-point example (examples/ado_sweep/space.yaml).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ado_space.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

std::string example_space() {
    std::ifstream in(std::string(TRAINPLAN_SOURCE_DIR) + "/examples/ado_sweep/space.yaml");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string parse_error(const std::string& yaml) {
    Result<AdoSpace> s = ado_space_parse(yaml, "space.yaml");
    return s.ok() ? "" : s.error().message;
}

TEST(AdoSpace, ParsesAdoExample) {
    Result<AdoSpace> s = ado_space_parse(example_space(), "space.yaml");
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(s->dimensions.size(), 6u);
    EXPECT_EQ(s->dimensions[0].identifier, "model_name");
    EXPECT_EQ(s->dimensions[0].values.size(), 22u);
    EXPECT_EQ(s->dimensions[1].values, (std::vector<std::string>{"512", "1024", "2048", "4096", "8192"}));
    EXPECT_EQ(s->size(), 3960u);  // 22 x 5 x 6 x 3 x 2 x 1
}

TEST(AdoSpace, ErrorsNameFileLineAndKey) {
    EXPECT_EQ(parse_error("entitySpace:\n  - identifier: a\n    propertyDomain:\n      values: [1]\n"
                          "  - identifier: b\n    propertyDomain:\n      values: 7\n"),
              "space.yaml:7: entitySpace[1].propertyDomain.values: expected a list");
    EXPECT_EQ(parse_error("experiments: []\n"), "space.yaml: entitySpace: missing (expected a list of {identifier, propertyDomain})");
    EXPECT_EQ(parse_error("entitySpace: {a: 1}\n"), "space.yaml:1: entitySpace: expected a list");
    EXPECT_EQ(parse_error("entitySpace:\n  - propertyDomain: {values: [1]}\n"), "space.yaml:2: entitySpace[0].identifier: missing");
    EXPECT_EQ(parse_error("entitySpace:\n  - identifier: a\n"), "space.yaml:2: entitySpace[0].propertyDomain: missing");
    EXPECT_EQ(parse_error("entitySpace:\n  - identifier: a\n    propertyDomain:\n      values: []\n"),
              "space.yaml:4: entitySpace[0].propertyDomain.values: expected at least one value");
    EXPECT_EQ(parse_error("entitySpace:\n  - identifier: a\n    propertyDomain:\n      values: [[1]]\n"),
              "space.yaml:4: entitySpace[0].propertyDomain.values[0]: expected a scalar");
    EXPECT_NE(parse_error("entitySpace: [\n").find("space.yaml:2: not valid YAML"), std::string::npos) << parse_error("entitySpace: [\n");
    EXPECT_NE(parse_error("entitySpace:\n  - identifier: a\n    propertyDomain: {values: [1]}\n  - identifier: a\n    propertyDomain: {values: [2]}\n")
                  .find("'a' repeats the entry on line 2"),
              std::string::npos);
}

TEST(AdoSpace, DiscreteRanges) {
    Result<AdoSpace> s = ado_space_parse("entitySpace:\n  - identifier: batch_size\n    propertyDomain:\n      domainRange: [1, 9]\n      interval: 2\n", "s.yaml");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->dimensions[0].values, (std::vector<std::string>{"1", "3", "5", "7"}));
    EXPECT_EQ(parse_error("entitySpace:\n  - identifier: b\n    propertyDomain:\n      domainRange: [1, 9]\n"),
              "space.yaml:4: entitySpace[0].propertyDomain.interval: missing (a continuous range has no points to sweep)");
}

TEST(FinetuneSweep, AdoExampleEveryPoint) {
    Result<AdoSpace> s = ado_space_parse(example_space(), "space.yaml");
    ASSERT_TRUE(s.ok());
    Result<SweepTable> t = finetune_sweep(*s, FinetuneRequest{}, "space.yaml");
    ASSERT_TRUE(t.ok()) << t.error().message;
    ASSERT_EQ(t->rows.size(), 3960u);
    EXPECT_EQ(t->header, (std::vector<std::string>{"model_name", "tokens_per_sample", "batch_size", "gpu_model", "method",
                                                   "model_version", "can_recommend", "gpus", "workers", "reason"}));
    // First point: granite-3.1-2b, 512 tokens, batch 1, A100 SXM, full: one GPU.
    EXPECT_EQ(t->rows[0][0], "granite-3.1-2b");
    EXPECT_EQ(t->rows[0][6], "1");
    EXPECT_EQ(t->rows[0][7], "1");
    EXPECT_EQ(t->rows[0][8], "1");
    size_t unknown = 0;
    for (const auto& row : t->rows) {
        if (row[0] == "llama-13b") {
            EXPECT_EQ(row[6], "0");
            EXPECT_NE(row[9].find("unknown model 'llama-13b'"), std::string::npos) << row[9];
            ++unknown;
        }
        if (row[6] == "1") {
            EXPECT_FALSE(row[7].empty());
        }
    }
    EXPECT_EQ(unknown, 180u);  // 5 x 6 x 3 x 2
    EXPECT_GT(t->recommended, 1500u);
}

TEST(FinetuneSweep, MissingOrBadDimensions) {
    Result<AdoSpace> s = ado_space_parse("entitySpace:\n  - identifier: model_name\n    propertyDomain: {values: [llama-7b]}\n", "s.yaml");
    ASSERT_TRUE(s.ok());
    Result<SweepTable> t = finetune_sweep(*s, FinetuneRequest{}, "s.yaml");
    ASSERT_FALSE(t.ok());
    EXPECT_NE(t.error().message.find("s.yaml: entitySpace: missing 'method'"), std::string::npos) << t.error().message;
    Result<AdoSpace> bad = ado_space_parse(
        "entitySpace:\n  - identifier: model_name\n    propertyDomain: {values: [llama-7b]}\n"
        "  - identifier: method\n    propertyDomain: {values: [lora]}\n"
        "  - identifier: gpu_model\n    propertyDomain: {values: [L40S]}\n"
        "  - identifier: tokens_per_sample\n    propertyDomain: {values: [512, lots]}\n"
        "  - identifier: batch_size\n    propertyDomain: {values: [8]}\n",
        "s.yaml");
    ASSERT_TRUE(bad.ok());
    Result<SweepTable> tb = finetune_sweep(*bad, FinetuneRequest{}, "s.yaml");
    ASSERT_FALSE(tb.ok());
    EXPECT_EQ(tb.error().message, "s.yaml:8: entitySpace[3].propertyDomain.values[1]: 'lots' is not a positive integer (tokens_per_sample)");
}

}  // namespace
}  // namespace tp
