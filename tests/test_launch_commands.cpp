// Launch commands (core/launch_commands): the NeMo 2.0 overrides, Megatron-LM arguments and torchtitan
// overrides a candidate turns into, checked against the frameworks' own rules (VP as layers per virtual stage,
// torchtitan's degrees multiplying to the GPU count, recomputation, MoE) and against hostile run names.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "launch_commands.hpp"
#include "model_presets.hpp"

namespace tp {
namespace {

ModelSpec preset(const char* name) {
    const Result<ModelSpec> m = model_preset_find(name);
    EXPECT_TRUE(m.ok()) << name;
    return *m;
}

// llama3-70b on 8 nodes x 8 GPUs: TP4 x PP4 x CP2 = 32 GPUs per replica, DP 2; VP 5 -> 80 / (4 x 5) = 4 layers
// per virtual stage (NeMo's llama3_70b recipe layout); GBS 512 = 256 micro-batches of 1 per replica.
TrainConfig llama70b_candidate() {
    TrainConfig c;
    c.nodes = 8, c.gpus_per_node = 8;
    c.tp = 4, c.pp = 4, c.vp = 5, c.cp = 2;
    c.mbs = 1, c.gbs = 512, c.seq = 8192;
    c.precision = Precision::fp8;
    c.recompute = Recompute::full, c.recompute_layers = 10;  // 10 of a stage's 20 layers = 2 per virtual stage
    c.sharding = OptimizerSharding::distributed;
    return c;
}

LaunchOptions steps(long long n) {
    LaunchOptions o;
    o.max_steps = n;
    return o;
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

bool any_starts_with(const std::vector<std::string>& v, const std::string& prefix) {
    return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.rfind(prefix, 0) == 0; });
}

// The value after a Megatron flag ("--flag value"), or "" when the flag is absent.
std::string value_after(const std::vector<std::string>& args, const std::string& flag) {
    const auto it = std::find(args.begin(), args.end(), flag);
    return it != args.end() && it + 1 != args.end() ? *(it + 1) : "";
}

// "--section.key=value" words into key -> value ("" for bare flags).
std::map<std::string, std::string> titan_map(const std::vector<std::string>& words) {
    std::map<std::string, std::string> out;
    for (const std::string& w : words) {
        const size_t eq = w.find('=');
        out[w.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] = eq == std::string::npos ? "" : w.substr(eq + 1);
    }
    return out;
}

// The command's lines: comment lines first, then exactly one command line.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) out.push_back(text.substr(start, nl - start));
    out.push_back(text.substr(start));
    return out;
}

