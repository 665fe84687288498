#include "inference_template.hpp"

#include "launch_commands.hpp"

namespace tp {

std::vector<std::string> inference_template_placeholders() {
    return {"tp", "pp", "batch", "input_len", "output_len", "gpus", "nodes", "gpus_per_node", "hf_model", "log_dir", "name"};
}

Result<bool> inference_template_check(std::string_view text) { return template_check_keys(text, inference_template_placeholders()); }

Result<std::string> inference_template_fill(std::string_view text, const InferenceRunValues& v) {
    return template_expand(text, inference_template_placeholders(), [&](std::string_view key) -> Result<std::string> {
        if (key == "hf_model") {
            if (v.hf_model.empty())
                return make_error(ErrorKind::invalid_argument, "command template: {hf_model} needs --hf-model (the checkpoint the engine loads)");
            return shell_quote(v.hf_model);
        }
        if (key == "log_dir") return shell_quote(v.log_dir);
        if (key == "name") return shell_quote(v.name);
        long long n = 0;
        if (key == "tp") n = v.tp;
        if (key == "pp") n = v.pp;
        if (key == "batch") n = v.batch;
        if (key == "input_len") n = v.input_len;
        if (key == "output_len") n = v.output_len;
        if (key == "gpus") n = (long long)v.tp * v.pp;
        if (key == "nodes") n = v.nodes;
        if (key == "gpus_per_node") n = v.gpus_per_node;
        if (n < 1) return make_error(ErrorKind::invalid_argument, "command template: {" + std::string(key) + "} is " + std::to_string(n));
        return std::to_string(n);
    });
}

Result<RunTemplate> inference_template_builtin(std::string_view name) {
    RunTemplate t;
    t.origin = TemplateOrigin::builtin;
    if (name == "vllm") {
        t.text = "vllm bench latency --model {hf_model} --tensor-parallel-size {tp} --pipeline-parallel-size {pp} "
                 "--input-len {input_len} --output-len {output_len} --batch-size {batch} --num-iters-warmup 3 --num-iters 10 "
                 "--output-json {log_dir}/latency.json";
        return t;
    }
    if (name == "trtllm") {
        t.text = "python3 ${{TRTLLM_DIR:-/app/tensorrt_llm}}/benchmarks/cpp/prepare_dataset.py --stdout --tokenizer {hf_model} "
                 "token-norm-dist --num-requests {batch} --input-mean {input_len} --output-mean {output_len} --input-stdev 0 "
                 "--output-stdev 0 > {log_dir}/dataset.jsonl && trtllm-bench --model {hf_model} throughput --dataset "
                 "{log_dir}/dataset.jsonl --tp {tp} --pp {pp} --max_batch_size {batch} --concurrency {batch}";
        return t;
    }
    return make_error(ErrorKind::unknown_name, "--engine '" + std::string(name) + "': not one of vllm, trtllm (or give --command)");
}

std::string inference_point_name(int tp, int pp, int batch) {
    return "tp" + std::to_string(tp) + "_pp" + std::to_string(pp) + "_bs" + std::to_string(batch);
}

}  // namespace tp
