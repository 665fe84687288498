#include "nemo_base_config.hpp"

#include <yaml-cpp/yaml.h>

namespace tp {

namespace {

Error at(std::string_view source, const YAML::Node& n, const std::string& key, const std::string& what) {
    const std::string line = n.Mark().is_null() ? "" : ":" + std::to_string(n.Mark().line + 1);
    return make_error(ErrorKind::parse_error, std::string(source) + line + ": " + key + ": " + what);
}

// model.<key> as a positive integer; `required` false returns 0 when absent or null.
Result<int> int_key(std::string_view source, const YAML::Node& model, const char* key, bool required) {
    const YAML::Node v = model[key];
    const std::string name = std::string("model.") + key;
    if (!v || v.IsNull()) {
        if (required) return at(source, model, name, "missing");
        return 0;
    }
    const std::string bad = "expected a positive integer, got '" + (v.IsScalar() ? v.Scalar() : std::string("(not a value)")) + "'";
    if (!v.IsScalar()) return at(source, v, name, bad);
    char* end = nullptr;
    const long x = std::strtol(v.Scalar().c_str(), &end, 10);
    if (v.Scalar().empty() || *end != '\0' || x <= 0 || x > (1L << 24)) return at(source, v, name, bad);
    return int(x);
}

std::string text_key(const YAML::Node& map, const char* key) {
    const YAML::Node v = map[key];
    return v && v.IsScalar() ? v.Scalar() : "";
}

}  // namespace

Result<NemoBaseConfig> nemo_base_config_read(std::string_view text, std::string_view source, const std::string& family, int vocab) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
    }
    if (!root.IsMap() || !root["model"].IsMap())
        return make_error(ErrorKind::parse_error, std::string(source) + ": model: missing (not a NeMo base config)");
    try {
        const YAML::Node model = root["model"];
        NemoBaseConfig out;
        ModelSpec& m = out.model;
        m.family = family;
        m.name = text_key(root["run"], "name");
        m.source = std::string(source);
        out.run_name = m.name;
        struct Field { const char* key; int* out; bool required; };
        int layers = 0, hidden = 0, ffn = 0, heads = 0, groups = 0, experts = 0, topk = 0, seq = 0, gbs = 0;
        for (const Field& f : {Field{"num_layers", &layers, true}, {"hidden_size", &hidden, true}, {"ffn_hidden_size", &ffn, true},
                               {"num_attention_heads", &heads, true}, {"num_query_groups", &groups, false},
                               {"num_moe_experts", &experts, false}, {"moe_router_topk", &topk, false},
                               {"encoder_seq_length", &seq, false}, {"global_batch_size", &gbs, true}}) {
            Result<int> v = int_key(source, model, f.key, f.required);
            if (!v) return v.error();
            *f.out = *v;
        }
        if (seq == 0 && model["data"].IsMap()) {
            Result<int> v = int_key(source, model["data"], "seq_length", true);
            if (!v) return v.error();
            seq = *v;
        }
        if (seq == 0) return at(source, model, "model.encoder_seq_length", "missing");
        m.layers = layers, m.hidden = hidden, m.ffn = ffn, m.heads = heads;
        m.kv_heads = groups > 0 ? groups : heads;
        m.head_dim = hidden / heads;
        m.vocab = vocab;
        m.max_seq = seq;
        // Megatron defaults where the file is silent: GPT layout (learned positions, GeLU, LayerNorm, tied).
        const std::string activation = text_key(model, "activation"), norm = text_key(model, "normalization");
        const std::string position = text_key(model, "position_embedding_type");
        m.mlp = activation.find("glu") != std::string::npos ? MlpKind::gated : MlpKind::gelu;
        m.norm = norm == "rmsnorm" ? NormKind::rmsnorm : NormKind::layernorm;
        m.position = position == "rope" ? PositionKind::rotary : PositionKind::learned;
        const YAML::Node share = model["share_embeddings_and_output_weights"];
        m.tied_embeddings = share && share.IsScalar() ? share.as<bool>() : m.position == PositionKind::learned;
        const YAML::Node bias = model["bias"];
        m.attention_bias = m.mlp_bias = bias && bias.IsScalar() ? bias.as<bool>() : m.position == PositionKind::learned;
        if (experts > 0) {
            m.moe.experts = experts;
            m.moe.top_k = topk > 0 ? topk : 2;
            m.moe.expert_ffn = ffn;
        }
        if (std::string e = model_validate(m); !e.empty()) return make_error(ErrorKind::invalid_argument, std::string(source) + ": model: " + e);
        out.gbs = gbs;
        out.seq = seq;
        out.act_method = text_key(model, "activations_checkpoint_method");
        if (out.act_method == "null" || out.act_method == "None") out.act_method.clear();
        if (root["trainer"].IsMap()) {
            Result<int> devices = int_key(source, root["trainer"], "devices", false);
            if (!devices) return devices.error();
            if (*devices > 0) out.devices = *devices;
        }
        return out;
    } catch (const YAML::Exception& e) {
        // as<bool>() on a value that is not a boolean, or a key that is not a scalar.
        return make_error(ErrorKind::parse_error, std::string(source) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

}  // namespace tp
