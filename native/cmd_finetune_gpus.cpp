// trainplan finetune-gpus: the fewest GPUs (and workers) a fine-tuning job needs without running out of
// memory — ado AutoConf's min_gpu_recommender question, answered from core/finetune's memory model.
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "commands.hpp"
#include "estimate.hpp"
#include "finetune.hpp"

namespace tp::cli {

namespace {
struct FinetuneFlags {
    ModelFlags model;
    std::string session;
    std::string method, gpu, sharding = "fsdp", precision = "bf16", lora_targets = "qv";
    int tokens = 0, batch = 0, gpus_per_worker = 8, max_gpus = 8, lora_rank = 4, grad_accum_steps = 4;
    double quant_bits = 4, margin = 0.05;
    bool allow_grad_accum = false, no_checkpointing = false, json = false;
};

nlohmann::json memory_json(const FinetuneMemory& m) {
    return {{"weights", m.weights / kGiB},         {"gradients", m.gradients / kGiB}, {"optimizer", m.optimizer / kGiB},
            {"activations", m.activations / kGiB}, {"logits", m.logits / kGiB},       {"other", m.other / kGiB},
            {"total", m.total / kGiB},             {"usable", m.usable / kGiB},       {"capacity", m.capacity / kGiB}};
}

// Builds the request from the flags.
Result<FinetuneRequest> finetune_request_from_flags(const FinetuneFlags& f) {
    FinetuneRequest r;
    if (!f.model.preset.empty()) {
        Result<ModelSpec> m = finetune_model_find(f.model.preset);
        if (!m) return m.error();
        r.model = *m;
    } else {
        Result<ModelSpec> m = require_model(f.model);
        if (!m) return m.error();
        r.model = *m;
    }
    Result<GpuSpec> gpu = finetune_gpu_find(f.gpu);
    if (!gpu) return gpu.error();
    r.gpu = *gpu;
    Result<FinetuneMethod> method = finetune_method_parse(f.method);
    if (!method) return method.error();
    r.method = *method;
    if (Result<bool> ok = finetune_apply_names(r, f.sharding, f.precision, f.lora_targets); !ok) return ok.error();
    r.tokens_per_sample = f.tokens;
    r.batch_size = f.batch;
    r.gpus_per_worker = f.gpus_per_worker;
    r.max_gpus = f.max_gpus;
    r.lora_rank = f.lora_rank;
    r.grad_accum_steps = f.grad_accum_steps;
    r.quant_bits = f.quant_bits;
    r.margin = f.margin;
    r.allow_grad_accum = f.allow_grad_accum;
    r.gradient_checkpointing = !f.no_checkpointing;
    // Bad sizes are the user's input errors (exit status 2), not "cannot recommend".
    const std::string e = finetune_validate(r);
    if (!e.empty() && e.rfind("--model", 0) != 0) return make_error(ErrorKind::invalid_argument, e);
    return r;
}
}  // namespace

Runner register_finetune_gpus(CLI::App& app) {
    auto f = std::make_shared<FinetuneFlags>();
    add_model_flags(app, f->model);
    app.add_option("--method", f->method, "full, lora, or qlora (alias gptq-lora: 4-bit GPTQ base + LoRA)");
    app.add_option("--gpu", f->gpu, "GPU: trainplan's name or the benchmark's (NVIDIA-A100-SXM4-80GB, NVIDIA-A100-80GB-PCIe, L40S, NVIDIA-H100-PCIe)");
    app.add_option("--tokens-per-sample", f->tokens, "Tokens per sample (every sample padded/truncated to it)");
    app.add_option("--batch-size", f->batch, "Global batch size (samples per step over all GPUs)");
    app.add_option("--gpus-per-worker", f->gpus_per_worker, "GPUs per worker (node)")->capture_default_str();
    app.add_option("--max-gpus", f->max_gpus, "Largest GPU count tried (1, 2, 4, ... up to it)")->capture_default_str();
    app.add_flag("--allow-grad-accum", f->allow_grad_accum,
                 "Allow GPU counts that do not divide the batch, and smaller micro-batches (gradient accumulation)");
    app.add_option("--grad-accum-steps", f->grad_accum_steps,
                   "Micro-steps the per-GPU batch is split into (ado's SFTTrainer default: 4)")->capture_default_str();
    app.add_option("--sharding", f->sharding, "fsdp (FULL_SHARD, as measured), zero1, zero2, zero3, ddp")->capture_default_str();
    app.add_option("--precision", f->precision,
                   "bf16 (bf16 weights, grads and AdamW states, as measured) or mixed (fp32 master + fp32 Adam)")
        ->capture_default_str();
    app.add_option("--lora-rank", f->lora_rank, "LoRA rank r (ado's LoRA experiment: 4)")->capture_default_str();
    app.add_option("--lora-targets", f->lora_targets, "qv (q_proj, v_proj: ado/PEFT default), qkvo, all-linear")->capture_default_str();
    app.add_option("--quant-bits", f->quant_bits, "qlora: bits per quantized base weight")->capture_default_str();
    app.add_option("--memory-margin", f->margin, "Share of GPU memory kept free")->capture_default_str();
    app.add_flag("--no-gradient-checkpointing", f->no_checkpointing, "Keep every layer's activations (the runs checkpointed)");
    app.add_flag("--json", f->json, "Print one JSON document: can_recommend, gpus, workers, reason, memory_gib");
    app.add_option("--session", f->session,
                   "Session file: its model and fine-tuning inputs (inputs.finetune) in place of the model, method, GPU, "
                   "tokens, batch and GPU-count flags");
    const CLI::App* self = &app;
    return [f, self]() {
        Result<FinetuneRequest> r = make_error(ErrorKind::invalid_argument, "");
        if (!f->session.empty()) {
            Result<Session> s = read_session(f->session, *self,
                                             {"--model", "--hf-config", "--layers", "--method", "--gpu", "--tokens-per-sample",
                                              "--batch-size", "--gpus-per-worker", "--max-gpus", "--allow-grad-accum"});
            if (!s) return fail(s.error());
            r = finetune_request_from_inputs(s->inputs.model, s->inputs.finetune);
            if (r) {
                FinetuneRequest& q = r.value();
                if (Result<bool> ok = finetune_apply_names(q, f->sharding, f->precision, f->lora_targets); !ok) return fail(ok.error());
                q.lora_rank = f->lora_rank, q.grad_accum_steps = f->grad_accum_steps, q.quant_bits = f->quant_bits;
                q.margin = f->margin, q.gradient_checkpointing = !f->no_checkpointing;
            }
        } else {
            for (const char* flag : {"--method", "--gpu", "--tokens-per-sample", "--batch-size"})
                if (!self->count(flag))
                    return fail(make_error(ErrorKind::invalid_argument, std::string(flag) + " is required (or give --session)"));
            r = finetune_request_from_flags(*f);
        }
        if (!r) return fail(r.error());
        const FinetunePlan plan = finetune_recommend(*r);
        if (f->json) {
            nlohmann::json out = {{"can_recommend", plan.can_recommend ? 1 : 0},
                                  {"gpus", plan.can_recommend ? nlohmann::json(plan.gpus) : nlohmann::json(nullptr)},
                                  {"workers", plan.can_recommend ? nlohmann::json(plan.workers) : nlohmann::json(nullptr)},
                                  {"reason", plan.reason},
                                  {"memory_gib", memory_json(plan.memory)},
                                  {"total_gpus", plan.total_gpus},
                                  {"micro_batch", plan.micro_batch},
                                  {"grad_accum", plan.grad_accum},
                                  {"tokens_per_s", plan.tokens_per_s},
                                  {"trainable_params", plan.memory.trainable_params},
                                  {"model", r->model.name},
                                  {"gpu", r->gpu.name},
                                  {"method", finetune_method_name(r->method)},
                                  {"sharding", finetune_sharding_name(r->sharding)}};
            std::cout << out.dump(2) << "\n";
            return 0;
        }
        if (plan.can_recommend)
            std::printf("%s %s on %s: %d worker(s) x %d GPU(s) (micro-batch %d, %d accumulation step(s))\n",
                        r->model.name.c_str(), finetune_method_name(r->method), r->gpu.name.c_str(), plan.workers,
                        plan.gpus, plan.micro_batch, plan.grad_accum);
        else
            std::printf("%s %s on %s: cannot recommend\n", r->model.name.c_str(), finetune_method_name(r->method),
                        r->gpu.name.c_str());
        std::printf("  %s\n", plan.reason.c_str());
        const FinetuneMemory& m = plan.memory;
        std::printf("  memory per GPU (GiB): weights %.2f, gradients %.2f, optimizer %.2f, activations %.2f, logits %.2f, "
                    "other %.2f, total %.2f of %.2f usable\n",
                    m.weights / kGiB, m.gradients / kGiB, m.optimizer / kGiB, m.activations / kGiB, m.logits / kGiB,
                    m.other / kGiB, m.total / kGiB, m.usable / kGiB);
        if (plan.can_recommend) std::printf("  predicted throughput: %.0f tokens/s over the job\n", plan.tokens_per_s);
        return 0;
    };
}

}  // namespace tp::cli
