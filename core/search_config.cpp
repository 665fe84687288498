#include "search_config.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <yaml-cpp/yaml.h>

namespace tp {

namespace {

// [SECTION] The schema: every leaf key a search config may hold (the typed reads below give each its type)
struct Key {
    const char* path;
    bool required;
};
// Required keys are the ones every upstream preset has (the launcher reads them unconditionally).
constexpr Key kKeys[] = {
    {"train_settings.model_size_in_b", true},
    {"train_settings.num_nodes", true},
    {"train_settings.gpus_per_node", true},
    {"train_settings.gpu_memory_gb", true},
    {"train_settings.max_training_days", true},
    {"train_settings.limit_search_runs", true},
    {"train_settings.output_top_n", true},
    {"train_settings.max_steps_per_run", true},
    {"train_settings.max_minutes_per_run", true},
    {"train_settings.tflops_per_gpu", true},
    {"train_settings.num_tokens_in_b", true},
    {"train_settings.vocab_size", true},
    {"train_settings.seq_length", true},
    {"train_settings.custom_config", false},
    {"train_settings.logs", false},
    {"train_settings.tensor_parallel_sizes", false},
    {"train_settings.pipeline_parallel_sizes", false},
    {"train_settings.context_parallel_sizes", false},
    {"train_settings.expert_parallel_sizes", false},
    {"train_settings.min_model_parallel_size", false},
    {"train_settings.max_model_parallel_size", false},
    {"train_settings.micro_batch_sizes", false},
    {"train_settings.act_ckpt_layers", false},
    {"train_settings.override_search_num_nodes", false},
    {"inference_settings.run.model_type", false},
    {"inference_settings.run.model_train_name", false},
    {"inference_settings.run.gpus_per_node", false},
    {"inference_settings.run.data_type", false},
    {"inference_settings.run.time_limit", false},
    {"inference_settings.run.results_dir", false},
    {"inference_settings.run.tensor_parallel_sizes", false},
    {"inference_settings.run.pipeline_parallel_sizes", false},
    {"inference_settings.benchmark.input_len", false},
    {"inference_settings.benchmark.output_len", false},
    {"inference_settings.benchmark.batch_sizes", false},
    {"inference_settings.benchmark.beam_width", false},
    {"inference_settings.benchmark.topk", false},
    {"inference_settings.benchmark.topp", false},
};

const Key* find_key(std::string_view path) {
    for (const Key& k : kKeys)
        if (path == k.path) return &k;
    return nullptr;
}
// A section ("train_settings", "inference_settings.run") is a strict prefix of some key.
bool is_section(std::string_view path) {
    for (const Key& k : kKeys) {
        std::string_view p = k.path;
        if (p.size() > path.size() && p.substr(0, path.size()) == path && p[path.size()] == '.') return true;
    }
    return false;
}

// A leaf value and where it came from ("5b.yaml:4", "override 1 'k=v'").
struct Located {
    YAML::Node node;
    std::string where;
};
using Values = std::map<std::string, Located>;

Error located_error(const std::string& where, const std::string& key, const std::string& what) {
    return make_error(ErrorKind::parse_error, where + ": " + key + ": " + what);
}

std::string node_text(const YAML::Node& n) {
    if (n.IsScalar()) return n.Scalar();
    if (n.IsNull()) return "null";
    YAML::Emitter out;
    out << YAML::Flow << n;
    return out.c_str();
}

// Walks a mapping, recording each leaf the schema knows; anything else is an error at its line.
std::optional<Error> collect(const YAML::Node& map, const std::string& prefix, std::string_view source, Values& out) {
    for (const auto& kv : map) {
        const std::string where = std::string(source) + ":" + std::to_string(kv.first.Mark().line + 1);
        if (!kv.first.IsScalar()) return located_error(where, prefix.empty() ? "(top level)" : prefix, "a key must be a plain name");
        const std::string path = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
        if (find_key(path)) {
            out[path] = Located{kv.second, where};
        } else if (is_section(path)) {
            if (kv.second.IsNull()) continue;  // an empty section
            if (!kv.second.IsMap()) return located_error(where, path, "expected a section (a mapping of keys)");
            if (auto e = collect(kv.second, path, source, out)) return e;
        } else {
            return located_error(where, path, "unknown key (trainplan generate --help lists the search-config keys)");
        }
    }
    return std::nullopt;
}

// Applies "key=value", "+key=value" or "search_config.key=value".
std::optional<Error> apply_override(const std::string& item, int index, Values& out) {
    const std::string where = "override " + std::to_string(index) + " '" + item + "'";
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return located_error(where, item, "expected key.path=value");
    std::string key = item.substr(0, eq);
    if (!key.empty() && key[0] == '+') key.erase(0, 1);
    if (key.rfind("search_config.", 0) == 0) key.erase(0, std::string("search_config.").size());
    if (!find_key(key)) return located_error(where, key, "unknown key (trainplan generate --help lists the search-config keys)");
    YAML::Node value;
    try {
        value = YAML::Load(item.substr(eq + 1));
    } catch (const YAML::Exception& e) {
        return located_error(where, key, std::string("not a YAML value: ") + e.msg);
    }
    out[key] = Located{value, where};
    return std::nullopt;
}

// [SECTION] Typed reads. Each names the key and its origin on failure.
class Reader {
public:
    explicit Reader(const Values& v) : values_(v) {}
    const Located* find(const char* key) const {
        auto it = values_.find(key);
        return it == values_.end() ? nullptr : &it->second;
    }
    static bool is_auto(const YAML::Node& n) { return n.IsScalar() && n.Scalar() == "auto"; }
    static bool is_null(const YAML::Node& n) { return n.IsNull() || (n.IsScalar() && (n.Scalar() == "null" || n.Scalar() == "None")); }