// A POSIX shell's word splitting of one line: single quotes literal, double quotes with \" \\ \$ \` escapes,
// backslash outside quotes. `expansion` is set if an unquoted or double-quoted $ or ` (or an unquoted ; | & < > #)
// would make the shell do more than pass words.
std::vector<std::string> shell_words(const std::string& line, bool& expansion) {
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    expansion = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char ch = line[i];
        if (ch == ' ' || ch == '\t') {
            if (in_word) words.push_back(cur), cur.clear(), in_word = false;
            continue;
        }
        in_word = true;
        if (ch == '\'') {
            const size_t end = line.find('\'', i + 1);
            if (end == std::string::npos) return expansion = true, words;  // unterminated
            cur += line.substr(i + 1, end - i - 1);
            i = end;
        } else if (ch == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size() && std::string("\"\\$`").find(line[i + 1]) != std::string::npos) cur += line[++i];
                else if (line[i] == '$' || line[i] == '`') expansion = true, cur += line[i];
                else cur += line[i];
            }
        } else if (ch == '\\' && i + 1 < line.size()) {
            cur += line[++i];
        } else {
            if (std::string("$`;|&<>#").find(ch) != std::string::npos) expansion = true;
            cur += ch;
        }
    }
    if (in_word) words.push_back(cur);
    return words;
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchShell, QuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(shell_quote("--parallelism.tensor_parallel_degree=4"), "--parallelism.tensor_parallel_degree=4");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_EQ(shell_quote("a b"), "'a b'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    bool expansion = false;
    const std::string hostile = "x'; rm -rf ~ #$(id)`uname`\n\"q\"";
    const std::vector<std::string> words = shell_words("echo " + shell_quote(hostile), expansion);
    EXPECT_FALSE(expansion);
    ASSERT_EQ(words.size(), 2u);
    EXPECT_EQ(words[1], hostile);
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchMegatron, Llama70bArgumentsExactly) {
    const std::vector<std::string> expected = {
        "--num-layers", "80", "--hidden-size", "8192", "--ffn-hidden-size", "28672", "--num-attention-heads", "64",
        "--group-query-attention", "--num-query-groups", "8",
        "--seq-length", "8192", "--max-position-embeddings", "8192", "--position-embedding-type", "rope",
        "--normalization", "RMSNorm", "--swiglu", "--untie-embeddings-and-output-weights", "--disable-bias-linear",
        "--attention-dropout", "0", "--hidden-dropout", "0",
        "--tokenizer-type", "NullTokenizer", "--vocab-size", "128255", "--mock-data",
        "--tensor-model-parallel-size", "4", "--pipeline-model-parallel-size", "4",
        "--num-layers-per-virtual-pipeline-stage", "4", "--context-parallel-size", "2", "--sequence-parallel",
        "--use-distributed-optimizer",
        "--micro-batch-size", "1", "--global-batch-size", "512",
        "--recompute-granularity", "full", "--recompute-method", "block", "--recompute-num-layers", "2",
        "--bf16", "--fp8-format", "hybrid", "--fp8-recipe", "delayed", "--fp8-amax-history-len", "1024",
        "--fp8-amax-compute-algo", "max",
        "--train-iters", "50"};
    const ModelSpec m = preset("llama3-70b");
    const TrainConfig c = llama70b_candidate();
    EXPECT_EQ(megatron_lm_args(m, c, steps(50)), expected);
    EXPECT_TRUE(megatron_lm_notes(m, c, steps(50)).empty());
    // Megatron's validate_args: VP = (layers / PP) / layers-per-virtual-stage must give back the candidate's VP.
    const int per_virtual_stage = std::stoi(value_after(megatron_lm_args(m, c, steps(50)), "--num-layers-per-virtual-pipeline-stage"));
    EXPECT_EQ((m.layers / c.pp) / per_virtual_stage, c.vp);
    EXPECT_EQ(megatron_lm_command(m, c, steps(50)).rfind(
                  "CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun --nnodes 8 --nproc-per-node 8 --rdzv-backend c10d "
                  "--rdzv-endpoint \"${MASTER_ADDR}:${MASTER_PORT}\" pretrain_gpt.py --num-layers 80 ", 0), 0u);
}

TEST(LaunchMegatron, PartialRecomputeThatVpCannotSplitIsNoted) {
    const ModelSpec m = preset("llama3-70b");
    TrainConfig c = llama70b_candidate();
    c.recompute_layers = 3;  // 3 of 20 layers with VP 5: Megatron recomputes per virtual stage -> 1 x 5 = 5
    const std::vector<std::string> args = megatron_lm_args(m, c, steps(50));
    EXPECT_EQ(value_after(args, "--recompute-method"), "block");
    EXPECT_EQ(value_after(args, "--recompute-num-layers"), "1");
    const std::vector<std::string> notes = megatron_lm_notes(m, c, steps(50));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].rfind("not expressible: full recomputation of 3 of a stage's 20 layers with VP 5", 0), 0u);
    EXPECT_NE(notes[0].find("= 5 per stage"), std::string::npos);
    EXPECT_EQ(lines_of(megatron_lm_command(m, c, steps(50)))[0], "# " + notes[0]);
}

TEST(LaunchMegatron, StepLimitAndRunNameAreNeverDroppedSilently) {
    const ModelSpec m = preset("llama3-70b");
    LaunchOptions o;
    o.run_name = "trial-7";
    const std::vector<std::string> notes = megatron_lm_notes(m, llama70b_candidate(), o);
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_NE(notes[0].find("--train-iters"), std::string::npos);
    EXPECT_EQ(notes[1].rfind("not expressible: a run name", 0), 0u);
    EXPECT_FALSE(contains(megatron_lm_args(m, llama70b_candidate(), o), "--train-iters"));
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchNemo2, RecipeNames) {
    EXPECT_EQ(nemo2_recipe_name(preset("llama3-70b")), "llama3_70b");
    EXPECT_EQ(nemo2_recipe_name(preset("llama3.1-405b")), "llama31_405b");
    EXPECT_EQ(nemo2_recipe_name(preset("mixtral-8x7b")), "mixtral_8x7b");
    EXPECT_EQ(nemo2_recipe_name(preset("gpt3-175b")), "gpt3_175b");
    EXPECT_EQ(nemo2_recipe_name(preset("nemotron4-340b")), "nemotron4_340b");
    EXPECT_EQ(nemo2_recipe_name(preset("qwen2.5-1.5b")), "qwen25_1p5b");
    EXPECT_EQ(nemo2_recipe_name(preset("gpt3-5b")), "");  // NeMo 2.0 has only the 175B GPT-3 recipe
}

