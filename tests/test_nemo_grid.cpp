// NeMo conformance for the candidate grid (core/nemo_grid.hpp), one gtest per upstream case:
//   - nemo2_generate_configs_cases.json: NVIDIA/NeMo@8cfedd72 test_generate_configs.py as data
//     (8 upstream tests + 2 reference runs of the stored code): the ordered candidate list
//     [tp, pp, cp, ep, mbs, vp, gbs, name] and the exact printed lines;
//   - launcher_unit_test_cases.json, TestCalculateTpPpMbsGrid (NeMo-Framework-Launcher@26e42fa9,
//     41 cases): _calculate_tp_pp_mbs_grid compared with the value the upstream code returns;
//   - heuristics_tables.json: every row of every table this grid implements, at its inclusive
//     bound and halfway below it, plus what happens above the last row;
//   - the launcher's full candidate loop (generate_grid_search_configs): upstream has no test of
//     it, so the expected values below are derived by hand from the code (see each test), and the
//     loop is cross-checked against every TestCalculateTpPpMbsGrid case.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base_config.hpp"
#include "nemo_grid.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

using nlohmann::json;
using test::load_shared_json;

using test::Case;
using test::case_name;

// NeMo's "auto" (or an absent key) is nullopt; a list is the user's list.
std::optional<std::vector<int>> list_or_auto(const json& obj, const char* key) {
    if (!obj.contains(key) || obj[key].is_null() || obj[key].is_string()) return std::nullopt;
    return obj[key].get<std::vector<int>>();
}
std::optional<int> int_or_auto(const json& obj, const char* key) {
    if (!obj.contains(key) || obj[key].is_null() || obj[key].is_string()) return std::nullopt;
    return obj[key].get<int>();
}
// The *_parallel_sizes and micro_batch_sizes lists a NeMo config gives ("auto" = nullopt).
void set_lists(NemoGridInput& in, const json& obj) {
    in.tp = list_or_auto(obj, "tensor_parallel_sizes");
    in.pp = list_or_auto(obj, "pipeline_parallel_sizes");
    in.cp = list_or_auto(obj, "context_parallel_sizes");
    in.ep = list_or_auto(obj, "expert_parallel_sizes");
    in.mbs = list_or_auto(obj, "micro_batch_sizes");
}
// One TestCalculateTpPpMbsGrid case as the launcher's grid reads it.
NemoGridInput launcher_grid_input(const json& c) {
    const json& cfg = c["train_cfg"];
    NemoGridInput in;
    in.model_type = c["model_name"];
    in.model_size_b = c["model_size"];
    in.layers = c["layers"];
    in.seq = c["seq_length"];
    in.gpu_memory_gb = cfg["gpu_memory_gb"];
    set_lists(in, cfg);
    in.min_model_parallel = int_or_auto(cfg, "min_model_parallel_size");
    in.max_model_parallel = int_or_auto(cfg, "max_model_parallel_size");
    return in;
}
json opt_json(const std::optional<int>& v) { return v ? json(*v) : json(nullptr); }
json opt_list_json(const std::vector<std::optional<int>>& v) {
    json out = json::array();
    for (const auto& x : v) out.push_back(opt_json(x));
    return out;
}

// ---- NeMo 2.0: generate_grid_search_configs --------------------------------------------------
std::vector<Case> nemo2_generate_cases() {
    std::vector<Case> out;
    const json d = load_shared_json("nemo/nemo2_generate_configs_cases.json");
    int i = 0;
    for (const json& c : d["cases"]) out.push_back({test::test_name(std::to_string(i++) + "_" + c["case"].get<std::string>()), c});
    return out;
}

class Nemo2GenerateConfigs : public testing::TestWithParam<Case> {};
TEST_P(Nemo2GenerateConfigs, MatchesUpstream) {
    const json& c = GetParam().data;
    const json& x = c["inputs"];
    NemoGridInput in;
    in.model_type = x["model_type"];
    in.model_size_b = x["model_size_in_b"];
    in.model_size_is_float = x["model_size_in_b"].is_number_float();
    in.layers = x["num_layers"];
    in.heads = x["num_attention_heads"];
    in.seq = x["seq_length"];
    in.nodes = x["num_nodes"];
    in.gpus_per_node = x["gpus_per_node"];
    in.gpu_memory_gb = x["gpu_memory_gb"];
    in.gbs = int_or_auto(x, "global_batch_size");
    set_lists(in, x);
    in.min_model_parallel = int_or_auto(x, "min_model_parallel_size(after runner auto-resolution)");
    in.max_model_parallel = int_or_auto(x, "max_model_parallel_size(after runner auto-resolution)");

    Result<NemoGrid> r = nemo_generate_grid(in);
    ASSERT_TRUE(r.ok()) << r.error().message;
    json got = json::array(), want = json::array();
    for (const NemoCandidate& k : r->configs)
        got.push_back({k.tp, k.pp, opt_json(k.cp), opt_json(k.ep), k.mbs, opt_json(k.vp), k.gbs, k.name});
    for (const json& k : c["configs"])
        want.push_back({k["tp"], k["pp"], k["cp"], k["ep"], k["mbs"], k["vp"], k["gbs"], k["name"]});
    EXPECT_EQ(got, want);
    EXPECT_EQ(json(r->stdout_lines), c["stdout_lines"]);
}
INSTANTIATE_TEST_SUITE_P(Nemo, Nemo2GenerateConfigs, testing::ValuesIn(nemo2_generate_cases()), case_name);

