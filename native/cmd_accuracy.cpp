// trainplan accuracy: reads the ground-truth CSVs and prints predicted vs published per file
// (--markdown: the whole report, committed as docs/accuracy.md; --fit: re-fits the constants).
#include <iostream>
#include <map>
#include <memory>

#include "accuracy.hpp"
#include "cli_common.hpp"
#include "commands.hpp"
#include "ranking_quality.hpp"

namespace tp::cli {

namespace {
struct AccuracyFlags {
    std::string data = TRAINPLAN_GROUND_TRUTH;
    bool markdown = false, fit = false;
};
}  // namespace

Runner register_accuracy(CLI::App& app) {
    auto f = std::make_shared<AccuracyFlags>();
    app.add_option("--data", f->data, "The ground_truth folder of the shared data")->capture_default_str();
    app.add_flag("--markdown", f->markdown, "Print the full report as Markdown (docs/accuracy.md)");
    app.add_flag("--fit", f->fit, "Fit the calibration constants on the calibration rows and print them");
    return [f]() {
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
        std::cout << accuracy_markdown(*report, k) << "\n" << ranking_quality_markdown(*ranking);
        return 0;
    };
}

}  // namespace tp::cli
