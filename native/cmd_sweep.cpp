// trainplan sweep: every point of an ado space file through the fine-tuning minimum-GPU recommender,
// written as CSV (the space's identifiers, then can_recommend, gpus, workers, reason).
#include <cstdio>
#include <iostream>
#include <memory>

#include "ado_space.hpp"
#include "cli_common.hpp"
#include "commands.hpp"
#include "csv.hpp"
#include "finetune.hpp"

namespace tp::cli {

namespace {
struct SweepFlags {
    std::string space, output, sharding = "fsdp", precision = "bf16", lora_targets = "qv";
    int lora_rank = 4, grad_accum_steps = 4;
    double margin = 0.05;
    bool allow_grad_accum = false;
};
}  // namespace

Runner register_sweep(CLI::App& app) {
    auto f = std::make_shared<SweepFlags>();
    app.add_option("space", f->space, "ado space file (entitySpace: identifier + propertyDomain.values)")->required();
    app.add_option("-o,--output", f->output, "Write the CSV here (default: stdout)");
    app.add_option("--sharding", f->sharding, "fsdp, zero1, zero2, zero3, ddp (as finetune-gpus)")->capture_default_str();
    app.add_option("--precision", f->precision, "bf16 or mixed (as finetune-gpus)")->capture_default_str();
    app.add_option("--lora-rank", f->lora_rank, "LoRA rank r")->capture_default_str();
    app.add_option("--lora-targets", f->lora_targets, "qv, qkvo, all-linear")->capture_default_str();
    app.add_option("--grad-accum-steps", f->grad_accum_steps, "Micro-steps per per-GPU batch")->capture_default_str();
    app.add_option("--memory-margin", f->margin, "Share of GPU memory kept free")->capture_default_str();
    app.add_flag("--allow-grad-accum", f->allow_grad_accum, "Allow GPU counts that do not divide the batch");
    return [f]() {
        Result<std::string> text = read_text_file(f->space);
        if (!text) return fail(text.error());
        Result<AdoSpace> space = ado_space_parse(*text, f->space);
        if (!space) return fail(space.error());
        FinetuneRequest base;
        if (Result<bool> ok = finetune_apply_names(base, f->sharding, f->precision, f->lora_targets); !ok) return fail(ok.error());
        base.lora_rank = f->lora_rank;
        base.grad_accum_steps = f->grad_accum_steps;
        base.margin = f->margin;
        base.allow_grad_accum = f->allow_grad_accum;
        if (f->lora_rank < 1) return fail(make_error(ErrorKind::invalid_argument, "--lora-rank: must be at least 1"));
        if (f->grad_accum_steps < 1) return fail(make_error(ErrorKind::invalid_argument, "--grad-accum-steps: must be at least 1"));
        if (!(f->margin >= 0 && f->margin < 1)) return fail(make_error(ErrorKind::invalid_argument, "--memory-margin: must be in [0, 1)"));
        Result<SweepTable> table = finetune_sweep(*space, base, f->space);
        if (!table) return fail(table.error());
        const std::string csv = csv_write(table->header, table->rows);
        if (f->output.empty()) {
            std::cout << csv;
        } else {
            Result<bool> written = write_text_file(f->output, csv);
            if (!written) return fail(written.error());
            std::fprintf(stderr, "trainplan: %zu points, %zu recommended, written to %s\n", table->rows.size(),
                         table->recommended, f->output.c_str());
        }
        return 0;
    };
}

}  // namespace tp::cli