// ---- launcher: _calculate_tp_pp_mbs_grid -----------------------------------------------------
std::vector<Case> launcher_grid_cases() {
    return test::launcher_cases("auto_configurator/tests/code_tests/test_training_config.py", "TestCalculateTpPpMbsGrid");
}

class LauncherTpPpMbsGrid : public testing::TestWithParam<Case> {};
TEST_P(LauncherTpPpMbsGrid, MatchesUpstream) {
    const json& c = GetParam().data;
    Result<NemoGridSpace> r = nemo_grid_space(launcher_grid_input(c), NemoFlavor::launcher);
    ASSERT_TRUE(r.ok()) << r.error().message;
    const json got = {{"tp", r->tp}, {"pp", r->pp}, {"cp", opt_list_json(r->cp)}, {"ep", opt_list_json(r->ep)},
                      {"mbs", r->mbs}, {"min_par", r->min_model_parallel}, {"max_par", r->max_model_parallel}};
    EXPECT_EQ(got, c["actual_output"]);
    EXPECT_FALSE(r->gbs.has_value());  // the launcher's grid functions return no GBS
}
INSTANTIATE_TEST_SUITE_P(Nemo, LauncherTpPpMbsGrid, testing::ValuesIn(launcher_grid_cases()), case_name);

// ---- heuristics_tables.json: every implemented table, row by row --------------------------------
// Which (flavour, family, seq lengths) reads each table. NeMo 2.0's T5GridSearch and
// BertGridSearch tables are not listed: the NeMo 2.0 runner accepts GPT-based models only, so
// nemo_grid_space(nemo2) refuses those families (tested below) instead of carrying dead tables.
struct TableUse {
    std::string section;
    std::string table;
    NemoFlavor flavor;
    std::vector<std::string> families;
    int gpu_memory_gb;
    std::vector<int> seqs;
    std::string defaults_section;  // where the "no branch matches" values live
    std::string defaults_key;      // empty: upstream raises above the last row
};

std::vector<TableUse> table_uses() {
    const std::string n2 = "nemo2_grid_search_tables(core/training_config.py)";
    const std::string l = "launcher_grid_tables(autoconfig/training_config.py)";
    const std::string n2def = "nemo2_grid_defaults_when_no_branch_matches";
    const std::string ldef = "launcher_grid_defaults_when_no_branch_matches";
    const std::vector<std::string> gpt2 = {"llama", "gpt3", "nemotron"}, gptl = {"gpt3", "llama", "mixtral"};
    std::vector<TableUse> out;
    for (int seq : {2048, 4096, 8192, 16384, 32768}) {
        const std::string s = std::to_string(seq);
        out.push_back({n2, "gpt_based_80gb_seq" + s, NemoFlavor::nemo2, gpt2, 80, {seq}, n2def, "GPT3GridSearch"});
        out.push_back({n2, "gpt_based_40gb_seq" + s, NemoFlavor::nemo2, gpt2, 40, {seq}, n2def, "GPT3GridSearch"});
        out.push_back({l, "gpt3_like_80gb_seq" + s, NemoFlavor::launcher, gptl, 80, {seq}, ldef, "gpt3_80gb"});
    }
    out.push_back({l, "gpt3_like_40gb_any_seq", NemoFlavor::launcher, gptl, 40, {2048, 8192}, ldef, "gpt3_40gb"});
    out.push_back({l, "t5_mt5_80gb", NemoFlavor::launcher, {"t5", "mt5"}, 80, {512}, ldef, "t5_80gb/40gb"});
    out.push_back({l, "t5_mt5_40gb", NemoFlavor::launcher, {"t5", "mt5"}, 40, {512}, ldef, "t5_80gb/40gb"});
    out.push_back({l, "bert_80gb", NemoFlavor::launcher, {"bert"}, 80, {512}, ldef, ""});
    out.push_back({l, "bert_40gb", NemoFlavor::launcher, {"bert"}, 40, {512}, ldef, ""});
    return out;
}

