#include "session.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "hardware.hpp"
#include "nemo_heuristics.hpp"
#include "model_presets.hpp"

namespace tp {

using nlohmann::json;

namespace {

// [SECTION] Enum names as the file spells them
template <typename E>
struct EnumName {
    E value;
    const char* name;
};
constexpr std::array<EnumName<Architecture>, 3> kArchNames{{{Architecture::decoder, "decoder"},
                                                            {Architecture::encoder_decoder, "encoder_decoder"},
                                                            {Architecture::encoder, "encoder"}}};
constexpr std::array<EnumName<PositionKind>, 3> kPositionNames{
    {{PositionKind::rotary, "rotary"}, {PositionKind::learned, "learned"}, {PositionKind::relative, "relative"}}};
constexpr std::array<EnumName<MlpKind>, 2> kMlpNames{{{MlpKind::gelu, "gelu"}, {MlpKind::gated, "gated"}}};
constexpr std::array<EnumName<NormKind>, 2> kNormNames{{{NormKind::layernorm, "layernorm"}, {NormKind::rmsnorm, "rmsnorm"}}};

template <typename E, size_t N>
const char* enum_name(const std::array<EnumName<E>, N>& table, E v) {
    for (const EnumName<E>& e : table)
        if (e.value == v) return e.name;
    return "?";
}

// [SECTION] ModelSpec fields, one table so writing and reading cannot drift apart
struct IntField {
    const char* key;
    int ModelSpec::*member;
    int max;  // accepted range 0..max
};
constexpr std::array<IntField, 12> kModelInts{{{"layers", &ModelSpec::layers, 100000},
                                               {"decoder_layers", &ModelSpec::decoder_layers, 100000},
                                               {"hidden", &ModelSpec::hidden, 1 << 20},
                                               {"ffn", &ModelSpec::ffn, 1 << 22},
                                               {"heads", &ModelSpec::heads, 1 << 16},
                                               {"kv_heads", &ModelSpec::kv_heads, 1 << 16},
                                               {"head_dim", &ModelSpec::head_dim, 1 << 16},
                                               {"vocab", &ModelSpec::vocab, 1 << 24},
                                               {"max_seq", &ModelSpec::max_seq, 1 << 24},
                                               {"relative_buckets", &ModelSpec::relative_buckets, 1 << 16},
                                               {"token_types", &ModelSpec::token_types, 1 << 16},
                                               {"extra_norms_per_layer", &ModelSpec::extra_norms_per_layer, 16}}};
struct BoolField {
    const char* key;
    bool ModelSpec::*member;
};
constexpr std::array<BoolField, 6> kModelBools{{{"tied_embeddings", &ModelSpec::tied_embeddings},
                                                {"attention_bias", &ModelSpec::attention_bias},
                                                {"qkv_bias_only", &ModelSpec::qkv_bias_only},
                                                {"mlp_bias", &ModelSpec::mlp_bias},
                                                {"pooler", &ModelSpec::pooler},
                                                {"dropout", &ModelSpec::dropout}}};
struct MoeField {
    const char* key;
    int MoeSpec::*member;
};
constexpr std::array<MoeField, 6> kMoeInts{{{"experts", &MoeSpec::experts},
                                            {"top_k", &MoeSpec::top_k},
                                            {"expert_ffn", &MoeSpec::expert_ffn},
                                            {"shared_experts", &MoeSpec::shared_experts},
                                            {"shared_expert_ffn", &MoeSpec::shared_expert_ffn},
                                            {"layer_freq", &MoeSpec::layer_freq}}};

json model_json(const ModelSpec& m) {
    json j = {{"name", m.name}, {"family", m.family}, {"arch", enum_name(kArchNames, m.arch)},
              {"position", enum_name(kPositionNames, m.position)}, {"mlp", enum_name(kMlpNames, m.mlp)},
              {"norm", enum_name(kNormNames, m.norm)}, {"source", m.source}};
    for (const IntField& f : kModelInts) j[f.key] = m.*f.member;
    for (const BoolField& f : kModelBools) j[f.key] = m.*f.member;
    json moe = json::object();
    for (const MoeField& f : kMoeInts) moe[f.key] = m.moe.*f.member;
    j["moe"] = moe;
    return j;
}

json int_list_json(const std::vector<int>& v) { return v.empty() ? json("auto") : json(v); }

// [SECTION] Reading: every accessor names the JSON path and the file in its error
class Reader {
public:
    explicit Reader(std::string_view source) : source_(source) {}

