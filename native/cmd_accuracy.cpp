// trainplan accuracy: reads the ground-truth CSVs and prints predicted vs published per file
// (--markdown: the whole report, committed as docs/accuracy.md; --fit: re-fits the constants;
// --presets: only the NeMo launcher presets section, from ../shared/data/nemo).
#include <iostream>
#include <map>
#include <memory>

#include "accuracy.hpp"
#include "cli_common.hpp"
#include "finetune_accuracy.hpp"
#include "inference_accuracy.hpp"
#include "text.hpp"
#include "commands.hpp"
#include "hardware.hpp"
#include "preset_report.hpp"
#include "ranking_quality.hpp"

namespace tp::cli {

namespace {
std::string fs_name(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct AccuracyFlags {
    std::string data = TRAINPLAN_GROUND_TRUTH;
    std::string nemo_data;  // empty: <data>/../nemo
    std::string preset_gpu = "h100-sxm";
    bool markdown = false, fit = false, presets = false;
    bool finetune = false;
    std::string finetune_data;  // empty: <data>/../finetune
    bool inference = false;
    std::string inference_data = TRAINPLAN_REPO_GROUND_TRUTH "/fastertransformer_gpt_latency.csv";
};

// The NeMo launcher presets section: NeMo's grid per preset beside trainplan's verdict and plan.
Result<std::string> presets_markdown(const AccuracyFlags& f) {
    const std::string dir = f.nemo_data.empty() ? f.data + "/../nemo" : f.nemo_data;
    Result<std::string> presets = read_text_file(dir + "/launcher_search_config_presets.json");
    if (!presets) return presets.error();
    Result<std::string> base_configs = read_text_file(dir + "/launcher_base_configs_summary.json");
    if (!base_configs) return base_configs.error();
    Result<GpuSpec> gpu = gpu_find(f.preset_gpu);
    if (!gpu) return gpu.error();
    Result<PresetReport> report = preset_report_run(*presets, *base_configs, *gpu);
    if (!report) return report.error();
    return preset_report_markdown(*report);
}

// The fine-tuning section: LLMFineTuningBench's valid runs against the minimum-GPU recommender.
Result<std::string> finetune_markdown(const AccuracyFlags& f) {
    const std::string dir = f.finetune_data.empty() ? f.data + "/../finetune" : f.finetune_data;
    const std::string name = "llmfinetuningbench_valid_runs_dev.csv";
    Result<std::string> csv = read_text_file(dir + "/" + name);
    if (!csv) return csv.error();
    Result<FinetuneAccuracyReport> report = finetune_accuracy_run(*csv, name);
    if (!report) return report.error();
    return finetune_accuracy_markdown(*report);
}
// The inference section: FasterTransformer's published GPT latencies against core/inference (--fit refits).
Result<std::string> inference_markdown(const AccuracyFlags& f) {
    Result<std::string> csv = read_text_file(f.inference_data);
    if (!csv) return csv.error();
    InferenceCalibration k = default_inference_calibration();
    std::string out;
    if (f.fit) {
        k = inference_fit(*csv, k);
        out += "fitted constants (paste into core/inference.hpp): gemm_efficiency = " + format_number(k.gemm_efficiency) +
               ", hbm_efficiency = " + format_number(k.hbm_efficiency) + ", layer_overhead_us = " + format_number(k.layer_overhead_us) +
               ", allreduce_latency_us = " + format_number(k.allreduce_latency_us) + ", other_gib = " + format_number(k.other_gib) +
               ", activation_rows = " + format_number(k.activation_rows) + "\n\n";
    }
    Result<InferenceAccuracyReport> report = inference_accuracy_run(*csv, fs_name(f.inference_data), k);
    if (!report) return report.error();
    return out + inference_accuracy_markdown(*report, k);
}
}  // namespace

Runner register_accuracy(CLI::App& app) {
    auto f = std::make_shared<AccuracyFlags>();
    app.add_option("--data", f->data, "The ground_truth folder of the shared data")->capture_default_str();
    app.add_flag("--markdown", f->markdown, "Print the full report as Markdown (docs/accuracy.md)");
    app.add_flag("--fit", f->fit, "Fit the calibration constants on the calibration rows and print them");
    app.add_flag("--presets", f->presets,
                 "Print only the NeMo launcher presets report (NeMo's grid per preset, trainplan's OOM verdict on it, "
                 "trainplan's top-5) as Markdown");
    app.add_option("--nemo-data", f->nemo_data,
                   "The nemo folder of the shared data (launcher_search_config_presets.json, "
                   "launcher_base_configs_summary.json); default: <--data>/../nemo");
    app.add_option("--preset-gpu", f->preset_gpu, "GPU the presets report assumes (the presets say only 80 GB)")
        ->capture_default_str();
    app.add_flag("--finetune", f->finetune,
                 "Print only the fine-tuning section (minimum GPUs on LLMFineTuningBench: fit share, over-recommend share, "
                 "throughput error) as Markdown");
    app.add_option("--finetune-data", f->finetune_data,
                   "The finetune folder of the shared data; default: <--data>/../finetune");
    app.add_flag("--inference", f->inference,
                 "Print only the inference section (latency and OOM against FasterTransformer's published GPT tables) as "
                 "Markdown; with --fit, refit its constants first");
    app.add_option("--inference-data", f->inference_data, "FasterTransformer's latency table (the repository's copy)")
        ->capture_default_str();
    return [f]() {
        if (f->inference) {
            Result<std::string> text = inference_markdown(*f);
            if (!text) return fail(text.error());
            std::cout << *text;
            return 0;
        }
        if (f->finetune) {
            Result<std::string> text = finetune_markdown(*f);
            if (!text) return fail(text.error());
            std::cout << text.value();
            return 0;
        }
        if (f->presets) {
            Result<std::string> text = presets_markdown(*f);
            if (!text) return fail(text.error());
            std::cout << *text;
            return 0;
        }
        std::map<std::string, std::string> files;
        for (const std::string& name : accuracy_input_files()) {
            Result<std::string> text = read_text_file(f->data + "/" + name);
            if (!text) return fail(text.error());
            files[name] = *text;
        }
        Calibration k = default_calibration();
        if (f->fit) {
            Result<Calibration> fitted = accuracy_fit(files, k);
            if (!fitted) return fail(fitted.error());
            k = *fitted;
            std::cout << "fitted constants (paste into core/estimate.hpp):\n";
            for (const CalibrationField& field : calibration_fields(k)) std::cout << "  " << field.name << " = " << field.value << "\n";
            std::cout << "\n";
        }
        Result<AccuracyReport> report = accuracy_run(files, k);
        if (!report) return fail(report.error());
        if (!f->markdown) {
            std::cout << accuracy_text(*report);
            return 0;
        }
        Result<RankingReport> ranking = ranking_quality_run(files.at("nemo_24_07_performance_summary_h100_fp8.csv"));
        if (!ranking) return fail(ranking.error());
        Result<std::string> presets = presets_markdown(*f);
        if (!presets) return fail(presets.error());
        Result<std::string> finetune = finetune_markdown(*f);
        if (!finetune) return fail(finetune.error());
        AccuracyFlags inference_only = *f;
        inference_only.fit = false;  // --fit above refits the training constants only
        Result<std::string> inference = inference_markdown(inference_only);
        if (!inference) return fail(inference.error());
        std::cout << accuracy_markdown(*report, k) << "\n" << ranking_quality_markdown(*ranking) << "\n" << *presets << "\n"
                  << *finetune << "\n## Inference\n\n" << *inference;
        return 0;
    };
}

}  // namespace tp::cli
