// The fine-tuning panel: `trainplan finetune-gpus` in the page. The model is the one on the left; method,
// GPU, tokens per sample, batch and the GPU limits are inputs.finetune (so a share link or a session carries
// them); the answer is ado's (can_recommend, GPUs, workers, reason) with the memory per GPU as a table.
#include <imgui.h>

#include <cstdio>

#include "app_state.hpp"
#include "estimate.hpp"
#include "finetune.hpp"
#include "panels.hpp"

namespace tp::web {

namespace {

// The benchmark's GPU names first (they are what ado users type), then trainplan's catalog.
const char* const kFinetuneGpus[] = {"NVIDIA-A100-SXM4-80GB", "NVIDIA-A100-80GB-PCIe", "L40S", "NVIDIA-H100-PCIe",
                                     "h100-sxm", "h200", "b200", "a100-40gb"};
const char* const kMethods[] = {"full", "lora", "qlora"};

}  // namespace

void app_update_finetune(AppState& s) {
    // Model names from a config.json may hold invalid UTF-8: replaced, never a throw (exceptions abort the page).
    const std::string key = session_inputs_json(s.inputs).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (key == s.finetune_key) return;
    s.finetune_key = key;
    s.finetune_error.clear();
    s.finetune_plan = FinetunePlan{};
    Result<FinetuneRequest> r = finetune_request_from_inputs(s.inputs.model, s.inputs.finetune);
    if (!r) {
        s.finetune_error = r.error().message;
        return;
    }
    s.finetune_plan = finetune_recommend(*r);
}

void panel_finetune(AppState& s) {
    ImGui::TextWrapped("How few GPUs (and workers) can fine-tune the model on the left without running out of memory? "
                       "ado AutoConf's min_gpu_recommender question, answered from trainplan's memory model (FSDP full shard, "
                       "bf16, gradient checkpointing, as LLMFineTuningBench's runs; docs/accuracy.md).");
    ImGui::TextDisabled("model: %s", s.inputs.model.name.c_str());
    FinetuneInputs& f = s.inputs.finetune;
    ImGui::PushItemWidth(220);
    int method = name_index(f.method == "gptq-lora" ? std::string("qlora") : f.method, kMethods, 3);
    if (ImGui::Combo("method", &method, kMethods, 3) && method >= 0) f.method = kMethods[method];
    app_record_rect(s, "ft_method");
    const int gpu_count = int(sizeof kFinetuneGpus / sizeof kFinetuneGpus[0]);
    int gpu = name_index(f.gpu, kFinetuneGpus, gpu_count);
    const char* preview = gpu >= 0 ? kFinetuneGpus[gpu] : f.gpu.c_str();
    if (ImGui::BeginCombo("GPU##ft", preview)) {
        for (int i = 0; i < gpu_count; ++i)
            if (ImGui::Selectable(kFinetuneGpus[i], i == gpu)) f.gpu = kFinetuneGpus[i];
        ImGui::EndCombo();
    }
    app_record_rect(s, "ft_gpu");
    auto int_input = [&](const char* label, int& v, int lo, int hi, const char* id) {
        if (ImGui::InputInt(label, &v, 1, 8)) v = v < lo ? lo : (v > hi ? hi : v);
        app_record_rect(s, id);
    };
    int_input("tokens per sample", f.tokens_per_sample, 1, 1 << 24, "ft_tokens");
    int_input("batch size (global)", f.batch_size, 1, 1 << 24, "ft_batch");
    int_input("GPUs per worker", f.gpus_per_worker, 1, 1024, "ft_gpus_per_worker");
    int_input("max GPUs", f.max_gpus, 1, 1 << 20, "ft_max_gpus");
    ImGui::Checkbox("allow gradient accumulation", &f.allow_grad_accum);
    app_record_rect(s, "ft_grad_accum");
    ImGui::PopItemWidth();
    ImGui::Separator();

    app_update_finetune(s);
    if (!s.finetune_error.empty()) {
        ImGui::TextColored(ImVec4(1.0f, 0.4f, 0.4f, 1.0f), "%s", s.finetune_error.c_str());
        return;
    }
    const FinetunePlan& p = s.finetune_plan;
    if (p.can_recommend) {
        ImGui::Text("can_recommend 1: %d worker%s x %d GPU%s", p.workers, p.workers > 1 ? "s" : "", p.gpus, p.gpus > 1 ? "s" : "");
        ImGui::TextDisabled("micro-batch %d, %d accumulation step(s); about %.0f tokens/s over the job", p.micro_batch, p.grad_accum,
                            p.tokens_per_s);
    } else {
        ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.3f, 1.0f), "can_recommend 0");
    }
    app_record_rect(s, "ft_answer");
    ImGui::TextWrapped("%s", p.reason.c_str());
    const FinetuneMemory& m = p.memory;
    if (m.capacity > 0 && ImGui::BeginTable("ft_memory", 2, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        ImGui::TableSetupColumn("memory per GPU");
        ImGui::TableSetupColumn("GiB");
        ImGui::TableHeadersRow();
        const struct {
            const char* label;
            double bytes;
        } rows[] = {{"weights", m.weights},         {"gradients", m.gradients}, {"optimizer", m.optimizer},
                    {"activations", m.activations}, {"logits", m.logits},       {"other", m.other},
                    {"total", m.total},             {"usable", m.usable},       {"capacity", m.capacity}};
        for (const auto& row : rows) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            ImGui::TextUnformatted(row.label);
            ImGui::TableSetColumnIndex(1);
            ImGui::Text("%.2f", row.bytes / kGiB);
        }
        ImGui::EndTable();
    }
}

}  // namespace tp::web