    Error error(const std::string& path, const std::string& what) const {
        return make_error(ErrorKind::parse_error, source_ + ": " + path + ": " + what);
    }
    static std::string shown(const json& v) {
        std::string s = v.dump();
        return s.size() > 60 ? s.substr(0, 57) + "..." : s;
    }
    // The keys of `obj` must all be in `known`: a misspelt key is an error, not silently ignored.
    std::optional<Error> only_known(const json& obj, const std::string& path, std::initializer_list<const char*> known) const {
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; })) {
                std::string list;
                for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
                return error(path + "." + it.key(), "unknown key (known: " + list + ")");
            }
        }
        return std::nullopt;
    }
    Result<const json*> object(const json& parent, const char* key, const std::string& path, bool required) const {
        const std::string p = path.empty() ? key : path + "." + key;
        if (!parent.contains(key)) {
            if (required) return error(p, "missing");
            return static_cast<const json*>(nullptr);
        }
        const json& v = parent.at(key);
        if (!v.is_object()) return error(p, "expected an object, got " + shown(v));
        return &v;
    }
    Result<long long> integer(const json& v, const std::string& path, long long lo, long long hi) const {
        const std::string expected = "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got ";
        // 8.0 is accepted as 8 (JSON writers differ); the range is checked on the double before converting.
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (!(d >= double(lo) && d <= double(hi)) || d != std::floor(d)) return error(path, expected + shown(v));
            return (long long)d;
        }
        if (!v.is_number_integer()) return error(path, expected + shown(v));
        if (v.is_number_unsigned() && v.get<unsigned long long>() > (unsigned long long)hi) return error(path, expected + shown(v));
        const long long x = v.get<long long>();
        if (x < lo || x > hi)
            return error(path, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got " + shown(v));
        return x;
    }
    Result<double> number(const json& v, const std::string& path, double lo, double hi) const {
        if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
            return error(path, "expected a number from " + json(lo).dump() + " to " + json(hi).dump() + ", got " + shown(v));
        return v.get<double>();
    }
    Result<bool> boolean(const json& v, const std::string& path) const {
        if (!v.is_boolean()) return error(path, "expected true or false, got " + shown(v));
        return v.get<bool>();
    }
    Result<std::string> string(const json& v, const std::string& path, size_t max_len = 200) const {
        if (!v.is_string()) return error(path, "expected a string, got " + shown(v));
        std::string s = v.get<std::string>();
        if (s.size() > max_len) return error(path, "longer than " + std::to_string(max_len) + " characters");
        return s;
    }
    // "auto" or [positive integers]
    Result<std::vector<int>> int_list(const json& v, const std::string& path) const {
        if (v.is_string() && v.get<std::string>() == "auto") return std::vector<int>{};
        if (!v.is_array() || v.size() > 64) return error(path, "expected \"auto\" or a list of at most 64 positive integers, got " + shown(v));
        std::vector<int> out;
        for (size_t i = 0; i < v.size(); ++i) {
            Result<long long> x = integer(v[i], path + "[" + std::to_string(i) + "]", 1, 1000000);
            if (!x) return x.error();
            out.push_back(int(*x));
        }
        return out;
    }

private:
    std::string source_;
};

template <typename E, size_t N>
Result<E> enum_field(const Reader& r, const json& v, const std::string& path, const std::array<EnumName<E>, N>& table) {
    Result<std::string> s = r.string(v, path);
    if (!s) return s.error();
    std::string names;
    for (const EnumName<E>& e : table) {
        if (*s == e.name) return e.value;
        names += (names.empty() ? "" : ", ") + std::string(e.name);
    }
    return r.error(path, "'" + *s + "' is not one of " + names);
}

// Sets `out` from obj[key] when present; returns the error, if any.
#define TP_READ(expr, out)                  \
    do {                                    \
        auto read_ = (expr);                \
        if (!read_) return read_.error();   \
        out = decltype(out)(*read_);        \
    } while (0)

