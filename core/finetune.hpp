// finetune.hpp — minimum GPUs (and workers) for a fine-tuning job without running out of memory.
//
// The successor of IBM ado AutoConf's `min_gpu_recommender` (plugins/custom_experiments/autoconf/
// autoconf/min_gpu_recommender.py), which asks a classifier trained on the runs of LLMFineTuningBench
// and knows only its 30 model names and 4 GPU types. trainplan answers from a memory model instead,
// so any model it can describe (preset, config.json, explicit shape) and any catalogued GPU works.
//
// [SECTION] Request: model, method (full, LoRA, QLoRA/GPTQ-LoRA), sharding, GPU, tokens, batch.
// [SECTION] Memory: weights, gradients, optimizer, activations, logits, other; bytes per GPU.
// [SECTION] Search: GPU counts 1, 2, 4, ... up to --max-gpus (ado's order), then workers.
// [SECTION] Throughput: dataset tokens/s summed over the GPUs of the job.
// [SECTION] Names: methods, sharding, LoRA targets; close matches for unknown names.
//
// What the measured runs used, and so the defaults (ado SFTTrainer actuator, plugins/actuators/
// sfttrainer/ado_actuators/sfttrainer/experiments/common.py, class SFTTrainerCLIArgs / EntitySpace):
// torch_dtype bfloat16 with bf16 mixed precision off (so parameters, gradients and AdamW states are all
// bf16), optim adamw_torch, gradient_checkpointing True, flash_attn True, distributed_backend FSDP with
// fsdp_sharding_strategy FULL_SHARD, sequences padded/truncated to model_max_length = tokens_per_sample
// (the dataset's entries all hold 16,384+ tokens, so every sample is full length), batch_size is the
// total batch over the GPUs. LoRA: experiments/lora.py sets r = 4, lora_alpha = 16 and targets the
// attention projections (q_proj and v_proj for most models; fms-hf-tuning's own default is r = 8,
// tuning/config/peft_config.py, target_modules None -> PEFT's per-architecture default q_proj, v_proj).
//
// Units: bytes inside; GiB (2^30 bytes) only where a name says _gib; tokens/s summed over GPUs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hardware.hpp"
#include "model.hpp"
#include "result.hpp"

