// trainplan generate: the files users launch. From a NeMo launcher search config (with Hydra overrides),
// a session file, a model (preset, config.json or explicit), or only a size: the base config, one NeMo
// launcher YAML per candidate under candidate_configs/, the launch commands for NeMo 2.0, Megatron-LM and
// torchtitan, and session.json, the manifest of the whole plan.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "plan_from_inputs.hpp"
#include "plan_inputs.hpp"
#include "report.hpp"
#include "text.hpp"

namespace tp::cli {

namespace {

struct GenerateFlags {
    PlanFlags plan;
    std::string output_dir;
    bool json = false;
};

void print_summary(const PlanRequest& r, const Plan& plan, const std::string& dir) {
    if (r.heuristics == Heuristics::nemo) {
        for (const std::string& line : plan.nemo_lines) std::cout << line << "\n";
        long long oom = 0;
        for (const PlannedCandidate& c : plan.candidates) oom += c.verdict.rfind("out of memory", 0) == 0;
        std::cout << "\nNeMo's grid: " << plan.candidates.size() << " candidates to launch; trainplan predicts " << oom
                  << " of them run out of memory (see session.json, \"verdict\").\n";
    } else {
        std::cout << plan.evaluated << " combinations, " << plan.evaluated - plan.rejected << " fit, " << plan.out_of_memory
                  << " out of memory; writing the top " << plan.candidates.size() << ":\n";
        if (plan.candidates.empty())
            std::cout << "  no candidate fits: `trainplan grid --session " << (dir.empty() ? std::string("DIR") : dir)
                      << "/session.json --json` lists every rejection with its reason\n";
        for (const PlannedCandidate& c : plan.candidates)
            std::cout << "  " << c.rank << ". " << c.name << "  " << format_fixed(c.estimate->tokens_per_s_per_gpu, 0)
                      << " tokens/s/GPU, " << format_fixed(c.estimate->memory.total / kGiB, 1) << " GiB\n";
    }
    if (!dir.empty()) std::cout << "wrote " << dir << "/ (base config, candidate_configs/, launch/, session.json)\n";
}

}  // namespace

Runner register_generate(CLI::App& app) {
    auto f = std::make_shared<GenerateFlags>();
    add_plan_flags(app, f->plan);
    app.add_option("--output-dir", f->output_dir, "Write the plan here (without it: --model-size-b prints the base config YAML)");
    app.add_flag("--json", f->json, "Print the session manifest (or, for --model-size-b alone, the base configuration's fields)");
    return [f, &app]() {
        Result<PreparedPlan> prepared = plan_prepare(f->plan, app);
        if (!prepared) return fail(prepared.error());
        for (const std::string& c : prepared->choices) std::cerr << "trainplan choice: " << c << "\n";
        const PlanRequest& r = prepared->request;
        // --model-size-b alone, no folder: the base config as before (YAML, or its fields with --json).
        if (prepared->size_only && f->output_dir.empty()) {
            std::cout << (f->json ? base_config_json(*prepared->size_base) : r.base_yaml);
            return 0;
        }
        Result<Plan> plan = plan_generate(r);
        if (!plan) return fail(plan.error());
        const std::string manifest = plan_manifest(prepared->inputs, r, *plan);
        if (!f->output_dir.empty()) {
            Result<std::vector<std::string>> written = plan_write(f->output_dir, r, *plan, manifest);
            if (!written) return fail(written.error());
        }
        if (f->json) std::cout << manifest;
        else print_summary(r, *plan, f->output_dir);
        return 0;
    };
}

}  // namespace tp::cli