// valid_pp as heuristics_tables.json's note defines it: divisors of num_layers, or for T5/mT5
// [1] + 2·divisors (encoder + decoder).
std::vector<int> json_valid_pp(int layers, bool t5) {
    std::vector<int> out;
    if (t5) out.push_back(1);
    for (int x = 1; x <= layers; ++x)
        if (layers % x == 0) out.push_back((t5 ? 2 : 1) * x);
    return out;
}

std::vector<Case> table_cases() {
    std::vector<Case> out;
    const json d = load_shared_json("nemo/heuristics_tables.json");
    for (const TableUse& u : table_uses()) {
        const json& rows = d[u.section][u.table];
        double previous = 0;
        int i = 0;
        for (const json& row : rows) {
            const json& bound = row["max_model_size_in_b_inclusive"];
            json item = {{"flavor", u.flavor == NemoFlavor::nemo2 ? "nemo2" : "launcher"}, {"families", u.families},
                         {"gpu_memory_gb", u.gpu_memory_gb}, {"seqs", u.seqs}, {"row", row}};
            if (bound.is_number()) {
                item["sizes"] = {bound.get<double>(), (previous + bound.get<double>()) / 2};
                previous = bound.get<double>();
            } else {  // past the last branch
                item["sizes"] = {previous + 1, previous * 10};
                if (!u.defaults_key.empty()) item["row"] = d[u.defaults_section][u.defaults_key];
                else item["raises"] = true;
            }
            out.push_back({test::test_name(std::string(u.flavor == NemoFlavor::nemo2 ? "nemo2_" : "launcher_") + u.table +
                                           "_row" + std::to_string(i++)),
                           item});
        }
    }
    return out;
}

class NemoGridTables : public testing::TestWithParam<Case> {};
TEST_P(NemoGridTables, RowMatchesHeuristicsTablesJson) {
    const json& c = GetParam().data;
    const NemoFlavor flavor = c["flavor"] == "nemo2" ? NemoFlavor::nemo2 : NemoFlavor::launcher;
    const json& row = c["row"];
    for (const std::string family : c["families"])
        for (int seq : c["seqs"])
            for (double size : c["sizes"])
                for (int layers : {24, 96, 7560}) {
                    SCOPED_TRACE(family + " seq " + std::to_string(seq) + " size " + std::to_string(size) + " layers " +
                                 std::to_string(layers));
                    NemoGridInput in;
                    in.model_type = family;
                    in.model_size_b = size;
                    in.layers = layers;
                    in.seq = seq;
                    in.gpu_memory_gb = c["gpu_memory_gb"];
                    Result<NemoGridSpace> r = nemo_grid_space(in, flavor);
                    if (c.contains("raises")) {
                        ASSERT_FALSE(r.ok());
                        EXPECT_NE(r.error().message.find("larger than 250B"), std::string::npos) << r.error().message;
                        continue;
                    }
                    ASSERT_TRUE(r.ok()) << r.error().message;
                    std::vector<int> pp;
                    if (row["pp"].is_array()) {
                        pp = row["pp"].get<std::vector<int>>();
                    } else {
                        const int lo = row["pp"]["from_valid_pp_between"][0], hi = row["pp"]["from_valid_pp_between"][1];
                        for (int x : json_valid_pp(layers, family == "t5" || family == "mt5"))
                            if (lo <= x && x <= hi) pp.push_back(x);
                    }
                    EXPECT_EQ(json(r->tp), row["tp"]);
                    EXPECT_EQ(r->pp, pp);
                    EXPECT_EQ(opt_list_json(r->cp), row["cp"]);
                    EXPECT_EQ(opt_list_json(r->ep), row["ep"]);
                    EXPECT_EQ(json(r->mbs), row["mbs"]);
                    EXPECT_EQ(r->min_model_parallel, row.contains("min") ? row["min"] : row["min_model_parallel"]);
                    EXPECT_EQ(r->max_model_parallel, row.contains("max") ? row["max"] : row["max_model_parallel"]);
                    if (flavor == NemoFlavor::nemo2) {
                        EXPECT_EQ(opt_json(r->gbs), row["gbs"]);
                    }
                }
}
INSTANTIATE_TEST_SUITE_P(Nemo, NemoGridTables, testing::ValuesIn(table_cases()), case_name);

// ---- what NeMo refuses -------------------------------------------------------------------------
NemoGridInput llama_8b() {
    NemoGridInput in;
    in.model_type = "llama";
    in.model_size_b = 8;
    in.layers = 32;
    in.heads = 32;
    in.seq = 8192;
    in.nodes = 16;
    in.gpus_per_node = 8;
    in.gbs = 1024;
    return in;
}

