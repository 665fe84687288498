// trainplan estimate: one configuration — memory breakdown, fits, step time, tokens/s/GPU, MFU.
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "estimate.hpp"
#include "report.hpp"

namespace tp::cli {

namespace {
struct EstimateFlags {
    ModelFlags model;
    ClusterFlags cluster;
    std::string recompute = "selective", sharding = "distributed";
    int tp = 1, pp = 1, cp = 1, ep = 1, vp = 1, mbs = 1, gbs = 0, recompute_layers = 0;
    bool no_sequence_parallel = false, json = false;
};
}  // namespace

Runner register_estimate(CLI::App& app) {
    auto f = std::make_shared<EstimateFlags>();
    add_model_flags(app, f->model);
    add_cluster_flags(app, f->cluster);
    app.add_option("--gbs", f->gbs, "Global batch size in sequences (default: MBS x DP x PP x 4)");
    app.add_option("--mbs", f->mbs, "Micro-batch size")->capture_default_str();
    app.add_option("--tp", f->tp, "Tensor parallel size")->capture_default_str();
    app.add_option("--pp", f->pp, "Pipeline parallel size")->capture_default_str();
    app.add_option("--cp", f->cp, "Context parallel size")->capture_default_str();
    app.add_option("--ep", f->ep, "Expert parallel size (within DP x CP)")->capture_default_str();
    app.add_option("--vp", f->vp, "Virtual pipeline stages per GPU (interleaved schedule; 1 = off)")->capture_default_str();
    app.add_option("--recompute", f->recompute, "none, selective or full")->capture_default_str();
    app.add_option("--recompute-layers", f->recompute_layers, "With --recompute full: layers per stage recomputed (0 = all)")->capture_default_str();
    app.add_option("--optimizer-sharding", f->sharding, "none, distributed (Megatron), zero1, zero2, zero3, fsdp")->capture_default_str();
    app.add_flag("--no-sequence-parallel", f->no_sequence_parallel, "Tensor parallelism without sequence parallelism");
    app.add_flag("--json", f->json, "Print one JSON document");
    return [f]() {
        Result<ModelSpec> model = require_model(f->model);
        if (!model) return fail(model.error());
        const ModelSpec& m = *model;
        Result<Cluster> cluster = resolve_cluster(f->cluster);
        if (!cluster) return fail(cluster.error());
        const GpuSpec& gpu = cluster->gpu;
        Result<Recompute> recompute = recompute_parse(f->recompute);
        if (!recompute) return fail(recompute.error());
        Result<OptimizerSharding> sharding = sharding_parse(f->sharding);
        if (!sharding) return fail(sharding.error());
        TrainConfig c = cluster->base;
        c.tp = f->tp, c.pp = f->pp, c.cp = f->cp, c.ep = f->ep, c.vp = f->vp, c.mbs = f->mbs;
        c.recompute = *recompute, c.recompute_layers = f->recompute_layers, c.sharding = *sharding;
        c.sequence_parallel = !f->no_sequence_parallel;
        c.gbs = f->gbs;
        if (c.gbs == 0 && c.tp > 0 && c.pp > 0 && c.cp > 0 && c.mbs > 0 && c.nodes > 0 && c.gpus_per_node > 0) {
            const long long replica = 1LL * c.tp * c.pp * c.cp;
            if (c.gpus() % replica == 0) c.gbs = int(c.mbs * (c.gpus() / replica) * c.pp * 4);
        }
        Result<Estimate> e = estimate(m, gpu, c);
        if (!e) return fail(e.error());
        std::cout << (f->json ? estimate_json(m, gpu, c, *e) : estimate_text(m, gpu, c, *e));
        return 0;
    };
}

}  // namespace tp::cli