TEST(LaunchNemo2, Llama70bOverrides) {
    const ModelSpec m = preset("llama3-70b");
    const std::vector<std::string> o = nemo2_overrides(m, llama70b_candidate(), steps(50));
    for (const char* token :
         {"trainer.num_nodes=8", "trainer.devices=8", "trainer.strategy.tensor_model_parallel_size=4",
          "trainer.strategy.pipeline_model_parallel_size=4", "trainer.strategy.virtual_pipeline_model_parallel_size=5",
          "trainer.strategy.context_parallel_size=2", "trainer.strategy.sequence_parallel=True",
          "optim.config.use_distributed_optimizer=True", "data.micro_batch_size=1", "data.global_batch_size=512",
          "data.seq_length=8192", "model.config.seq_length=8192", "model.config.recompute_granularity=full",
          "model.config.recompute_method=block", "model.config.recompute_num_layers=2", "trainer.plugins.fp8=hybrid",
          "trainer.plugins.fp8_recipe=delayed", "trainer.plugins.fp8_amax_history_len=1024",
          "trainer.plugins.fp8_amax_compute_algo=max", "trainer.max_steps=50"})
        EXPECT_TRUE(contains(o, token)) << token;
    EXPECT_FALSE(any_starts_with(o, "trainer.strategy.expert_model_parallel_size="));  // dense model
    EXPECT_TRUE(nemo2_notes(m, llama70b_candidate(), steps(50)).empty());
    const std::string cmd = nemo2_command(m, llama70b_candidate(), steps(50));
    EXPECT_EQ(cmd.rfind("nemo llm pretrain --factory llama3_70b -y trainer.num_nodes=8 ", 0), 0u);

    TrainConfig plain = llama70b_candidate();
    plain.vp = 1, plain.tp = 1, plain.precision = Precision::bf16;
    const std::vector<std::string> p = nemo2_overrides(m, plain, steps(50));
    EXPECT_TRUE(contains(p, "trainer.strategy.virtual_pipeline_model_parallel_size=None"));
    EXPECT_TRUE(contains(p, "trainer.strategy.sequence_parallel=False"));  // no SP without TP
    EXPECT_FALSE(any_starts_with(p, "trainer.plugins.fp8"));
}

