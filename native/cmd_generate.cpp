// trainplan generate: the base configuration for a model size, as NeMo launcher YAML.
#include <iostream>
#include <memory>

#include "base_config.hpp"
#include "cli_common.hpp"
#include "commands.hpp"
#include "hardware.hpp"
#include "report.hpp"
#include "text.hpp"

namespace tp::cli {

namespace {
struct GenerateFlags {
    std::string model_size_text;
    std::string family = "gpt3", heuristics = "nemo", gpu = "h100-sxm", output_dir;
    int nodes = 1, gpus_per_node = 8, gpu_memory_gb = 0, vocab = 51200, seq = 2048;
    double days = 1, tokens_b = 300;
    bool json = false;
};
}  // namespace

Runner register_generate(CLI::App& app) {
    auto f = std::make_shared<GenerateFlags>();
    app.add_option("--model-size-b", f->model_size_text, "Model size in billions of parameters")->required();
    app.add_option("--model-family", f->family, "gpt3, llama, mixtral, mistral, gemma, nemotron, qwen, starcoder, t5, mt5, bert")
        ->capture_default_str();
    app.add_option("--heuristics", f->heuristics, "nemo: NeMo launcher's choices; trainplan: adds GQA/SwiGLU and exact sizing")
        ->check(CLI::IsMember({"nemo", "trainplan"}))
        ->capture_default_str();
    app.add_option("--nodes", f->nodes, "Nodes")->capture_default_str();
    app.add_option("--gpus-per-node", f->gpus_per_node, "GPUs per node")->capture_default_str();
    app.add_option("--gpu", f->gpu, "GPU (its memory picks NeMo's 40 or 80 GB table)")->capture_default_str();
    app.add_option("--gpu-memory-gb", f->gpu_memory_gb, "Override the GPU memory class: 40 or 80");
    app.add_option("--days", f->days, "Maximum training days (Slurm time limit)")->capture_default_str();
    app.add_option("--tokens-b", f->tokens_b, "Training tokens in billions")->capture_default_str();
    app.add_option("--vocab", f->vocab, "Vocabulary size")->capture_default_str();
    app.add_option("--seq", f->seq, "Sequence length")->capture_default_str();
    app.add_option("--output-dir", f->output_dir, "Write base_cfg_<size>b.yaml here (otherwise the YAML goes to stdout)");
    app.add_flag("--json", f->json, "Print the configuration's fields as one JSON document");
    return [f]() {
        BaseConfigInputs in;
        char* end = nullptr;
        in.model_size_b = std::strtod(f->model_size_text.c_str(), &end);
        if (end == f->model_size_text.c_str() || *end != '\0')
            return fail(make_error(ErrorKind::invalid_argument, "--model-size-b: '" + f->model_size_text + "' is not a number"));
        // NeMo names the run with Python's str() of the size: "5" stays "5", "5.0" stays "5.0".
        in.model_size_is_float = f->model_size_text.find_first_of(".eE") != std::string::npos;
        in.family = f->family;
        in.nodes = f->nodes;
        in.gpus_per_node = f->gpus_per_node;
        in.max_training_days = f->days;
        in.tokens_b = f->tokens_b;
        in.vocab = f->vocab;
        in.seq = f->seq;
        in.heuristics = f->heuristics == "nemo" ? Heuristics::nemo : Heuristics::trainplan;
        if (f->gpu_memory_gb != 0) {
            in.gpu_memory_gb = f->gpu_memory_gb;
        } else {
            Result<GpuSpec> gpu = gpu_find(f->gpu);
            if (!gpu) return fail(gpu.error());
            in.gpu_memory_gb = gpu->nominal_memory_gb >= 80 ? 80 : 40;
        }
        Result<BaseConfig> cfg = base_config_generate(in);
        if (!cfg) return fail(cfg.error());
        const std::string yaml = base_config_to_yaml(*cfg);
        if (!f->output_dir.empty()) {
            const std::string label = in.model_size_is_float ? python_float_repr(in.model_size_b) : format_number(in.model_size_b);
            const std::string path = f->output_dir + "/base_cfg_" + label + "b.yaml";
            Result<bool> w = write_text_file(path, yaml);
            if (!w) return fail(w.error());
            if (!f->json) std::cerr << "wrote " << path << "\n";
        }
        if (f->json)
            std::cout << base_config_json(*cfg);
        else if (f->output_dir.empty())
            std::cout << yaml;
        for (const std::string& c : cfg->choices) std::cerr << "trainplan choice: " << c << "\n";
        return 0;
    };
}

}  // namespace tp::cli