Result<ModelSpec> read_model(const Reader& r, const json& j, std::string& preset) {
    const std::string path = "inputs.model";
    std::vector<const char*> known = {"preset", "name", "family", "arch", "position", "mlp", "norm", "source", "moe"};
    for (const IntField& f : kModelInts) known.push_back(f.key);
    for (const BoolField& f : kModelBools) known.push_back(f.key);
    for (auto it = j.begin(); it != j.end(); ++it)
        if (std::find_if(known.begin(), known.end(), [&](const char* k) { return it.key() == k; }) == known.end())
            return r.error(path + "." + it.key(), "unknown key");
    if (j.contains("preset")) TP_READ(r.string(j["preset"], path + ".preset"), preset);
    // A preset alone is enough; explicit fields override it (a preset with a different vocabulary, say).
    ModelSpec m;
    if (!preset.empty()) {
        Result<ModelSpec> p = model_preset_find(preset);
        if (!p) return r.error(path + ".preset", p.error().message);
        m = *p;
    } else if (!j.contains("layers")) {
        return r.error(path, "needs \"preset\" or the architecture fields (layers, hidden, ffn, heads, ...)");
    }
    if (j.contains("name")) TP_READ(r.string(j["name"], path + ".name"), m.name);
    if (j.contains("family")) TP_READ(r.string(j["family"], path + ".family"), m.family);
    if (j.contains("source")) TP_READ(r.string(j["source"], path + ".source", 1000), m.source);
    if (j.contains("arch")) TP_READ(enum_field(r, j["arch"], path + ".arch", kArchNames), m.arch);
    if (j.contains("position")) TP_READ(enum_field(r, j["position"], path + ".position", kPositionNames), m.position);
    if (j.contains("mlp")) TP_READ(enum_field(r, j["mlp"], path + ".mlp", kMlpNames), m.mlp);
    if (j.contains("norm")) TP_READ(enum_field(r, j["norm"], path + ".norm", kNormNames), m.norm);
    for (const IntField& f : kModelInts)
        if (j.contains(f.key)) TP_READ(r.integer(j[f.key], path + "." + f.key, 0, f.max), m.*f.member);
    for (const BoolField& f : kModelBools)
        if (j.contains(f.key)) TP_READ(r.boolean(j[f.key], path + "." + f.key), m.*f.member);
    if (j.contains("moe")) {
        Result<const json*> moe = r.object(j, "moe", path, false);
        if (!moe) return moe.error();
        for (auto it = (*moe)->begin(); it != (*moe)->end(); ++it)
            if (std::none_of(kMoeInts.begin(), kMoeInts.end(), [&](const MoeField& f) { return it.key() == f.key; }))
                return r.error(path + ".moe." + it.key(), "unknown key");
        for (const MoeField& f : kMoeInts)
            if ((*moe)->contains(f.key)) TP_READ(r.integer((**moe)[f.key], path + ".moe." + f.key, 0, 1 << 22), m.moe.*f.member);
    }
    if (std::string e = model_validate(m); !e.empty()) return r.error(path, e);
    return m;
}

Result<bool> read_cluster(const Reader& r, const json& j, SessionInputs& in) {
    const std::string path = "inputs.cluster";
    if (auto e = r.only_known(j, path, {"gpu", "nodes", "gpus_per_node"})) return *e;
    if (j.contains("gpu")) {
        TP_READ(r.string(j["gpu"], path + ".gpu"), in.gpu);
        Result<GpuSpec> g = gpu_find(in.gpu);
        if (!g) return r.error(path + ".gpu", g.error().message);
    }
    if (j.contains("nodes")) TP_READ(r.integer(j["nodes"], path + ".nodes", 1, 100000), in.training.nodes);
    if (j.contains("gpus_per_node")) TP_READ(r.integer(j["gpus_per_node"], path + ".gpus_per_node", 1, 64), in.training.gpus_per_node);
    return true;
}