TEST(NemoGridErrors, OnlyFortyAndEightyGigabyteTables) {
    NemoGridInput in = llama_8b();
    in.gpu_memory_gb = 96;
    Result<NemoGrid> r = nemo_generate_grid(in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--gpu-memory-gb"), std::string::npos) << r.error().message;
}

TEST(NemoGridErrors, Nemo2RunnerRefusesT5AndBert) {
    for (const char* family : {"t5", "mt5", "bert"}) {
        NemoGridInput in = llama_8b();
        in.model_type = family;
        Result<NemoGridSpace> r = nemo_grid_space(in, NemoFlavor::nemo2);
        ASSERT_FALSE(r.ok()) << family;
        EXPECT_EQ(r.error().kind, ErrorKind::unsupported);
        EXPECT_TRUE(nemo_grid_space(in, NemoFlavor::launcher).ok()) << family;
    }
}

TEST(NemoGridErrors, LauncherHasNoTableForMistral) {
    NemoGridInput in = llama_8b();
    in.model_type = "mistral";
    Result<NemoGridSpace> r = nemo_grid_space(in, NemoFlavor::launcher);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::unsupported);
    EXPECT_TRUE(nemo_grid_space(in, NemoFlavor::nemo2).ok());
}

TEST(NemoGridErrors, NonPositiveSizesNameTheirField) {
    NemoGridInput in = llama_8b();
    in.tp = std::vector<int>{2, 0};
    Result<NemoGrid> r = nemo_generate_grid(in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--tp"), std::string::npos) << r.error().message;
    in = llama_8b();
    in.nodes = 0;
    r = nemo_generate_grid(in);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--nodes"), std::string::npos) << r.error().message;
}

// An MBS listed twice prints its line twice but makes one config (a dict keyed by name upstream).
TEST(NemoGrid, RepeatedMbsKeepsOneConfig) {
    NemoGridInput in = llama_8b();
    in.tp = std::vector<int>{2};
    in.pp = std::vector<int>{1};
    in.cp = std::vector<int>{1};
    in.mbs = std::vector<int>{1, 1};
    Result<NemoGrid> r = nemo_generate_grid(in);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->configs.size(), 1u);
    EXPECT_EQ(r->configs[0].name, "llama_8b_16nodes_tp_2_pp_1_cp_1_ep_1_mbs_1_vp_None");
    ASSERT_EQ(r->stdout_lines.size(), 3u);
    EXPECT_EQ(r->stdout_lines[0], r->stdout_lines[1]);
    EXPECT_EQ(r->stdout_lines[2], "All candidate configurations created correctly. Total number of configs: 1.");
}


// Rules the upstream cases do not reach, read from the NeMo 2.0 code itself.
// _set_activations_checkpoint_params: GPT-based models interleave whenever pp > 2, with
// num_layers // pp virtual stages; pp <= 2 prints VP=None.
TEST(NemoGrid, VirtualPipelineFromPpThree) {
    NemoGridInput in = llama_8b();
    in.layers = 24;
    in.heads = 24;
    in.nodes = 1;
    in.gpus_per_node = 6;
    in.gbs = 12;
    in.tp = std::vector<int>{1};
    in.pp = std::vector<int>{2, 3};
    in.mbs = std::vector<int>{1};
    Result<NemoGrid> r = nemo_generate_grid(in);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->configs.size(), 2u);
    EXPECT_EQ(r->configs[0].vp, std::nullopt);
    EXPECT_EQ(r->configs[1].vp, 8);
    EXPECT_EQ(r->configs[1].name, "llama_8b_1nodes_tp_1_pp_3_cp_1_ep_1_mbs_1_vp_8");
    EXPECT_EQ(r->stdout_lines[1], "Valid config: SeqLen=8192, GBS=12, MBS=1, TP=1, PP=3, CP=1, EP=1, VP=8. Adding to directory.");
}

// generate_grid_search_configs counts CP and EP in the model-parallel size; modify_cfg then
// divides the GPUs by tp * pp only, so a (tp, pp, cp, ep) tuple can pass the first filter and
// lose every MBS in the second: 16 GPUs, CP 2, GBS 8, MBS 1 -> 8 % (16 / 2) == 0 but 8 % 16 != 0.
TEST(NemoGrid, ModifyCfgIgnoresContextParallel) {
    NemoGridInput in = llama_8b();
    in.nodes = 2;
    in.gbs = 8;
    in.tp = std::vector<int>{1};
    in.pp = std::vector<int>{1};
    in.cp = std::vector<int>{2};
    in.mbs = std::vector<int>{1};
    Result<NemoGrid> r = nemo_generate_grid(in);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->configs.empty());
    EXPECT_EQ(r->stdout_lines, std::vector<std::string>{"All candidate configurations created correctly. Total number of configs: 0."});
}

// ---- launcher: _set_activations_checkpoint_params ----------------------------------------------
// The shared data has no cases for this function; these reference values come from running the
// upstream function body (the launcher copy in NVIDIA/NeMo@00bdb97 autoconfig/training_config.py,
// identical to NeMo-Framework-Launcher@0b2d3fac's) in a scratch harness on these inputs.
struct ActCase {
    const char* family;
    int layers;
    double size_b;
    int pp;
    const char* method;
    std::optional<int> vp;
    std::vector<std::optional<int>> act, num_mbs_act, act_per_pipe;
};