    Result<long long> integer(const Located& v, const char* key, long long lo = 1, long long hi = 100000000) const {
        const std::string bad = "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got '" +
                                node_text(v.node) + "'";
        if (!v.node.IsScalar()) return located_error(v.where, key, bad);
        const std::string& s = v.node.Scalar();
        char* end = nullptr;
        errno = 0;
        const long long x = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || errno != 0 || x < lo || x > hi) return located_error(v.where, key, bad);
        return x;
    }
    Result<double> number(const Located& v, const char* key, double lo = 0, double hi = 1e9) const {
        const std::string bad = "expected a number, got '" + node_text(v.node) + "'";
        if (!v.node.IsScalar()) return located_error(v.where, key, bad);
        const std::string& s = v.node.Scalar();
        char* end = nullptr;
        const double x = std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0' || !std::isfinite(x)) return located_error(v.where, key, bad);
        if (x < lo || x > hi)
            return located_error(v.where, key, "'" + s + "' is outside " + node_text(YAML::Node(lo)) + " to " + node_text(YAML::Node(hi)));
        return x;
    }
    Result<std::vector<int>> int_list(const Located& v, const char* key) const {
        if (!v.node.IsSequence() || v.node.size() == 0 || v.node.size() > 64)
            return located_error(v.where, key, "expected a list of positive integers such as [1, 2, 4], got '" + node_text(v.node) + "'");
        std::vector<int> out;
        for (size_t i = 0; i < v.node.size(); ++i) {
            Result<long long> x = integer(Located{v.node[i], v.where}, key, 1, 1000000);
            if (!x) return located_error(v.where, key, "item " + std::to_string(i + 1) + ": '" + node_text(v.node[i]) + "' is not a positive integer");
            out.push_back(int(*x));
        }
        return out;
    }

private:
    const Values& values_;
};

// Reads `key` into `out` if present; a required key that is missing is an error at the file.
#define TP_READ_KEY(key, read, out)                                        \
    if (const Located* v_ = r.find(key)) {                                 \
        auto got_ = (read);                                                \
        if (!got_) return got_.error();                                    \
        out = decltype(out)(*got_);                                        \
    }

Result<LauncherTrainSettings> read_train(const Reader& r) {
    LauncherTrainSettings t;
    if (const Located* v = r.find("train_settings.model_size_in_b"); v && !Reader::is_null(v->node)) {
        Result<double> size = r.number(*v, "train_settings.model_size_in_b", 1e-6, 1e6);
        if (!size) return size.error();
        t.model_size_b = *size;
        t.model_size_is_float = v->node.Scalar().find_first_of(".eE") != std::string::npos;
    }
    TP_READ_KEY("train_settings.num_nodes", r.integer(*v_, "train_settings.num_nodes", 1, 100000), t.num_nodes);
    TP_READ_KEY("train_settings.gpus_per_node", r.integer(*v_, "train_settings.gpus_per_node", 1, 64), t.gpus_per_node);
    TP_READ_KEY("train_settings.gpu_memory_gb", r.integer(*v_, "train_settings.gpu_memory_gb", 1, 4096), t.gpu_memory_gb);
    TP_READ_KEY("train_settings.max_training_days", r.number(*v_, "train_settings.max_training_days", 0.001, 10000), t.max_training_days);
    TP_READ_KEY("train_settings.limit_search_runs", r.integer(*v_, "train_settings.limit_search_runs"), t.limit_search_runs);
    TP_READ_KEY("train_settings.output_top_n", r.integer(*v_, "train_settings.output_top_n"), t.output_top_n);
    TP_READ_KEY("train_settings.max_steps_per_run", r.integer(*v_, "train_settings.max_steps_per_run"), t.max_steps_per_run);
    TP_READ_KEY("train_settings.max_minutes_per_run", r.integer(*v_, "train_settings.max_minutes_per_run"), t.max_minutes_per_run);
    TP_READ_KEY("train_settings.tflops_per_gpu", r.number(*v_, "train_settings.tflops_per_gpu", 0.001, 1e6), t.tflops_per_gpu);
    TP_READ_KEY("train_settings.num_tokens_in_b", r.number(*v_, "train_settings.num_tokens_in_b", 1e-6, 1e9), t.num_tokens_in_b);
    TP_READ_KEY("train_settings.vocab_size", r.integer(*v_, "train_settings.vocab_size", 1, 1 << 24), t.vocab_size);
    TP_READ_KEY("train_settings.seq_length", r.integer(*v_, "train_settings.seq_length", 1, 1 << 24), t.seq_length);
    if (const Located* v = r.find("train_settings.custom_config"); v && !Reader::is_null(v->node)) {
        if (!v->node.IsScalar()) return located_error(v->where, "train_settings.custom_config", "expected a file path or null");
        t.custom_config = v->node.Scalar();
    }
    if (const Located* v = r.find("train_settings.logs")) t.logs = node_text(v->node);
    struct ListKey { const char* key; std::optional<std::vector<int>>* out; };
    for (const ListKey& k : {ListKey{"train_settings.tensor_parallel_sizes", &t.tp}, {"train_settings.pipeline_parallel_sizes", &t.pp},
                             {"train_settings.context_parallel_sizes", &t.cp}, {"train_settings.expert_parallel_sizes", &t.ep},
                             {"train_settings.micro_batch_sizes", &t.mbs}}) {
        const Located* v = r.find(k.key);
        if (!v || Reader::is_auto(v->node)) continue;
        Result<std::vector<int>> list = r.int_list(*v, k.key);
        if (!list) return located_error(v->where, k.key, "expected auto or a list of positive integers such as [1, 2, 4], got '" +
                                                             node_text(v->node) + "'");
        *k.out = *list;
    }
    // act_ckpt_layers may hold 0 (no checkpointing), so it is read separately from the positive lists.
    if (const Located* v = r.find("train_settings.act_ckpt_layers"); v && !Reader::is_auto(v->node)) {
        const std::string bad = "expected auto or a list of layer counts such as [0, 1, 2], got '" + node_text(v->node) + "'";
        if (!v->node.IsSequence() || v->node.size() == 0 || v->node.size() > 64) return located_error(v->where, "train_settings.act_ckpt_layers", bad);
        std::vector<int> layers;
        for (size_t i = 0; i < v->node.size(); ++i) {
            Result<long long> x = r.integer(Located{v->node[i], v->where}, "train_settings.act_ckpt_layers", 0, 100000);
            if (!x) return located_error(v->where, "train_settings.act_ckpt_layers", bad);
            layers.push_back(int(*x));
        }
        t.act_ckpt_layers = layers;
    }
    struct IntKey { const char* key; std::optional<int>* out; };
    for (const IntKey& k : {IntKey{"train_settings.min_model_parallel_size", &t.min_model_parallel},
                            {"train_settings.max_model_parallel_size", &t.max_model_parallel},
                            {"train_settings.override_search_num_nodes", &t.override_search_num_nodes}}) {
        const Located* v = r.find(k.key);
        if (!v || Reader::is_auto(v->node)) continue;
        Result<long long> x = r.integer(*v, k.key, 1, 1000000);
        if (!x) return located_error(v->where, k.key, "expected auto or a positive integer, got '" + node_text(v->node) + "'");
        *k.out = int(*x);
    }
    if (t.min_model_parallel && t.max_model_parallel && *t.min_model_parallel > *t.max_model_parallel)
        return located_error(r.find("train_settings.min_model_parallel_size")->where, "train_settings.min_model_parallel_size",
                             std::to_string(*t.min_model_parallel) + " is larger than max_model_parallel_size " +
                                 std::to_string(*t.max_model_parallel));
    return t;
}

Result<LauncherInferenceSettings> read_inference(const Reader& r) {
    LauncherInferenceSettings s;
    struct TextKey { const char* key; std::string* out; };
    for (const TextKey& k : {TextKey{"inference_settings.run.model_type", &s.model_type},
                             {"inference_settings.run.model_train_name", &s.model_train_name},
                             {"inference_settings.run.data_type", &s.data_type},
                             {"inference_settings.run.time_limit", &s.time_limit},
                             {"inference_settings.run.results_dir", &s.results_dir}})
        if (const Located* v = r.find(k.key)) *k.out = node_text(v->node);
    TP_READ_KEY("inference_settings.run.gpus_per_node", r.integer(*v_, "inference_settings.run.gpus_per_node", 1, 64), s.gpus_per_node);
    TP_READ_KEY("inference_settings.run.tensor_parallel_sizes", r.int_list(*v_, "inference_settings.run.tensor_parallel_sizes"), s.tp);
    TP_READ_KEY("inference_settings.run.pipeline_parallel_sizes", r.int_list(*v_, "inference_settings.run.pipeline_parallel_sizes"), s.pp);
    TP_READ_KEY("inference_settings.benchmark.input_len", r.integer(*v_, "inference_settings.benchmark.input_len"), s.input_len);
    TP_READ_KEY("inference_settings.benchmark.output_len", r.integer(*v_, "inference_settings.benchmark.output_len"), s.output_len);
    TP_READ_KEY("inference_settings.benchmark.batch_sizes", r.int_list(*v_, "inference_settings.benchmark.batch_sizes"), s.batch_sizes);
    TP_READ_KEY("inference_settings.benchmark.beam_width", r.integer(*v_, "inference_settings.benchmark.beam_width"), s.beam_width);
    TP_READ_KEY("inference_settings.benchmark.topk", r.integer(*v_, "inference_settings.benchmark.topk"), s.topk);
    TP_READ_KEY("inference_settings.benchmark.topp", r.number(*v_, "inference_settings.benchmark.topp", 0, 1), s.topp);
    return s;
}

}  // namespace

