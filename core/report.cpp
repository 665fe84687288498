#include "report.hpp"

#include <nlohmann/json.hpp>

#include "nemo_heuristics.hpp"
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
    return j.dump(2) + "\n";
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

std::string model_summary_json(const ModelSpec& m, int seq) {
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
    return j.dump(2) + "\n";
}

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
    return j.dump(2) + "\n";
}

}  // namespace tp
