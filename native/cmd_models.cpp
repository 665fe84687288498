// trainplan models: the preset catalog with exact and published parameter counts.
#include <cstdio>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "model_presets.hpp"

namespace tp::cli {

Runner register_models(CLI::App& app) {
    auto json = std::make_shared<bool>(false);
    app.add_flag("--json", *json, "Print one JSON document");
    return [json]() {
        nlohmann::json out = nlohmann::json::array();
        if (!*json) std::printf("%-22s %-10s %14s %14s %10s\n", "preset", "family", "params (B)", "active (B)", "published");
        for (const ModelPreset& p : model_presets()) {
            const ParamCounts c = model_param_counts(p.spec);
            if (*json) {
                out.push_back({{"name", p.spec.name}, {"family", p.spec.family}, {"params", c.total},
                               {"active_params", c.active}, {"published_params_b", p.published_params_b},
                               {"source", p.spec.source}});
            } else {
                std::printf("%-22s %-10s %14.3f %14.3f %10g\n", p.spec.name.c_str(), p.spec.family.c_str(), c.total / 1e9,
                            c.active / 1e9, p.published_params_b);
            }
        }
        if (*json) std::cout << out.dump(2) << "\n";
        return 0;
    };
}

}  // namespace tp::cli
