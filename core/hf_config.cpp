#include "hf_config.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace tp {

namespace {

using nlohmann::json;

const char* const kSupported =
    "LlamaForCausalLM, MistralForCausalLM, MixtralForCausalLM, Qwen2ForCausalLM, GemmaForCausalLM, "
    "Gemma2ForCausalLM, GPT2LMHeadModel, GPTNeoXForCausalLM, Starcoder2ForCausalLM, GraniteForCausalLM, "
    "GraniteMoeForCausalLM";

// "line L, column C" of a byte offset, for JSON syntax errors.
std::string line_column(std::string_view text, size_t offset) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Reads config fields with messages that name the file and the field.
class FieldReader {
public:
    FieldReader(const json& j, std::string_view source) : j_(j), source_(source) {}

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }

    int integer(const char* field) {
        if (failed()) return 0;
        auto it = j_.find(field);
        if (it == j_.end() || it->is_null()) {
            fail(std::string("missing required field '") + field + "'");
            return 0;
        }
        return checked_integer(field, *it);
    }

    int integer_or(const char* field, int fallback) {
        if (failed()) return 0;
        auto it = j_.find(field);
        if (it == j_.end() || it->is_null()) return fallback;
        return checked_integer(field, *it);
    }

    bool boolean_or(const char* field, bool fallback) {
        if (failed()) return fallback;
        auto it = j_.find(field);
        if (it == j_.end() || it->is_null()) return fallback;
        if (!it->is_boolean()) {
            fail(std::string("field '") + field + "' must be true or false (got " + it->dump() + ")");
            return fallback;
        }
        return it->get<bool>();
    }

    void fail(std::string message) {
        if (error_.empty()) error_ = std::string(source_) + ": " + std::move(message);
    }

private:
    int checked_integer(const char* field, const json& v) {
        if (!v.is_number_integer() && !v.is_number_unsigned()) {
            fail(std::string("field '") + field + "' must be a positive integer (got " + v.dump() + ")");
            return 0;
        }
        const long long x = v.get<long long>();
        if (x <= 0 || x > 100000000) {
            fail(std::string("field '") + field + "' must be a positive integer below 1e8 (got " + std::to_string(x) + ")");
            return 0;
        }
        return int(x);
    }

    const json& j_;
    std::string_view source_;
    std::string error_;
};

}  // namespace

const char* hf_config_supported_architectures() { return kSupported; }