namespace tp {

// [SECTION] Request
enum class FinetuneMethod { full, lora, qlora };  // qlora: 4-bit quantized frozen base + LoRA ("gptq-lora")
enum class FinetuneSharding { fsdp, zero1, zero2, zero3, ddp };  // fsdp = FULL_SHARD (ZeRO-3 equivalent)
enum class LoraTargets { qv, qkvo, all_linear };
// Numeric format of parameters, gradients and optimizer states.
//   bf16:  all three bf16, AdamW states in the parameter dtype (torch.optim.AdamW zeros_like(p)):
//          2 + 2 + 4 bytes per trainable parameter; what the benchmark ran (torch_dtype bfloat16, bf16 off).
//   mixed: bf16 compute copy + fp32 master weights and fp32 Adam moments: 2 + 2 + 12 bytes per trainable
//          parameter (Rajbhandari et al. 2020, ZeRO, Sec. 3.1, K = 12); DeepSpeed's and FSDP-mixed's layout.
enum class FinetunePrecision { bf16, mixed };

struct FinetuneRequest {
    ModelSpec model;
    GpuSpec gpu;
    FinetuneMethod method = FinetuneMethod::full;
    FinetuneSharding sharding = FinetuneSharding::fsdp;
    FinetunePrecision precision = FinetunePrecision::bf16;
    int tokens_per_sample = 0;    // sequence length of every sample (padded/truncated to it)
    int batch_size = 0;           // global batch (samples per optimizer step over all GPUs)
    int gpus_per_worker = 8;      // GPUs in one worker (node/pod)
    int max_gpus = 8;             // largest GPU count tried
    bool allow_grad_accum = false;  // allow counts that do not divide the batch (micro-batches accumulate)
    // Micro-steps the per-GPU batch is split into: ado's SFTTrainer actuator passes
    // gradient_accumulation_steps = 4 (wrapper_fms_hf_tuning/finetune.py, FineTuneArgs), so a GPU holds
    // max(1, batch / (gpus x 4)) samples at a time. The measured runs need it: granite-3.1-8b full
    // fine-tuning ran on one 80 GB A100 at 512 tokens x batch 128, and 65,536 tokens of checkpointed
    // activations (21 GB) next to 65 GB of bf16 weights, gradients and AdamW states cannot fit.
    int grad_accum_steps = 4;
    bool gradient_checkpointing = true;
    int lora_rank = 4;            // ado's LoRA experiment default (r = 4)
    LoraTargets lora_targets = LoraTargets::qv;
    double quant_bits = 4;        // QLoRA / GPTQ-LoRA base weight bits
    double margin = 0.05;         // share of the GPU's memory kept free (allocator fragmentation, spikes)
};

// The fine-tuning inputs a session (and so a share link) carries: finetune-gpus' flags, the model being the
// session's. Sessions write them only when they differ from these defaults.
struct FinetuneInputs {
    std::string method = "lora";   // full | lora | qlora (gptq-lora)
    std::string gpu = "a100-80gb"; // catalog name or alias
    int tokens_per_sample = 2048;
    int batch_size = 8;
    int gpus_per_worker = 8;
    int max_gpus = 8;
    bool allow_grad_accum = false;
    bool operator==(const FinetuneInputs&) const = default;
};
// The request for `model` and those inputs (unknown GPU or method: the error names the field).
Result<FinetuneRequest> finetune_request_from_inputs(const ModelSpec& model, const FinetuneInputs& in);

// A request from names as LLMFineTuningBench spells them (model, method, GPU), with ado's defaults for the
// rest (max_gpus 8, 8 GPUs per worker); an unknown name is an error listing close matches.
Result<FinetuneRequest> finetune_request_named(std::string_view model, std::string_view method, std::string_view gpu,
                                               int tokens_per_sample, int batch_size);

// Reads the named options every fine-tuning front end takes (--sharding, --precision, --lora-targets) into
// `r`; an unknown name is an error naming the flag and listing the accepted ones, and `r` is left unchanged.
Result<bool> finetune_apply_names(FinetuneRequest& r, std::string_view sharding, std::string_view precision,
                                  std::string_view lora_targets);

// Checks the request (positive sizes, valid model); the message names the flag.
std::string finetune_validate(const FinetuneRequest& r);

// [SECTION] Memory (bytes per GPU at `gpus` GPUs and `micro_batch` samples per GPU per step)
struct FinetuneMemory {
    double weights = 0;      // sharded base weights + the FSDP all-gathered layers in flight (+ LoRA adapters)
    double gradients = 0;    // of trainable parameters only
    double optimizer = 0;    // Adam moments (+ fp32 master weights in mixed precision), trainable parameters only
    double activations = 0;  // checkpointed layer inputs + one layer's recomputed activations (no logits)
    double logits = 0;       // output layer: vocabulary logits and the loss's fp32 copies
    double other = 0;        // CUDA context and library workspaces
    double total = 0;
    double capacity = 0;     // the GPU's reported memory
    double usable = 0;       // capacity x (1 - margin)
    double trainable_params = 0;
    double total_params = 0;
    bool fits() const { return total <= usable; }
};
FinetuneMemory finetune_memory(const FinetuneRequest& r, int gpus, int micro_batch);

// Trainable parameters: all of them (full) or the LoRA adapters r x (in + out) per targeted matrix.
double finetune_trainable_params(const FinetuneRequest& r);

// [SECTION] Search
struct FinetunePlan {
    bool can_recommend = false;
    int gpus = 0;          // GPUs per worker
    int workers = 0;
    int total_gpus = 0;    // gpus x workers (ado: workers = ceil(n / gpus_per_worker), gpus = ceil(n / workers))
    int micro_batch = 0;   // samples per GPU per forward/backward
    int grad_accum = 1;    // micro-steps per optimizer step
    std::string reason;    // why nothing fits, or a note on the recommendation
    FinetuneMemory memory; // at the recommended count (or at the largest count tried when nothing fits)
    double tokens_per_s = 0;  // predicted dataset tokens/s summed over the GPUs at the recommended count
};
FinetunePlan finetune_recommend(const FinetuneRequest& r);
// The counts ado tries: 1, 2, 4, ... <= max_gpus.
std::vector<int> finetune_gpu_counts(int max_gpus);
// Samples per GPU per micro-step at `gpus` GPUs: max(1, batch / (gpus x grad_accum_steps)).
int finetune_micro_batch(const FinetuneRequest& r, int gpus);
// Whether the job fits at exactly `gpus` GPUs (the batch split as the runs split it).
bool finetune_fits(const FinetuneRequest& r, int gpus);

// [SECTION] Throughput
// Assumed hardware-FLOPs utilisation of FSDP fine-tuning with activation checkpointing: 0.50, from
// MosaicML llm-foundry's published FSDP FULL_SHARD tables (../shared/data/ground_truth/
// mosaicml_llm_foundry_mpt_fsdp_throughput.csv: 7B, 8 x H100, activation checkpointing, HFU 49.5-53.9%).
constexpr double kFinetuneHfu = 0.50;
// Dataset tokens/s summed over `gpus` GPUs: gpus x peak x HFU / hardware FLOPs per token, where hardware
// FLOPs = model_training_flops_per_token (3 x forward) + one more forward when checkpointing, and LoRA /
// QLoRA skip the frozen weights' weight-gradient GEMMs (one forward's worth of matrix FLOPs).
double finetune_tokens_per_s(const FinetuneRequest& r, int gpus);

// [SECTION] Names
Result<FinetuneMethod> finetune_method_parse(std::string_view text);   // full | lora | qlora | gptq-lora
const char* finetune_method_name(FinetuneMethod m);
Result<FinetuneSharding> finetune_sharding_parse(std::string_view text);  // fsdp | zero1 | zero2 | zero3 | ddp
const char* finetune_sharding_name(FinetuneSharding s);
Result<LoraTargets> lora_targets_parse(std::string_view text);  // qv | qkvo | all-linear
const char* lora_targets_name(LoraTargets t);
Result<FinetunePrecision> finetune_precision_parse(std::string_view text);  // bf16 | mixed
const char* finetune_precision_name(FinetunePrecision p);

// Up to `limit` names from `names` closest to `query` (Levenshtein distance, case-insensitive; a name
// that contains the query counts as close), best first.
std::vector<std::string> close_matches(std::string_view query, const std::vector<std::string>& names, size_t limit = 5);
// A model preset or an error listing the close matches; a GPU likewise (aliases included).
Result<ModelSpec> finetune_model_find(std::string_view name);
Result<GpuSpec> finetune_gpu_find(std::string_view name);

}  // namespace tp