TEST(LaunchNemo2, ModelWithoutRecipeIsNamedInANote) {
    const ModelSpec m = preset("gpt3-5b");
    TrainConfig c;
    c.gbs = 64;
    const std::vector<std::string> notes = nemo2_notes(m, c, steps(10));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].rfind("not expressible: NeMo 2.0 ships no recipe for model 'gpt3-5b'", 0), 0u);
    EXPECT_NE(nemo2_command(m, c, steps(10)).find("\nnemo llm pretrain --factory TODO_RECIPE -y "), std::string::npos);
    LaunchOptions given = steps(10);
    given.nemo_recipe = "gpt3_175b";
    EXPECT_TRUE(nemo2_notes(m, c, given).empty());
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchTorchtitan, DegreesMultiplyToTheGpuCount) {
    const ModelSpec m = preset("llama3-70b");
    struct Case { int nodes, tp, pp, vp, cp; OptimizerSharding sharding; int dp_shard, dp_replicate; };
    for (const Case& k : {Case{8, 8, 2, 1, 2, OptimizerSharding::fsdp, 2, 1},
                          Case{8, 8, 1, 1, 1, OptimizerSharding::fsdp, 8, 1},
                          Case{4, 4, 4, 5, 1, OptimizerSharding::none, 1, 2},
                          Case{8, 4, 4, 5, 2, OptimizerSharding::zero3, 2, 1}}) {
        TrainConfig c;
        c.framework = Framework::torchtitan, c.nodes = k.nodes, c.tp = k.tp, c.pp = k.pp, c.vp = k.vp, c.cp = k.cp;
        c.sharding = k.sharding, c.mbs = 1, c.gbs = 256, c.seq = 8192;
        ASSERT_TRUE(train_config_check(m, c).ok()) << train_config_check(m, c).error().message;
        std::map<std::string, std::string> o = titan_map(torchtitan_overrides(m, c, steps(20)));
        const int shard = std::stoi(o["parallelism.data_parallel_shard_degree"]);
        const int replicate = std::stoi(o["parallelism.data_parallel_replicate_degree"]);
        EXPECT_EQ(shard, k.dp_shard);
        EXPECT_EQ(replicate, k.dp_replicate);
        EXPECT_EQ(shard * replicate * std::stoi(o["parallelism.tensor_parallel_degree"]) *
                      std::stoi(o["parallelism.pipeline_parallel_degree"]) * std::stoi(o["parallelism.context_parallel_degree"]),
                  c.gpus());
        // Gradient accumulation (torchtitan/trainer.py) times PP micro-batches gives the candidate's micro-batches.
        const int local = std::stoi(o["training.local_batch_size"]), global = std::stoi(o["training.global_batch_size"]);
        EXPECT_EQ(global, 256);
        const int accumulation = global / (local * shard * replicate);
        const int pp_microbatches = c.pp > 1 ? local / std::stoi(o["parallelism.pipeline_parallel_microbatch_size"]) : 1;
        EXPECT_EQ(accumulation * pp_microbatches, train_config_check(m, c)->microbatches);
        if (c.pp > 1) {
            // pipeline_parallel.py: stages = ceil((layers + first_less + last_less) / layers_per_stage) = PP x VP.
            const int per_stage = std::stoi(o["parallelism.pipeline_parallel_layers_per_stage"]);
            const int less = std::stoi(o["parallelism.pipeline_parallel_first_stage_less_layers"]) +
                             std::stoi(o["parallelism.pipeline_parallel_last_stage_less_layers"]);
            EXPECT_EQ((m.layers + less + per_stage - 1) / per_stage, c.pp * c.vp);
            EXPECT_EQ(o["parallelism.pipeline_parallel_schedule"], c.vp > 1 ? "Interleaved1F1B" : "1F1B");
        }
        EXPECT_EQ(o["training.steps"], "20");
        EXPECT_EQ(o["training.seq_len"], "8192");
        EXPECT_TRUE(torchtitan_notes(m, c, steps(20)).empty());
    }
}

TEST(LaunchTorchtitan, CommandSelectsTheConfigFunctionOrTheToml) {
    const ModelSpec m = preset("llama3.1-8b");
    TrainConfig c;
    c.framework = Framework::torchtitan, c.sharding = OptimizerSharding::fsdp, c.gbs = 64;
    EXPECT_EQ(torchtitan_config_name(m), "llama3_8b");
    const std::vector<std::string> lines = lines_of(torchtitan_command(m, c, steps(10)));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("PYTORCH_ALLOC_CONF=expandable_segments:True torchrun --nnodes 1 --nproc-per-node 8 --standalone "
                             "-m torchtitan.train --module llama3 --config llama3_8b --parallelism.", 0), 0u);
    LaunchOptions toml = steps(10);
    toml.torchtitan_toml = "./torchtitan/models/llama3/train_configs/llama3_8b.toml";
    EXPECT_NE(torchtitan_command(m, c, toml).find(" -m torchtitan.train --job.config_file ./torchtitan/models/llama3/train_configs/llama3_8b.toml --parallelism."),
              std::string::npos);
}

