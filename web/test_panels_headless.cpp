// test_panels_headless.cpp — every panel of the page, natively, on ImGui without a platform or renderer
// backend (the practice of ImGui's example_null): a context, a display size, a built font atlas, then
// NewFrame / panels / Render for a few frames. ImGui's asserts are on (imgui_test_config.h) and throw here,
// so API misuse fails the test as surely as a crash. Inputs: the defaults, hostile ones (an empty or broken
// config.json, 1 node of 1 GPU, an unknown GPU, tiny and zero-sized displays), and a deterministic "monkey"
// that moves, clicks and types at random over the whole page.
#include <gtest/gtest.h>
#include <imgui.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "app_files.hpp"
#include "model_presets.hpp"
#include "panels.hpp"
#include "test_headless.hpp"

namespace tp::web {

[[noreturn]] void imgui_assert_failed(const char* expr, const char* file, int line) {
    throw std::logic_error(std::string("IM_ASSERT(") + expr + ") failed at " + file + ":" + std::to_string(line));
}

namespace {

std::string read_fixture(const std::string& relative) {
    std::ifstream in(std::string(TRAINPLAN_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// One ImGui context per test, with the page's state reset to its defaults (test_headless.hpp).
class Headless : public HeadlessImGui {
protected:
    // One frame of the whole page, or of one panel alone in a window of its own.
    void frame(void (*panel)(AppState&) = nullptr) {
        ImGui::NewFrame();
        if (panel == nullptr) {
            app_draw(app_state());
        } else {
            ImGui::SetNextWindowSize(ImVec2(900, 600), ImGuiCond_Always);
            ImGui::Begin("panel");
            panel(app_state());
            ImGui::End();
        }
        ImGui::Render();
        const ImDrawData* draw = ImGui::GetDrawData();
        ASSERT_TRUE(draw != nullptr && draw->Valid);
        if (ImGui::GetIO().DisplaySize.x > 0 && ImGui::GetIO().DisplaySize.y > 0) {
            EXPECT_GT(draw->TotalVtxCount, 0);
        }
    }
    void frames(int n, void (*panel)(AppState&) = nullptr) {
        for (int i = 0; i < n; ++i) frame(panel);
    }
    void every_panel(int n) {
        frames(n);
        for (void (*panel)(AppState&) : {panel_model, panel_cluster, panel_grid, panel_recommend, panel_finetune, panel_inference, panel_share,
                                                panel_files, panel_runs})
            frames(n, panel);
    }
};

TEST_F(Headless, DefaultInputsDrawEveryPanel) {
    every_panel(4);
    const AppState& s = app_state();
    EXPECT_TRUE(s.grid_error.empty());
    EXPECT_GT(s.grid.candidates.size(), 100u);
    EXPECT_EQ(s.grid_runs, 1);  // unchanged inputs are not searched again
    EXPECT_TRUE(s.ok) << s.error;
    std::printf("default grid (%s, %d GPUs): %zu candidates, %zu rejected, searched in %.2f ms\n", s.inputs.model.name.c_str(),
                s.inputs.training.gpus(), s.grid.candidates.size(), s.grid.rejected.size(), s.grid_ms);
    for (const char* id : {"preset", "hf_text", "hf_import", "gpu", "nodes", "gpus_per_node", "seq", "gbs", "tab_plan", "tab_budget",
                           "tab_candidates", "tab_rejected", "share", "open_session", "save_session", "tab_files"}) {
        bool found = false;
        for (const WidgetRect& r : s.rects) found = found || (r.id == id && r.w > 0 && r.h > 0);
        EXPECT_TRUE(found) << id;
    }
}

TEST_F(Headless, EmptyAndBrokenConfigJsonAreRefusedInline) {
    AppState& s = app_state();
    const ModelSpec before = s.inputs.model;
    for (const std::string& text : {std::string(), std::string("{"), read_fixture("tests/data/hf/bad_syntax.json"),
                                    read_fixture("tests/data/hf/deepseek_v3.json"), std::string("[1, 2, 3]"), std::string(100000, '{')}) {
        s.hf_text = text;
        EXPECT_FALSE(app_import_hf_config(s));
        EXPECT_EQ(s.hf_error.rfind("config.json", 0), 0u) << s.hf_error;
        EXPECT_EQ(s.inputs.model.name, before.name);
        EXPECT_EQ(s.inputs.model_preset, "llama3-8b");
        every_panel(2);
    }
    s.hf_text = read_fixture("tests/data/hf/mixtral_8x7b.json");
    ASSERT_TRUE(app_import_hf_config(s)) << s.hf_error;
    EXPECT_TRUE(s.inputs.model_preset.empty());
    EXPECT_EQ(s.inputs.model.moe.experts, 8);
    every_panel(3);
    EXPECT_FALSE(s.grid.candidates.empty());
}

TEST_F(Headless, HostileClusterInputs) {
    AppState& s = app_state();
    TrainConfig& t = s.inputs.training;
    struct Case {
        int nodes, gpus_per_node, seq, gbs;
        Precision precision;
        const char* gpu;
    };
    for (const Case& c : {Case{1, 1, 4096, 0, Precision::bf16, "h100-sxm"}, Case{1, 1, 1, 1, Precision::fp8, "a100-80gb"},
                          Case{100000, 64, 1 << 24, 1 << 24, Precision::fp8, "h100-sxm"}, Case{3, 5, 1000, 7, Precision::bf16, "h100-sxm"}}) {
        t.nodes = c.nodes, t.gpus_per_node = c.gpus_per_node, t.seq = c.seq, t.gbs = c.gbs, t.precision = c.precision;
        s.inputs.gpu = c.gpu;
        every_panel(2);
        EXPECT_TRUE(s.grid_error.empty()) << s.grid_error;
    }
    s.inputs.gpu = "no-such-gpu";
    every_panel(2);
    EXPECT_FALSE(s.grid_error.empty());
    EXPECT_TRUE(s.grid.candidates.empty());
}

TEST_F(Headless, SessionRoundTripAndRefusal) {
    AppState& s = app_state();
    const std::string text = read_fixture("tests/data/session/llama3_70b_fp8.json");
    ASSERT_EQ(app_set_session(s, text), "");
    EXPECT_EQ(s.inputs.model_preset, "llama3-70b");
    every_panel(2);
    const std::string exported = app_session_json(s);
    EXPECT_EQ(app_set_session(s, exported), "");
    EXPECT_EQ(app_session_json(s), exported);
    const std::string error = app_set_session(s, "{\"format\": \"trainplan-session\", \"schema_version\": 1, \"inputs\": {\"model\": "
                                                 "{\"preset\": \"llama3-8b\"}, \"cluster\": {\"nodes\": 0}}}");
    EXPECT_NE(error.find("inputs.cluster.nodes"), std::string::npos) << error;
    EXPECT_EQ(app_session_json(s), exported);  // refused: nothing changed
    EXPECT_NE(app_grid_json(s, 10).find("\"candidates\""), std::string::npos);
}

TEST_F(Headless, ShareLinkRestoresEveryInputAndABadOneFallsBackToDefaults) {
    AppState& s = app_state();
    ASSERT_EQ(app_set_session(s, read_fixture("tests/data/session/llama3_70b_fp8.json")), "");
    s.inputs.training.nodes = 12;
    s.inputs.budget.days = 12.5;  // the budget tab travels too
    s.inputs.budget.days_for_model = true;
    const std::string fragment = app_share_fragment(s), exported = app_session_json(s);
    ASSERT_EQ(fragment.rfind("#s1=", 0), 0u);
    AppState fresh;
    s = std::move(fresh);
    EXPECT_EQ(app_open_share_link(s, fragment), "");
    EXPECT_EQ(app_session_json(s), exported);
    EXPECT_FALSE(s.notice_is_error);
    every_panel(2);
    const std::string defaults = [] { AppState d; return app_session_json(d); }();
    std::string tampered = fragment;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    for (const std::string& bad : {tampered, fragment.substr(0, fragment.size() - 3), std::string("#s1=") + std::string(40000, 'A'),
                                   std::string("#s9=abc"), std::string("#s1=<script>alert(1)</script>")}) {
        ASSERT_EQ(app_open_share_link(s, fragment), "");
        const std::string error = app_open_share_link(s, bad);
        EXPECT_EQ(error.rfind("share link: ", 0), 0u) << error;
        EXPECT_TRUE(s.notice_is_error);
        EXPECT_NE(s.notice.find("showing the default inputs"), std::string::npos) << s.notice;
        EXPECT_EQ(app_session_json(s), defaults);
        every_panel(1);
    }
    EXPECT_EQ(app_open_share_link(s, ""), "");  // no fragment: nothing happens
}

// tests/data/session/search_llama3_8b_runs.json is the session.json `trainplan search` wrote for 12 candidates of
// llama3-8b on one node, run by the replay workload (tests/doubles/replay_workload.py, a TEST DOUBLE) as in
// tests/search/test_search_local.sh part 1; the two CSV files beside it are what `collect` wrote for it.
TEST_F(Headless, SessionWithRunsShowsMeasuredAgainstPredictedAndCollectsFiles) {
    AppState& s = app_state();
    ASSERT_EQ(app_open_session(s, "session.json", read_fixture("tests/data/session/search_llama3_8b_runs.json")), "");
    EXPECT_EQ(s.runs.runs.size(), 12u);
    EXPECT_EQ(s.measured.finished, 1);
    EXPECT_EQ(s.measured.optimal_run, "llama_8b_1nodes_tp_2_pp_1_cp_1_ep_1_mbs_1_vp_None_none");
    EXPECT_TRUE(s.show_runs_tab);
    every_panel(3);
    EXPECT_FALSE(s.show_runs_tab);  // the measured tab was selected once
    const auto& files = app_files(s);
    auto file = [&](const std::string& name) {
        for (const auto& [n, text] : files)
            if (n == name) return text;
        return std::string("(missing " + name + ")");
    };
    EXPECT_EQ(file("final_summary_1nodes.csv"), read_fixture("tests/data/session/search_llama3_8b_final_summary_1nodes.csv"));
    EXPECT_EQ(file("failed_jobs_1nodes.csv"), read_fixture("tests/data/session/search_llama3_8b_failed_jobs_1nodes.csv"));
    EXPECT_EQ(files.front().first, "session.json");
    Result<Session> saved = session_parse(files.front().second, "saved");
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_EQ(saved->runs.size(), 12u);  // saving keeps the runs
    EXPECT_EQ(file("base_cfg_8b.yaml").rfind("run:", 0), 0u) << file("base_cfg_8b.yaml");
    EXPECT_TRUE(s.files_error.empty()) << s.files_error;
    // A session whose runs are broken is refused whole, naming the run's field.
    std::string broken = read_fixture("tests/data/session/search_llama3_8b_runs.json");
    broken.replace(broken.find("\"status\": \"finished\""), 20, "\"status\": \"finishd\"");
    const std::string error = app_open_session(s, "broken.json", broken);
    EXPECT_EQ(error.rfind("broken.json: runs[0].status: expected one of", 0), 0u) << error;
    EXPECT_EQ(s.runs.runs.size(), 12u);  // nothing changed
}

TEST_F(Headless, CustomArchitectureAppliesOnlyWhatTheCoreAccepts) {
    AppState& s = app_state();
    ImGuiIO& io = ImGui::GetIO();
    io.KeyMap[ImGuiKey_Enter] = 1;
    auto press_at = [&](const char* id, float dx) {
        frames(2);
        const WidgetRect* r = nullptr;
        for (const WidgetRect& w : s.rects)
            if (w.id == id) r = &w;
        ASSERT_NE(r, nullptr) << id;
        io.MousePos = ImVec2(r->x + (dx < 0 ? r->w / 2 : dx), r->y + r->h / 2);
        frame();
        io.MouseDown[0] = true;
        frame();
        io.MouseDown[0] = false;
        frames(2);
    };
    auto type = [&](const char* id, const char* text) {
        press_at(id, 20);
        for (const char* c = text; *c; ++c) io.AddInputCharacter(static_cast<unsigned char>(*c));
        frame();
        io.KeysDown[1] = true;  // Enter
        frame();
        io.KeysDown[1] = false;
        frames(2);
    };
    press_at("custom", 30);  // opens the editor
    const int searches = s.grid_runs;
    type("custom_layers", "40");
    EXPECT_EQ(s.inputs.model.layers, 40);
    EXPECT_EQ(s.inputs.model.name, "custom");
    EXPECT_TRUE(s.inputs.model_preset.empty());
    EXPECT_TRUE(s.custom_error.empty()) << s.custom_error;
    EXPECT_GT(s.grid_runs, searches);  // the grid follows the edited model
    // 32 heads cannot share 5 key/value heads: shown, not applied.
    type("custom_kv_heads", "5");
    EXPECT_NE(s.custom_error.find("kv_heads (5) must divide heads (32)"), std::string::npos) << s.custom_error;
    EXPECT_EQ(s.inputs.model.kv_heads, 8);
    Result<Session> saved = session_parse(app_session_json(s), "page");
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_EQ(saved->inputs.model.layers, 40);
}

TEST_F(Headless, AnOpenedFileIsASessionOrAConfigJson) {
    AppState& s = app_state();
    ASSERT_EQ(app_open_file(s, "mixtral.json", read_fixture("tests/data/hf/mixtral_8x7b.json")), "");
    EXPECT_EQ(s.inputs.model.moe.experts, 8);
    EXPECT_TRUE(s.inputs.model_preset.empty());
    EXPECT_FALSE(s.notice_is_error);
    every_panel(2);
    const std::string before = app_session_json(s);
    const std::string error = app_open_file(s, "deepseek.json", read_fixture("tests/data/hf/deepseek_v3.json"));
    EXPECT_EQ(error.rfind("deepseek.json: config.json", 0), 0u) << error;
    EXPECT_TRUE(s.notice_is_error);
    EXPECT_EQ(app_session_json(s), before);  // refused: nothing changed
    EXPECT_NE(app_open_file(s, "notes.txt", "not json {").find("not valid JSON"), std::string::npos);
    EXPECT_EQ(app_open_file(s, "session.json", read_fixture("tests/data/session/llama3_70b_fp8.json")), "");
    EXPECT_EQ(s.inputs.model_preset, "llama3-70b");
}

// The fine-tuning panel answers for the model on the left, follows its inputs, and refuses a bad GPU inline.
TEST_F(Headless, FinetunePanelAnswersAndFollowsInputs) {
    AppState& s = app_state();
    frames(2, panel_finetune);
    ASSERT_TRUE(s.finetune_error.empty()) << s.finetune_error;
    EXPECT_TRUE(s.finetune_plan.can_recommend) << s.finetune_plan.reason;  // llama3-8b LoRA on one A100
    EXPECT_EQ(s.finetune_plan.gpus, 1);
    s.inputs.model = *model_preset_find("llama3.1-70b");
    s.inputs.model_preset = "llama3.1-70b";
    s.inputs.finetune.method = "full";
    s.inputs.finetune.gpu = "NVIDIA-A100-SXM4-80GB";
    s.inputs.finetune.batch_size = 64;
    s.inputs.finetune.max_gpus = 64;
    frames(2, panel_finetune);
    ASSERT_TRUE(s.finetune_plan.can_recommend) << s.finetune_plan.reason;
    EXPECT_GT(s.finetune_plan.workers, 1);
    // The share link carries the panel's inputs.
    AppState copy;
    ASSERT_TRUE(app_set_session(copy, app_session_json(s)).empty());
    EXPECT_TRUE(copy.inputs.finetune == s.inputs.finetune);
    s.inputs.finetune.gpu = "no-such-gpu";
    every_panel(2);
    EXPECT_NE(s.finetune_error.find("--gpu: unknown GPU 'no-such-gpu'"), std::string::npos) << s.finetune_error;
    bool tab = false;
    for (const WidgetRect& r : s.rects) tab = tab || r.id == "tab_finetune";
    EXPECT_TRUE(tab);
}

// The inference panel plans for the model on the left, keeps a list's last good value when its field holds a bad one
// (the message under the field), follows the model and its inputs, and refuses an encoder-decoder model as text.
TEST_F(Headless, InferencePanelPlansKeepsTheLastGoodListAndRefusesEncoderDecoder) {
    AppState& s = app_state();
    ImGuiIO& io = ImGui::GetIO();
    io.KeyMap[ImGuiKey_Enter] = 1;
    io.KeyMap[ImGuiKey_End] = 2;
    frames(2, panel_inference);
    ASSERT_TRUE(s.inference_error.empty()) << s.inference_error;
    const InferencePlan& plan = s.inference_result;
    EXPECT_EQ(plan.points.size() + plan.rejected.size(), 3u * 2u * 7u);  // the default TP 1,2,4 x PP 1,2 x 7 batch sizes
    ASSERT_TRUE(plan.best_throughput.has_value());
    ASSERT_TRUE(plan.lowest_latency.has_value());
    EXPECT_EQ(s.inference_order.size(), plan.points.size());
    for (const char* id : {"inf_gpu", "inf_tp", "inf_pp", "inf_batch", "inf_max_latency", "inf_answer", "inf_chart", "inf_table"}) {
        bool found = false;
        for (const WidgetRect& r : s.rects) found = found || (r.id == id && r.w > 0 && r.h > 0);
        EXPECT_TRUE(found) << id;
    }
    // Typing "1,,x" at the end of the batch field and pressing Enter: the error under the field, the plan unchanged.
    const size_t points = plan.points.size();
    const int runs = s.inference_runs;
    const std::vector<int> batches = s.inputs.inference.batch_sizes;
    const WidgetRect* field = nullptr;
    for (const WidgetRect& r : s.rects)
        if (r.id == std::string("inf_batch")) field = &r;
    ASSERT_NE(field, nullptr);
    io.MousePos = ImVec2(field->x + 20, field->y + field->h / 2);
    frame(panel_inference);
    io.MouseDown[0] = true;
    frame(panel_inference);
    io.MouseDown[0] = false;
    frame(panel_inference);
    io.KeysDown[2] = true;  // End: the cursor after the last character
    frame(panel_inference);
    io.KeysDown[2] = false;
    for (const char* c = "1,,x"; *c; ++c) io.AddInputCharacter(static_cast<unsigned char>(*c));
    frame(panel_inference);
    io.KeysDown[1] = true;  // Enter
    frame(panel_inference);
    io.KeysDown[1] = false;
    frames(2, panel_inference);
    EXPECT_NE(s.inference_batch.error.find("is not a positive integer"), std::string::npos) << s.inference_batch.error;
    EXPECT_NE(std::string(s.inference_batch.text).find("1,,x"), std::string::npos) << s.inference_batch.text;
    EXPECT_EQ(s.inputs.inference.batch_sizes, batches);
    EXPECT_EQ(s.inference_result.points.size(), points);
    EXPECT_EQ(s.inference_runs, runs);  // nothing recomputed
    EXPECT_TRUE(s.inference_error.empty()) << s.inference_error;
    // A good list replaces it; a session that changes the list rewrites the field and clears its error.
    std::snprintf(s.inference_tp.text, sizeof s.inference_tp.text, "1, 2");
    app_inference_apply_list(s.inference_tp, s.inputs.inference.tp, "TP");
    EXPECT_EQ(s.inputs.inference.tp, (std::vector<int>{1, 2}));
    frames(2, panel_inference);
    EXPECT_GT(s.inference_runs, runs);
    EXPECT_STREQ(s.inference_tp.text, "1, 2");  // kept as typed
    AppState copy;
    ASSERT_TRUE(app_set_session(copy, app_session_json(s)).empty());
    EXPECT_TRUE(copy.inputs.inference == s.inputs.inference);  // the share link carries the panel's inputs
    s.inputs.inference.batch_sizes = {1, 8, 64};
    frames(2, panel_inference);
    EXPECT_TRUE(s.inference_batch.error.empty()) << s.inference_batch.error;
    EXPECT_STREQ(s.inference_batch.text, "1,8,64");
    EXPECT_EQ(s.inference_result.points.size() + s.inference_result.rejected.size(), 2u * 2u * 3u);
    // A latency bound no point meets: no best throughput, still a lowest latency.
    s.inputs.inference.max_latency_ms = 0.001;
    frames(2, panel_inference);
    EXPECT_FALSE(s.inference_result.best_throughput.has_value());
    EXPECT_TRUE(s.inference_result.lowest_latency.has_value());
    s.inputs.inference.max_latency_ms = 0;
    // An encoder-decoder model: the core's refusal as text, no plan, every panel still draws.
    s.inputs.model = *model_preset_find("t5-small");
    s.inputs.model_preset = "t5-small";
    every_panel(2);
    EXPECT_NE(s.inference_error.find("decoder-only"), std::string::npos) << s.inference_error;
    EXPECT_TRUE(s.inference_result.points.empty());
    // Too many points for the page: refused with the count, no plan.
    s.inputs.model = *model_preset_find("llama3-8b");
    s.inputs.model_preset = "llama3-8b";
    s.inputs.inference.batch_sizes.assign(40, 1);
    s.inputs.inference.tp.assign(40, 1);
    s.inputs.inference.pp.assign(40, 1);
    frames(2, panel_inference);
    EXPECT_NE(s.inference_error.find("64000 points"), std::string::npos) << s.inference_error;
    bool tab = false;
    every_panel(1);
    for (const WidgetRect& r : s.rects) tab = tab || r.id == "tab_inference";
    EXPECT_TRUE(tab);
}

TEST_F(Headless, TinyAndEmptyDisplays) {
    for (ImVec2 size : {ImVec2(320, 200), ImVec2(1, 1), ImVec2(0, 0), ImVec2(3840, 2160)}) {
        ImGui::GetIO().DisplaySize = size;
        every_panel(2);
    }
}

// A deterministic "monkey" (fixed seed, so a failure replays) for a few hundred actions: each one points at a
// recorded widget (combos, fields, their -/+ buttons, tabs) or anywhere (table headers sort, rows select), clicks,
// sometimes drags or turns the wheel, and types characters and keys (Enter, Escape, Backspace, Tab, arrows).
TEST_F(Headless, MonkeyInput) {
    ImGuiIO& io = ImGui::GetIO();
    const int keys[] = {ImGuiKey_Enter, ImGuiKey_Escape, ImGuiKey_Backspace, ImGuiKey_Tab, ImGuiKey_UpArrow, ImGuiKey_DownArrow};
    for (int i = 0; i < int(sizeof keys / sizeof keys[0]); ++i) io.KeyMap[keys[i]] = i + 1;  // 1.86's legacy key map
    uint32_t seed = 12345;  // TRAINPLAN_MONKEY_SEED=N explores other sequences
    if (const char* env = std::getenv("TRAINPLAN_MONKEY_SEED")) seed = uint32_t(std::strtoul(env, nullptr, 10));
    auto next = [&seed]() {
        seed = seed * 1664525u + 1013904223u;
        return seed >> 8;
    };
    const char typed[] = "0123456789{}[]\":, abcdefxyz-";
    frames(2);
    for (int action = 0; action < 400; ++action) {
        const std::vector<WidgetRect>& rects = app_state().rects;
        ImVec2 at(float(next() % 1280), float(next() % 720));
        if (next() % 2 == 0 && !rects.empty()) {
            const WidgetRect& r = rects[next() % rects.size()];
            at = ImVec2(r.x + float(next() % uint32_t(r.w + 1)), r.y + float(next() % uint32_t(r.h + 1)));
        }
        io.MousePos = at;
        frame();
        io.MouseDown[0] = true;
        frame();
        if (next() % 5 == 0) {  // drag
            io.MousePos = ImVec2(at.x + float(next() % 200) - 100, at.y + float(next() % 200) - 100);
            frame();
        }
        io.MouseDown[0] = false;
        io.MouseWheel = next() % 8 == 0 ? 1.0f - 2.0f * float(next() % 2) : 0.0f;
        frame();
        io.MouseWheel = 0;
        for (uint32_t n = next() % 6; n > 0; --n) io.AddInputCharacter(static_cast<unsigned char>(typed[next() % (sizeof typed - 1)]));
        if (next() % 3 == 0) {
            const int key = io.KeyMap[keys[next() % (sizeof keys / sizeof keys[0])]];
            io.KeysDown[key] = true;
            frame();
            io.KeysDown[key] = false;
        }
        frame();
    }
    frames(3);
    const AppState& s = app_state();
    EXPECT_GE(s.inputs.training.nodes, 1);
    EXPECT_GE(s.inputs.training.gpus_per_node, 1);
    EXPECT_GT(s.grid_runs, 5);  // the monkey did change inputs
    std::printf("monkey: %d grid searches; ended with %s on %d x %d %s, seq %d, GBS %d\n", s.grid_runs, s.inputs.model.name.c_str(),
                s.inputs.training.nodes, s.inputs.training.gpus_per_node, s.inputs.gpu.c_str(), s.inputs.training.seq, s.inputs.training.gbs);
}

}  // namespace
}  // namespace tp::web