BaseConfigInputs search_config_base_inputs(const LauncherTrainSettings& t, double size_b, const std::string& family) {
    BaseConfigInputs in;
    in.model_size_b = size_b;
    in.model_size_is_float = t.model_size_is_float || !t.model_size_b;
    in.family = family;
    in.nodes = t.num_nodes, in.gpus_per_node = t.gpus_per_node, in.gpu_memory_gb = t.gpu_memory_gb;
    in.max_training_days = t.max_training_days, in.tokens_b = t.num_tokens_in_b;
    in.vocab = t.vocab_size, in.seq = t.seq_length;
    in.heuristics = Heuristics::nemo;
    return in;
}

std::string search_config_gpu(int gpu_memory_gb) { return gpu_memory_gb <= 40 ? "a100-40gb" : "a100-80gb"; }

Result<LauncherSearchConfig> search_config_parse(std::string_view text, std::string_view source,
                                                 const std::vector<std::string>& overrides) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
    }
    if (!root.IsMap())
        return make_error(ErrorKind::parse_error, std::string(source) + ": expected a mapping with train_settings (a NeMo launcher search config)");
    Values values;
    if (auto e = collect(root, "", source, values)) return *e;
    for (size_t i = 0; i < overrides.size(); ++i)
        if (auto e = apply_override(overrides[i], int(i + 1), values)) return *e;
    for (const Key& k : kKeys)
        if (k.required && !values.count(k.path))
            return make_error(ErrorKind::parse_error, std::string(source) + ": " + k.path + ": missing (every NeMo search config sets it)");
    const Reader r(values);
    LauncherSearchConfig cfg;
    Result<LauncherTrainSettings> train = read_train(r);
    if (!train) return train.error();
    cfg.train = *train;
    const bool has_inference = std::any_of(values.begin(), values.end(), [](const auto& kv) { return kv.first.rfind("inference_settings.", 0) == 0; });
    if (has_inference) {
        Result<LauncherInferenceSettings> inference = read_inference(r);
        if (!inference) return inference.error();
        cfg.inference = *inference;
    }
    return cfg;
}

std::vector<std::string> search_config_keys() {
    std::vector<std::string> keys;
    for (const Key& k : kKeys) keys.emplace_back(k.path);
    return keys;
}

}  // namespace tp
