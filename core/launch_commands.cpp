// launch_commands.cpp — NeMo 2.0, Megatron-LM and torchtitan commands for one candidate.
//
// [SECTION] Shared       layout of the candidate, argument lists, quoting, the command text
// [SECTION] Recompute    trainplan's recomputation in Megatron-Core terms (used by NeMo 2.0 and Megatron-LM)
// [SECTION] NeMo 2.0
// [SECTION] Megatron-LM
// [SECTION] torchtitan
//
// Every flag or key below was read from the framework's own source (file and commit next to each
// emitter); none is guessed. Where the framework cannot take a setting as given, the emitter writes the
// nearest runnable setting and a note that says what differs from the candidate that was predicted.
#include "launch_commands.hpp"

#include <algorithm>
#include <utility>

namespace tp {

// ============================================================================================
// [SECTION] Shared
// ============================================================================================
namespace {

// Sizes derived from the candidate. Guarded against zero divisors so that an invalid candidate still
// yields text (its notes say it is invalid).
struct Layout {
    int gpus = 1;
    int dp = 1;             // data-parallel replicas: GPUs / (TP x PP x CP)
    int microbatches = 1;   // per pipeline per optimizer step: GBS / (MBS x DP)
    int layers = 0;         // transformer layers (encoder + decoder)
    int per_stage = 0;      // layers held by one pipeline rank (all of its virtual stages)
    int per_chunk = 0;      // layers per virtual pipeline stage
    std::string invalid;    // train_config_check's message; "" when the candidate is valid
};

Layout layout_of(const ModelSpec& m, const TrainConfig& c) {
    Layout l;
    l.gpus = std::max(1, c.gpus());
    l.dp = std::max(1, l.gpus / std::max(1, c.tp * c.pp * c.cp));
    l.microbatches = std::max(1, c.gbs / std::max(1, c.mbs * l.dp));
    l.layers = m.layers + m.decoder_layers;
    l.per_stage = l.layers / std::max(1, c.pp);
    l.per_chunk = l.per_stage / std::max(1, c.vp);
    const Result<ParallelLayout> checked = train_config_check(m, c);
    if (checked) {
        l.dp = checked->dp;
        l.microbatches = checked->microbatches;
    } else {
        l.invalid = checked.error().message;
    }
    return l;
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }
std::string str(long long v) { return std::to_string(v); }
const char* python_bool(bool b) { return b ? "True" : "False"; }

// One framework's output: argv words and notes.
struct Emission {
    std::vector<std::string> args;
    std::vector<std::string> notes;

