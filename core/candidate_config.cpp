#include "candidate_config.hpp"

#include <yaml-cpp/yaml.h>

namespace tp {

std::string nemo_run_time_limit(int max_minutes) {
    const int days = max_minutes / 3600, hours = (max_minutes % 3600) / 60, minutes = (max_minutes % 3600) % 60;
    return std::to_string(days) + "-" + std::to_string(hours) + ":" + std::to_string(minutes) + ":00";
}

CandidateYamlEdit candidate_edit_from_config(const TrainConfig& c, int layers) {
    CandidateYamlEdit e;
    e.nodes = c.nodes;
    e.tp = c.tp, e.pp = c.pp, e.mbs = c.mbs;
    e.cp = c.cp, e.ep = c.ep;
    if (c.vp > 1) e.vp = c.vp;
    e.gbs = c.gbs;
    e.sequence_parallel = c.tp > 1 && c.sequence_parallel;
    e.fp8 = c.precision == Precision::fp8;
    // NeMo 1.x / Megatron-Core optimizer names: the distributed optimizer shards fp32 state over DP.
    e.optimizer = c.sharding == OptimizerSharding::distributed ? "mcore_distributed_optim" : "fused_adam";
    switch (c.recompute) {
    case Recompute::none:
        e.act_granularity = "", e.act_method = "";
        break;
    case Recompute::selective:  // attention core only (Korthikanti et al. 2022); no method or layer count
        e.act_granularity = "selective", e.act_method = "";
        break;
    case Recompute::full: {
        const int per_stage = layers / c.pp;
        e.act_granularity = "full";
        if (c.recompute_layers == 0 || c.recompute_layers >= per_stage) {
            // Every layer: Megatron's "uniform" method with one layer per checkpoint.
            e.act_method = "uniform", e.act_ckpt_layers = 1;
        } else {
            // "block" counts layers per model chunk: with VP chunks per stage, the stage's N split evenly.
            e.act_method = "block";
            e.act_ckpt_layers = c.vp > 1 ? std::max(1, c.recompute_layers / c.vp) : c.recompute_layers;
        }
        break;
    }
    }
    return e;
}

namespace {

// Replaces map[key] in place (keeping its position) or appends it.
template <typename T>
void set(YAML::Node map, const char* key, const T& value) {
    map[key] = value;
}
void set_null(YAML::Node map, const char* key) { map[key] = YAML::Node(YAML::NodeType::Null); }
void set_text_or_null(YAML::Node map, const char* key, const std::string& value) {
    if (value.empty()) set_null(map, key);
    else set(map, key, value);
}

}  // namespace

Result<std::string> candidate_config_yaml(std::string_view base_yaml, const CandidateYamlEdit& e) {
    YAML::Node cfg;
    try {
        cfg = YAML::Load(std::string(base_yaml));
    } catch (const YAML::Exception& ex) {
        return make_error(ErrorKind::parse_error, "base config:" + std::to_string(ex.mark.line + 1) + ": not valid YAML: " + ex.msg);
    }
    for (const char* section : {"run", "trainer", "model"})
        if (!cfg.IsMap() || !cfg[section].IsMap())
            return make_error(ErrorKind::parse_error, std::string("base config: missing the '") + section + "' section");
    YAML::Node run = cfg["run"], trainer = cfg["trainer"], model = cfg["model"];
    set(run, "name", e.run_name);
    set(run, "time_limit", e.time_limit);
    set(trainer, "num_nodes", e.nodes);
    set(trainer, "max_steps", e.max_steps);
    set(trainer, "val_check_interval", e.max_steps);
    set(model, "micro_batch_size", e.mbs);
    if (e.gbs) set(model, "global_batch_size", *e.gbs);
    set(model, "tensor_model_parallel_size", e.tp);
    set(model, "pipeline_model_parallel_size", e.pp);
    if (e.cp) set(model, "context_parallel_size", *e.cp);
    if (e.ep) set(model, "expert_model_parallel_size", *e.ep);
    if (e.vp) set(model, "virtual_pipeline_model_parallel_size", *e.vp);
    if (e.sequence_parallel) set(model, "sequence_parallel", *e.sequence_parallel);
    if (e.act_granularity) set_text_or_null(model, "activations_checkpoint_granularity", *e.act_granularity);
    if (e.act_method) set_text_or_null(model, "activations_checkpoint_method", *e.act_method);
    if (e.act_ckpt_layers) set(model, "activations_checkpoint_num_layers", *e.act_ckpt_layers);
    else if (e.act_granularity) set_null(model, "activations_checkpoint_num_layers");
    if (e.num_mbs_act) set(model, "num_micro_batches_with_partial_activation_checkpoints", *e.num_mbs_act);
    if (e.act_per_pipe) set(model, "activations_checkpoint_layers_per_pipeline", *e.act_per_pipe);
    if (e.fp8) {
        // NeMo 1.x TransformerEngine keys: fp8 on, hybrid format (E4M3 forward, E5M2 gradients).
        set(model, "fp8", *e.fp8);
        if (*e.fp8) set(model, "fp8_hybrid", true);
    }
    if (e.optimizer) {
        if (!model["optim"].IsMap()) model["optim"] = YAML::Node(YAML::NodeType::Map);
        YAML::Node optim = model["optim"];
        set(optim, "name", *e.optimizer);
    }
    YAML::Emitter out;
    out << cfg;
    return std::string(out.c_str()) + "\n";
}

}  // namespace tp
