// The session file: written and read back without loss; hostile or broken files get a message that
// names the JSON path (or line and column), never a crash.
#include <gtest/gtest.h>

#include "hf_config.hpp"
#include "model_presets.hpp"
#include "session.hpp"

namespace tp {
namespace {

using nlohmann::json;

Session example_session() {
    Session s;
    s.inputs.model = *model_preset_find("mixtral-8x7b");
    s.inputs.model_preset = "mixtral-8x7b";
    s.inputs.gpu = "h100-sxm";
    s.inputs.training.nodes = 8;
    s.inputs.training.gpus_per_node = 8;
    s.inputs.training.seq = 8192;
    s.inputs.training.gbs = 512;
    s.inputs.training.precision = Precision::fp8;
    s.inputs.training.framework = Framework::megatron;
    s.inputs.training.memory_margin = 0.1;
    s.inputs.search_space.tp = {2, 4};
    s.inputs.search_space.ep = {1, 8};
    s.inputs.search_space.recompute = {{Recompute::none, 0}, {Recompute::full, 2}};
    s.inputs.search_space.sharding = {OptimizerSharding::distributed};
    s.inputs.heuristics = "trainplan";
    s.inputs.top = 5;
    s.inputs.budget = {3.5, 1000, 180, 0.35, "llama", true};
    s.plan = {{"note", "kept as written"}};
    s.runs = json::array({{{"name", "run0"}, {"status", "finished"}}});
    return s;
}

TEST(Session, RoundTripKeepsEveryInput) {
    const Session s = example_session();
    const std::string text = session_to_json(s);
    Result<Session> back = session_parse(text, "plan.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(session_to_json(*back), text);  // byte for byte: nothing dropped, nothing added
    const SessionInputs& in = back->inputs;
    EXPECT_EQ(in.model.moe.experts, 8);
    EXPECT_EQ(in.model.moe.top_k, 2);
    EXPECT_EQ(in.training.nodes, 8);
    EXPECT_EQ(in.training.gbs, 512);
    EXPECT_EQ(in.training.precision, Precision::fp8);
    EXPECT_EQ(in.search_space.tp, (std::vector<int>{2, 4}));
    EXPECT_TRUE(in.search_space.pp.empty());  // auto
    ASSERT_EQ(in.search_space.recompute.size(), 2u);
    EXPECT_EQ(in.search_space.recompute[1].layers, 2);
    EXPECT_EQ(back->runs[0]["status"], "finished");
    EXPECT_EQ(in.budget.days, 3.5);
    EXPECT_EQ(in.budget.tokens_b, 1000);
    EXPECT_EQ(in.budget.mfu, 0.35);
    EXPECT_EQ(in.budget.family, "llama");
    EXPECT_TRUE(in.budget.days_for_model);
}

TEST(Session, ModelFromConfigJsonTravelsWhole) {
    // A model with no preset: every architecture field is in the file, so the reader needs nothing else.
    Session s = example_session();
    s.inputs.model_preset.clear();
    s.inputs.model = *model_preset_find("gemma2-9b");
    s.inputs.model.name = "my-gemma";
    s.inputs.model.vocab = 256000;
    Result<Session> back = session_parse(session_to_json(s), "plan.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->inputs.model.name, "my-gemma");
    EXPECT_EQ(back->inputs.model.head_dim, s.inputs.model.head_dim);
    EXPECT_EQ(back->inputs.model.extra_norms_per_layer, s.inputs.model.extra_norms_per_layer);
    EXPECT_EQ(model_param_counts(back->inputs.model).total, model_param_counts(s.inputs.model).total);
}

TEST(Session, APresetAloneIsEnough) {
    Result<Session> s = session_parse(R"({"format": "trainplan-session", "schema_version": 1,
        "inputs": {"model": {"preset": "llama3-70b"}, "cluster": {"nodes": 4}}})",
                                      "short.json");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->inputs.model.layers, 80);
    EXPECT_EQ(s->inputs.training.nodes, 4);
    EXPECT_EQ(s->inputs.training.gpus_per_node, 8);  // default
}

std::string error_of(const std::string& text) {
    Result<Session> s = session_parse(text, "plan.json");
    EXPECT_FALSE(s) << text;
    return s ? "" : s.error().message;
}

// The example session with one field replaced (a JSON pointer such as /inputs/cluster/nodes).
std::string with(const char* pointer, const json& value) {
    json doc = json::parse(session_to_json(example_session()));
    doc[json::json_pointer(pointer)] = value;
    return doc.dump();
}

TEST(SessionErrors, NameTheField) {
    EXPECT_EQ(error_of(with("/inputs/cluster/nodes", "eight")),
              "plan.json: inputs.cluster.nodes: expected an integer from 1 to 100000, got \"eight\"");
    EXPECT_EQ(error_of(with("/inputs/cluster/nodes", 0)), "plan.json: inputs.cluster.nodes: expected an integer from 1 to 100000, got 0");
    EXPECT_EQ(error_of(with("/inputs/cluster/nodes", 1e300)),
              "plan.json: inputs.cluster.nodes: expected an integer from 1 to 100000, got 1e+300");
    EXPECT_EQ(error_of(with("/inputs/cluster/nodes", 18446744073709551615ULL)),
              "plan.json: inputs.cluster.nodes: expected an integer from 1 to 100000, got 18446744073709551615");
    EXPECT_EQ(error_of(with("/inputs/cluster/gpu", "h999")).rfind("plan.json: inputs.cluster.gpu: ", 0), 0u);
    EXPECT_EQ(error_of(with("/inputs/training/precision", "fp4")).rfind("plan.json: inputs.training.precision: ", 0), 0u);
    EXPECT_EQ(error_of(with("/inputs/search_space/tp", json::array({1, -2}))),
              "plan.json: inputs.search_space.tp[1]: expected an integer from 1 to 1000000, got -2");
    EXPECT_EQ(error_of(with("/inputs/search_space/recompute", json::array({"full:x"}))).rfind("plan.json: inputs.search_space.recompute[0]: ", 0),
              0u);
    EXPECT_EQ(error_of(with("/inputs/mode/heuristics", "magic")), "plan.json: inputs.mode.heuristics: 'magic' is not one of trainplan, nemo");
    EXPECT_EQ(error_of(with("/inputs/model/layers", -1)), "plan.json: inputs.model.layers: expected an integer from 0 to 100000, got -1");
    EXPECT_EQ(error_of(with("/inputs/model/position", "alibi")),
              "plan.json: inputs.model.position: 'alibi' is not one of rotary, learned, relative");
    EXPECT_EQ(error_of(with("/inputs/model/moe/experts", "8")), "plan.json: inputs.model.moe.experts: expected an integer from 0 to 4194304, got \"8\"");
    EXPECT_EQ(error_of(with("/inputs/cluster/nodez", 3)),
              "plan.json: inputs.cluster.nodez: unknown key (known: gpu, nodes, gpus_per_node)");
    EXPECT_EQ(error_of(with("/runs", "none")), "plan.json: runs: expected a list, got \"none\"");
    EXPECT_EQ(error_of(with("/inputs/budget/days", 0)), "plan.json: inputs.budget.days: expected a number from 0.001 to 1000000.0, got 0");
    EXPECT_EQ(error_of(with("/inputs/budget/mfu", 1.5)), "plan.json: inputs.budget.mfu: expected a number from 0.0 to 1.0, got 1.5");
    EXPECT_EQ(error_of(with("/inputs/budget/family", "gpt9")),
              "plan.json: inputs.budget.family: 'gpt9' is not a NeMo model family (gpt3, llama, ...)");
    EXPECT_EQ(error_of(with("/inputs/budget/question", "both")),
              "plan.json: inputs.budget.question: 'both' is not one of size_for_days, days_for_model");
    EXPECT_EQ(error_of(with("/inputs/model/preset", "llama9")).rfind("plan.json: inputs.model.preset: ", 0), 0u);
}

TEST(SessionErrors, WrongDocumentOrVersion) {
    EXPECT_EQ(error_of(with("/schema_version", 2)),
              "plan.json: schema_version: the file is schema 2, this trainplan reads up to 1 (update trainplan)");
    EXPECT_EQ(error_of(with("/format", "nemo")), "plan.json: format: expected \"trainplan-session\" (is this a trainplan session file?)");
    EXPECT_EQ(error_of("[1, 2]"), "plan.json: (top level): expected a JSON object, got [1,2]");
    EXPECT_EQ(error_of(R"({"format": "trainplan-session", "schema_version": 1})"), "plan.json: inputs: missing");
    const std::string broken = error_of("{\n  \"format\": \"trainplan-session\",\n  \"schema_version\": 1,\n  \"inputs\": {,\n}");
    EXPECT_EQ(broken.rfind("plan.json: line 4, column 14: not valid JSON", 0), 0u) << broken;
}

TEST(SessionErrors, TruncatedFilesNeverCrash) {
    // Every prefix of a valid session is either valid or an error with the file's name: never a crash.
    const std::string text = session_to_json(example_session());
    for (size_t n = 0; n < text.size(); n += 7) {
        Result<Session> s = session_parse(text.substr(0, n), "cut.json");
        if (!s) {
            EXPECT_EQ(s.error().message.rfind("cut.json: ", 0), 0u) << s.error().message;
        }
    }
}

}  // namespace
}  // namespace tp