Result<bool> read_training(const Reader& r, const json& j, SessionInputs& in) {
    const std::string path = "inputs.training";
    if (auto e = r.only_known(j, path, {"seq", "gbs", "precision", "framework", "compiled_loss", "async_tp", "grad_reduce_in_fp32",
                                        "memory_margin"}))
        return *e;
    TrainConfig& t = in.training;
    if (j.contains("seq")) TP_READ(r.integer(j["seq"], path + ".seq", 1, 1 << 24), t.seq);
    if (j.contains("gbs") && !j["gbs"].is_null()) TP_READ(r.integer(j["gbs"], path + ".gbs", 1, 1 << 24), t.gbs);
    if (j.contains("precision")) {
        std::string s;
        TP_READ(r.string(j["precision"], path + ".precision"), s);
        Result<Precision> p = precision_parse(s);
        if (!p) return r.error(path + ".precision", p.error().message);
        t.precision = *p;
    }
    if (j.contains("framework")) {
        std::string s;
        TP_READ(r.string(j["framework"], path + ".framework"), s);
        Result<Framework> f = framework_parse(s);
        if (!f) return r.error(path + ".framework", f.error().message);
        t.framework = *f;
    }
    if (j.contains("compiled_loss")) TP_READ(r.boolean(j["compiled_loss"], path + ".compiled_loss"), t.compiled_loss);
    if (j.contains("async_tp")) TP_READ(r.boolean(j["async_tp"], path + ".async_tp"), t.async_tp);
    if (j.contains("grad_reduce_in_fp32")) TP_READ(r.boolean(j["grad_reduce_in_fp32"], path + ".grad_reduce_in_fp32"), t.grad_reduce_in_fp32);
    if (j.contains("memory_margin")) TP_READ(r.number(j["memory_margin"], path + ".memory_margin", 0.0, 0.9), t.memory_margin);
    return true;
}

Result<bool> read_search_space(const Reader& r, const json& j, SearchSpace& s) {
    const std::string path = "inputs.search_space";
    if (auto e = r.only_known(j, path, {"tp", "pp", "vp", "cp", "ep", "mbs", "gbs", "recompute", "optimizer_sharding", "tp_across_nodes"}))
        return *e;
    struct Named { const char* key; std::vector<int>* out; };
    for (const Named& n : {Named{"tp", &s.tp}, {"pp", &s.pp}, {"vp", &s.vp}, {"cp", &s.cp}, {"ep", &s.ep}, {"mbs", &s.mbs}, {"gbs", &s.gbs}})
        if (j.contains(n.key)) TP_READ(r.int_list(j[n.key], path + "." + n.key), *n.out);
    auto string_list = [&](const char* key) -> Result<std::vector<std::string>> {
        const json& v = j[key];
        if (v.is_string() && v.get<std::string>() == "auto") return std::vector<std::string>{};
        if (!v.is_array() || v.size() > 64) return r.error(path + "." + key, "expected \"auto\" or a list of names, got " + Reader::shown(v));
        std::vector<std::string> out;
        for (size_t i = 0; i < v.size(); ++i) {
            Result<std::string> x = r.string(v[i], path + "." + key + "[" + std::to_string(i) + "]", 40);
            if (!x) return x.error();
            out.push_back(*x);
        }
        return out;
    };
    if (j.contains("recompute")) {
        Result<std::vector<std::string>> names = string_list("recompute");
        if (!names) return names.error();
        for (size_t i = 0; i < names->size(); ++i) {
            Result<RecomputeChoice> c = recompute_choice_parse((*names)[i]);
            if (!c) return r.error(path + ".recompute[" + std::to_string(i) + "]", c.error().message);
            s.recompute.push_back(*c);
        }
    }
    if (j.contains("optimizer_sharding")) {
        Result<std::vector<std::string>> names = string_list("optimizer_sharding");
        if (!names) return names.error();
        for (size_t i = 0; i < names->size(); ++i) {
            Result<OptimizerSharding> o = sharding_parse((*names)[i]);
            if (!o) return r.error(path + ".optimizer_sharding[" + std::to_string(i) + "]", o.error().message);
            s.sharding.push_back(*o);
        }
    }
    if (j.contains("tp_across_nodes")) TP_READ(r.boolean(j["tp_across_nodes"], path + ".tp_across_nodes"), s.tp_across_nodes);
    return true;
}

Result<bool> read_mode(const Reader& r, const json& j, SessionInputs& in) {
    const std::string path = "inputs.mode";
    if (auto e = r.only_known(j, path, {"heuristics", "top"})) return *e;
    if (j.contains("heuristics")) {
        TP_READ(r.string(j["heuristics"], path + ".heuristics"), in.heuristics);
        if (in.heuristics != "trainplan" && in.heuristics != "nemo")
            return r.error(path + ".heuristics", "'" + in.heuristics + "' is not one of trainplan, nemo");
    }
    if (j.contains("top")) TP_READ(r.integer(j["top"], path + ".top", 0, 100000), in.top);
    return true;
}

