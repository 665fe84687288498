// The NeMo launcher presets report (core/preset_report.hpp) on the real preset files of
// ../shared/data/nemo: NeMo's counts are exact (upstream logic, derived in test_nemo_grid.cpp);
// trainplan's verdicts are checked for what must hold whatever the calibration (a 558 GiB
// candidate does not fit, every top-5 entry fits, every rejection names its reason).
#include <gtest/gtest.h>

#include <algorithm>

#include "base_config.hpp"
#include "estimate.hpp"
#include "hardware.hpp"
#include "preset_report.hpp"
#include "test_data.hpp"

namespace tp {
namespace {

const PresetReport& report() {
    static const PresetReport r = [] {
        Result<PresetReport> x = preset_report_run(test::read_shared("nemo/launcher_search_config_presets.json"),
                                                   test::read_shared("nemo/launcher_base_configs_summary.json"),
                                                   *gpu_find("h100-sxm"));
        if (!x) throw std::runtime_error(x.error().message);
        return *x;
    }();
    return r;
}

const PresetRow& row(const std::string& preset) {
    const auto& rows = report().rows;
    auto it = std::find_if(rows.begin(), rows.end(), [&](const PresetRow& r) { return r.preset == preset; });
    if (it == rows.end()) throw std::runtime_error("no row " + preset);
    return *it;
}

TEST(PresetReport, OneRowPerPresetAndTotalsAddUp) {
    const PresetReport& r = report();
    ASSERT_EQ(r.rows.size(), 46u);
    int launched = 0, written = 0, oom = 0, invalid = 0;
    for (const PresetRow& x : r.rows) {
        launched += x.nemo_launched, written += x.nemo_written;
        oom += int(x.oom.size()), invalid += int(x.invalid.size());
        EXPECT_LE(x.nemo_launched, x.nemo_written) << x.preset;
        if (x.limit_search_runs > 0) {
            EXPECT_LE(x.nemo_launched, x.limit_search_runs) << x.preset;
        }
    }
    EXPECT_EQ(r.nemo_launched, launched);
    EXPECT_EQ(r.nemo_written, written);
    EXPECT_EQ(r.oom, oom);
    EXPECT_EQ(r.invalid, invalid);
    EXPECT_GT(r.oom, 0);
}

// The gpt3/5b row is TASK 1's loop on the launcher's own base config: 12 files
// (test_nemo_grid.cpp, LauncherGenerateGrid.Gpt3FiveBillionPreset derives them), all launched.
TEST(PresetReport, Gpt3FiveBillionRowIsTheLauncherLoop) {
    const PresetRow& x = row("gpt3/5b");
    BaseConfigInputs b;
    b.model_size_b = 5, b.model_size_is_float = false, b.family = "gpt3", b.nodes = 16, b.max_training_days = 5, b.seq = 2048;
    Result<BaseConfig> cfg = base_config_generate(b);
    ASSERT_TRUE(cfg.ok());
    NemoGridInput in;
    in.model_type = "gpt3", in.model_size_b = 5, in.layers = cfg->num_layers, in.heads = cfg->heads, in.seq = 2048;
    in.nodes = 16, in.gpus_per_node = 8;
    Result<NemoLauncherGrid> grid = nemo_launcher_generate_grid(in, cfg->gbs, "");
    ASSERT_TRUE(grid.ok());
    EXPECT_EQ(x.nemo_written, int(grid->configs.size()));
    EXPECT_EQ(x.nemo_written, 12);
    EXPECT_EQ(x.nemo_launched, 12);
    EXPECT_EQ(x.gpus(), 128);
    EXPECT_EQ(x.gbs, 2048);
    EXPECT_EQ(x.seq, 2048);
    EXPECT_EQ(x.size_label, "5");
    EXPECT_TRUE(x.nemo_error.empty());
    EXPECT_TRUE(x.not_modelled.empty());
    // No recomputation in gpt3.yaml: the MBS-8 run at TP 1 stores 8 sequences of activations per layer.
    ASSERT_FALSE(x.oom.empty());
    EXPECT_EQ(x.oom.front().name, "gpt3_5b_16nodes_tp_1_pp_1_cp_1_ep_1_mbs_8_act_ckpt_None_num_mbs_act_None_act_per_pipe_None");
}

// llama3_70b at seq 8192 on 1024 GPUs: NeMo's GPT table has no row above 45B at seq 8192, so the
// launcher falls back to the function's initial values (TP <= 8, PP 1) and, with no recomputation in
// llama3_70b.yaml, launches 70B models unpipelined. trainplan rejects them before launch.
TEST(PresetReport, SeventyBillionOnOneThousandGpusHasOutOfMemoryRejections) {
    const PresetRow& x = row("llama/llama3_70b");
    EXPECT_EQ(x.gpus(), 1024);
    EXPECT_GT(x.nemo_launched, 0);
    ASSERT_FALSE(x.oom.empty());
    for (const PresetRejection& r : x.oom) {
        EXPECT_EQ(r.config.pp, 1) << r.name;
        EXPECT_EQ(r.reason.rfind("out of memory: needs ", 0), 0u) << r.reason;
    }
    // tp1.pp1: the whole 70B model's bf16 weights and fp32 gradients on one GPU.
    EXPECT_EQ(x.oom.front().name, "llama_70b_128nodes_tp_1_pp_1_cp_1_ep_1_mbs_1_act_ckpt_None_num_mbs_act_None_act_per_pipe_None");
    for (const std::string p : {"gpt3/175b", "llama/llama2_70b", "qwen2/72b"}) EXPECT_GT(row(p).nemo_launched, 0) << p;
    EXPECT_FALSE(row("qwen2/72b").oom.empty());
}

// Every rejection carries search_grid's reason, and names the NeMo candidate it judges.
TEST(PresetReport, RejectionsNameTheirReason) {
    for (const PresetRow& x : report().rows) {
        for (const PresetRejection& r : x.oom) {
            EXPECT_EQ(r.reason.rfind("out of memory: needs ", 0), 0u) << x.preset << " " << r.name;
            EXPECT_NE(r.name.find("_tp_" + std::to_string(r.config.tp) + "_pp_" + std::to_string(r.config.pp) + "_"),
                      std::string::npos);
        }
        for (const PresetRejection& r : x.invalid) EXPECT_FALSE(r.reason.empty()) << x.preset << " " << r.name;
    }
    // NeMo's checks never compare TP x PP x CP with the GPU count: qwen2/14b launches TP 8 x PP 4 on 16 GPUs.
    const PresetRow& q = row("qwen2/14b");
    ASSERT_EQ(q.invalid.size(), 1u);
    EXPECT_NE(q.invalid.front().reason.find("GPUs 16 are not divisible by TP x PP x CP = 32"), std::string::npos)
        << q.invalid.front().reason;
}

TEST(PresetReport, EveryTopFiveCandidateFits) {
    int rows_with_top5 = 0;
    for (const PresetRow& x : report().rows) {
        if (!x.not_modelled.empty() || !x.nemo_error.empty()) {
            EXPECT_TRUE(x.top5.empty()) << x.preset;
            continue;
        }
        ASSERT_FALSE(x.top5.empty()) << x.preset;
        ++rows_with_top5;
        EXPECT_LE(x.top5.size(), 5u);
        for (size_t i = 0; i < x.top5.size(); ++i) {
            const Candidate& c = x.top5[i];
            EXPECT_TRUE(c.estimate.fits) << x.preset << " " << preset_report_label(c.config);
            EXPECT_LE(c.estimate.memory.total, c.estimate.usable_bytes) << x.preset;
            EXPECT_EQ(c.rank, int(i) + 1);
            EXPECT_EQ(c.config.gpus(), x.gpus());
            EXPECT_EQ(c.config.seq, x.seq);
            EXPECT_EQ(c.config.gbs, x.gbs);
            EXPECT_EQ(c.config.precision, Precision::bf16);
            if (i > 0) {
                EXPECT_LE(c.estimate.tokens_per_s_per_gpu, x.top5[i - 1].estimate.tokens_per_s_per_gpu * 1.001);
            }
        }
    }
    EXPECT_EQ(rows_with_top5, 28);
}

// T5/mT5: NeMo's count, no invented trainplan numbers.
TEST(PresetReport, EncoderDecoderRowsAreNotModelled) {
    for (const PresetRow& x : report().rows) {
        if (x.family != "t5" && x.family != "mt5") continue;
        EXPECT_FALSE(x.not_modelled.empty()) << x.preset;
        EXPECT_GT(x.nemo_launched, 0) << x.preset;
        EXPECT_TRUE(x.oom.empty() && x.invalid.empty() && x.top5.empty()) << x.preset;
    }
    // test_nemo_grid.cpp LauncherGenerateGrid.T5EncoderDecoderPreset derives these 49.
    EXPECT_EQ(row("t5/0.22b").nemo_written, 49);
}

// llama/llama2_7b_nemo has no custom config, and the launcher ships no base_configs/llama.yaml.
TEST(PresetReport, LauncherFailureIsReportedNotInvented) {
    const PresetRow& x = row("llama/llama2_7b_nemo");
    EXPECT_NE(x.nemo_error.find("base_configs/llama.yaml"), std::string::npos) << x.nemo_error;
    EXPECT_EQ(x.nemo_launched, 0);
    EXPECT_TRUE(x.top5.empty());
}

// limit_search_runs caps the launch, in results_cfgs order: llama2_7b writes 1260 files
// (LauncherGenerateGrid.Llama2SevenBillionBlockSubGrid) and launches the first 100, all with
// act_ckpt_layers 0, which differ only in NeMo's legacy-only options: 10 distinct runs.
TEST(PresetReport, LimitSearchRunsAndDistinctRuns) {
    const PresetRow& x = row("llama/llama2_7b");
    EXPECT_EQ(x.nemo_written, 1260);
    EXPECT_EQ(x.limit_search_runs, 100);
    EXPECT_EQ(x.nemo_launched, 100);
    EXPECT_EQ(x.nemo_distinct, 10);
    for (const PresetRejection& r : x.oom) EXPECT_EQ(r.config.recompute, Recompute::none) << r.name;
}

TEST(PresetReport, CandidateMapping) {
    TrainConfig base;
    base.recompute = Recompute::none;
    NemoLauncherCandidate c;
    c.tp = 4, c.pp = 2, c.mbs = 1, c.gbs = 128;
    EXPECT_EQ(preset_report_label(preset_report_candidate_config(c, base, 32)), "tp4.pp2.mbs1.none");
    c.act_ckpt_layers = 0;
    EXPECT_EQ(preset_report_label(preset_report_candidate_config(c, base, 32)), "tp4.pp2.mbs1.none");
    c.act_ckpt_layers = 2;
    EXPECT_EQ(preset_report_label(preset_report_candidate_config(c, base, 32)), "tp4.pp2.mbs1.full:2");
    c.act_ckpt_layers = 16;  // every layer of the stage
    EXPECT_EQ(preset_report_label(preset_report_candidate_config(c, base, 32)), "tp4.pp2.mbs1.full");
    // Block recomputation counts per model chunk: 1 layer x VP 5 of the 20 per stage.
    c.pp = 4, c.vp = 5, c.act_ckpt_layers = 1, c.cp = 2, c.ep = std::nullopt;
    const TrainConfig t = preset_report_candidate_config(c, base, 80);
    EXPECT_EQ(t.recompute_layers, 5);
    EXPECT_EQ(preset_report_label(t), "tp4.pp4.vp5.cp2.mbs1.full:5");
}

TEST(PresetReport, BadJsonNamesTheFile) {
    Result<PresetReport> r = preset_report_run("{", test::read_shared("nemo/launcher_base_configs_summary.json"), *gpu_find("h100-sxm"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::parse_error);
    EXPECT_NE(r.error().message.find("launcher_search_config_presets.json"), std::string::npos) << r.error().message;
}

TEST(PresetReport, MarkdownHasTheTable) {
    const std::string md = preset_report_markdown(report());
    EXPECT_NE(md.find("## NeMo launcher presets"), std::string::npos);
    EXPECT_NE(md.find("| preset | GPUs | seq | GBS | NeMo candidates launched | trainplan OOM of those |"), std::string::npos);
    EXPECT_NE(md.find("| gpt3/5b | 128 | 2048 | 2048 | 12 | 1 | `tp"), std::string::npos);
}

}  // namespace
}  // namespace tp