TEST(LauncherActCkptGrid, MatchesUpstream) {
    constexpr std::nullopt_t N = std::nullopt;
    const std::vector<ActCase> cases = {
        {"gpt3", 24, 0.843, 1, "block", N, {0, 4, 8, 12, 16, 20, 24}, {N}, {N}},
        {"gpt3", 24, 0.843, 2, "block", N, {0, 2, 4, 6, 8, 10, 12}, {1, 1, 2}, {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24}},
        {"gpt3", 24, 0.843, 3, "block", 8, {0, 1}, {1}, {0, 1, 2}},
        {"gpt3", 24, 5.0, 4, "block", 6, {0, 1}, {1}, {0, 2}},
        {"gpt3", 44, 20.0, 2, "block", N, {0, 8, 16}, {1, 1, 2}, {0, 8, 16, 24, 32, 40}},
        {"gpt3", 96, 175.0, 8, "block", 12, {0, 1}, {1, 96}, {0}},
        {"gpt3", 96, 175.0, 12, "block", 8, {0, 1}, {1, 64}, {0, 2}},
        {"llama", 80, 70.0, 4, "block", 20, {0, 1}, {1}, {0}},
        {"gpt3", 52, 43.0, 4, "block", 13, {0, 1}, {1}, {0}},
        {"t5", 24, 3.0, 1, "block", N, {0, 8, 16, 24, 32, 40, 48}, {N}, {N}},
        {"t5", 24, 3.0, 4, "block", N, {0, 2, 4, 6, 8, 10, 12}, {N}, {N}},
        {"mt5", 12, 0.39, 3, "block", N, {0, 1, 2, 3, 4, 5, 6, 7, 8}, {N}, {N}},
        {"bert", 24, 2.5, 3, "block", 8, {0, 1}, {1}, {0, 2}},
        {"gpt3", 96, 175.0, 8, "uniform", 12, {N}, {N}, {N}},
        {"t5", 48, 41.0, 6, "uniform", N, {N}, {N}, {N}},
    };
    for (const ActCase& c : cases) {
        SCOPED_TRACE(std::string(c.family) + " layers " + std::to_string(c.layers) + " pp " + std::to_string(c.pp) + " " + c.method);
        Result<NemoActCkptGrid> r = nemo_launcher_act_ckpt_grid(c.family, c.pp, c.layers, c.method, c.size_b);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->vp, c.vp);
        EXPECT_EQ(r->act_ckpt_layers, c.act);
        EXPECT_EQ(r->num_mbs_act, c.num_mbs_act);
        EXPECT_EQ(r->act_per_pipe, c.act_per_pipe);
    }
}

// Upstream divides by layers // pp, which is 0 when PP exceeds the layer count (ZeroDivisionError).
TEST(LauncherActCkptGrid, PipelineDeeperThanTheModelIsAnError) {
    Result<NemoActCkptGrid> r = nemo_launcher_act_ckpt_grid("gpt3", 16, 12, "block", 0.126);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--pp"), std::string::npos) << r.error().message;
}

// ---- launcher: generate_grid_search_configs (the full loop) ---------------------------------------
// Expected values are derived by hand from upstream (NeMo-Framework-Launcher@26e42fa9
// autoconfig/training_config.py generate_grid_search_configs, utils.py modify_cfg, read from
// their copy in NVIDIA/NeMo@00bdb97); no upstream test runs this loop.

// The gpt3/5b preset as the launcher runs it: base config from gpt3.yaml + generate_base_config
// (5B, seq 2048, 80 GB: GBS 2048; 24 layers, 32 heads), 16 nodes x 8 GPUs = 128 GPUs, and
// gpt3.yaml's activations_checkpoint_method null (no act-ckpt sub-grid).
//   space (_tp_pp_mbs_grid_gpt3_80gb, seq 2048, 4 < 5 <= 8): tp [1, 2, 4], pp [1], cp [1], ep [1],
//   mbs [1, 2, 3, 4, 6, 8], model parallel 1..8 -> pass 1 keeps all three (tp, 1, 1, 1);
//   modify_cfg: 2048 % (mbs * 128 / tp) == 0 holds for MBS 1, 2, 4, 8 and fails for 3 and 6
//   (2048 / 384 and 2048 / 768 are not integers; likewise for tp 2 and 4) -> 3 x 4 = 12 files.
NemoGridInput gpt3_5b_preset() {
    BaseConfigInputs b;
    b.model_size_b = 5, b.model_size_is_float = false, b.family = "gpt3", b.nodes = 16, b.max_training_days = 5;
    b.tokens_b = 300, b.vocab = 51200, b.seq = 2048, b.heuristics = Heuristics::nemo;
    Result<BaseConfig> cfg = base_config_generate(b);
    EXPECT_TRUE(cfg.ok());
    NemoGridInput in;
    in.model_type = "gpt3", in.model_size_b = 5, in.layers = cfg->num_layers, in.heads = cfg->heads, in.seq = 2048;
    in.nodes = 16, in.gpus_per_node = 8, in.gpu_memory_gb = 80;
    return in;
}

