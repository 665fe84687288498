#include "train_config.hpp"

namespace tp {

namespace {
Error rule(const std::string& text) { return make_error(ErrorKind::invalid_argument, text); }
std::string str(long long v) { return std::to_string(v); }
}  // namespace

Result<ParallelLayout> train_config_check(const ModelSpec& m, const TrainConfig& c) {
    struct Positive { const char* flag; int value; };
    for (const Positive& p : {Positive{"--tp", c.tp}, {"--pp", c.pp}, {"--cp", c.cp}, {"--ep", c.ep}, {"--vp", c.vp},
                              {"--mbs", c.mbs}, {"--gbs", c.gbs}, {"--seq", c.seq}, {"--nodes", c.nodes},
                              {"--gpus-per-node", c.gpus_per_node}}) {
        if (p.value <= 0) return make_error(ErrorKind::out_of_range, std::string(p.flag) + " must be a positive integer (got " + str(p.value) + ")");
    }
    if (!(c.memory_margin >= 0 && c.memory_margin < 1))
        return make_error(ErrorKind::out_of_range, "--memory-margin must be in [0, 1)");
    if (c.recompute_layers < 0) return make_error(ErrorKind::out_of_range, "--recompute-layers must be >= 0");
    if (m.heads % c.tp != 0) return rule("--tp " + str(c.tp) + ": attention heads " + str(m.heads) + " are not divisible by TP");
    if (m.kv_heads % c.tp != 0)
        return rule("--tp " + str(c.tp) + ": key/value heads (query groups) " + str(m.kv_heads) + " are not divisible by TP");
    const int layers = m.layers + m.decoder_layers;
    if (layers % c.pp != 0) return rule("--pp " + str(c.pp) + ": layers " + str(layers) + " are not divisible by PP");
    if (c.vp > 1) {
        if (c.pp == 1) return rule("--vp " + str(c.vp) + ": an interleaved schedule needs PP > 1");
        if ((layers / c.pp) % c.vp != 0)
            return rule("--vp " + str(c.vp) + ": layers per pipeline stage " + str(layers / c.pp) + " are not divisible by VP");
    }
    if (c.cp > 1 && c.seq % (2 * c.cp) != 0)
        return rule("--cp " + str(c.cp) + ": sequence " + str(c.seq) + " is not divisible by 2 x CP (load-balanced context parallelism)");
    const long long replica = 1LL * c.tp * c.pp * c.cp;
    if (c.gpus() % replica != 0)
        return rule("GPUs " + str(c.gpus()) + " are not divisible by TP x PP x CP = " + str(replica));
    ParallelLayout out;
    out.gpus = c.gpus();
    out.dp = int(c.gpus() / replica);
    if (c.ep > 1) {
        if (!m.moe.enabled()) return rule("--ep " + str(c.ep) + ": expert parallelism needs a mixture-of-experts model");
        if (c.ep > m.moe.experts) return rule("--ep " + str(c.ep) + ": EP is larger than the " + str(m.moe.experts) + " experts");
        if (m.moe.experts % c.ep != 0) return rule("--ep " + str(c.ep) + ": experts " + str(m.moe.experts) + " are not divisible by EP");
        if ((1LL * out.dp * c.cp) % c.ep != 0)
            return rule("--ep " + str(c.ep) + ": EP must divide DP x CP = " + str(1LL * out.dp * c.cp) + " (experts are spread over data-parallel ranks)");
    }
    const long long per_step = 1LL * c.mbs * out.dp;
    if (c.gbs % per_step != 0)
        return rule("--gbs " + str(c.gbs) + ": global batch is not divisible by MBS x DP = " + str(c.mbs) + " x " + str(out.dp));
    out.microbatches = int(c.gbs / per_step);
    return out;
}

Result<Recompute> recompute_parse(std::string_view text) {
    if (text == "none") return Recompute::none;
    if (text == "selective") return Recompute::selective;
    if (text == "full") return Recompute::full;
    return make_error(ErrorKind::invalid_argument, "--recompute: '" + std::string(text) + "' is not one of none, selective, full");
}

const char* recompute_name(Recompute r) {
    switch (r) {
        case Recompute::none: return "none";
        case Recompute::selective: return "selective";
        case Recompute::full: return "full";
    }
    return "?";
}

Result<OptimizerSharding> sharding_parse(std::string_view text) {
    struct Name { const char* text; OptimizerSharding value; };
    for (const Name& n : {Name{"none", OptimizerSharding::none}, {"distributed", OptimizerSharding::distributed},
                          {"zero1", OptimizerSharding::zero1}, {"zero2", OptimizerSharding::zero2},
                          {"zero3", OptimizerSharding::zero3}, {"fsdp", OptimizerSharding::fsdp}}) {
        if (text == n.text) return n.value;
    }
    return make_error(ErrorKind::invalid_argument,
                      "--optimizer-sharding: '" + std::string(text) + "' is not one of none, distributed, zero1, zero2, zero3, fsdp");
}

const char* sharding_name(OptimizerSharding s) {
    switch (s) {
        case OptimizerSharding::none: return "none";
        case OptimizerSharding::distributed: return "distributed";
        case OptimizerSharding::zero1: return "zero1";
        case OptimizerSharding::zero2: return "zero2";
        case OptimizerSharding::zero3: return "zero3";
        case OptimizerSharding::fsdp: return "fsdp";
    }
    return "?";
}

Result<Framework> framework_parse(std::string_view text) {
    if (text == "megatron") return Framework::megatron;
    if (text == "torchtitan") return Framework::torchtitan;
    return make_error(ErrorKind::invalid_argument, "--framework: '" + std::string(text) + "' is not one of megatron, torchtitan");
}

const char* framework_name(Framework f) { return f == Framework::torchtitan ? "torchtitan" : "megatron"; }

}  // namespace tp
