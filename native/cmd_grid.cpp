// trainplan grid: ranked candidate configurations, and the rejected ones with their reason.
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "report.hpp"
#include "search.hpp"

namespace tp::cli {

namespace {
struct GridFlags {
    ModelFlags model;
    ClusterFlags cluster;
    std::vector<std::string> tp, pp, vp, cp, ep, mbs, gbs, recompute, sharding;
    bool tp_across_nodes = false, json = false;
    size_t top = 10;
};

// "auto" (or nothing) -> empty list = search_auto_space decides; otherwise positive integers.
Result<std::vector<int>> int_list(const char* flag, const std::vector<std::string>& items) {
    std::vector<int> out;
    for (const std::string& item : items) {
        if (item == "auto" && items.size() == 1) return out;
        char* end = nullptr;
        const long v = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v <= 0 || v > 1000000)
            return make_error(ErrorKind::invalid_argument,
                              std::string(flag) + ": '" + item + "' is not a positive integer (give a list such as 1,2,4 or auto)");
        out.push_back(int(v));
    }
    return out;
}
}  // namespace

Runner register_grid(CLI::App& app) {
    auto f = std::make_shared<GridFlags>();
    add_model_flags(app, f->model);
    add_cluster_flags(app, f->cluster);
    auto list = [&](const char* name, std::vector<std::string>& v, const std::string& help) {
        app.add_option(name, v, help + " (comma-separated list, or auto)")->delimiter(',');
    };
    list("--tp", f->tp, "Tensor parallel sizes; auto: powers of two within a node");
    list("--pp", f->pp, "Pipeline parallel sizes; auto: divisors of the layer count");
    list("--vp", f->vp, "Virtual pipeline stages per GPU; auto: 1 and every divisor of the layers per stage");
    list("--cp", f->cp, "Context parallel sizes; auto: 1, 2, 4, ... while seq/CP >= 2048");
    list("--ep", f->ep, "Expert parallel sizes; auto: divisors of the expert count (MoE), else 1");
    list("--mbs", f->mbs, "Micro-batch sizes; auto: 1,2,4,8");
    list("--gbs", f->gbs, "Global batch sizes in sequences; auto: the power of two nearest 4M tokens");
    app.add_option("--recompute", f->recompute, "Recomputation: none, selective, full, full:N (N layers per stage); auto: none,selective,full")
        ->delimiter(',');
    app.add_option("--optimizer-sharding", f->sharding, "none, distributed, zero1, zero2, zero3, fsdp; default distributed")->delimiter(',');
    app.add_flag("--tp-across-nodes", f->tp_across_nodes, "Allow TP groups larger than a node");
    app.add_option("--top", f->top, "Candidates to print (0 = all)")->capture_default_str();
    app.add_flag("--json", f->json, R"(Print {"candidates": [...], "rejected": [...]})");
    return [f]() {
        Result<ModelSpec> model = require_model(f->model);
        if (!model) return fail(model.error());
        Result<Cluster> cluster = resolve_cluster(f->cluster);
        if (!cluster) return fail(cluster.error());
        SearchSpace space;
        struct Named { const char* flag; std::vector<std::string>* items; std::vector<int>* out; };
        for (const Named& n : {Named{"--tp", &f->tp, &space.tp}, {"--pp", &f->pp, &space.pp}, {"--vp", &f->vp, &space.vp},
                               {"--cp", &f->cp, &space.cp}, {"--ep", &f->ep, &space.ep}, {"--mbs", &f->mbs, &space.mbs},
                               {"--gbs", &f->gbs, &space.gbs}}) {
            Result<std::vector<int>> v = int_list(n.flag, *n.items);
            if (!v) return fail(v.error());
            *n.out = *v;
        }
        for (const std::string& r : f->recompute) {
            if (r == "auto" && f->recompute.size() == 1) break;
            Result<RecomputeChoice> choice = recompute_choice_parse(r);
            if (!choice) return fail(choice.error());
            space.recompute.push_back(*choice);
        }
        for (const std::string& s : f->sharding) {
            Result<OptimizerSharding> sharding = sharding_parse(s);
            if (!sharding) return fail(sharding.error());
            space.sharding.push_back(*sharding);
        }
        space.tp_across_nodes = f->tp_across_nodes;
        TrainConfig base = cluster->base;
        base.gbs = search_default_gbs(base.seq);
        const SearchResult r = search_grid(*model, cluster->gpu, base, space);
        std::cout << (f->json ? grid_json(*model, cluster->gpu, base, r, f->top) : grid_text(*model, cluster->gpu, base, r, f->top));
        return 0;
    };
}

}  // namespace tp::cli