Result<bool> read_budget(const Reader& r, const json& j, SessionInputs& in) {
    const std::string path = "inputs.budget";
    BudgetInputs& b = in.budget;
    if (auto e = r.only_known(j, path, {"days", "tokens_b", "nemo_tflops_per_gpu", "mfu", "family", "question"})) return *e;
    if (j.contains("days")) TP_READ(r.number(j["days"], path + ".days", 0.001, 1e6), b.days);
    if (j.contains("tokens_b")) TP_READ(r.number(j["tokens_b"], path + ".tokens_b", 0.001, 1e9), b.tokens_b);
    if (j.contains("nemo_tflops_per_gpu"))
        TP_READ(r.number(j["nemo_tflops_per_gpu"], path + ".nemo_tflops_per_gpu", 0.001, 1e6), b.nemo_tflops_per_gpu);
    if (j.contains("mfu")) TP_READ(r.number(j["mfu"], path + ".mfu", 0.0, 1.0), b.mfu);
    if (j.contains("family")) {
        TP_READ(r.string(j["family"], path + ".family", 40), b.family);
        if (!nemo_family_known(b.family)) return r.error(path + ".family", "'" + b.family + "' is not a NeMo model family (gpt3, llama, ...)");
    }
    if (j.contains("question")) {
        std::string q;
        TP_READ(r.string(j["question"], path + ".question"), q);
        if (q != "size_for_days" && q != "days_for_model")
            return r.error(path + ".question", "'" + q + "' is not one of size_for_days, days_for_model");
        b.days_for_model = q == "days_for_model";
    }
    return true;
}

Result<bool> read_finetune(const Reader& r, const json& j, SessionInputs& in) {
    const std::string path = "inputs.finetune";
    if (auto e = r.only_known(j, path, {"method", "gpu", "tokens_per_sample", "batch_size", "gpus_per_worker", "max_gpus",
                                        "allow_grad_accum"}))
        return *e;
    FinetuneInputs& f = in.finetune;
    if (j.contains("method")) {
        TP_READ(r.string(j["method"], path + ".method", 40), f.method);
        Result<FinetuneMethod> m = finetune_method_parse(f.method);
        if (!m) return r.error(path + ".method", m.error().message);
    }
    if (j.contains("gpu")) {
        TP_READ(r.string(j["gpu"], path + ".gpu", 80), f.gpu);
        Result<GpuSpec> g = gpu_find(f.gpu);
        if (!g) return r.error(path + ".gpu", g.error().message);
    }
    if (j.contains("tokens_per_sample")) TP_READ(r.integer(j["tokens_per_sample"], path + ".tokens_per_sample", 1, 1 << 24), f.tokens_per_sample);
    if (j.contains("batch_size")) TP_READ(r.integer(j["batch_size"], path + ".batch_size", 1, 1 << 24), f.batch_size);
    if (j.contains("gpus_per_worker")) TP_READ(r.integer(j["gpus_per_worker"], path + ".gpus_per_worker", 1, 1024), f.gpus_per_worker);
    if (j.contains("max_gpus")) TP_READ(r.integer(j["max_gpus"], path + ".max_gpus", 1, 1 << 20), f.max_gpus);
    if (j.contains("allow_grad_accum")) TP_READ(r.boolean(j["allow_grad_accum"], path + ".allow_grad_accum"), f.allow_grad_accum);
    return true;
}

