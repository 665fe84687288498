// Candidate enumeration, rejection and ranking (search.hpp). Units: bytes, seconds, tokens.
#include "search.hpp"

#include <algorithm>
#include <cmath>

#include "text.hpp"

namespace tp {

Result<RecomputeChoice> recompute_choice_parse(std::string_view text) {
    RecomputeChoice out;
    const size_t colon = text.find(':');
    Result<Recompute> mode = recompute_parse(text.substr(0, colon));
    if (!mode) return mode.error();
    out.mode = *mode;
    if (colon == std::string_view::npos) return out;
    const std::string layers(text.substr(colon + 1));
    char* end = nullptr;
    const long n = std::strtol(layers.c_str(), &end, 10);
    if (out.mode != Recompute::full || layers.empty() || *end != '\0' || n <= 0 || n > 100000)
        return make_error(ErrorKind::invalid_argument,
                          "--recompute: '" + std::string(text) + "' — only full takes a layer count, as full:N with N >= 1");
    out.layers = int(n);
    return out;
}

std::string recompute_choice_name(const RecomputeChoice& r) {
    std::string name = recompute_name(r.mode);
    if (r.mode == Recompute::full && r.layers > 0) name += ":" + std::to_string(r.layers);
    return name;
}

namespace {

std::vector<int> divisors(int n) {
    std::vector<int> out;
    for (int d = 1; d <= n; ++d)
        if (n % d == 0) out.push_back(d);
    return out;
}

// Interleaving choices for one PP: 1 and the divisors >= 2 of the layers per stage.
std::vector<int> auto_vp(int layers, int pp) {
    if (pp == 1 || layers % pp != 0) return {1};
    return divisors(layers / pp);
}

}  // namespace

int search_default_gbs(int seq) {
    const double target = 4.0 * 1024 * 1024 / std::max(1, seq);
    int gbs = 1;
    while (gbs * 2 <= 1 << 20 && std::fabs(std::log2(gbs * 2.0 / target)) <= std::fabs(std::log2(gbs / target))) gbs *= 2;
    return gbs;
}

SearchSpace search_auto_space(const ModelSpec& m, const TrainConfig& base, const SearchSpace& given) {
    SearchSpace s = given;
    const int gpus = base.gpus(), layers = m.layers + m.decoder_layers;
    if (s.tp.empty()) {
        const int limit = std::min(gpus, s.tp_across_nodes ? gpus : base.gpus_per_node);
        for (int t = 1; t <= limit; t *= 2) s.tp.push_back(t);
    }
    if (s.pp.empty()) {
        for (int p : divisors(layers))
            if (p <= gpus) s.pp.push_back(p);
    }
    // vp stays empty when auto: search_grid takes auto_vp(layers, pp) per PP.
    if (s.cp.empty()) {
        s.cp.push_back(1);
        for (int c = 2; c <= 32 && base.seq / c >= 2048; c *= 2) s.cp.push_back(c);
    }
    if (s.ep.empty()) {
        if (m.moe.enabled()) s.ep = divisors(m.moe.experts);
        else s.ep = {1};
    }
    if (s.mbs.empty()) s.mbs = {1, 2, 4, 8};
    if (s.gbs.empty()) s.gbs = {base.gbs};
    if (s.recompute.empty()) {
        // With flash attention Megatron's selective recomputation (the attention core) stores what
        // `none` stores: searching both would list every layout twice.
        const bool selective_differs = base.framework == Framework::torchtitan || !base.flash_attention;
        s.recompute = {{Recompute::none, 0}, {Recompute::full, 0}};
        if (selective_differs) s.recompute.insert(s.recompute.begin() + 1, {Recompute::selective, 0});
    }
    if (s.sharding.empty()) s.sharding = {base.sharding};
    return s;
}

std::string search_out_of_memory_reason(const Estimate& e, const TrainConfig& c) {
    return "out of memory: needs " + format_fixed(e.memory.total / kGiB, 1) + " GiB, " + format_fixed(e.usable_bytes / kGiB, 1) +
           " GiB usable (" + format_fixed(e.capacity_bytes / kGiB, 1) + " GiB less " + format_fixed(c.memory_margin * 100, 0) +
           "% margin)";
}

SearchResult search_grid(const ModelSpec& m, const GpuSpec& gpu, const TrainConfig& base, const SearchSpace& given,
                         const Calibration& k) {
    const SearchSpace s = search_auto_space(m, base, given);
    const int layers = m.layers + m.decoder_layers;
    SearchResult out;
    auto reject = [&](const TrainConfig& c, std::string reason) { out.rejected.push_back({c, std::move(reason)}); };

    TrainConfig c = base;
    for (int tp : s.tp) {
        for (int pp : s.pp) {
            const std::vector<int> vps = given.vp.empty() ? auto_vp(layers, pp) : s.vp;
            for (int vp : vps) {
                for (int cp : s.cp) {
                    for (int ep : s.ep) {
                        for (int mbs : s.mbs) {
                            for (int gbs : s.gbs) {
                                for (const RecomputeChoice& r : s.recompute) {
                                    for (OptimizerSharding sharding : s.sharding) {
                                        c.tp = tp, c.pp = pp, c.vp = vp, c.cp = cp, c.ep = ep, c.mbs = mbs, c.gbs = gbs;
                                        c.recompute = r.mode, c.recompute_layers = r.layers, c.sharding = sharding;
                                        ++out.evaluated;
                                        // Megatron puts TP groups on consecutive ranks: a group larger than a
                                        // node runs its per-layer collectives over the network.
                                        if (!s.tp_across_nodes && tp > c.gpus_per_node) {
                                            reject(c, "--tp " + std::to_string(tp) + ": TP spans nodes (" +
                                                          std::to_string(c.gpus_per_node) +
                                                          " GPUs per node); allow it with --tp-across-nodes");
                                            continue;
                                        }
                                        if (r.mode == Recompute::full && r.layers > 0 && layers % pp == 0 &&
                                            r.layers > layers / pp) {
                                            reject(c, "--recompute full:" + std::to_string(r.layers) + ": more layers than the " +
                                                          std::to_string(layers / pp) + " per pipeline stage");
                                            continue;
                                        }
                                        Result<Estimate> e = estimate(m, gpu, c, k);
                                        if (!e) {
                                            reject(c, e.error().message);
                                            continue;
                                        }
                                        if (!e->fits) {
                                            ++out.out_of_memory;
                                            reject(c, search_out_of_memory_reason(*e, c));
                                            continue;
                                        }
                                        out.candidates.push_back({c, *e, 0});
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // Rank: predicted throughput in 0.1% buckets (closer than that is a tie the model cannot call). A tie goes to
    // the layout with less of what the model prices least well: first the smaller model-parallel size TP x PP x CP
    // (Narayanan et al. 2021, Sec. 3.3, Takeaway #2: use the model-parallel size that fits the model and scale with
    // data parallelism, whose communication is once per step), then the larger micro-batch (Sec. 3.4, Takeaway #3:
    // a larger micro-batch raises arithmetic intensity; the bubble that weighs against it is already in the
    // prediction), then the larger memory headroom, then the order enumerated (stable).
    struct Key { double bucket; long long model_parallel; int mbs; double headroom; size_t index; };
    std::vector<Key> keys;
    keys.reserve(out.candidates.size());
    for (size_t i = 0; i < out.candidates.size(); ++i) {
        const Estimate& e = out.candidates[i].estimate;
        const TrainConfig& cfg = out.candidates[i].config;
        keys.push_back({std::floor(std::log(e.tokens_per_s_per_gpu) / std::log(1.001)), 1LL * cfg.tp * cfg.pp * cfg.cp, cfg.mbs,
                        e.usable_bytes - e.memory.total, i});
    }
    std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
        if (a.bucket != b.bucket) return a.bucket > b.bucket;
        if (a.model_parallel != b.model_parallel) return a.model_parallel < b.model_parallel;
        if (a.mbs != b.mbs) return a.mbs > b.mbs;
        return a.headroom > b.headroom;
    });
    std::vector<Candidate> ranked;
    ranked.reserve(keys.size());
    for (const Key& key : keys) ranked.push_back(out.candidates[key.index]);
    out.candidates = std::move(ranked);
    for (size_t i = 0; i < out.candidates.size(); ++i) out.candidates[i].rank = int(i) + 1;
    return out;
}

}  // namespace tp
