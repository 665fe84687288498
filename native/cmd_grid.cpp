// trainplan grid: ranked candidate configurations, and the rejected ones with their reason.
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include <cmath>

#include <nlohmann/json.hpp>

#include "nemo_grid.hpp"
#include "report.hpp"
#include "search.hpp"
#include "session.hpp"

namespace tp::cli {

namespace {
struct GridFlags {
    ModelFlags model;
    ClusterFlags cluster;
    SpaceFlags space;
    std::string heuristics = "trainplan", session;
    double model_size_b = 0;
    int min_model_parallel = 0, max_model_parallel = 0;
    bool json = false;
    size_t top = 10;
};

std::optional<std::vector<int>> nemo_list(const std::vector<int>& v) {
    if (v.empty()) return std::nullopt;
    return v;
}

// --heuristics nemo: NeMo 2.0's Auto Configurator grid, line for line (nemo_grid.hpp); with --json each
// NeMo candidate also carries trainplan's verdict (fits, memory, predicted throughput or the rule it breaks).
int run_nemo_grid(const GridFlags& f, const ModelSpec& m, const Cluster& cluster, const SearchSpace& space) {
    NemoGridInput in;
    in.model_type = m.family;
    in.model_size_b = f.model_size_b > 0 ? f.model_size_b : std::round(model_param_counts(m).total / 1e9);
    in.model_size_is_float = f.model_size_b > 0 && f.model_size_b != std::floor(f.model_size_b);
    in.layers = m.layers, in.heads = m.heads, in.seq = cluster.base.seq;
    in.nodes = cluster.base.nodes, in.gpus_per_node = cluster.base.gpus_per_node;
    in.gpu_memory_gb = cluster.gpu.nominal_memory_gb >= 80 ? 80 : 40;  // NeMo has 40 and 80 GB tables only
    if (space.gbs.size() == 1) in.gbs = space.gbs[0];
    in.tp = nemo_list(space.tp), in.pp = nemo_list(space.pp), in.cp = nemo_list(space.cp), in.ep = nemo_list(space.ep);
    in.mbs = nemo_list(space.mbs);
    if (f.min_model_parallel > 0) in.min_model_parallel = f.min_model_parallel;
    if (f.max_model_parallel > 0) in.max_model_parallel = f.max_model_parallel;
    Result<NemoGrid> grid = nemo_generate_grid(in);
    if (!grid) return fail(grid.error());
    if (!f.json) {
        for (const std::string& line : grid->stdout_lines) std::cout << line << "\n";
        return 0;
    }
    nlohmann::json j;
    j["heuristics"] = "nemo";
    j["nemo_lines"] = grid->stdout_lines;
    j["candidates"] = nlohmann::json::array();
    int fits = 0;
    for (const NemoCandidate& n : grid->configs) {
        TrainConfig c = cluster.base;
        c.tp = n.tp, c.pp = n.pp, c.cp = n.cp.value_or(1), c.ep = n.ep.value_or(1), c.mbs = n.mbs, c.vp = n.vp.value_or(1);
        c.gbs = n.gbs;
        nlohmann::json one = {{"name", n.name}, {"tp", n.tp}, {"pp", n.pp}, {"cp", c.cp}, {"ep", c.ep}, {"mbs", n.mbs},
                              {"vp", n.vp ? nlohmann::json(*n.vp) : nlohmann::json(nullptr)}, {"gbs", n.gbs}};
        Result<Estimate> e = estimate(m, cluster.gpu, c);
        if (!e) {
            one["trainplan"] = {{"reason", e.error().message}};
        } else {
            fits += e->fits;
            one["trainplan"] = {{"fits", e->fits}, {"memory_gib_total", e->memory.total / kGiB},
                                {"tokens_per_s_per_gpu", e->tokens_per_s_per_gpu}};
        }
        j["candidates"].push_back(std::move(one));
    }
    j["trainplan_fits"] = fits;
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
}

// --session FILE: the session's inputs replace the model, cluster and search flags (giving both is an error,
// so a flag is never silently ignored).
int run_session_grid(GridFlags& f, const CLI::App& app) {
    Result<Session> s = read_session(f.session, app,
                                     {"--model", "--hf-config", "--layers", "--nodes", "--gpus-per-node", "--gpu", "--seq", "--precision", "--tp",
                                      "--pp", "--vp", "--cp", "--ep", "--mbs", "--gbs", "--recompute", "--optimizer-sharding", "--framework"});
    if (!s) return fail(s.error());
    const SessionInputs& in = s->inputs;
    Result<GpuSpec> gpu = gpu_find(in.gpu);
    if (!gpu) return fail(gpu.error());
    if (!app.count("--heuristics")) f.heuristics = in.heuristics;
    if (!app.count("--top")) f.top = size_t(in.top);
    const Cluster cluster{*gpu, in.training};
    if (f.heuristics == "nemo") return run_nemo_grid(f, in.model, cluster, in.search_space);
    TrainConfig base = in.training;
    if (base.gbs == 0) base.gbs = search_default_gbs(base.seq);
    const SearchResult r = search_grid(in.model, *gpu, base, in.search_space);
    std::cout << (f.json ? grid_json(in.model, *gpu, base, r, f.top) : grid_text(in.model, *gpu, base, r, f.top));
    return 0;
}

}  // namespace

Runner register_grid(CLI::App& app) {
    auto f = std::make_shared<GridFlags>();
    add_model_flags(app, f->model);
    add_cluster_flags(app, f->cluster);
    add_space_flags(app, f->space);
    app.add_option("--heuristics", f->heuristics,
                   "trainplan: memory-aware ranked search; nemo: NeMo 2.0 Auto Configurator's grid and printed lines, exactly")
        ->check(CLI::IsMember({"nemo", "trainplan"}))
        ->capture_default_str();
    app.add_option("--model-size-b", f->model_size_b, "--heuristics nemo: the size NeMo's tables use (default: the model's parameters, rounded)");
    app.add_option("--min-model-parallel", f->min_model_parallel, "--heuristics nemo: min_model_parallel_size (default: NeMo's table)");
    app.add_option("--max-model-parallel", f->max_model_parallel, "--heuristics nemo: max_model_parallel_size (default: NeMo's table)");
    app.add_option("--session", f->session, "Session file: its model, cluster, training and search space in place of the flags");
    app.add_option("--top", f->top, "Candidates to print (0 = all)")->capture_default_str();
    app.add_flag("--json", f->json, R"(Print {"candidates": [...], "rejected": [...]})");
    return [f, &app]() {
        if (!f->session.empty()) return run_session_grid(*f, app);
        Result<ModelSpec> model = require_model(f->model);
        if (!model) return fail(model.error());
        Result<Cluster> cluster = resolve_cluster(f->cluster);
        if (!cluster) return fail(cluster.error());
        Result<SearchSpace> resolved = resolve_space(f->space);
        if (!resolved) return fail(resolved.error());
        const SearchSpace& space = *resolved;
        if (f->heuristics == "nemo") return run_nemo_grid(*f, *model, *cluster, space);
        TrainConfig base = cluster->base;
        base.gbs = search_default_gbs(base.seq);
        const SearchResult r = search_grid(*model, cluster->gpu, base, space);
        std::cout << (f->json ? grid_json(*model, cluster->gpu, base, r, f->top) : grid_text(*model, cluster->gpu, base, r, f->top));
        return 0;
    };
}

}  // namespace tp::cli