Result<bool> read_inference(const Reader& r, const json& j, SessionInputs& in) {
    const std::string path = "inputs.inference";
    if (auto e = r.only_known(j, path, {"gpu", "gpus_per_node", "input_len", "output_len", "tp", "pp", "batch_sizes", "weights",
                                        "kv_cache", "nemo_filter", "max_latency_ms"}))
        return *e;
    InferenceInputs& f = in.inference;
    if (j.contains("gpu")) {
        TP_READ(r.string(j["gpu"], path + ".gpu", 80), f.gpu);
        Result<GpuSpec> g = gpu_find(f.gpu);
        if (!g) return r.error(path + ".gpu", g.error().message);
    }
    if (j.contains("gpus_per_node")) TP_READ(r.integer(j["gpus_per_node"], path + ".gpus_per_node", 1, 1024), f.gpus_per_node);
    if (j.contains("input_len")) TP_READ(r.integer(j["input_len"], path + ".input_len", 1, 1 << 22), f.input_len);
    if (j.contains("output_len")) TP_READ(r.integer(j["output_len"], path + ".output_len", 1, 1 << 22), f.output_len);
    // Lists here are explicit: "auto" (an empty list) means nothing to sweep.
    for (auto [key, out] : {std::pair{"tp", &f.tp}, {"pp", &f.pp}, {"batch_sizes", &f.batch_sizes}}) {
        if (!j.contains(key)) continue;
        TP_READ(r.int_list(j[key], path + "." + key), *out);
        if (out->empty()) return r.error(path + "." + key, "expected a list of positive integers");
    }
    if (j.contains("weights")) {
        TP_READ(r.string(j["weights"], path + ".weights", 16), f.weights);
        if (Result<WeightFormat> w = weight_format_parse(f.weights); !w) return r.error(path + ".weights", w.error().message);
    }
    if (j.contains("kv_cache")) {
        TP_READ(r.string(j["kv_cache"], path + ".kv_cache", 16), f.kv_cache);
        if (Result<KvFormat> k = kv_format_parse(f.kv_cache); !k) return r.error(path + ".kv_cache", k.error().message);
    }
    if (j.contains("nemo_filter")) TP_READ(r.boolean(j["nemo_filter"], path + ".nemo_filter"), f.nemo_filter);
    if (j.contains("max_latency_ms")) TP_READ(r.number(j["max_latency_ms"], path + ".max_latency_ms", 0.0, 1e9), f.max_latency_ms);
    return true;
}

// 1-based line and column of a byte offset, for syntax errors.
std::string line_column(std::string_view text, size_t byte) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') ++line, column = 1;
        else ++column;
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Result<Session> session_parse(std::string_view text, std::string_view source) {
    const Reader r(source);
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        // e.byte is 1-based: the position just after the offending character.
        return make_error(ErrorKind::parse_error, std::string(source) + ": " + line_column(text, e.byte > 0 ? e.byte - 1 : 0) +
                                                      ": not valid JSON (" + e.what() + ")");
    } catch (const json::exception& e) {
        // A number too large for a double (1E444) throws out_of_range rather than parse_error.
        return make_error(ErrorKind::parse_error, std::string(source) + ": not valid JSON (" + e.what() + ")");
    }
    if (!doc.is_object()) return r.error("(top level)", "expected a JSON object, got " + Reader::shown(doc));
    if (auto e = r.only_known(doc, "(top level)", {"format", "schema_version", "inputs", "plan", "runs"})) return *e;
    if (!doc.contains("format") || doc["format"] != kSessionFormat)
        return r.error("format", std::string("expected \"") + kSessionFormat + "\" (is this a trainplan session file?)");
    if (!doc.contains("schema_version")) return r.error("schema_version", "missing");
    Result<long long> version = r.integer(doc["schema_version"], "schema_version", 1, 1000000);
    if (!version) return version.error();
    // Version 1 is the first schema: nothing older exists to migrate yet. Newer files may carry fields
    // this build would silently drop, so they are refused rather than half-read.
    if (*version > kSessionSchemaVersion)
        return r.error("schema_version", "the file is schema " + std::to_string(*version) + ", this trainplan reads up to " +
                                             std::to_string(kSessionSchemaVersion) + " (update trainplan)");
    Session s;
    Result<const json*> inputs = r.object(doc, "inputs", "", true);
    if (!inputs) return inputs.error();
    const json& in = **inputs;
    if (auto e = r.only_known(in, "inputs", {"model", "cluster", "training", "search_space", "mode", "budget", "finetune", "inference"}))
        return *e;
    Result<const json*> model = r.object(in, "model", "inputs", true);
    if (!model) return model.error();
    TP_READ(read_model(r, **model, s.inputs.model_preset), s.inputs.model);
    using Section = Result<bool> (*)(const Reader&, const json&, SessionInputs&);
    struct Named { const char* key; Section read; };
    for (const Named& n : {Named{"cluster", read_cluster}, {"training", read_training}, {"mode", read_mode}, {"budget", read_budget},
                           {"finetune", read_finetune}, {"inference", read_inference}}) {
        Result<const json*> o = r.object(in, n.key, "inputs", false);
        if (!o) return o.error();
        if (*o) {
            Result<bool> ok = n.read(r, **o, s.inputs);
            if (!ok) return ok.error();
        }
    }
    Result<const json*> space = r.object(in, "search_space", "inputs", false);
    if (!space) return space.error();
    if (*space) {
        Result<bool> ok = read_search_space(r, **space, s.inputs.search_space);
        if (!ok) return ok.error();
    }
    if (doc.contains("plan")) {
        if (!doc["plan"].is_object()) return r.error("plan", "expected an object, got " + Reader::shown(doc["plan"]));
        s.plan = doc["plan"];
    }
    if (doc.contains("runs")) {
        if (!doc["runs"].is_array()) return r.error("runs", "expected a list, got " + Reader::shown(doc["runs"]));
        s.runs = doc["runs"];
    }
    return s;
}

