#include "report.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "nemo_heuristics.hpp"
#include "search.hpp"
#include "text.hpp"

namespace tp {

using nlohmann::json;

namespace {
// Billions, rounded for display in JSON (2 decimals as NeMo prints, keeping full precision elsewhere).
double round_to(double v, int digits) { return python_round(v, digits); }
}  // namespace

std::string recommend_json(const RecommendResult& r) {
    json j;
    j["mode"] = r.size_for_budget ? "size_for_budget" : "days_for_size";
    j["model_size_b"] = round_to(r.nemo.model_size_b, 2);
    j["days"] = r.nemo.days;
    j["gpus"] = r.gpus;
    j["tokens_b"] = r.tokens_b;
    j["tflops_per_gpu"] = r.nemo.tflops_per_gpu;
    j["nemo_line"] = r.nemo_line;
    j["trainplan"] = {
        {"model_size_b", round_to(r.trainplan.model_size_b, 2)},
        {"days", round_to(r.trainplan.days, 2)},
        {"tflops_per_gpu", round_to(r.trainplan.tflops_per_gpu, 1)},
        {"mfu", r.trainplan_mfu},
        {"peak_tflops_per_gpu", r.trainplan_peak_tflops},
        {"flops_per_token", r.trainplan_flops_per_token},
        {"note", r.trainplan_note},
    };
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string recommend_text(const RecommendResult& r) {
    std::string out;
    out += "NeMo (8*N*D at " + format_number(r.nemo.tflops_per_gpu) + " TFLOP/s per GPU):\n  " + r.nemo_line + "\n";
    out += "trainplan (" + r.trainplan_note + "):\n  ";
    if (r.size_for_budget) {
        out += "You can train a " + format_fixed(r.trainplan.model_size_b, 2) + "B parameter model in " +
               format_number(r.trainplan.days) + " days using " + format_number(r.gpus) + " GPUs on " +
               format_number(r.tokens_b) + "B tokens, at " + format_fixed(r.trainplan.tflops_per_gpu, 1) +
               " model TFLOP/s per GPU.\n";
    } else {
        out += "A " + format_fixed(r.trainplan.model_size_b, 2) + "B parameter model takes " +
               format_fixed(r.trainplan.days, 2) + " days on " + format_number(r.gpus) + " GPUs for " +
               format_number(r.tokens_b) + "B tokens, at " + format_fixed(r.trainplan.tflops_per_gpu, 1) +
               " model TFLOP/s per GPU.\n";
    }
    return out;
}

namespace {
json model_summary(const ModelSpec& m, int seq) {
    const ParamCounts c = model_param_counts(m);
    json j;
    j["model"] = m.name;
    j["family"] = m.family;
    j["params"] = c.total;
    j["active_params"] = c.active;
    j["embedding_params"] = c.embedding;
    j["seq"] = seq;
    j["flops_per_token"] = model_training_flops_per_token(m, seq);
    j["architecture"] = {{"layers", m.layers},     {"hidden", m.hidden},   {"ffn", m.ffn},
                         {"heads", m.heads},       {"kv_heads", m.kv_heads}, {"head_dim", m.head_dim},
                         {"vocab", m.vocab},       {"experts", m.moe.experts}, {"topk", m.moe.top_k}};
    j["source"] = m.source;
    return j;
}
double gib(double bytes) { return bytes / kGiB; }

void config_keys(json& j, const TrainConfig& c) {
    j["tp"] = c.tp, j["pp"] = c.pp, j["cp"] = c.cp, j["ep"] = c.ep;
    j["vp"] = c.vp > 1 ? json(c.vp) : json(nullptr);
    j["mbs"] = c.mbs, j["gbs"] = c.gbs;
    j["recompute"] = recompute_name(c.recompute);
    j["recompute_layers"] = c.recompute_layers;
    j["optimizer_sharding"] = sharding_name(c.sharding);
    j["framework"] = framework_name(c.framework);
}

void estimate_keys(json& j, const Estimate& e) {
    const MemoryBreakdown& mem = e.memory;
    j["dp"] = e.layout.dp;
    j["memory_gib"] = {{"weights", gib(mem.weights)},         {"gradients", gib(mem.gradients)},
                       {"optimizer", gib(mem.optimizer)},     {"activations", gib(mem.activations)},
                       {"other", gib(mem.other)},             {"total", gib(mem.total)}};
    j["fits"] = e.fits;
    j["step_time_s"] = e.time.total;
    j["tokens_per_s_per_gpu"] = e.tokens_per_s_per_gpu;
    j["model_tflops_per_gpu"] = e.model_tflops_per_gpu;
    j["mfu"] = e.mfu;
}
}  // namespace

std::string model_summary_json(const ModelSpec& m, int seq) { return model_summary(m, seq).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"; }

std::string model_summary_text(const ModelSpec& m, int seq) {
    const ParamCounts c = model_param_counts(m);
    std::string out;
    out += "model            " + m.name + " (" + m.family + ")\n";
    out += "parameters       " + format_fixed(c.total / 1e9, 3) + " B total, " + format_fixed(c.active / 1e9, 3) +
           " B active per token, " + format_fixed(c.embedding / 1e9, 3) + " B embedding\n";
    out += "training FLOPs   " + format_fixed(model_training_flops_per_token(m, seq) / 1e9, 2) +
           " GFLOP per token at seq " + std::to_string(seq) + " (forward + backward, no recomputation)\n";
    out += "source           " + m.source + "\n";
    return out;
}


std::string estimate_json(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const Estimate& e) {
    json j = model_summary(m, c.seq);
    j["gpu"] = gpu.name;
    j["precision"] = precision_name(c.precision);
    j["gpus"] = e.layout.gpus;
    config_keys(j, c);
    estimate_keys(j, e);
    j["microbatches"] = e.layout.microbatches;
    j["sequence_parallel"] = c.sequence_parallel && c.tp > 1;
    const MemoryBreakdown& mem = e.memory;
    j["memory_detail_gib"] = {{"cuda_context", gib(mem.cuda_context)},
                              {"fp8_weight_copies", gib(mem.fp8_weight_copies)},
                              {"allocator", gib(mem.allocator)},
                              {"activations_per_layer", gib(mem.activations_per_layer)},
                              {"inflight_microbatches", mem.inflight_microbatches},
                              {"logits", gib(mem.logits)},
                              {"recompute_transient", gib(mem.recompute_transient)},
                              {"params_per_gpu", mem.params_per_gpu}};
    j["capacity_gib"] = gib(e.capacity_bytes);
    j["usable_gib"] = gib(e.usable_bytes);
    j["memory_margin"] = c.memory_margin;
    j["step_time_breakdown_s"] = {{"compute", e.time.compute}, {"tp_comm", e.time.tp_comm}, {"cp_comm", e.time.cp_comm},
                                  {"ep_comm", e.time.ep_comm}, {"pp_bubble", e.time.pp_bubble}, {"pp_p2p", e.time.pp_p2p},
                                  {"dp_comm", e.time.dp_comm}, {"optimizer", e.time.optimizer}};
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string estimate_text(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& c, const Estimate& e) {
    auto row = [](const std::string& name, double value_gib, const std::string& note) {
        std::string line = "  " + name;
        line.resize(22, ' ');
        std::string v = format_fixed(value_gib, 2);
        line += std::string(v.size() < 9 ? 9 - v.size() : 0, ' ') + v + " GiB  " + note + "\n";
        return line;
    };
    const MemoryBreakdown& mem = e.memory;
    std::string out;
    out += "model            " + m.name + " (" + format_fixed(model_param_counts(m).total / 1e9, 2) + " B parameters)\n";
    out += "cluster          " + std::to_string(c.nodes) + " x " + std::to_string(c.gpus_per_node) + " " + gpu.name + ", " +
           precision_name(c.precision) + "\n";
    out += "configuration    TP " + std::to_string(c.tp) + ", PP " + std::to_string(c.pp) + (c.vp > 1 ? " (VP " + std::to_string(c.vp) + ")" : "") +
           ", CP " + std::to_string(c.cp) + ", EP " + std::to_string(c.ep) + ", DP " + std::to_string(e.layout.dp) + ", MBS " +
           std::to_string(c.mbs) + ", GBS " + std::to_string(c.gbs) + " (" + std::to_string(e.layout.microbatches) +
           " micro-batches), seq " + std::to_string(c.seq) + ", recompute " + recompute_name(c.recompute) + ", optimizer " +
           sharding_name(c.sharding) + ", " + framework_name(c.framework) + "\n\n";
    out += "memory per GPU (most loaded pipeline stage)\n";
    out += row("weights", gib(mem.weights), format_fixed(mem.params_per_gpu / 1e9, 3) + " B parameters on this GPU");
    out += row("gradients", gib(mem.gradients), "");
    out += row("optimizer", gib(mem.optimizer), std::string("Adam, sharding: ") + sharding_name(c.sharding));
    out += row("activations", gib(mem.activations), format_fixed(gib(mem.activations_per_layer) * 1024, 1) + " MiB per layer per micro-batch, " +
                                                      format_fixed(mem.inflight_microbatches, 2) + " micro-batches in flight, logits " +
                                                      format_fixed(gib(mem.logits), 2) + " GiB, recompute " +
                                                      format_fixed(gib(mem.recompute_transient), 2) + " GiB");
    out += row("other", gib(mem.other), "CUDA context " + format_fixed(gib(mem.cuda_context), 2) + ", FP8 weight copies " +
                                          format_fixed(gib(mem.fp8_weight_copies), 2) + ", allocator " + format_fixed(gib(mem.allocator), 2));
    out += row("total", gib(mem.total), std::string(e.fits ? "fits" : "DOES NOT FIT") + " in " + format_fixed(gib(e.usable_bytes), 2) +
                                          " GiB usable (" + format_fixed(gib(e.capacity_bytes), 2) + " GiB reported, " +
                                          format_fixed(100 * c.memory_margin, 0) + "% margin)");
    out += "\nstep time        " + format_fixed(e.time.total, 3) + " s: compute " + format_fixed(e.time.compute, 3) + ", TP " +
           format_fixed(e.time.tp_comm, 3) + ", CP " + format_fixed(e.time.cp_comm, 3) + ", EP " + format_fixed(e.time.ep_comm, 3) +
           ", bubble " + format_fixed(e.time.pp_bubble, 3) + ", PP p2p " + format_fixed(e.time.pp_p2p, 3) + ", DP " +
           format_fixed(e.time.dp_comm, 3) + ", optimizer " + format_fixed(e.time.optimizer, 3) + "\n";
    out += "throughput       " + format_fixed(e.tokens_per_s_per_gpu, 0) + " tokens/s/GPU, " + format_fixed(e.model_tflops_per_gpu, 1) +
           " model TFLOP/s/GPU, MFU " + format_fixed(100 * e.mfu, 1) + "%\n";
    return out;
}

std::string base_config_json(const BaseConfig& cfg) {
    json j;
    j["name"] = cfg.name;
    j["time_limit"] = cfg.time_limit;
    j["max_time"] = cfg.max_time;
    j["max_steps"] = cfg.max_steps;
    j["num_layers"] = cfg.num_layers;
    j["gbs"] = cfg.gbs;
    j["tp"] = cfg.tp;
    j["pp"] = cfg.pp;
    j["cp"] = cfg.cp ? json(*cfg.cp) : json(nullptr);
    j["ep"] = cfg.ep ? json(*cfg.ep) : json(nullptr);
    j["hs"] = cfg.hidden;
    j["att_heads"] = cfg.heads;
    j["ffn"] = cfg.ffn;
    j["kv"] = cfg.kv_channels ? json(*cfg.kv_channels) : json(nullptr);
    j["num_query_groups"] = cfg.num_query_groups ? json(*cfg.num_query_groups) : json(nullptr);
    j["init_std"] = cfg.init_std;
    j["lr"] = cfg.lr;
    j["min_lr"] = cfg.min_lr;
    j["warmup_steps"] = cfg.warmup_steps ? json(*cfg.warmup_steps) : json(nullptr);
    j["constant_steps"] = cfg.constant_steps ? json(*cfg.constant_steps) : json(nullptr);
    j["warmup_ratio"] = cfg.warmup_ratio ? json(*cfg.warmup_ratio) : json(nullptr);
    j["choices"] = cfg.choices;
    j["params"] = model_param_counts(base_config_model(cfg)).total;
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string grid_json(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& base, const SearchResult& r, size_t top) {
    json j;
    j["model"] = m.name;
    j["gpu"] = gpu.name;
    j["gpus"] = base.gpus();
    j["seq"] = base.seq;
    j["precision"] = precision_name(base.precision);
    j["evaluated"] = r.evaluated;
    j["out_of_memory"] = r.out_of_memory;
    json candidates = json::array(), rejected = json::array();
    for (size_t i = 0; i < r.candidates.size() && (top == 0 || i < top); ++i) {
        const Candidate& c = r.candidates[i];
        json one;
        one["rank"] = c.rank;
        config_keys(one, c.config);
        estimate_keys(one, c.estimate);
        candidates.push_back(std::move(one));
    }
    for (const Rejected& x : r.rejected) {
        json one;
        config_keys(one, x.config);
        one["reason"] = x.reason;
        rejected.push_back(std::move(one));
    }
    j["candidates_total"] = r.candidates.size();
    j["candidates"] = std::move(candidates);
    j["rejected"] = std::move(rejected);
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string grid_text(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& base, const SearchResult& r, size_t top) {
    std::string out = m.name + " on " + std::to_string(base.gpus()) + " x " + gpu.name + ", seq " + std::to_string(base.seq) +
                      ", " + precision_name(base.precision) + ": " + std::to_string(r.evaluated) + " combinations, " +
                      std::to_string(r.candidates.size()) + " fit, " + std::to_string(r.out_of_memory) +
                      " out of memory, " + std::to_string(r.rejected.size() - size_t(r.out_of_memory)) + " break a rule\n\n";
    out += "rank  TP  PP  VP  CP  EP  MBS   GBS  recompute   memory GiB  tokens/s/GPU   MFU\n";
    for (size_t i = 0; i < r.candidates.size() && (top == 0 || i < top); ++i) {
        const Candidate& c = r.candidates[i];
        const TrainConfig& k = c.config;
        char line[160];
        std::snprintf(line, sizeof line, "%4d %3d %3d %3s %3d %3d %4d %5d  %-10s %7.1f/%-5.1f %10.0f  %5.1f%%\n", c.rank, k.tp, k.pp,
                      k.vp > 1 ? std::to_string(k.vp).c_str() : "-", k.cp, k.ep, k.mbs, k.gbs,
                      recompute_choice_name({k.recompute, k.recompute_layers}).c_str(), c.estimate.memory.total / kGiB,
                      c.estimate.usable_bytes / kGiB, c.estimate.tokens_per_s_per_gpu, c.estimate.mfu * 100);
        out += line;
    }
    if (r.candidates.empty()) out += "(no candidate fits; see the rejected list with --json)\n";
    return out;
}

}  // namespace tp
