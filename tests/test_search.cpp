// trainplan's own grid (core/search): the auto space, the rules and reasons, the ranking, the JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "model_presets.hpp"
#include "report.hpp"
#include "search.hpp"

namespace tp {
namespace {

TrainConfig cluster(int nodes, int seq, int gbs) {
    TrainConfig c;
    c.nodes = nodes, c.seq = seq, c.gbs = gbs;
    return c;
}

TEST(Search, AutoSpaceFollowsTheModelAndCluster) {
    const ModelSpec m = *model_preset_find("llama3-70b");  // 80 layers
    const SearchSpace s = search_auto_space(m, cluster(4, 8192, 256), SearchSpace{});
    EXPECT_EQ(s.tp, (std::vector<int>{1, 2, 4, 8}));
    EXPECT_EQ(s.pp, (std::vector<int>{1, 2, 4, 5, 8, 10, 16, 20}));  // divisors of 80 up to 32 GPUs
    EXPECT_EQ(s.cp, (std::vector<int>{1, 2, 4}));                    // 8192 / CP >= 2048
    EXPECT_EQ(s.ep, (std::vector<int>{1}));
    ASSERT_EQ(s.recompute.size(), 2u);  // selective == none under Megatron with flash attention
    EXPECT_EQ(s.recompute[1].mode, Recompute::full);
    const SearchSpace moe = search_auto_space(*model_preset_find("mixtral-8x7b"), cluster(2, 4096, 256), SearchSpace{});
    EXPECT_EQ(moe.ep, (std::vector<int>{1, 2, 4, 8}));
    TrainConfig titan = cluster(1, 4096, 64);
    titan.framework = Framework::torchtitan;
    EXPECT_EQ(search_auto_space(m, titan, SearchSpace{}).recompute.size(), 3u);
}

TEST(Search, DefaultGlobalBatchIsAboutFourMillionTokens) {
    EXPECT_EQ(search_default_gbs(8192), 512);
    EXPECT_EQ(search_default_gbs(4096), 1024);
    EXPECT_EQ(search_default_gbs(2048), 2048);
    EXPECT_EQ(search_default_gbs(131072), 32);
}

TEST(Search, RecomputeChoices) {
    EXPECT_EQ(recompute_choice_parse("full:4")->layers, 4);
    EXPECT_EQ(recompute_choice_name(*recompute_choice_parse("full:4")), "full:4");
    EXPECT_EQ(recompute_choice_parse("none")->mode, Recompute::none);
    EXPECT_FALSE(recompute_choice_parse("selective:2"));
    EXPECT_FALSE(recompute_choice_parse("full:0"));
    EXPECT_FALSE(recompute_choice_parse("partial"));
}

TEST(Search, EveryRejectionCarriesItsRuleAndCandidatesAreRanked) {
    const ModelSpec m = *model_preset_find("llama3-70b");
    const SearchResult r = search_grid(m, *gpu_find("h100-sxm"), cluster(8, 8192, 512), SearchSpace{});
    ASSERT_GT(r.candidates.size(), 10u);
    EXPECT_EQ(r.evaluated, (long long)(r.candidates.size() + r.rejected.size()));
    long long oom = 0;
    for (const Rejected& x : r.rejected) {
        EXPECT_FALSE(x.reason.empty());
        if (x.reason.rfind("out of memory: needs ", 0) == 0) ++oom;
    }
    EXPECT_EQ(oom, r.out_of_memory);
    EXPECT_GT(r.out_of_memory, 0);  // 70B at TP 1 cannot fit: removed before launch, not discovered by an OOM
    for (size_t i = 0; i < r.candidates.size(); ++i) {
        EXPECT_EQ(r.candidates[i].rank, int(i) + 1);
        EXPECT_TRUE(r.candidates[i].estimate.fits);
        if (i > 0) {
            EXPECT_LE(r.candidates[i].estimate.tokens_per_s_per_gpu, r.candidates[i - 1].estimate.tokens_per_s_per_gpu * 1.001);
        }
    }
}

TEST(Search, NodeLocalTensorParallelAndExpertParallelInsideDataParallel) {
    const ModelSpec mixtral = *model_preset_find("mixtral-8x7b");
    SearchSpace s;
    s.tp = {16}, s.pp = {1}, s.cp = {1}, s.ep = {1}, s.mbs = {1}, s.recompute = {{Recompute::full, 0}};
    SearchResult r = search_grid(mixtral, *gpu_find("h100-sxm"), cluster(2, 4096, 64), s);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_NE(r.rejected[0].reason.find("TP spans nodes"), std::string::npos) << r.rejected[0].reason;
    // EP 8 with TP 8 on 16 GPUs: DP x CP = 2 cannot hold 8 expert-parallel ranks (Megatron MoE), where
    // NeMo would count EP into the model-parallel size instead.
    s.tp = {8}, s.ep = {8};
    r = search_grid(mixtral, *gpu_find("h100-sxm"), cluster(2, 4096, 64), s);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_NE(r.rejected[0].reason.find("EP must divide DP x CP = 2"), std::string::npos) << r.rejected[0].reason;
}

TEST(Search, GridJsonCarriesTheContractKeys) {
    const ModelSpec m = *model_preset_find("llama3-8b");
    const TrainConfig base = cluster(1, 8192, 64);
    const GpuSpec gpu = *gpu_find("h100-sxm");
    const SearchResult r = search_grid(m, gpu, base, SearchSpace{});
    const nlohmann::json j = nlohmann::json::parse(grid_json(m, gpu, base, r, 3));
    ASSERT_EQ(j["candidates"].size(), 3u);
    for (const char* key : {"tp", "pp", "cp", "ep", "vp", "dp", "mbs", "gbs", "recompute", "memory_gib", "fits", "step_time_s",
                            "tokens_per_s_per_gpu", "model_tflops_per_gpu", "mfu", "rank"})
        EXPECT_TRUE(j["candidates"][0].contains(key)) << key;
    EXPECT_EQ(j["candidates"][2]["rank"], 3);
    EXPECT_EQ(j["rejected"].size(), r.rejected.size());
    ASSERT_FALSE(j["rejected"].empty());
    EXPECT_TRUE(j["rejected"][0].contains("reason"));
}

}  // namespace
}  // namespace tp