    void word(std::string w) { args.push_back(std::move(w)); }
    void flag_value(const char* flag, std::string value) {  // Megatron: "--flag value" as two words
        args.emplace_back(flag);
        args.push_back(std::move(value));
    }
    void flag_value(const char* flag, long long value) { flag_value(flag, str(value)); }
    void note(std::string text) { notes.push_back(std::move(text)); }
};

void note_common(Emission& e, const Layout& l, const TrainConfig& c, Framework estimated_for, const char* framework) {
    if (!l.invalid.empty()) e.note("invalid configuration: " + l.invalid);
    if (c.framework != estimated_for)
        e.note(std::string("note: this candidate was estimated for ") + framework_name(c.framework) + "; " + framework +
               " differs in memory and step time (selective recomputation, loss, FP8 weights, TP overlap)");
}

bool shell_safe(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           std::string_view("_@%+=:,./-").find(ch) != std::string_view::npos;
}

// A note becomes one "# " comment line: control characters (a newline in a model or run name would end
// the comment and start a command) are replaced by spaces.
std::string comment_line(std::string_view note) {
    std::string out = "# ";
    for (const char ch : note) out += (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ? ' ' : ch;
    return out;
}

// The notes as comment lines, then `head` (written as is: it may hold ${VAR} references) and the words, quoted.
std::string command_text(const std::vector<std::string>& notes, const std::string& head,
                         const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& n : notes) out += comment_line(n) + "\n";
    out += head;
    for (const std::string& w : words) out += " " + shell_quote(w);
    return out;
}

// torchrun's own options (PyTorch torch/distributed/run.py: --nnodes, --nproc-per-node, --standalone,
// --rdzv-backend, --rdzv-endpoint). Multi-node: every node runs the same line with MASTER_ADDR/MASTER_PORT
// set by the executor (Slurm or the local launcher).
std::string torchrun_head(const TrainConfig& c) {
    std::string s = "torchrun --nnodes " + str(c.nodes) + " --nproc-per-node " + str(c.gpus_per_node);
    s += c.nodes > 1 ? " --rdzv-backend c10d --rdzv-endpoint \"${MASTER_ADDR}:${MASTER_PORT}\"" : " --standalone";
    return s;
}

// The run name as one folder name (NeMo's log directory, torchtitan's dump folder): '/' and control
// characters become '_' (no subfolders, no escape through "..", and the command stays on one line, which
// NeMo-Run's key=value pattern needs); everything else is kept and shell-quoted.
std::string folder_name(std::string_view run_name) {
    std::string out;
    for (const char ch : run_name) {
        const auto byte = static_cast<unsigned char>(ch);
        out += (ch == '/' || byte < 0x20 || byte == 0x7f) ? '_' : ch;
    }
    if (out.find_first_not_of('.') == std::string::npos) out = "_" + out;  // "." and ".."
    return out;
}

}  // namespace

std::string shell_quote(std::string_view word) {
    if (!word.empty() && std::all_of(word.begin(), word.end(), shell_safe)) return std::string(word);
    std::string out = "'";
    for (const char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

// ============================================================================================
// [SECTION] Recompute
// ============================================================================================
// Megatron-Core's recomputation (megatron/training/arguments.py at NVIDIA/Megatron-LM 000c4ac2:
// --recompute-granularity full|selective, --recompute-method uniform|block, --recompute-num-layers;
// NeMo docs/source/features/optimizations/activation_recomputation.rst): `uniform` with 1 layer checkpoints
// every layer (all recomputed); `block` with N recomputes N layers of each pipeline stage and stores the
// rest, and with virtual pipelining N counts layers per VIRTUAL stage.
// trainplan's TrainConfig::recompute_layers counts layers per pipeline stage (all of its virtual stages),
// so N layers with VP v become N / v per virtual stage.
namespace {

struct CoreRecompute {
    const char* granularity = nullptr;  // "full" | "selective" | nullptr (none)
    const char* method = nullptr;       // "uniform" | "block" | nullptr
    int num_layers = 0;                 // per virtual pipeline stage (0 with method nullptr)
    std::string note;                   // "" when the candidate's setting is expressed exactly
};

CoreRecompute core_recompute(const TrainConfig& c, const Layout& l) {
    CoreRecompute r;
    if (c.recompute == Recompute::none) return r;
    if (c.recompute == Recompute::selective) {
        r.granularity = "selective";  // recompute_modules default ["core_attn"]: the attention core
        return r;
    }
    r.granularity = "full";
    const int wanted = c.recompute_layers;  // per pipeline stage; 0 = all
    if (wanted == 0 || wanted >= l.per_stage) {
        r.method = "uniform";
        r.num_layers = 1;
        return r;
    }
    const int vp = std::max(1, c.vp);
    r.method = "block";
    r.num_layers = ceil_div(wanted, vp);
    if (wanted % vp != 0)
        r.note = "not expressible: full recomputation of " + str(wanted) + " of a stage's " + str(l.per_stage) +
                 " layers with VP " + str(vp) + " (Megatron-Core recomputes the same number of layers in each virtual "
                 "stage); emitted " + str(r.num_layers) + " per virtual stage = " + str(r.num_layers * vp) +
                 " per stage, which saves more memory and costs more time than predicted";
    return r;
}

}  // namespace

// ============================================================================================
// [SECTION] NeMo 2.0
// ============================================================================================
// Recipe names: nemo/collections/llm/recipes/*.py (NVIDIA/NeMo; one module per recipe, NAME = module name,
// listed from the repository at 7c541891 and later). Override keys: the recipe factories (e.g. llama3_70b.py,
// mixtral_8x7b.py: trainer = nl.Trainer(num_nodes, devices, strategy=nl.MegatronStrategy(...), plugins=...),
// data = MockDataModule(seq_length, global_batch_size, micro_batch_size), optim = distributed_fused_adam...),
// nemo/lightning/pytorch/strategies/megatron_strategy.py (MegatronStrategy.__init__: tensor_model_parallel_size,
// pipeline_model_parallel_size, virtual_pipeline_model_parallel_size, context_parallel_size, sequence_parallel,
// expert_model_parallel_size), nemo/lightning/pytorch/plugins/mixed_precision.py (MegatronMixedPrecision: fp8,
// fp8_recipe [absent from early NeMo 2.0 releases, which run delayed scaling anyway], fp8_amax_history_len,
// fp8_amax_compute_algo, fp8_param_gather) and Megatron-Core's TransformerConfig
// (model.config.recompute_granularity / recompute_method / recompute_num_layers, seq_length).
// CLI form `nemo llm pretrain --factory R -y key=value`: NeMo docs nemo-2.0/features/cli and
// docs/source/features/parallelisms.rst ("nemo llm pretrain --factory llama3_8b
// trainer.strategy.tensor_model_parallel_size=2"); -y skips NeMo-Run's confirmation (NVIDIA/cloudai NeMo-Run
// command tests: "--factory", recipe, "-y"). Values are parsed against each field's type by
// nemo_run/cli/cli_parser.py (NVIDIA/NeMo-Run 59d46ef1: key=value pattern, TypeParser: None for Optional,
// True/False for bool, str as given).
std::string nemo2_recipe_name(const ModelSpec& m) {
    static const std::pair<const char*, const char*> recipes[] = {
        {"gpt3-175b", "gpt3_175b"},
        {"llama2-7b", "llama2_7b"},
        {"llama3-8b", "llama3_8b"},       {"llama3-70b", "llama3_70b"},
        {"llama3.1-8b", "llama31_8b"},    {"llama3.1-70b", "llama31_70b"},   {"llama3.1-405b", "llama31_405b"},
        {"mistral-7b", "mistral_7b"},     {"mixtral-8x7b", "mixtral_8x7b"},  {"mixtral-8x22b", "mixtral_8x22b"},
        {"gemma-2b", "gemma_2b"},         {"gemma-7b", "gemma_7b"},
        {"gemma2-2b", "gemma2_2b"},       {"gemma2-9b", "gemma2_9b"},        {"gemma2-27b", "gemma2_27b"},
        {"nemotron4-15b", "nemotron4_15b"}, {"nemotron4-340b", "nemotron4_340b"},
        {"starcoder2-3b", "starcoder2_3b"}, {"starcoder2-7b", "starcoder2_7b"}, {"starcoder2-15b", "starcoder2_15b"},
        {"qwen2-7b", "qwen2_7b"},         {"qwen2-72b", "qwen2_72b"},
        {"qwen2.5-0.5b", "qwen25_500m"},  {"qwen2.5-1.5b", "qwen25_1p5b"},   {"qwen2.5-7b", "qwen25_7b"},
        {"qwen2.5-14b", "qwen25_14b"},    {"qwen2.5-32b", "qwen25_32b"},     {"qwen2.5-72b", "qwen25_72b"},
        {"t5-base", "t5_220m"},           {"t5-3b", "t5_3b"},                {"t5-11b", "t5_11b"},
        {"bert-base", "bert_110m"},       {"bert-large", "bert_340m"},
    };
    for (const auto& [model, recipe] : recipes)
        if (m.name == model) return recipe;
    return "";
}

namespace {

void nemo2_set(Emission& e, const std::string& key, const std::string& value) { e.word(key + "=" + value); }

void nemo2_parallelism(Emission& e, const ModelSpec& m, const TrainConfig& c) {
    nemo2_set(e, "trainer.num_nodes", str(c.nodes));
    nemo2_set(e, "trainer.devices", str(c.gpus_per_node));
    nemo2_set(e, "trainer.strategy.tensor_model_parallel_size", str(c.tp));
    nemo2_set(e, "trainer.strategy.pipeline_model_parallel_size", str(c.pp));
    // VP is the number of virtual stages per pipeline rank here (None: not interleaved).
    nemo2_set(e, "trainer.strategy.virtual_pipeline_model_parallel_size", c.vp > 1 ? str(c.vp) : "None");
    nemo2_set(e, "trainer.strategy.context_parallel_size", str(c.cp));
    if (m.moe.enabled()) nemo2_set(e, "trainer.strategy.expert_model_parallel_size", str(c.ep));
    nemo2_set(e, "trainer.strategy.sequence_parallel", python_bool(c.sequence_parallel && c.tp > 1));
}

// The recipes' optimizer is distributed_fused_adam_with_cosine_annealing (use_distributed_optimizer=True).
void nemo2_sharding(Emission& e, const TrainConfig& c) {
    const bool distributed = c.sharding != OptimizerSharding::none;
    nemo2_set(e, "optim.config.use_distributed_optimizer", python_bool(distributed));
    if (c.sharding == OptimizerSharding::zero2 || c.sharding == OptimizerSharding::zero3 ||
        c.sharding == OptimizerSharding::fsdp)
        e.note(std::string("not expressible: optimizer sharding '") + sharding_name(c.sharding) +
               "' as a NeMo 2.0 recipe override; the command keeps Megatron's distributed optimizer (optimizer "
               "states and master weights sharded, gradients and weights not), which needs more memory than predicted");
}

void nemo2_batch(Emission& e, const ModelSpec& m, const TrainConfig& c) {
    nemo2_set(e, "data.micro_batch_size", str(c.mbs));
    nemo2_set(e, "data.global_batch_size", str(c.gbs));
    if (m.arch == Architecture::decoder) {
        nemo2_set(e, "data.seq_length", str(c.seq));
        nemo2_set(e, "model.config.seq_length", str(c.seq));
    } else {
        e.note("not expressible: the sequence length " + str(c.seq) +
               " for an encoder or encoder-decoder recipe (its data module names its lengths differently); "
               "the recipe's own is kept");
    }
}

void nemo2_recompute(Emission& e, const TrainConfig& c, const Layout& l) {
    const CoreRecompute r = core_recompute(c, l);
    nemo2_set(e, "model.config.recompute_granularity", r.granularity ? r.granularity : "None");
    nemo2_set(e, "model.config.recompute_method", r.method ? r.method : "None");
    nemo2_set(e, "model.config.recompute_num_layers", r.method ? str(r.num_layers) : "None");
    if (!r.note.empty()) e.note(r.note);
}

// bf16_with_fp8_mixed() (recipes/precision/mixed_precision.py) less fp8_param_gather: trainplan's memory model
// keeps bf16 weights plus TransformerEngine's FP8 copies, which is what fp8_param_gather=False runs.
void nemo2_precision(Emission& e, const TrainConfig& c) {
    if (c.precision != Precision::fp8) return;
    nemo2_set(e, "trainer.plugins.fp8", "hybrid");
    nemo2_set(e, "trainer.plugins.fp8_recipe", "delayed");
    nemo2_set(e, "trainer.plugins.fp8_amax_history_len", "1024");
    nemo2_set(e, "trainer.plugins.fp8_amax_compute_algo", "max");
}

void nemo2_run_control(Emission& e, const LaunchOptions& o) {
    if (o.max_steps > 0) nemo2_set(e, "trainer.max_steps", str(o.max_steps));
    // NeMoLogger.name (default_log(name=...)); NeMo-Run's str parser (nemo_run/cli/cli_parser.py at NVIDIA/NeMo-Run
    // 59d46ef1, TypeParser.parse_str) drops one pair of surrounding quotes and unescapes nothing, so '...' keeps
    // any name intact, even one that reads like None or a number.
    if (!o.run_name.empty()) nemo2_set(e, "log.name", "'" + folder_name(o.run_name) + "'");
}

Emission nemo2_emit(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    const Layout l = layout_of(m, c);
    Emission e;
    note_common(e, l, c, Framework::megatron, "NeMo 2.0 (Megatron-Core)");
    const std::string recipe = o.nemo_recipe.empty() ? nemo2_recipe_name(m) : o.nemo_recipe;
    if (recipe.empty())
        e.note("not expressible: NeMo 2.0 ships no recipe for model '" + m.name +
               "'; set LaunchOptions.nemo_recipe to a recipe of the same architecture or use the NeMo launcher YAML");
    nemo2_parallelism(e, m, c);
    nemo2_sharding(e, c);
    nemo2_batch(e, m, c);
    nemo2_recompute(e, c, l);
    nemo2_precision(e, c);
    if (!c.flash_attention)
        e.note("not expressible: attention without flash attention (NeMo picks the attention backend itself)");
    nemo2_run_control(e, o);
    return e;
}

}  // namespace

std::vector<std::string> nemo2_overrides(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    return nemo2_emit(m, c, o).args;
}

std::vector<std::string> nemo2_notes(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    return nemo2_emit(m, c, o).notes;
}

std::string nemo2_command(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    const Emission e = nemo2_emit(m, c, o);
    std::string recipe = o.nemo_recipe.empty() ? nemo2_recipe_name(m) : o.nemo_recipe;
    if (recipe.empty()) recipe = "TODO_RECIPE";
    std::vector<std::string> words = {"--factory", recipe, "-y"};
    words.insert(words.end(), e.args.begin(), e.args.end());
    return command_text(e.notes, "nemo llm pretrain", words);
}

// ============================================================================================
// [SECTION] Megatron-LM
// ============================================================================================
// Every flag: megatron/training/arguments.py at NVIDIA/Megatron-LM 000c4ac24f61159c138b0975def722c65245983c
// (_add_network_size_args, _add_training_args, _add_mixed_precision_args, _add_distributed_args,
// _add_tokenizer_args, _add_data_args, _add_moe_args, _add_transformer_engine_args). VP is given as
// --num-layers-per-virtual-pipeline-stage (validate_args turns it into layers per stage / that number).
// CUDA_DEVICE_MAX_CONNECTIONS=1 as in Megatron-LM's examples/ launch scripts (TP communication ordering).
namespace {

const char* megatron_script(const ModelSpec& m) {
    switch (m.arch) {
        case Architecture::encoder_decoder: return "pretrain_t5.py";
        case Architecture::encoder: return "pretrain_bert.py";
        case Architecture::decoder: break;
    }
    return "pretrain_gpt.py";
}

void megatron_layers_and_widths(Emission& e, const ModelSpec& m) {
    if (m.arch == Architecture::encoder_decoder) {
        e.flag_value("--encoder-num-layers", m.layers);
        e.flag_value("--decoder-num-layers", m.decoder_layers);
    } else {
        e.flag_value("--num-layers", m.layers);
    }
    e.flag_value("--hidden-size", m.hidden);
    e.flag_value("--ffn-hidden-size", m.ffn);
    e.flag_value("--num-attention-heads", m.heads);
    if (m.kv_heads > 0 && m.kv_heads != m.heads) {
        e.word("--group-query-attention");
        e.flag_value("--num-query-groups", m.kv_heads);
    }
    if (m.head_dim > 0 && m.heads > 0 && m.head_dim * m.heads != m.hidden) e.flag_value("--kv-channels", m.head_dim);
}

void megatron_positions(Emission& e, const ModelSpec& m, const TrainConfig& c) {
    e.flag_value("--seq-length", c.seq);
    e.flag_value("--max-position-embeddings", std::max(m.max_seq, c.seq));
    const char* type = m.position == PositionKind::rotary    ? "rope"
                       : m.position == PositionKind::learned ? "learned_absolute"
                                                             : "relative";
    e.flag_value("--position-embedding-type", type);
}

void megatron_layer_kinds(Emission& e, const ModelSpec& m) {
    e.flag_value("--normalization", m.norm == NormKind::rmsnorm ? "RMSNorm" : "LayerNorm");
    if (m.mlp == MlpKind::gated) {
        e.word("--swiglu");
        if (m.family == "gemma")
            e.note("not expressible: Gemma's GeGLU (Megatron-LM has gated SiLU, --swiglu, with the same shapes, "
                   "memory and FLOPs; the activation differs)");
    } else if (m.family == "nemotron") {
        e.word("--squared-relu");  // Nemotron-4: squared-ReLU two-matrix MLP
    }
    if (!m.tied_embeddings) e.word("--untie-embeddings-and-output-weights");
    // --disable-bias-linear switches off every linear bias; --add-qkv-bias puts back the q, k, v ones (Qwen2).
    if (!m.attention_bias && !m.mlp_bias) e.word("--disable-bias-linear");
    else if (m.attention_bias != m.mlp_bias)
        e.note("not expressible: biases on only the attention or only the MLP linears (Megatron-LM's "
               "--disable-bias-linear covers both); the default (biases on both) is kept");
    if (m.qkv_bias_only) e.word("--add-qkv-bias");
    if (!m.dropout) {  // Megatron-LM's defaults are 0.1
        e.flag_value("--attention-dropout", "0");
        e.flag_value("--hidden-dropout", "0");
    }
}

// Vocabulary through the NullTokenizer on mock data: the tokenizer reports vocab-size + 1 (an EOD token), so
// --vocab-size V-1 gives V; Megatron then pads to a multiple of 128 x TP (--make-vocab-size-divisible-by) as
// it does for every tokenizer. Replace with --data-path/--tokenizer-* for real data.
void megatron_vocabulary(Emission& e, const ModelSpec& m) {
    e.flag_value("--tokenizer-type", "NullTokenizer");
    e.flag_value("--vocab-size", std::max(1, m.vocab - 1));
    e.word("--mock-data");
}

void megatron_moe(Emission& e, const ModelSpec& m, const TrainConfig& c) {
    if (!m.moe.enabled()) return;
    e.flag_value("--num-experts", m.moe.experts);
    e.flag_value("--moe-router-topk", m.moe.top_k);
    if (m.moe.expert_ffn > 0) e.flag_value("--moe-ffn-hidden-size", m.moe.expert_ffn);
    if (m.moe.shared_experts > 0)
        e.flag_value("--moe-shared-expert-intermediate-size", 1LL * m.moe.shared_experts * m.moe.shared_expert_ffn);
    if (m.moe.layer_freq != 1) e.flag_value("--moe-layer-freq", m.moe.layer_freq);
    e.word("--moe-grouped-gemm");
    if (c.ep > 1) e.flag_value("--moe-token-dispatcher-type", "alltoall");  // recommended with EP (arguments.py help)
}

void megatron_parallelism(Emission& e, const ModelSpec& m, const TrainConfig& c, const Layout& l) {
    e.flag_value("--tensor-model-parallel-size", c.tp);
    e.flag_value("--pipeline-model-parallel-size", c.pp);
    if (c.vp > 1) e.flag_value("--num-layers-per-virtual-pipeline-stage", l.per_chunk);  // layers / (PP x VP)
    e.flag_value("--context-parallel-size", c.cp);
    if (m.moe.enabled()) e.flag_value("--expert-model-parallel-size", c.ep);
    if (c.sequence_parallel && c.tp > 1) e.word("--sequence-parallel");
    if (!c.flash_attention) e.flag_value("--attention-backend", "unfused");
}

// none: plain DDP; distributed/zero1: the distributed optimizer (optimizer states and fp32 master weights
// sharded over DP); zero2/zero3/fsdp: Megatron FSDP with the matching --data-parallel-sharding-strategy.
void megatron_sharding(Emission& e, const TrainConfig& c) {
    switch (c.sharding) {
        case OptimizerSharding::none: break;
        case OptimizerSharding::distributed:
        case OptimizerSharding::zero1: e.word("--use-distributed-optimizer"); break;
        case OptimizerSharding::zero2:
            e.word("--use-megatron-fsdp");
            e.flag_value("--data-parallel-sharding-strategy", "optim_grads");
            break;
        case OptimizerSharding::zero3:
        case OptimizerSharding::fsdp:
            e.word("--use-megatron-fsdp");
            e.flag_value("--data-parallel-sharding-strategy", "optim_grads_params");
            break;
    }
}

void megatron_recompute(Emission& e, const TrainConfig& c, const Layout& l) {
    const CoreRecompute r = core_recompute(c, l);
    if (!r.granularity) return;
    if (!r.method) {
        e.word("--recompute-activations");  // validate_args: sets recompute_granularity = 'selective'
        return;
    }
    e.flag_value("--recompute-granularity", r.granularity);
    e.flag_value("--recompute-method", r.method);
    e.flag_value("--recompute-num-layers", r.num_layers);
    if (!r.note.empty()) e.note(r.note);
}

// FP8: TransformerEngine delayed scaling with NeMo's settings (hybrid E4M3/E5M2, 1024-step amax history,
// max); no --fp8-param-gather, matching the memory model (bf16 weights plus cached FP8 copies).
void megatron_precision(Emission& e, const TrainConfig& c) {
    e.word("--bf16");
    if (c.precision != Precision::fp8) return;
    e.flag_value("--fp8-format", "hybrid");
    e.flag_value("--fp8-recipe", "delayed");
    e.flag_value("--fp8-amax-history-len", 1024);
    e.flag_value("--fp8-amax-compute-algo", "max");
}

void megatron_run_control(Emission& e, const LaunchOptions& o) {
    if (o.max_steps > 0) e.flag_value("--train-iters", o.max_steps);
    else e.note("note: Megatron-LM needs --train-iters or --train-samples and LaunchOptions.max_steps is 0; add one");
    if (!o.run_name.empty())
        e.note("not expressible: a run name (Megatron-LM has no run-name argument; name the log or "
               "--tensorboard-dir after the run instead)");
}

Emission megatron_emit(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    const Layout l = layout_of(m, c);
    Emission e;
    note_common(e, l, c, Framework::megatron, "Megatron-LM");
    if (m.arch != Architecture::decoder)
        e.note(std::string("note: ") + megatron_script(m) +
               " takes its own data arguments (e.g. --encoder-seq-length, --vocab-extra-ids); only the shared "
               "model, parallel and batch arguments are written here");
    megatron_layers_and_widths(e, m);
    megatron_positions(e, m, c);
    megatron_layer_kinds(e, m);
    megatron_vocabulary(e, m);
    megatron_moe(e, m, c);
    megatron_parallelism(e, m, c, l);
    megatron_sharding(e, c);
    e.flag_value("--micro-batch-size", c.mbs);
    e.flag_value("--global-batch-size", c.gbs);
    megatron_recompute(e, c, l);
    megatron_precision(e, c);
    megatron_run_control(e, o);
    return e;
}

bool megatron_fsdp(const TrainConfig& c) {
    return c.sharding == OptimizerSharding::zero2 || c.sharding == OptimizerSharding::zero3 ||
           c.sharding == OptimizerSharding::fsdp;
}

}  // namespace

std::vector<std::string> megatron_lm_args(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    return megatron_emit(m, c, o).args;
}

std::vector<std::string> megatron_lm_notes(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    return megatron_emit(m, c, o).notes;
}

std::string megatron_lm_command(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    const Emission e = megatron_emit(m, c, o);
    // FSDP needs more than one CUDA connection (arguments.py asserts it for torch FSDP2); the rest wants 1.
    const std::string env = megatron_fsdp(c) ? "" : "CUDA_DEVICE_MAX_CONNECTIONS=1 ";
    return command_text(e.notes, env + torchrun_head(c) + " " + megatron_script(m), e.args);
}

// ============================================================================================
// [SECTION] torchtitan
// ============================================================================================
// Two interfaces:
//  - current (default): a Python config function chosen with --module/--config, e.g. `--module llama3 --config
//    llama3_70b` (torchtitan/models/llama3/config_registry.py; run_train.sh: torchrun ... -m torchtitan.train
//    --module ${MODULE} --config ${CONFIG} "$@"); --section.option flags still override it
//    (torchtitan/config/README.md, "The command-line options are frozen"). Field names: torchtitan/config/configs.py
//    at pytorch/torchtitan 1a618d1d (ParallelismConfig, TrainingConfig, ActivationCheckpointConfig, CompileConfig)
//    and torchtitan/trainer.py (Trainer.Config.dump_folder; gradient accumulation = global / (local x DP)).
//    FP8 is a model converter in the config function (model_converters), with no command-line flag.
//  - TOML (torchtitan <= v0.2.x, LaunchOptions::torchtitan_toml): `--job.config_file F`; same parallelism,
//    training, activation_checkpoint and compile fields (torchtitan/config/job_config.py at 6404b932), FP8 as
//    `--model.converters=quantize.linear.float8 --quantize.linear.float8.enable_fsdp_float8_all_gather
//    --quantize.linear.float8.precompute_float8_dynamic_scale_for_fsdp` (tests/integration_tests/h100.py).
// Pipeline stages: torchtitan/distributed/pipeline_parallel.py (pipeline_llm: stages = ceil((layers +
// first_stage_less_layers + last_stage_less_layers) / layers_per_stage), must be PP x stages per rank).
// Launch environment PYTORCH_ALLOC_CONF=expandable_segments:True as run_train.sh sets it.
std::string torchtitan_config_name(const ModelSpec& m) {
    static const std::pair<const char*, const char*> configs[] = {
        {"llama3-8b", "llama3_8b"},   {"llama3.1-8b", "llama3_8b"},     {"llama3-70b", "llama3_70b"},
        {"llama3.1-70b", "llama3_70b"}, {"llama3.1-405b", "llama3_405b"},
    };
    for (const auto& [model, config] : configs)
        if (m.name == model) return config;
    return "";
}

namespace {

bool titan_toml(const LaunchOptions& o) { return !o.torchtitan_toml.empty(); }
// --module and --config: the options, else the llama3 registry where torchtitan has the model; "" = unknown.
std::string titan_config(const ModelSpec& m, const LaunchOptions& o) {
    return o.torchtitan_config.empty() ? torchtitan_config_name(m) : o.torchtitan_config;
}
std::string titan_module(const ModelSpec& m, const LaunchOptions& o) {
    if (!o.torchtitan_module.empty()) return o.torchtitan_module;
    return torchtitan_config_name(m).empty() ? "" : "llama3";
}
void titan_set(Emission& e, const std::string& key, const std::string& value) { e.word("--" + key + "=" + value); }
void titan_flag(Emission& e, const std::string& key) { e.word("--" + key); }

// DP x TP x PP x CP = GPUs. FSDP (dp_shard) for fsdp/zero3 and, nearest, for distributed/zero1/zero2;
// plain DDP (dp_replicate) for none.
void titan_data_parallel(Emission& e, const TrainConfig& c, const Layout& l) {
    const bool replicate = c.sharding == OptimizerSharding::none;
    titan_set(e, "parallelism.data_parallel_replicate_degree", str(replicate ? l.dp : 1));
    titan_set(e, "parallelism.data_parallel_shard_degree", str(replicate ? 1 : l.dp));
    if (c.sharding == OptimizerSharding::zero2)  // parameters stay gathered after forward: ZeRO-2's memory
        titan_set(e, "parallelism.fsdp_reshard_after_forward", "never");
    if ((c.sharding == OptimizerSharding::distributed || c.sharding == OptimizerSharding::zero1) && l.dp > 1)
        e.note(std::string("not expressible: optimizer-only sharding '") + sharding_name(c.sharding) +
               "' (torchtitan shards with FSDP2); emitted FSDP over DP, which also shards weights and gradients "
               "(less memory, more communication than predicted)");
}

// Interleaving: Interleaved1F1B with layers / (PP x VP) layers per stage and no layer discount for the
// embedding and output stages, so every rank holds layers / PP layers as the estimate assumes.
void titan_pipeline(Emission& e, const TrainConfig& c, const Layout& l) {
    titan_set(e, "parallelism.pipeline_parallel_degree", str(c.pp));
    if (c.pp == 1) return;
    titan_set(e, "parallelism.pipeline_parallel_schedule", c.vp > 1 ? "Interleaved1F1B" : "1F1B");
    titan_set(e, "parallelism.pipeline_parallel_layers_per_stage", str(l.per_chunk));
    titan_set(e, "parallelism.pipeline_parallel_first_stage_less_layers", "0");
    titan_set(e, "parallelism.pipeline_parallel_last_stage_less_layers", "0");
    titan_set(e, "parallelism.pipeline_parallel_microbatch_size", str(c.mbs));
}

void titan_parallelism(Emission& e, const ModelSpec& m, const TrainConfig& c, const Layout& l) {
    titan_data_parallel(e, c, l);
    titan_set(e, "parallelism.tensor_parallel_degree", str(c.tp));
    titan_pipeline(e, c, l);
    titan_set(e, "parallelism.context_parallel_degree", str(c.cp));
    if (m.moe.enabled()) titan_set(e, "parallelism.expert_parallel_degree", str(c.ep));  // carved out of dp_shard x cp
    if (c.async_tp) {
        titan_flag(e, "parallelism.enable_async_tensor_parallel");
        if (!c.compiled_loss)
            e.note("note: torchtitan applies async TP only under torch.compile (--compile.enable), which this "
                   "candidate does not set; it runs as plain TP");
    }
    if (c.tp > 1 && !c.sequence_parallel)
        e.note("not expressible: TP without sequence parallelism (torchtitan's TP always shards norms and "
               "dropout over the sequence)");
}

// Without PP: local batch = MBS and torchtitan accumulates GBS / (MBS x DP) micro-batches. With PP: the
// local batch is the whole per-replica batch, cut into micro-batches of pipeline_parallel_microbatch_size.
void titan_batch(Emission& e, const TrainConfig& c, const Layout& l, const LaunchOptions& o) {
    titan_set(e, "training.local_batch_size", str(c.pp > 1 ? 1LL * c.mbs * l.microbatches : c.mbs));
    titan_set(e, "training.global_batch_size", str(c.gbs));
    titan_set(e, "training.seq_len", str(c.seq));
    if (o.max_steps > 0) titan_set(e, "training.steps", str(o.max_steps));
}

// none|selective|full. trainplan's selective under torchtitan is per-op SAC (selective_ac_option=op; the
// default "2" would be every second layer). Full on N of a stage's layers: layer-level selective AC on every
// k-th layer, k = layers per stage / N.
void titan_recompute(Emission& e, const TrainConfig& c, const Layout& l) {
    const int wanted = c.recompute_layers;
    if (c.recompute == Recompute::none) {
        titan_set(e, "activation_checkpoint.mode", "none");
        return;
    }
    if (c.recompute == Recompute::selective) {
        titan_set(e, "activation_checkpoint.mode", "selective");
        titan_set(e, "activation_checkpoint.selective_ac_option", "op");
        return;
    }
    if (wanted == 0 || wanted >= l.per_stage) {
        titan_set(e, "activation_checkpoint.mode", "full");
        return;
    }
    const int every = std::max(1, l.per_stage / wanted);
    titan_set(e, "activation_checkpoint.mode", "selective");
    titan_set(e, "activation_checkpoint.selective_ac_option", str(every));
    if (l.per_stage % wanted != 0)
        e.note("not expressible: full recomputation of " + str(wanted) + " of a stage's " + str(l.per_stage) +
               " layers (torchtitan checkpoints every k-th layer); emitted k = " + str(every) + ", " +
               str(l.per_stage / every) + " layers per stage");
}

void titan_precision(Emission& e, const TrainConfig& c, const LaunchOptions& o) {
    if (c.precision != Precision::fp8) return;
    if (titan_toml(o)) {
        titan_set(e, "model.converters", "quantize.linear.float8");
        titan_flag(e, "quantize.linear.float8.enable_fsdp_float8_all_gather");
        titan_flag(e, "quantize.linear.float8.precompute_float8_dynamic_scale_for_fsdp");
        return;
    }
    e.note("not expressible: FP8 on the command line of torchtitan's Python-config interface; use a --config "
           "function whose model_converters hold Float8LinearConverter.Config(enable_fsdp_float8_all_gather=True, "
           "precompute_float8_dynamic_scale_for_fsdp=True), or LaunchOptions.torchtitan_toml");
}

void titan_run_control(Emission& e, const TrainConfig& c, const LaunchOptions& o) {
    if (c.compiled_loss) titan_flag(e, "compile.enable");  // components default: model and loss
    if (!c.flash_attention)
        e.note("not expressible: attention without flash attention (the attention backend is part of the model config)");
    if (!o.run_name.empty())
        titan_set(e, titan_toml(o) ? "job.dump_folder" : "dump_folder", "./outputs/" + folder_name(o.run_name));
}

Emission titan_emit(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    const Layout l = layout_of(m, c);
    Emission e;
    note_common(e, l, c, Framework::torchtitan, "torchtitan");
    if (!titan_toml(o) && (titan_module(m, o).empty() || titan_config(m, o).empty()))
        e.note("not expressible: torchtitan ships no config for model '" + m.name +
               "'; set LaunchOptions.torchtitan_module/torchtitan_config to a config function you write");
    titan_parallelism(e, m, c, l);
    titan_batch(e, c, l, o);
    titan_recompute(e, c, l);
    titan_precision(e, c, o);
    titan_run_control(e, c, o);
    return e;
}

// The words that pick the job config: --job.config_file F, or --module M --config C (TODO_* where unknown).
std::vector<std::string> titan_selector(const ModelSpec& m, const LaunchOptions& o) {
    if (titan_toml(o)) return {"--job.config_file", o.torchtitan_toml};
    const std::string module = titan_module(m, o), config = titan_config(m, o);
    return {"--module", module.empty() ? "TODO_MODULE" : module, "--config", config.empty() ? "TODO_CONFIG" : config};
}

}  // namespace

std::vector<std::string> torchtitan_overrides(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    return titan_emit(m, c, o).args;
}

std::vector<std::string> torchtitan_notes(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    return titan_emit(m, c, o).notes;
}

std::string torchtitan_command(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o) {
    const Emission e = titan_emit(m, c, o);
    std::vector<std::string> words = titan_selector(m, o);
    words.insert(words.end(), e.args.begin(), e.args.end());
    const std::string head = "PYTORCH_ALLOC_CONF=expandable_segments:True " + torchrun_head(c) + " -m torchtitan.train";
    return command_text(e.notes, head, words);
}

}  // namespace tp