TEST(LauncherGenerateGrid, Gpt3FiveBillionPreset) {
    const NemoGridInput in = gpt3_5b_preset();
    ASSERT_EQ(in.layers, 24);
    ASSERT_EQ(in.heads, 32);
    Result<NemoLauncherGrid> r = nemo_launcher_generate_grid(in, 2048, "");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->configs.size(), 12u);
    std::vector<std::pair<int, int>> tp_mbs;
    for (const NemoLauncherCandidate& c : r->configs) {
        tp_mbs.emplace_back(c.tp, c.mbs);
        EXPECT_EQ(c.pp, 1);
        EXPECT_EQ(c.cp, 1);
        EXPECT_EQ(c.ep, 1);
        EXPECT_EQ(c.gbs, 2048);
        EXPECT_EQ(c.vp, std::nullopt);
        EXPECT_EQ(c.act_ckpt_layers, std::nullopt);
        EXPECT_EQ(c.results_bucket, c.mbs);  // no sub-grid: results_cfgs[mbs]
    }
    const std::vector<std::pair<int, int>> want = {{1, 1}, {1, 2}, {1, 4}, {1, 8}, {2, 1}, {2, 2},
                                                   {2, 4}, {2, 8}, {4, 1}, {4, 2}, {4, 4}, {4, 8}};
    EXPECT_EQ(tp_mbs, want);
    EXPECT_EQ(r->configs.front().name, "gpt3_5b_16nodes_tp_1_pp_1_cp_1_ep_1_mbs_1_act_ckpt_None_num_mbs_act_None_act_per_pipe_None");
    EXPECT_EQ(r->configs.back().name, "gpt3_5b_16nodes_tp_4_pp_1_cp_1_ep_1_mbs_8_act_ckpt_None_num_mbs_act_None_act_per_pipe_None");
    ASSERT_EQ(r->stdout_lines.size(), 13u);
    EXPECT_EQ(r->stdout_lines[0], "Valid config: GBS=2048, MBS=1, TP=1, PP=1, CP=1, EP=1, act_ckpt_layers=None, "
                                  "num_mbs_act=None, act_per_pipe=None. Adding to directory.");
    EXPECT_EQ(r->stdout_lines[11], "Valid config: GBS=2048, MBS=8, TP=4, PP=1, CP=1, EP=1, act_ckpt_layers=None, "
                                   "num_mbs_act=None, act_per_pipe=None. Adding to directory.");
    EXPECT_EQ(r->stdout_lines[12], "All candidate configurations created correctly.");

    // Launch order: results_cfgs[1] (the three MBS-1 files), then [2], [4], [8]; 12 < limit 100.
    const std::vector<size_t> order = nemo_launcher_launch_order(*r, 100);
    ASSERT_EQ(order.size(), 12u);
    EXPECT_EQ((std::vector<size_t>{order[0], order[1], order[2], order[3]}), (std::vector<size_t>{0, 4, 8, 1}));
}

