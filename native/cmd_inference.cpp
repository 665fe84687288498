// trainplan inference: the TP x PP x batch grid for inference, predicted (core/inference) — memory, first-token,
// per-token and end-to-end latency, throughput per GPU — with NeMo's filter and final_output.csv as a mode,
// and a NeMo launcher search config's inference_settings read as the launcher reads them.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <tuple>

#include <nlohmann/json.hpp>

#include "base_config.hpp"
#include "cli_common.hpp"
#include "commands.hpp"
#include "estimate.hpp"
#include "inference.hpp"
#include "inference_cli.hpp"
#include "search_config.hpp"
#include "text.hpp"

namespace tp::cli {

namespace fs = std::filesystem;

namespace {

// --search-config FILE [key=value ...]: the launcher's inference sweep. Its model is the GPT-3 the launcher's
// base config gives for train_settings.model_size_in_b (inference_sweep.py reads num_attention_heads and
// num_layers from it); its lists, lengths and GPUs per node are inference_settings'; NeMo's filter applies.
Result<InferenceRequest> request_from_search_config(const InferenceFlags& f, const CLI::App& app) {
    Result<std::string> text = read_text_file(f.search_config);
    if (!text) return text.error();
    Result<LauncherSearchConfig> sc = search_config_parse(*text, f.search_config, f.overrides);
    if (!sc) return sc.error();
    if (!sc->inference)
        return make_error(ErrorKind::invalid_argument, f.search_config + ": inference_settings: missing (the launcher's inference "
                                                                         "sweep needs its run and benchmark sections)");
    const LauncherInferenceSettings& s = *sc->inference;
    const LauncherTrainSettings& t = sc->train;
    InferenceRequest r;
    Result<std::optional<ModelSpec>> given = resolve_model(f.model);
    if (!given) return given.error();
    if (given.value()) {
        r.model = *given.value();
    } else {
        if (!t.model_size_b)
            return make_error(ErrorKind::invalid_argument, f.search_config + ": train_settings.model_size_in_b: null; the inference "
                                                                             "sweep needs a model size (or pass --model)");
        std::string family = fs::path(f.search_config).parent_path().filename().string();
        if (family.empty()) family = "gpt3";
        Result<BaseConfig> cfg = base_config_generate(search_config_base_inputs(t, *t.model_size_b, family));
        if (!cfg) return cfg.error();
        r.model = base_config_model(*cfg);
    }
    const std::string gpu = app.count("--gpu") ? f.gpu : search_config_gpu(t.gpu_memory_gb);
    Result<GpuSpec> g = gpu_find(gpu);
    if (!g) return g.error();
    r.gpu = *g;
    r.gpus_per_node = s.gpus_per_node;
    r.input_len = s.input_len, r.output_len = s.output_len;
    r.tp = s.tp, r.pp = s.pp, r.batch_sizes = s.batch_sizes;
    r.nemo_filter = true;
    // FasterTransformer ran data_type fp16|bf16|fp32; fp32 has no format here (4-byte weights are not served).
    if (s.data_type == "fp32")
        return make_error(ErrorKind::unsupported, f.search_config + ": inference_settings.run.data_type: fp32 is not modelled (use fp16 or bf16)");
    r.max_latency_ms = f.max_latency_ms;
    if (const std::string e = inference_validate(r); !e.empty()) return make_error(ErrorKind::invalid_argument, f.search_config + ": " + e);
    return r;
}

Result<InferenceRequest> request_from_flags(const InferenceFlags& f, const CLI::App& app) {
    InferenceInputs in;
    in.gpu = f.gpu, in.gpus_per_node = f.gpus_per_node, in.input_len = f.input_len, in.output_len = f.output_len;
    for (auto [text, flag, out] : {std::tuple{&f.tp, "--tp", &in.tp}, {&f.pp, "--pp", &in.pp}, {&f.batch_sizes, "--batch-sizes", &in.batch_sizes}}) {
        Result<std::vector<int>> list = int_list_parse(*text, flag);
        if (!list) return list.error();
        *out = *list;
    }
    in.weights = f.weights, in.kv_cache = f.kv_cache, in.nemo_filter = f.nemo, in.max_latency_ms = f.max_latency_ms;
    ModelSpec model;
    if (!f.session.empty()) {
        Result<Session> s = read_session(f.session, app,
                                         {"--model", "--hf-config", "--layers", "--gpu", "--gpus-per-node", "--input-len", "--output-len",
                                          "--tp", "--pp", "--batch-sizes", "--weights", "--kv-cache", "--nemo"});
        if (!s) return s.error();
        model = s->inputs.model;
        const double bound = in.max_latency_ms;
        in = s->inputs.inference;
        if (app.count("--max-latency-ms")) in.max_latency_ms = bound;
    } else {
        Result<ModelSpec> m = require_model(f.model);
        if (!m) return m.error();
        model = *m;
    }
    Result<InferenceRequest> r = inference_request_from_inputs(model, in);
    if (!r) return r.error();
    return r;
}

nlohmann::json point_json(const InferencePoint& p) {
    const InferenceMemory& m = p.memory;
    return {{"tp", p.tp},
            {"pp", p.pp},
            {"batch", p.batch},
            {"gpus", p.tp * p.pp},
            {"nodes", p.nodes},
            {"fits", p.fits},
            {"memory_gib",
             {{"weights", m.weights / kGiB},
              {"kv_cache", m.kv_cache / kGiB},
              {"activations", m.activations / kGiB},
              {"other", m.other / kGiB},
              {"total", m.total / kGiB},
              {"usable", m.usable / kGiB}}},
            {"first_token_ms", p.latency.first_token * 1e3},
            {"per_token_ms", p.latency.per_token * 1e3},
            {"latency_ms", p.latency.total * 1e3},
            {"samples_per_s_per_gpu", p.samples_per_s_per_gpu},
            {"tokens_per_s_per_gpu", p.tokens_per_s_per_gpu}};
}

void print_table(const InferenceRequest& r, const InferencePlan& plan) {
    std::printf("%s on %s, input %d + output %d tokens, weights %s, KV cache %s%s\n", r.model.name.c_str(), r.gpu.name.c_str(),
                r.input_len, r.output_len, weight_format_name(r.weights), kv_format_name(r.kv_cache),
                r.nemo_filter ? " (NeMo's filter)" : "");
    std::printf("%4s %4s %6s %5s %9s %12s %12s %12s %16s %14s\n", "TP", "PP", "BS", "fits", "mem GiB", "first ms", "token ms",
                "latency ms", "samples/s/GPU", "tokens/s/GPU");
    for (const InferencePoint& p : plan.points)
        std::printf("%4d %4d %6d %5s %9.1f %12.1f %12.2f %12.1f %16.3f %14.1f\n", p.tp, p.pp, p.batch, p.fits ? "yes" : "OOM",
                    p.memory.total / kGiB, p.latency.first_token * 1e3, p.latency.per_token * 1e3, p.latency.total * 1e3,
                    p.samples_per_s_per_gpu, p.tokens_per_s_per_gpu);
    for (const InferenceRejected& x : plan.rejected)
        if (x.batch == r.batch_sizes.front()) std::printf("rejected %s\n", x.reason.c_str());
    auto line = [&](const char* what, const std::optional<size_t>& i) {
        if (!i) {
            std::printf("%s: none fits%s\n", what, r.max_latency_ms > 0 && std::string(what) == "best throughput" ? " within the latency bound" : "");
            return;
        }
        const InferencePoint& p = plan.points[*i];
        std::printf("%s: TP %d, PP %d, batch %d: %.1f ms, %.3f samples/s/GPU, %.1f tokens/s/GPU, %.1f GiB per GPU\n", what, p.tp, p.pp,
                    p.batch, p.latency.total * 1e3, p.samples_per_s_per_gpu, p.tokens_per_s_per_gpu, p.memory.total / kGiB);
    };
    std::string best = "best throughput";
    if (r.max_latency_ms > 0) best += " within " + format_number(r.max_latency_ms) + " ms";
    line(best.c_str(), plan.best_throughput);
    line("lowest latency", plan.lowest_latency);
}

// trainplan's own table: NeMo's columns and what the launcher never reported; with --measure, the measured
// latency beside the prediction and the prediction's error, (predicted - measured) / measured.
std::string points_csv(const InferencePlan& plan, const std::vector<double>& measured_ms) {
    std::string out =
        "TP,PP,BS,GPUs,Nodes,Fits,Memory per GPU [GiB],KV cache [GiB],First token [ms],Per token [ms],Latency [ms],"
        "Throughput per GPU [samples/sec/gpu],Throughput per GPU [tokens/sec/gpu],Measured latency [ms],Prediction error\n";
    for (size_t i = 0; i < plan.points.size(); ++i) {
        const InferencePoint& p = plan.points[i];
        const double predicted_ms = p.latency.total * 1e3;
        std::string measured, error;
        if (i < measured_ms.size() && !std::isnan(measured_ms[i])) {
            measured = format_fixed(measured_ms[i], 2);
            error = format_fixed((predicted_ms - measured_ms[i]) / measured_ms[i], 4);
        }
        out += std::to_string(p.tp) + "," + std::to_string(p.pp) + "," + std::to_string(p.batch) + "," + std::to_string(p.tp * p.pp) +
               "," + std::to_string(p.nodes) + "," + (p.fits ? "yes" : "no") + "," + format_fixed(p.memory.total / kGiB, 2) + "," +
               format_fixed(p.memory.kv_cache / kGiB, 2) + "," + format_fixed(p.latency.first_token * 1e3, 2) + "," +
               format_fixed(p.latency.per_token * 1e3, 3) + "," + format_fixed(predicted_ms, 2) + "," +
               format_fixed(p.samples_per_s_per_gpu, 3) + "," + format_fixed(p.tokens_per_s_per_gpu, 1) + "," + measured + "," + error +
               "\n";
    }
    return out;
}

}  // namespace

Runner register_inference(CLI::App& app) {
    auto f = std::make_shared<InferenceFlags>();
    add_model_flags(app, f->model);
    app.add_option("--gpu", f->gpu, "GPU: " + gpu_names())->capture_default_str();
    app.add_option("--gpus-per-node", f->gpus_per_node, "GPUs per server")->capture_default_str();
    app.add_option("--input-len", f->input_len, "Prompt tokens per sequence")->capture_default_str();
    app.add_option("--output-len", f->output_len, "Generated tokens per sequence")->capture_default_str();
    app.add_option("--tp", f->tp, "Tensor-parallel sizes, comma-separated")->capture_default_str();
    app.add_option("--pp", f->pp, "Pipeline-parallel sizes, comma-separated")->capture_default_str();
    app.add_option("--batch-sizes", f->batch_sizes, "Batch sizes, comma-separated")->capture_default_str();
    app.add_option("--weights", f->weights, "Weight format: bf16 (fp16), fp8, int8, int4 (weight-only)")->capture_default_str();
    app.add_option("--kv-cache", f->kv_cache, "KV-cache format: bf16 (fp16) or fp8")->capture_default_str();
    app.add_option("--max-latency-ms", f->max_latency_ms, "Latency bound for the best-throughput pick (0: none)");
    app.add_flag("--nemo", f->nemo,
                 "NeMo launcher mode: its filter (heads % TP, layers % PP, PP > 1 only when TP fills a node) and node counts");
    app.add_option("--search-config", f->search_config,
                   "NeMo launcher search config (conf/search_config/<family>/<size>.yaml): its inference_settings and model size; "
                   "key=value arguments override its keys; implies --nemo");
    app.add_option("overrides", f->overrides, "key=value overrides of the search config (Hydra style)");
    app.add_option("--output-dir", f->output_dir,
                   "Write final_output.csv (NeMo's columns: TP, PP, BS, Latency [ms], Throughput per GPU [samples/sec/gpu]) and "
                   "inference_points.csv (trainplan's table: memory, first-token and per-token latency, and with --measure the measured "
                   "latency beside the prediction) there");
    app.add_flag("--json", f->json, "Print one JSON document: points, rejected, best_throughput, lowest_latency");
    app.add_option("--session", f->session,
                   "Session file: its model and inference inputs (inputs.inference) in place of the model and grid flags");
    add_inference_measure_flags(app, *f);
    const CLI::App* self = &app;
    return [f, self]() {
        if (!f->overrides.empty() && f->search_config.empty())
            return fail(make_error(ErrorKind::invalid_argument, "'" + f->overrides.front() + "': key=value overrides need --search-config FILE"));
        if (!f->search_config.empty() && !f->session.empty())
            return fail(make_error(ErrorKind::invalid_argument, "give --search-config or --session, not both"));
        Result<InferenceRequest> r = f->search_config.empty() ? request_from_flags(*f, *self) : request_from_search_config(*f, *self);
        if (!r) return fail(r.error());
        const InferencePlan plan = inference_plan(*r);
        std::vector<double> measured_ms;
        if (inference_measure_requested(*f)) {
            Result<std::vector<double>> m = inference_measure(*f, *r, plan);
            if (!m) return fail(m.error());
            measured_ms = *m;
        }
        if (!f->output_dir.empty()) {
            std::error_code ec;
            fs::create_directories(f->output_dir, ec);
            if (ec) return fail(make_error(ErrorKind::invalid_argument, "--output-dir " + f->output_dir + ": " + ec.message()));
            for (auto [name, text] : {std::pair{"final_output.csv", inference_nemo_csv(plan, measured_ms)},
                                      {"inference_points.csv", points_csv(plan, measured_ms)}}) {
                Result<bool> ok = write_text_file((fs::path(f->output_dir) / name).string(), text);
                if (!ok) return fail(ok.error());
            }
        }
        if (f->json) {
            nlohmann::json out = {{"model", r->model.name},
                                  {"gpu", r->gpu.name},
                                  {"input_len", r->input_len},
                                  {"output_len", r->output_len},
                                  {"weights", weight_format_name(r->weights)},
                                  {"kv_cache", kv_format_name(r->kv_cache)},
                                  {"nemo_filter", r->nemo_filter},
                                  {"points", nlohmann::json::array()},
                                  {"rejected", nlohmann::json::array()}};
            for (size_t i = 0; i < plan.points.size(); ++i) {
                nlohmann::json p = point_json(plan.points[i]);
                if (i < measured_ms.size() && !std::isnan(measured_ms[i])) p["measured_latency_ms"] = measured_ms[i];
                out["points"].push_back(std::move(p));
            }
            for (const InferenceRejected& x : plan.rejected)
                out["rejected"].push_back({{"tp", x.tp}, {"pp", x.pp}, {"batch", x.batch}, {"reason", x.reason}});
            out["best_throughput"] = plan.best_throughput ? point_json(plan.points[*plan.best_throughput]) : nlohmann::json(nullptr);
            out["lowest_latency"] = plan.lowest_latency ? point_json(plan.points[*plan.lowest_latency]) : nlohmann::json(nullptr);
            std::cout << out.dump(2) << "\n";
            return 0;
        }
        print_table(*r, plan);
        return 0;
    };
}

}  // namespace tp::cli
