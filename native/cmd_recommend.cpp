// trainplan recommend: model size for a budget, or days for a size.
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "hardware.hpp"
#include "recommend.hpp"
#include "report.hpp"

namespace tp::cli {

namespace {
struct RecommendFlags {
    double gpus = 0, nodes = 0, gpus_per_node = 8;
    double days = 0, model_size_b = 0, tokens_b = 300, tflops = 140;
    double mfu = 0;
    std::string family = "gpt3", heuristics = "trainplan", gpu = "h100-sxm", precision = "bf16";
    int seq = 2048;
    bool json = false;
    ModelFlags model;
};
}  // namespace

Runner register_recommend(CLI::App& app) {
    auto f = std::make_shared<RecommendFlags>();
    app.add_option("--gpus", f->gpus, "Total GPUs (or --nodes and --gpus-per-node)");
    app.add_option("--nodes", f->nodes, "Nodes");
    app.add_option("--gpus-per-node", f->gpus_per_node, "GPUs per node")->capture_default_str();
    app.add_option("--days", f->days, "Training budget in days: recommend a model size");
    app.add_option("--model-size-b", f->model_size_b, "Model size in billions of parameters: recommend days");
    app.add_option("--tokens-b", f->tokens_b, "Training tokens in billions")->capture_default_str();
    app.add_option("--tflops-per-gpu", f->tflops, "NeMo: achieved TFLOP/s per GPU")->capture_default_str();
    app.add_option("--model-family", f->family, "Model family (gpt3, llama, mixtral, mistral, gemma, nemotron, qwen, starcoder, t5, mt5, bert)")
        ->capture_default_str();
    app.add_option("--heuristics", f->heuristics, "nemo: print NeMo's sentence only; trainplan: both figures")
        ->check(CLI::IsMember({"nemo", "trainplan"}))
        ->capture_default_str();
    app.add_option("--gpu", f->gpu, "GPU for trainplan's figure (peak TFLOP/s)")->capture_default_str();
    app.add_option("--precision", f->precision, "bf16 or fp8")->capture_default_str();
    app.add_option("--mfu", f->mfu, "trainplan: model FLOPs utilisation, fraction of dense peak (default 0.40 bf16, 0.30 fp8)");
    app.add_option("--seq", f->seq, "Sequence length (attention FLOPs)")->capture_default_str();
    app.add_flag("--json", f->json, "Print one JSON document");
    add_model_flags(app, f->model);
    return [f]() {
        RecommendInputs in;
        in.gpus = f->gpus > 0 ? f->gpus : f->nodes * f->gpus_per_node;
        if (f->gpus <= 0 && f->nodes <= 0) return fail(make_error(ErrorKind::invalid_argument, "give --gpus N, or --nodes N with --gpus-per-node G"));
        if (f->gpus < 0 || f->nodes < 0) return fail(make_error(ErrorKind::out_of_range, "--gpus and --nodes must be positive"));
        if (f->gpus_per_node <= 0) return fail(make_error(ErrorKind::out_of_range, "--gpus-per-node must be positive"));
        if (f->days != 0) in.days = f->days;
        if (f->model_size_b != 0) in.model_size_b = f->model_size_b;
        in.tokens_b = f->tokens_b;
        in.nemo_tflops_per_gpu = f->tflops;
        in.family = f->family;
        in.seq = f->seq;
        if (f->mfu != 0) in.mfu = f->mfu;
        Result<GpuSpec> gpu = gpu_find(f->gpu);
        if (!gpu) return fail(gpu.error());
        in.gpu = gpu.value();
        Result<Precision> p = precision_parse(f->precision);
        if (!p) return fail(p.error());
        in.precision = p.value();
        Result<std::optional<ModelSpec>> model = resolve_model(f->model);
        if (!model) return fail(model.error());
        in.model = model.value();
        if (in.model) in.family = in.model->family;
        Result<RecommendResult> r = recommend(in);
        if (!r) return fail(r.error());
        if (f->json)
            std::cout << recommend_json(*r);
        else if (f->heuristics == "nemo")
            std::cout << r->nemo_line << "\n";
        else
            std::cout << recommend_text(*r);
        return 0;
    };
}

}  // namespace tp::cli
