// trainplan estimate: one model's parameters and FLOPs (the memory and step-time model comes next).
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "report.hpp"

namespace tp::cli {

namespace {
struct EstimateFlags {
    ModelFlags model;
    int seq = 4096;
    bool json = false;
};
}  // namespace

Runner register_estimate(CLI::App& app) {
    auto f = std::make_shared<EstimateFlags>();
    add_model_flags(app, f->model);
    app.add_option("--seq", f->seq, "Sequence length (attention FLOPs)")->capture_default_str();
    app.add_flag("--json", f->json, "Print one JSON document");
    return [f]() {
        if (f->seq <= 0) return fail(make_error(ErrorKind::out_of_range, "--seq must be a positive integer"));
        Result<std::optional<ModelSpec>> model = resolve_model(f->model);
        if (!model) return fail(model.error());
        if (!model.value()) return fail(make_error(ErrorKind::invalid_argument, "give a model: --model NAME, --hf-config FILE or --layers/--hidden/--ffn/--heads/--vocab"));
        const ModelSpec& m = *model.value();
        std::cout << (f->json ? model_summary_json(m, f->seq) : model_summary_text(m, f->seq));
        return 0;
    };
}

}  // namespace tp::cli
