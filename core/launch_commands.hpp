// launch_commands.hpp — one candidate (ModelSpec + TrainConfig, as the grid produces them) turned into
// the command a user launches in NeMo 2.0, Megatron-LM or torchtitan.
//
// [SECTION] Options      LaunchOptions: step limit, run name, NeMo recipe, torchtitan config selection.
// [SECTION] Shell        shell_quote: the quoting every command uses for anything that could hold odd characters.
// [SECTION] NeMo 2.0     `nemo llm pretrain --factory R -y key=value ...` (NeMo-Run CLI recipe overrides).
// [SECTION] Megatron-LM  `torchrun ... pretrain_gpt.py --flag value ...`.
// [SECTION] torchtitan   `torchrun ... -m torchtitan.train --module M --config C --section.option=value ...`.
//
// Each framework has three functions: the arguments (a list of argv words, not shell-quoted), the notes
// (settings of the candidate that the framework cannot take exactly as given, one sentence each, starting
// "not expressible:" or "note:"), and the command (the notes as "# " comment lines, then the command on
// one shell line with every word quoted where needed; only a LaunchOptions recipe, module, config or TOML
// path that itself holds a newline would spread its quoted word over lines). No setting is dropped silently:
// what a framework cannot express is emitted as the nearest thing it can run and named in a note.
// Optimizer, learning-rate schedule, data and checkpoint arguments are not part of a candidate and are left
// to the recipe, the config or the user (Megatron-LM gets mock data and the NullTokenizer so the shapes run).
//
// The candidate is expected to pass train_config_check (train_config.hpp); if it does not, the notes
// start with "invalid configuration: <rule>" and the sizes derived from it (DP, layers per stage) are
// computed without dividing by zero but mean nothing.
//
// Units: batch sizes in sequences, sequence lengths in tokens, steps in optimizer steps.
// Flag and key names are cited next to each emitter in launch_commands.cpp (file and commit they come from).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "train_config.hpp"

namespace tp {

// [SECTION] Options
struct LaunchOptions {
    long long max_steps = 0;        // optimizer steps; 0: leave the framework's default (no flag emitted)
    std::string run_name;           // "": no name flag
    std::string nemo_recipe;        // NeMo 2.0 recipe factory, e.g. "llama3_70b"; "": nemo2_recipe_name(m)
    std::string torchtitan_module;  // torchtitan --module (current Python-config interface); "": "llama3" where known
    std::string torchtitan_config;  // torchtitan --config function; "": torchtitan_config_name(m)
    std::string torchtitan_toml;    // non-empty: use the TOML-era interface (torchtitan <= v0.2.x) with this
                                    // --job.config_file path instead of --module/--config
};

// [SECTION] Shell
// POSIX shell quoting: words made only of [A-Za-z0-9_@%+=:,./-] are returned as they are; anything else
// (spaces, quotes, $, `, ;, newlines, the empty word) is wrapped in single quotes, ' written as '\''.
std::string shell_quote(std::string_view word);

// [SECTION] NeMo 2.0
// NeMo 2.0 recipe name for a model (llama3-70b -> llama3_70b, llama3.1-405b -> llama31_405b, mixtral-8x7b ->
// mixtral_8x7b, gpt3-175b -> gpt3_175b, nemotron4-340b -> nemotron4_340b, qwen2.5-1.5b -> qwen25_1p5b ...),
// or "" when NeMo ships no recipe for it (then callers fall back, e.g. to the NeMo launcher YAML).
std::string nemo2_recipe_name(const ModelSpec& m);
// key=value recipe overrides for NeMo 2.0's CLI: trainer.num_nodes, trainer.devices,
// trainer.strategy.{tensor,pipeline,virtual_pipeline,context,expert}_model_parallel_size ...,
// trainer.strategy.sequence_parallel, data.{micro,global}_batch_size, data.seq_length, model.config.seq_length,
// model.config.recompute_{granularity,method,num_layers}, trainer.plugins.fp8*, optim.config.use_distributed_optimizer,
// trainer.max_steps, log.name. Values are as NeMo-Run's CLI parses them against the field's type (None, True,
// 'text'); the run name becomes one folder name ('/' and control characters -> '_').
std::vector<std::string> nemo2_overrides(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);
std::vector<std::string> nemo2_notes(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);
std::string nemo2_command(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);

// [SECTION] Megatron-LM
// pretrain_gpt.py arguments: model shape (--num-layers --hidden-size --ffn-hidden-size --num-attention-heads
// --group-query-attention --num-query-groups --kv-channels --seq-length --max-position-embeddings
// --position-embedding-type --normalization --swiglu/--squared-relu --untie-embeddings-and-output-weights
// --disable-bias-linear --add-qkv-bias, dropout, vocabulary via the NullTokenizer on mock data, MoE --num-experts
// --moe-router-topk ...), parallelism (--tensor-model-parallel-size --pipeline-model-parallel-size
// --num-layers-per-virtual-pipeline-stage --context-parallel-size --expert-model-parallel-size --sequence-parallel
// --use-distributed-optimizer / Megatron FSDP), batch (--micro-batch-size --global-batch-size), recomputation
// (--recompute-activations; --recompute-granularity full --recompute-method uniform|block --recompute-num-layers N),
// precision (--bf16, --fp8-format hybrid ...), --train-iters.
std::vector<std::string> megatron_lm_args(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);
std::vector<std::string> megatron_lm_notes(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);
// CUDA_DEVICE_MAX_CONNECTIONS=1 torchrun --nnodes N --nproc-per-node G <rendezvous> pretrain_gpt.py <args>
std::string megatron_lm_command(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);

// [SECTION] torchtitan
// torchtitan's config function for a model ("llama3_8b", "llama3_70b", "llama3_405b" in module "llama3"),
// or "" when torchtitan ships none (its MoE models are DeepSeek-V3, Qwen3 and Llama 4, not Mixtral).
std::string torchtitan_config_name(const ModelSpec& m);
// Command-line overrides of the job config: --parallelism.{data_parallel_replicate,data_parallel_shard,tensor_parallel,
// pipeline_parallel,context_parallel,expert_parallel}_degree (their product over DP/TP/PP/CP is the GPU count;
// EP is carved out of DP-shard x CP), pipeline schedule and layers per stage, --training.{local_batch_size,
// global_batch_size,seq_len,steps}, --activation_checkpoint.mode none|selective|full, FP8 (TOML interface:
// the quantize.linear.float8 converter), --compile.enable, async TP, ./outputs/<run name> as the dump folder.
std::vector<std::string> torchtitan_overrides(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);
std::vector<std::string> torchtitan_notes(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);
// torchrun ... -m torchtitan.train --module M --config C <overrides>   (or --job.config_file F with torchtitan_toml)
std::string torchtitan_command(const ModelSpec& m, const TrainConfig& c, const LaunchOptions& o);

}  // namespace tp
