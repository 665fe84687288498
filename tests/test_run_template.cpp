// Command templates for the empirical search: placeholders filled from the candidate, text values
// shell-quoted so hostile names stay inert, every template error named with its column.
#include <gtest/gtest.h>

#include "model_presets.hpp"
#include "run_template.hpp"

namespace tp {
namespace {

RunValues values() {
    RunValues v;
    v.config.tp = 4, v.config.pp = 2, v.config.cp = 2, v.config.vp = 5, v.config.mbs = 1, v.config.gbs = 512, v.config.seq = 8192;
    v.config.nodes = 8, v.config.gpus_per_node = 8;
    v.config.recompute = Recompute::full, v.config.recompute_layers = 0;
    v.max_steps = 30;
    v.log_dir = "runs/llama 70b/tp4";
    v.name = "llama_70b_tp_4";
    v.config_file = "out/candidate_configs/llama_70b_tp_4.yaml";
    return v;
}

TEST(RunTemplate, FillsEveryPlaceholder) {
    Result<std::string> cmd = template_fill(
        "train.py --tp {tp} --pp {pp} --cp {cp} --vp {vp} --mbs {mbs} --gbs {gbs} --seq {seq} --steps {max_steps} "
        "--nodes {nodes}x{gpus_per_node}={gpus} --recompute {recompute}:{recompute_layers} --precision {precision} "
        "--log {log_dir} --name {name} --config {config_dir}/{config_name} {{literal}}",
        values());
    ASSERT_TRUE(cmd) << cmd.error().message;
    EXPECT_EQ(*cmd,
              "train.py --tp 4 --pp 2 --cp 2 --vp 5 --mbs 1 --gbs 512 --seq 8192 --steps 30 --nodes 8x8=64 --recompute full:0 "
              "--precision bf16 --log 'runs/llama 70b/tp4' --name llama_70b_tp_4 --config out/candidate_configs/llama_70b_tp_4 {literal}");
}

TEST(RunTemplate, HostileValuesStayOneInertWord) {
    RunValues v = values();
    for (const std::string& hostile : {std::string("x; rm -rf ~"), std::string("$(reboot)"), std::string("`id`"), std::string("a'b"),
                                       std::string("a\nb"), std::string("")}) {
        v.name = hostile;
        Result<std::string> cmd = template_fill("echo {name}", v);
        ASSERT_TRUE(cmd);
        EXPECT_EQ(*cmd, "echo " + shell_quote(hostile));
        const std::string word = cmd->substr(5);
        EXPECT_EQ(word.front(), '\'') << word;  // quoted: the shell sees one word, no expansion
        EXPECT_EQ(word.back(), '\'') << word;
    }
}

TEST(RunTemplate, ErrorsNameTheColumn) {
    EXPECT_EQ(template_check("run --tp {tpp}").error().message.rfind("command template, column 10: unknown placeholder {tpp} (known: {tp}", 0), 0u);
    EXPECT_EQ(template_check("run --tp {tp").error().message, "command template, column 10: '{' is never closed");
    EXPECT_EQ(template_check("run } x").error().message, "command template, column 5: '}' without '{' (write }} for a brace)");
    EXPECT_EQ(template_check("a\nb").error().message, "command template: one line only (no newlines)");
    RunValues v = values();
    v.config.tp = 0;
    EXPECT_EQ(template_fill("x {tp}", v).error().message, "command template: {tp} is 0");
}

TEST(RunTemplate, BuiltinsAndTrust) {
    const ModelSpec m = *model_preset_find("llama3-70b");
    for (const char* name : {"nemo2", "megatron_lm", "torchtitan", "nemo_launcher"}) {
        Result<RunTemplate> t = template_builtin(name, m);
        ASSERT_TRUE(t) << name;
        EXPECT_TRUE(template_may_run(*t, false));
        Result<std::string> cmd = template_command(*t, m, values());
        ASSERT_TRUE(cmd) << name << ": " << cmd.error().message;
        EXPECT_FALSE(cmd->empty());
    }
    EXPECT_NE(template_command(*template_builtin("megatron_lm", m), m, values())->find("--train-iters 30"), std::string::npos);
    EXPECT_NE(template_command(*template_builtin("nemo_launcher", m), m, values())->find("--config-name=llama_70b_tp_4 trainer.max_steps=30"),
              std::string::npos);
    EXPECT_FALSE(template_builtin("deepspeed", m));
    RunTemplate from_session{"echo {name}", "", TemplateOrigin::session_file};
    EXPECT_FALSE(template_may_run(from_session, false));  // someone else's session: not run unless trusted
    EXPECT_TRUE(template_may_run(from_session, true));
    EXPECT_TRUE(template_may_run(RunTemplate{"echo {name}", "", TemplateOrigin::command_line}, false));
}

}  // namespace
}  // namespace tp