TEST(LaunchTorchtitan, Fp8IsAConverterOnTheTomlInterfaceAndANoteOtherwise) {
    const ModelSpec m = preset("llama3-8b");
    TrainConfig c;
    c.framework = Framework::torchtitan, c.sharding = OptimizerSharding::fsdp, c.gbs = 64, c.precision = Precision::fp8;
    const std::vector<std::string> notes = torchtitan_notes(m, c, steps(10));
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].rfind("not expressible: FP8", 0), 0u);
    LaunchOptions toml = steps(10);
    toml.torchtitan_toml = "llama3_8b.toml";
    const std::vector<std::string> o = torchtitan_overrides(m, c, toml);
    EXPECT_TRUE(contains(o, "--model.converters=quantize.linear.float8"));
    EXPECT_TRUE(contains(o, "--quantize.linear.float8.enable_fsdp_float8_all_gather"));
    EXPECT_TRUE(torchtitan_notes(m, c, toml).empty());
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchRecompute, NoneSelectiveFullInAllThree) {
    const ModelSpec m = preset("llama3-8b");  // 32 layers
    TrainConfig c;
    c.gbs = 64, c.tp = 2, c.pp = 2;  // 16 layers per stage
    struct Expect { Recompute mode; int layers; const char* megatron_method; const char* nemo_granularity; const char* titan_mode; const char* titan_option; };
    for (const Expect& k : {Expect{Recompute::none, 0, "", "None", "none", ""},
                            Expect{Recompute::selective, 0, "", "selective", "selective", "op"},
                            Expect{Recompute::full, 0, "uniform", "full", "full", ""},
                            Expect{Recompute::full, 4, "block", "full", "selective", "4"}}) {
        c.recompute = k.mode, c.recompute_layers = k.layers;
        SCOPED_TRACE(std::string(recompute_name(k.mode)) + ":" + std::to_string(k.layers));
        const std::vector<std::string> mlm = megatron_lm_args(m, c, steps(5));
        EXPECT_EQ(contains(mlm, "--recompute-activations"), k.mode == Recompute::selective);
        EXPECT_EQ(value_after(mlm, "--recompute-granularity"), k.mode == Recompute::full ? "full" : "");
        EXPECT_EQ(value_after(mlm, "--recompute-method"), k.megatron_method);
        if (k.mode == Recompute::full) {
            EXPECT_EQ(value_after(mlm, "--recompute-num-layers"), k.layers ? "4" : "1");
        }

        const std::vector<std::string> nemo = nemo2_overrides(m, c, steps(5));
        EXPECT_TRUE(contains(nemo, std::string("model.config.recompute_granularity=") + k.nemo_granularity));
        EXPECT_TRUE(contains(nemo, std::string("model.config.recompute_method=") + (*k.megatron_method ? k.megatron_method : "None")));

        TrainConfig t = c;
        t.framework = Framework::torchtitan, t.sharding = OptimizerSharding::fsdp;
        std::map<std::string, std::string> titan = titan_map(torchtitan_overrides(m, t, steps(5)));
        EXPECT_EQ(titan["activation_checkpoint.mode"], k.titan_mode);
        EXPECT_EQ(titan.count("activation_checkpoint.selective_ac_option") ? titan["activation_checkpoint.selective_ac_option"] : "",
                  k.titan_option);
        EXPECT_TRUE(torchtitan_notes(m, t, steps(5)).empty());
    }
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchMoe, MixtralEmitsExpertSettings) {
    const ModelSpec m = preset("mixtral-8x7b");
    TrainConfig c;
    c.nodes = 2, c.tp = 2, c.ep = 8, c.gbs = 256, c.seq = 4096;  // DP 8: EP 8 lives inside DP
    ASSERT_TRUE(train_config_check(m, c).ok());
    const std::vector<std::string> mlm = megatron_lm_args(m, c, steps(30));
    EXPECT_EQ(value_after(mlm, "--num-experts"), "8");
    EXPECT_EQ(value_after(mlm, "--moe-router-topk"), "2");
    EXPECT_EQ(value_after(mlm, "--moe-ffn-hidden-size"), "14336");
    EXPECT_EQ(value_after(mlm, "--expert-model-parallel-size"), "8");
    EXPECT_EQ(value_after(mlm, "--moe-token-dispatcher-type"), "alltoall");
    EXPECT_TRUE(contains(mlm, "--moe-grouped-gemm"));

    EXPECT_TRUE(contains(nemo2_overrides(m, c, steps(30)), "trainer.strategy.expert_model_parallel_size=8"));
    EXPECT_EQ(nemo2_command(m, c, steps(30)).rfind("nemo llm pretrain --factory mixtral_8x7b -y ", 0), 0u);

    TrainConfig t = c;
    t.framework = Framework::torchtitan, t.sharding = OptimizerSharding::fsdp;
    EXPECT_TRUE(contains(torchtitan_overrides(m, t, steps(30)), "--parallelism.expert_parallel_degree=8"));
    const std::vector<std::string> notes = torchtitan_notes(m, t, steps(30));
    ASSERT_EQ(notes.size(), 1u);  // torchtitan has no Mixtral: the config function is the user's
    EXPECT_EQ(notes[0].rfind("not expressible: torchtitan ships no config for model 'mixtral-8x7b'", 0), 0u);
    EXPECT_NE(torchtitan_command(m, t, steps(30)).find("--module TODO_MODULE --config TODO_CONFIG"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchQuoting, HostileRunNameStaysOneWord) {
    const std::string name = "x'; rm -rf ~ #$(id)`uname`\n\"q\\";
    LaunchOptions o = steps(10);
    o.run_name = name;
    ModelSpec m = preset("llama3-8b");
    m.name = "evil\nrm -rf /";  // a user label from an imported config.json ends up in notes
    TrainConfig c;
    c.gbs = 64;

    const std::vector<std::string> nemo_lines = lines_of(nemo2_command(m, c, o));
    ASSERT_GE(nemo_lines.size(), 2u);  // the note (no recipe for this label), then the command
    for (size_t i = 0; i + 1 < nemo_lines.size(); ++i) EXPECT_EQ(nemo_lines[i].rfind("# ", 0), 0u) << nemo_lines[i];
    bool expansion = true;
    const std::vector<std::string> nemo_words = shell_words(nemo_lines.back(), expansion);
    EXPECT_FALSE(expansion);
    // NeMo-Run drops the outer '...' and unescapes nothing; the newline (which its key=value pattern cannot
    // span) became '_', every other character is kept.
    EXPECT_TRUE(contains(nemo_words, "log.name='x'; rm -rf ~ #$(id)`uname`_\"q\\'")) << nemo_lines.back();

    c.framework = Framework::torchtitan, c.sharding = OptimizerSharding::fsdp;
    const std::vector<std::string> titan_lines = lines_of(torchtitan_command(m, c, o));
    const std::vector<std::string> titan_words = shell_words(titan_lines.back(), expansion);
    EXPECT_FALSE(expansion);
    // One folder under ./outputs: the newline became '_', every other character is kept.
    EXPECT_TRUE(contains(titan_words, "--dump_folder=./outputs/x'; rm -rf ~ #$(id)`uname`_\"q\\")) << titan_lines.back();
    o.run_name = "../..";
    EXPECT_TRUE(contains(torchtitan_overrides(m, c, o), "--dump_folder=./outputs/.._.."));

    c.framework = Framework::megatron, c.sharding = OptimizerSharding::distributed;
    const std::string megatron = megatron_lm_command(m, c, o);
    EXPECT_EQ(megatron.find("rm -rf ~"), std::string::npos);  // no run-name argument: only a note says so
    const std::vector<std::string> megatron_lines = lines_of(megatron);
    EXPECT_EQ(megatron_lines.back().rfind("CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun ", 0), 0u);
    for (size_t i = 0; i + 1 < megatron_lines.size(); ++i) EXPECT_EQ(megatron_lines[i].rfind("# ", 0), 0u);
}

// ---------------------------------------------------------------------------------------------
TEST(LaunchNotes, InvalidCandidateAndFrameworkMismatchAreSaid) {
    const ModelSpec m = preset("llama3-70b");
    TrainConfig c = llama70b_candidate();
    c.tp = 3;  // 64 heads are not divisible by 3
    const std::vector<std::string> notes = megatron_lm_notes(m, c, steps(5));
    ASSERT_FALSE(notes.empty());
    EXPECT_EQ(notes[0].rfind("invalid configuration: --tp 3", 0), 0u);

    TrainConfig titan = llama70b_candidate();
    titan.framework = Framework::torchtitan;
    EXPECT_TRUE(any_starts_with(nemo2_notes(m, titan, steps(5)), "note: this candidate was estimated for torchtitan"));
    EXPECT_TRUE(any_starts_with(torchtitan_notes(m, llama70b_candidate(), steps(5)), "note: this candidate was estimated for megatron"));
}

}  // namespace
}  // namespace tp