nlohmann::json session_inputs_json(const SessionInputs& in) {
    json model = model_json(in.model);
    if (!in.model_preset.empty()) model["preset"] = in.model_preset;
    const TrainConfig& t = in.training;
    json recompute = json::array(), sharding = json::array();
    for (const RecomputeChoice& r : in.search_space.recompute) recompute.push_back(recompute_choice_name(r));
    for (OptimizerSharding o : in.search_space.sharding) sharding.push_back(sharding_name(o));
    const SearchSpace& s = in.search_space;
    json out = {{"model", model},
            {"cluster", {{"gpu", in.gpu}, {"nodes", t.nodes}, {"gpus_per_node", t.gpus_per_node}}},
            {"training",
             {{"seq", t.seq}, {"gbs", t.gbs > 0 ? json(t.gbs) : json(nullptr)}, {"precision", precision_name(t.precision)},
              {"framework", framework_name(t.framework)}, {"compiled_loss", t.compiled_loss}, {"async_tp", t.async_tp},
              {"grad_reduce_in_fp32", t.grad_reduce_in_fp32}, {"memory_margin", t.memory_margin}}},
            {"search_space",
             {{"tp", int_list_json(s.tp)}, {"pp", int_list_json(s.pp)}, {"vp", int_list_json(s.vp)}, {"cp", int_list_json(s.cp)},
              {"ep", int_list_json(s.ep)}, {"mbs", int_list_json(s.mbs)}, {"gbs", int_list_json(s.gbs)},
              {"recompute", recompute.empty() ? json("auto") : recompute},
              {"optimizer_sharding", sharding.empty() ? json("auto") : sharding}, {"tp_across_nodes", s.tp_across_nodes}}},
            {"mode", {{"heuristics", in.heuristics}, {"top", in.top}}},
            {"budget",
             {{"days", in.budget.days}, {"tokens_b", in.budget.tokens_b}, {"nemo_tflops_per_gpu", in.budget.nemo_tflops_per_gpu},
              {"mfu", in.budget.mfu}, {"family", in.budget.family},
              {"question", in.budget.days_for_model ? "days_for_model" : "size_for_days"}}}};
    // Fine-tuning inputs only when set, so sessions that never used the panel read and write as before.
    if (!(in.finetune == FinetuneInputs{})) {
        const FinetuneInputs& f = in.finetune;
        out["finetune"] = {{"method", f.method},
                           {"gpu", f.gpu},
                           {"tokens_per_sample", f.tokens_per_sample},
                           {"batch_size", f.batch_size},
                           {"gpus_per_worker", f.gpus_per_worker},
                           {"max_gpus", f.max_gpus},
                           {"allow_grad_accum", f.allow_grad_accum}};
    }
    // Inference inputs likewise (issue 8's panel and `trainplan inference --session`).
    if (!(in.inference == InferenceInputs{})) {
        const InferenceInputs& f = in.inference;
        out["inference"] = {{"gpu", f.gpu},           {"gpus_per_node", f.gpus_per_node}, {"input_len", f.input_len},
                            {"output_len", f.output_len}, {"tp", f.tp},                     {"pp", f.pp},
                            {"batch_sizes", f.batch_sizes}, {"weights", f.weights},         {"kv_cache", f.kv_cache},
                            {"nemo_filter", f.nemo_filter}, {"max_latency_ms", f.max_latency_ms}};
    }
    return out;
}

std::string session_to_json(const Session& s) {
    const json doc = {{"format", kSessionFormat},
                      {"schema_version", kSessionSchemaVersion},
                      {"inputs", session_inputs_json(s.inputs)},
                      {"plan", s.plan},
                      {"runs", s.runs}};
    // Strings from files (model names, log evidence) may hold invalid UTF-8: replaced, never a throw.
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tp