Result<ModelSpec> hf_config_parse(std::string_view text, std::string_view source) {
    json j;
    try {
        j = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        return make_error(ErrorKind::parse_error, std::string(source) + ": invalid JSON at " + line_column(text, e.byte > 0 ? e.byte - 1 : 0) +
                                                      " (" + e.what() + ")");
    } catch (const json::exception& e) {
        // nlohmann reports numbers beyond double range (error 406) as out_of_range without a
        // byte offset; they are still bad input, never a crash (found by fuzz_hf_config).
        return make_error(ErrorKind::parse_error, std::string(source) + ": invalid JSON (" + e.what() + ")");
    }
    if (!j.is_object()) return make_error(ErrorKind::parse_error, std::string(source) + ": top level must be a JSON object");

    std::string arch_name;
    auto arch_it = j.find("architectures");
    if (arch_it != j.end() && arch_it->is_array() && !arch_it->empty() && (*arch_it)[0].is_string()) {
        arch_name = (*arch_it)[0].get<std::string>();
    } else if (auto mt = j.find("model_type"); mt != j.end() && mt->is_string()) {
        arch_name = "model_type=" + mt->get<std::string>();
    } else {
        return make_error(ErrorKind::parse_error, std::string(source) +
                                                      ": missing field 'architectures' (a list such as [\"LlamaForCausalLM\"])");
    }

    FieldReader f(j, source);
    ModelSpec m;
    m.name = std::string(source);
    m.source = "Hugging Face config.json (" + arch_name + ")";
    const bool llama_like = arch_name == "LlamaForCausalLM" || arch_name == "MistralForCausalLM" ||
                            arch_name == "MixtralForCausalLM" || arch_name == "Qwen2ForCausalLM" ||
                            arch_name == "GemmaForCausalLM" || arch_name == "Gemma2ForCausalLM" ||
                            arch_name == "GraniteForCausalLM" || arch_name == "GraniteMoeForCausalLM";
    if (llama_like) {
        m.layers = f.integer("num_hidden_layers");
        m.hidden = f.integer("hidden_size");
        m.ffn = f.integer("intermediate_size");
        m.heads = f.integer("num_attention_heads");
        m.kv_heads = f.integer_or("num_key_value_heads", m.heads);
        m.vocab = f.integer("vocab_size");
        m.max_seq = f.integer_or("max_position_embeddings", 4096);
        m.head_dim = f.integer_or("head_dim", m.heads > 0 ? m.hidden / m.heads : 0);
        m.position = PositionKind::rotary;
        m.mlp = MlpKind::gated;
        m.norm = NormKind::rmsnorm;
        const bool gemma = arch_name == "GemmaForCausalLM" || arch_name == "Gemma2ForCausalLM";
        m.tied_embeddings = f.boolean_or("tie_word_embeddings", gemma);
        m.attention_bias = f.boolean_or("attention_bias", false);
        m.mlp_bias = f.boolean_or("mlp_bias", false);
        if (arch_name == "Qwen2ForCausalLM") m.qkv_bias_only = !m.attention_bias;
        if (arch_name == "Gemma2ForCausalLM") m.extra_norms_per_layer = 2;
        if (arch_name == "MixtralForCausalLM" || arch_name == "GraniteMoeForCausalLM") {
            m.moe.experts = f.integer("num_local_experts");
            m.moe.top_k = f.integer("num_experts_per_tok");
            m.moe.expert_ffn = m.ffn;
        }
        m.family = arch_name == "LlamaForCausalLM"    ? "llama"
                   : arch_name == "MistralForCausalLM" ? "mistral"
                   : arch_name == "MixtralForCausalLM" ? "mixtral"
                   : arch_name == "Qwen2ForCausalLM"   ? "qwen"
                   : gemma                             ? "gemma"
                                                       : "granite";
    } else if (arch_name == "GPT2LMHeadModel") {
        m.layers = f.integer("n_layer");
        m.hidden = f.integer("n_embd");
        m.heads = f.integer("n_head");
        m.kv_heads = m.heads;
        m.ffn = f.integer_or("n_inner", 4 * m.hidden);
        m.vocab = f.integer("vocab_size");
        m.max_seq = f.integer("n_positions");
        m.head_dim = m.heads > 0 ? m.hidden / m.heads : 0;
        model_use_classic_layout(m);
        m.tied_embeddings = f.boolean_or("tie_word_embeddings", true);
        m.family = "gpt3";
    } else if (arch_name == "GPTNeoXForCausalLM") {
        m.layers = f.integer("num_hidden_layers");
        m.hidden = f.integer("hidden_size");
        m.ffn = f.integer("intermediate_size");
        m.heads = f.integer("num_attention_heads");
        m.kv_heads = m.heads;
        m.vocab = f.integer("vocab_size");
        m.max_seq = f.integer_or("max_position_embeddings", 2048);
        m.head_dim = m.heads > 0 ? m.hidden / m.heads : 0;
        m.position = PositionKind::rotary;
        m.mlp = MlpKind::gelu;
        m.norm = NormKind::layernorm;
        m.tied_embeddings = f.boolean_or("tie_word_embeddings", false);
        m.attention_bias = f.boolean_or("attention_bias", true);
        m.mlp_bias = true;
        m.family = "gpt3";
    } else if (arch_name == "Starcoder2ForCausalLM") {
        m.layers = f.integer("num_hidden_layers");
        m.hidden = f.integer("hidden_size");
        m.ffn = f.integer("intermediate_size");
        m.heads = f.integer("num_attention_heads");
        m.kv_heads = f.integer_or("num_key_value_heads", m.heads);
        m.vocab = f.integer("vocab_size");
        m.max_seq = f.integer_or("max_position_embeddings", 4096);
        m.head_dim = m.heads > 0 ? m.hidden / m.heads : 0;
        m.position = PositionKind::rotary;
        m.mlp = MlpKind::gelu;
        m.norm = NormKind::layernorm;
        m.tied_embeddings = f.boolean_or("tie_word_embeddings", true);
        m.attention_bias = m.mlp_bias = f.boolean_or("use_bias", true);
        m.family = "starcoder";
    } else if (arch_name.rfind("Deepseek", 0) == 0 || arch_name.find("DeepSeek") != std::string::npos) {
        return make_error(ErrorKind::unsupported,
                          std::string(source) + ": architecture '" + arch_name +
                              "' uses multi-head latent attention (MLA), which trainplan does not model yet; "
                              "supported: " + kSupported);
    } else {
        return make_error(ErrorKind::unsupported, std::string(source) + ": unsupported architecture '" + arch_name +
                                                      "'; supported: " + kSupported);
    }
    if (f.failed()) return make_error(ErrorKind::parse_error, f.error());
    if (m.heads > 0 && m.head_dim == m.hidden / m.heads && m.hidden % m.heads != 0) {
        return make_error(ErrorKind::invalid_argument, std::string(source) + ": hidden_size (" + std::to_string(m.hidden) +
                                                           ") must be divisible by num_attention_heads (" +
                                                           std::to_string(m.heads) + ") unless head_dim is given");
    }
    if (std::string e = model_validate(m); !e.empty()) return make_error(ErrorKind::invalid_argument, std::string(source) + ": " + e);
    return m;
}

}  // namespace tp