// The llama/llama2_7b preset (custom config base_configs/llama2_7b.yaml: 32 layers, 32 heads,
// GBS 128, data seq 4096, activations_checkpoint_method block; 1 node x 8 GPUs; limit_search_runs 100).
//   space (seq 4096, 4 < 7 <= 8): tp [1, 2, 4], pp = divisors of 32 within 1..2 = [1, 2], mbs [1, 2, 4];
//   pass 1 keeps all six (tp, pp): 128 % (8 / mp) == 0 for every mp <= 8;
//   sub-grid (block, 1 <= 7 < 11.3: step 8 // pp): pp 1 -> act [0, 8, 16, 24, 32] only (5);
//   pp 2 -> act [0, 4, 8, 12, 16] x num_mbs_act [1, 1, 2] x act_per_pipe [0, 4, ..., 32] (5 x 3 x 9 = 135);
//   modify_cfg passes every MBS -> per TP 3 x (5 + 135) = 420, in all 1260 files.
// launch_grid_search_configs walks results_cfgs[0] first, which already holds 3 x (3 + 81) = 252
// names: the 100 jobs launched all have act_ckpt_layers 0.
TEST(LauncherGenerateGrid, Llama2SevenBillionBlockSubGrid) {
    NemoGridInput in;
    in.model_type = "llama", in.model_size_b = 7, in.layers = 32, in.heads = 32, in.seq = 4096;
    in.nodes = 1, in.gpus_per_node = 8, in.gpu_memory_gb = 80;
    Result<NemoLauncherGrid> r = nemo_launcher_generate_grid(in, 128, "block");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->configs.size(), 1260u);
    EXPECT_EQ(r->stdout_lines.size(), 1261u);
    EXPECT_EQ(r->configs[0].name, "llama_7b_1nodes_tp_1_pp_1_cp_1_ep_1_mbs_1_act_ckpt_0_num_mbs_act_None_act_per_pipe_None");
    EXPECT_EQ(r->configs[4].name, "llama_7b_1nodes_tp_1_pp_1_cp_1_ep_1_mbs_1_act_ckpt_32_num_mbs_act_None_act_per_pipe_None");
    // After the 15 PP-1 files: PP 2, MBS 1, act 0, the first num_mbs_act (1), act_per_pipe 0, 4, ...
    EXPECT_EQ(r->configs[15].name, "llama_7b_1nodes_tp_1_pp_2_cp_1_ep_1_mbs_1_act_ckpt_0_num_mbs_act_1_act_per_pipe_0");
    EXPECT_EQ(r->configs[16].act_per_pipe, 4);
    EXPECT_EQ(r->configs.back().name, "llama_7b_1nodes_tp_4_pp_2_cp_1_ep_1_mbs_4_act_ckpt_16_num_mbs_act_2_act_per_pipe_32");
    EXPECT_EQ(r->stdout_lines[15], "Valid config: GBS=128, MBS=1, TP=1, PP=2, CP=1, EP=1, act_ckpt_layers=0, "
                                   "num_mbs_act=1, act_per_pipe=0. Adding to directory.");
    const long long act0 = std::count_if(r->configs.begin(), r->configs.end(),
                                         [](const NemoLauncherCandidate& c) { return c.act_ckpt_layers == 0; });
    EXPECT_EQ(act0, 252);
    const std::vector<size_t> order = nemo_launcher_launch_order(*r, 100);
    ASSERT_EQ(order.size(), 100u);
    for (size_t i : order) EXPECT_EQ(r->configs[i].act_ckpt_layers, 0) << r->configs[i].name;
    EXPECT_EQ(nemo_launcher_launch_order(*r, std::nullopt).size(), 1260u);
    EXPECT_EQ(nemo_launcher_launch_order(*r, 0).size(), 1260u);  // `len(job_ids) == 0` is never true after a launch
}

// The t5/0.22b preset: base config from t5.yaml + generate_base_config (0.22B: 12 encoder layers,
// 12 heads, GBS 2048), 4 nodes x 8 GPUs, encoder activations_checkpoint_method block.
//   space (_tp_pp_mbs_grid_t5_80gb, <= 1.0): tp [1, 2], pp [1], cp = ep = [None], mbs [16, 32, 64, 128];
//   sub-grid: 0.22 < 1.0 keeps 4 // pp = 4 as the step, act = range(0, 2 * 12 + 1, 4) = 0..24 (7 values),
//   no num_mbs_act / act_per_pipe (not a GPT model); modify_cfg: 2048 % (mbs * 32 / tp) fails only
//   for tp 1, MBS 128 -> (3 + 4) x 7 = 49 files, filed under results_cfgs[act].
TEST(LauncherGenerateGrid, T5EncoderDecoderPreset) {
    BaseConfigInputs b;
    b.model_size_b = 0.22, b.family = "t5", b.nodes = 4, b.max_training_days = 4, b.tokens_b = 1000, b.vocab = 29000, b.seq = 512;
    Result<BaseConfig> cfg = base_config_generate(b);
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    ASSERT_EQ(cfg->num_layers, 12);
    ASSERT_EQ(cfg->heads, 12);
    ASSERT_EQ(cfg->gbs, 2048);
    NemoGridInput in;
    in.model_type = "t5", in.model_size_b = 0.22, in.model_size_is_float = true, in.layers = 12, in.heads = 12, in.seq = 512;
    in.nodes = 4, in.gpus_per_node = 8, in.gpu_memory_gb = 80;
    Result<NemoLauncherGrid> r = nemo_launcher_generate_grid(in, cfg->gbs, "block");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->configs.size(), 49u);
    EXPECT_EQ(r->configs[0].name, "t5_0.22b_4nodes_tp_1_pp_1_cp_None_ep_None_mbs_16_act_ckpt_0_num_mbs_act_None_act_per_pipe_None");
    EXPECT_EQ(r->configs[6].name, "t5_0.22b_4nodes_tp_1_pp_1_cp_None_ep_None_mbs_16_act_ckpt_24_num_mbs_act_None_act_per_pipe_None");
    EXPECT_EQ(r->configs.back().name, "t5_0.22b_4nodes_tp_2_pp_1_cp_None_ep_None_mbs_128_act_ckpt_24_num_mbs_act_None_act_per_pipe_None");
    EXPECT_EQ(r->stdout_lines[0], "Valid config: GBS=2048, MBS=16, TP=1, PP=1, CP=None, EP=None, act_ckpt_layers=0, "
                                  "num_mbs_act=None, act_per_pipe=None. Adding to directory.");
    for (const NemoLauncherCandidate& c : r->configs) {
        EXPECT_FALSE(c.tp == 1 && c.mbs == 128) << c.name;
        EXPECT_EQ(c.results_bucket, *c.act_ckpt_layers);
    }
}

// A user's act_ckpt_layers list replaces the sub-grid's layer counts (only where the sub-grid exists).
TEST(LauncherGenerateGrid, UserActCkptLayersReplaceTheRange) {
    NemoGridInput in;
    in.model_type = "llama", in.model_size_b = 7, in.layers = 32, in.heads = 32, in.seq = 4096;
    in.nodes = 1, in.gpus_per_node = 8;
    in.tp = std::vector<int>{1};
    in.pp = std::vector<int>{1};
    in.mbs = std::vector<int>{1};
    Result<NemoLauncherGrid> r = nemo_launcher_generate_grid(in, 128, "block", std::vector<int>{2, 6});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->configs.size(), 2u);
    EXPECT_EQ(r->configs[0].act_ckpt_layers, 2);
    EXPECT_EQ(r->configs[1].act_ckpt_layers, 6);
    Result<NemoLauncherGrid> none = nemo_launcher_generate_grid(in, 128, "", std::vector<int>{2, 6});
    ASSERT_TRUE(none.ok());
    ASSERT_EQ(none->configs.size(), 1u);
    EXPECT_EQ(none->configs[0].act_ckpt_layers, std::nullopt);
}

// results_cfgs has multiplier x layers + 1 lists; an MBS above that raises IndexError upstream.
TEST(LauncherGenerateGrid, MbsBeyondResultsListIsAnError) {
    NemoGridInput in;
    in.model_type = "gpt3", in.model_size_b = 0.126, in.model_size_is_float = true, in.layers = 12, in.heads = 12;
    in.nodes = 1, in.gpus_per_node = 8;
    in.mbs = std::vector<int>{16};
    // 1024 % (16 * 8 / tp) == 0 for tp 1 and 2: the candidate is valid, and filed under results_cfgs[16] of 13.
    Result<NemoLauncherGrid> r = nemo_launcher_generate_grid(in, 1024, "");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("--mbs 16"), std::string::npos) << r.error().message;
}

// Cross-check with the upstream TestCalculateTpPpMbsGrid cases: whatever the loop writes lies in the
// space _calculate_tp_pp_mbs_grid returns there (tp, pp, cp, ep, mbs lists and the model-parallel
// bounds), and every name spells its own values.
TEST(LauncherGenerateGrid, CandidatesLieInTheUpstreamSpace) {
    size_t total = 0;
    for (const Case& k : launcher_grid_cases()) {
        const json& c = k.data;
        const json& want = c["actual_output"];
        SCOPED_TRACE(k.name);
        NemoGridInput in = launcher_grid_input(c);
        in.model_size_is_float = c["model_size"].is_number_float();
        in.heads = 40;  // divisible by every TP the cases list (1, 2, 4, 5, 8)
        in.nodes = 2, in.gpus_per_node = 8;
        // block: exercises the act-ckpt sub-grid too; large MBS lists need a GBS they can divide.
        Result<NemoLauncherGrid> r = nemo_launcher_generate_grid(in, 7680, "block");
        ASSERT_TRUE(r.ok()) << r.error().message;
        total += r->configs.size();
        EXPECT_EQ(r->stdout_lines.size(), r->configs.size() + 1);
        auto in_list = [](const json& list, const json& v) { return std::find(list.begin(), list.end(), v) != list.end(); };
        for (const NemoLauncherCandidate& x : r->configs) {
            EXPECT_TRUE(in_list(want["tp"], x.tp)) << x.name;
            EXPECT_TRUE(in_list(want["pp"], x.pp)) << x.name;
            EXPECT_TRUE(in_list(want["cp"], opt_json(x.cp))) << x.name;
            EXPECT_TRUE(in_list(want["ep"], opt_json(x.ep))) << x.name;
            EXPECT_TRUE(in_list(want["mbs"], x.mbs)) << x.name;
            const int mp = x.tp * x.pp * x.cp.value_or(1) * x.ep.value_or(1);
            EXPECT_GE(mp, want["min_par"].get<int>()) << x.name;
            EXPECT_LE(mp, want["max_par"].get<int>()) << x.name;
            EXPECT_NE(x.name.find("_tp_" + std::to_string(x.tp) + "_pp_" + std::to_string(x.pp) + "_"), std::string::npos);
            EXPECT_NE(x.name.find("_mbs_" + std::to_string(x.mbs) + "_act_ckpt_"), std::string::npos);
        }
    }
    EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace tp
