#include "model_presets.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace tp {

namespace {

// Builders for the common shapes; each preset then sets what differs.
ModelSpec llama_like(const char* name, const char* family, int layers, int hidden, int heads, int kv_heads, int ffn,
                     int vocab, const char* source) {
    ModelSpec m;
    m.name = name;
    m.family = family;
    m.layers = layers;
    m.hidden = hidden;
    m.heads = heads;
    m.kv_heads = kv_heads;
    m.head_dim = hidden / heads;
    m.ffn = ffn;
    m.vocab = vocab;
    m.max_seq = 4096;
    m.position = PositionKind::rotary;
    m.mlp = MlpKind::gated;
    m.norm = NormKind::rmsnorm;
    m.source = source;
    return m;
}

// NeMo launcher GPT-3 (conf/training/gpt3/*.yaml): learned positions, GeLU, LayerNorm, biases,
// tied embeddings, vocab 51200 (GPT-2 BPE padded), sequence 2048, ffn = 4h.
ModelSpec gpt3(const char* name, int layers, int hidden, int heads) {
    ModelSpec m = llama_like(name, "gpt3", layers, hidden, heads, heads, 4 * hidden, 51200,
                             "NeMo-Framework-Launcher conf/training/gpt3");
    m.max_seq = 2048;
    model_use_classic_layout(m);
    return m;
}

// T5 v1.0 (Raffel et al. 2020; HF t5-*): ReLU, no biases, scale-only norms, tied embeddings,
// 32 relative-position buckets. mT5 (Xue et al. 2021; HF google/mt5-*): gated GeLU, untied, vocab 250112.
ModelSpec t5(const char* name, const char* family, int layers, int hidden, int heads, int head_dim, int ffn,
             int vocab, bool mt5_style, const char* source) {
    ModelSpec m = llama_like(name, family, layers, hidden, heads, heads, ffn, vocab, source);
    m.arch = Architecture::encoder_decoder;
    m.decoder_layers = layers;
    m.head_dim = head_dim;
    m.max_seq = 512;
    m.position = PositionKind::relative;
    m.relative_buckets = 32;
    m.mlp = mt5_style ? MlpKind::gated : MlpKind::gelu;
    m.tied_embeddings = !mt5_style;
    return m;
}

// BERT (Devlin et al. 2019; HF bert-*-uncased): learned positions, two token types, LayerNorm, biases, pooler.
ModelSpec bert(const char* name, int layers, int hidden, int heads) {
    ModelSpec m = llama_like(name, "bert", layers, hidden, heads, heads, 4 * hidden, 30522,
                             "HF bert-base/large-uncased config.json");
    m.arch = Architecture::encoder;
    m.max_seq = 512;
    model_use_classic_layout(m);
    m.token_types = 2;
    m.pooler = true;
    return m;
}

ModelSpec with_moe(ModelSpec m, int experts, int top_k, int expert_ffn) {
    m.moe.experts = experts;
    m.moe.top_k = top_k;
    m.moe.expert_ffn = expert_ffn;
    return m;
}

ModelSpec tied(ModelSpec m) {
    m.tied_embeddings = true;
    return m;
}

std::vector<ModelPreset> build_presets() {
    std::vector<ModelPreset> p;
    auto add = [&](ModelSpec m, double published_b, const char* published_source, double active_b = 0) {
        p.push_back(ModelPreset{std::move(m), published_b, active_b, published_source});
    };
    const char* launcher = "NeMo-Framework-Launcher README / conf/training/gpt3 (size in the config name)";
    // NeMo GPT-3 sizes.
    add(gpt3("gpt3-126m", 12, 768, 12), 0.126, launcher);
    add(gpt3("gpt3-400m", 24, 1024, 16), 0.35, "Brown et al. 2020 Table 2.1 (GPT-3 Medium, 350M)");
    add(gpt3("gpt3-1.3b", 24, 2048, 16), 1.3, launcher);
    add(gpt3("gpt3-5b", 24, 4096, 32), 5.0, launcher);
    add(gpt3("gpt3-20b", 44, 6144, 48), 20.0, launcher);
    add(gpt3("gpt3-40b", 48, 8192, 64), 40.0, launcher);
    add(gpt3("gpt3-175b", 96, 12288, 96), 175.0, "Brown et al. 2020 Table 2.1");

    // Llama family (HF meta-llama/* config.json).
    add(llama_like("llama-7b", "llama", 32, 4096, 32, 32, 11008, 32000, "HF huggyllama/llama-7b config.json"), 6.74,
        "HF model card (6.74B)");
    add(llama_like("llama2-7b", "llama", 32, 4096, 32, 32, 11008, 32000, "HF meta-llama/Llama-2-7b-hf config.json"),
        6.74, "HF model card (6.74B)");
    add(llama_like("llama2-13b", "llama", 40, 5120, 40, 40, 13824, 32000, "HF meta-llama/Llama-2-13b-hf config.json"),
        13.0, "HF model card (13.0B)");
    add(llama_like("llama2-70b", "llama", 80, 8192, 64, 8, 28672, 32000, "HF meta-llama/Llama-2-70b-hf config.json"),
        69.0, "HF model card (69.0B)");
    add(llama_like("llama3-8b", "llama", 32, 4096, 32, 8, 14336, 128256, "HF meta-llama/Meta-Llama-3-8B config.json"),
        8.03, "HF model card (8.03B)");
    add(llama_like("llama3-70b", "llama", 80, 8192, 64, 8, 28672, 128256,
                   "HF meta-llama/Meta-Llama-3-70B config.json"),
        70.6, "HF model card (70.6B)");
    add(llama_like("llama3.1-8b", "llama", 32, 4096, 32, 8, 14336, 128256, "HF meta-llama/Llama-3.1-8B config.json"),
        8.03, "HF model card (8.03B)");
    add(llama_like("llama3.1-70b", "llama", 80, 8192, 64, 8, 28672, 128256,
                   "HF meta-llama/Llama-3.1-70B config.json"),
        70.6, "HF model card (70.6B)");
    add(llama_like("llama3.1-405b", "llama", 126, 16384, 128, 8, 53248, 128256,
                   "HF meta-llama/Llama-3.1-405B config.json"),
        406.0, "HF model card (406B)");

    // Mistral / Mixtral (HF mistralai/* config.json).
    add(llama_like("mistral-7b", "mistral", 32, 4096, 32, 8, 14336, 32000, "HF mistralai/Mistral-7B-v0.1 config.json"),
        7.24, "HF model card (7.24B)");
    add(with_moe(llama_like("mixtral-8x7b", "mixtral", 32, 4096, 32, 8, 14336, 32000,
                            "HF mistralai/Mixtral-8x7B-v0.1 config.json"),
                 8, 2, 14336),
        46.7, "Mistral AI announcement (46.7B total, 12.9B active)", 12.9);
    add(with_moe(llama_like("mixtral-8x22b", "mixtral", 56, 6144, 48, 8, 16384, 32768,
                            "HF mistralai/Mixtral-8x22B-v0.1 config.json"),
                 8, 2, 16384),
        141.0, "Mistral AI announcement (141B total, 39B active)", 39.0);

    // Gemma (HF google/gemma-*): GeGLU, head_dim 256, tied embeddings, vocab 256000.
    {
        ModelSpec g2b = tied(llama_like("gemma-2b", "gemma", 18, 2048, 8, 1, 16384, 256000, "HF google/gemma-2b config.json"));
        g2b.head_dim = 256;
        add(g2b, 2.51, "HF model card (2.51B)");
        ModelSpec g7b = tied(llama_like("gemma-7b", "gemma", 28, 3072, 16, 16, 24576, 256000, "HF google/gemma-7b config.json"));
        g7b.head_dim = 256;
        add(g7b, 8.54, "HF model card (8.54B)");
        ModelSpec g2_2b = tied(llama_like("gemma2-2b", "gemma", 26, 2304, 8, 4, 9216, 256000, "HF google/gemma-2-2b config.json"));
        g2_2b.head_dim = 256;
        g2_2b.extra_norms_per_layer = 2;
        add(g2_2b, 2.61, "HF model card (2.61B)");
        ModelSpec g2_9b = tied(llama_like("gemma2-9b", "gemma", 42, 3584, 16, 8, 14336, 256000, "HF google/gemma-2-9b config.json"));
        g2_9b.head_dim = 256;
        g2_9b.extra_norms_per_layer = 2;
        add(g2_9b, 9.24, "HF model card (9.24B)");
        ModelSpec g2_27b = tied(llama_like("gemma2-27b", "gemma", 46, 4608, 32, 16, 36864, 256000, "HF google/gemma-2-27b config.json"));
        g2_27b.head_dim = 128;
        g2_27b.extra_norms_per_layer = 2;
        add(g2_27b, 27.2, "HF model card (27.2B)");
    }

    // Nemotron-4 (Parmar et al. 2024, arXiv:2402.16819 Table 1; Nemotron-4 340B report):
    // squared-ReLU MLP (two matrices), no linear biases, LayerNorm, untied, vocab 256000.
    for (auto [name, layers, hidden, heads, ffn, published, src] :
         {std::tuple{"nemotron4-15b", 32, 6144, 48, 24576, 15.6, "Parmar et al. 2024 (3.2B embedding + 12.5B non-embedding)"},
          std::tuple{"nemotron4-340b", 96, 18432, 96, 73728, 341.0, "Nemotron-4 340B technical report (341B)"}}) {
        ModelSpec n = llama_like(name, "nemotron", layers, hidden, heads, 8, ffn, 256000, "arXiv:2402.16819 / arXiv:2406.11704");
        n.mlp = MlpKind::gelu;  // two-matrix MLP; activation is squared ReLU, same shape
        n.norm = NormKind::layernorm;
        add(n, published, src);
    }

    // StarCoder2 (HF bigcode/starcoder2-*): GeLU MLP with biases, LayerNorm, GQA, vocab 49152.
    for (auto [name, layers, hidden, heads, kv, ffn, published, is_tied] :
         {std::tuple{"starcoder2-3b", 30, 3072, 24, 2, 12288, 3.03, true},
          std::tuple{"starcoder2-7b", 32, 4608, 36, 4, 18432, 7.17, true},
          std::tuple{"starcoder2-15b", 40, 6144, 48, 4, 24576, 16.0, false}}) {
        ModelSpec s = llama_like(name, "starcoder", layers, hidden, heads, kv, ffn, 49152, "HF bigcode/starcoder2 config.json");
        s.mlp = MlpKind::gelu;
        s.norm = NormKind::layernorm;
        s.attention_bias = true;
        s.mlp_bias = true;
        s.tied_embeddings = is_tied;
        add(s, published, "HF model card");
    }

    // Qwen2 / Qwen2.5 (HF Qwen/*): bias on q, k, v only, vocab 152064 (151936 for the small tied ones).
    for (auto [name, layers, hidden, heads, kv, ffn, vocab, is_tied, published] :
         {std::tuple{"qwen2.5-0.5b", 24, 896, 14, 2, 4864, 151936, true, 0.49},
          std::tuple{"qwen2.5-1.5b", 28, 1536, 12, 2, 8960, 151936, true, 1.54},
          std::tuple{"qwen2-7b", 28, 3584, 28, 4, 18944, 152064, false, 7.62},
          std::tuple{"qwen2.5-7b", 28, 3584, 28, 4, 18944, 152064, false, 7.62},
          std::tuple{"qwen2.5-14b", 48, 5120, 40, 8, 13824, 152064, false, 14.8},
          std::tuple{"qwen2.5-32b", 64, 5120, 40, 8, 27648, 152064, false, 32.8},
          std::tuple{"qwen2-72b", 80, 8192, 64, 8, 29568, 152064, false, 72.7},
          std::tuple{"qwen2.5-72b", 80, 8192, 64, 8, 29568, 152064, false, 72.7}}) {
        ModelSpec q = llama_like(name, "qwen", layers, hidden, heads, kv, ffn, vocab, "HF Qwen config.json");
        q.qkv_bias_only = true;
        q.tied_embeddings = is_tied;
        add(q, published, "HF model page (safetensors parameter count)");
    }

    // IBM Granite (the models of ../shared/data/finetune).
    {
        ModelSpec g20 = llama_like("granite-20b-v2", "granite", 52, 6144, 48, 1, 24576, 49152,
                                   "HF ibm-granite/granite-20b-code-base config.json (GPTBigCode, MQA)");
        g20.mlp = MlpKind::gelu;
        g20.norm = NormKind::layernorm;
        g20.position = PositionKind::learned;
        g20.max_seq = 8192;
        g20.attention_bias = true;
        g20.mlp_bias = true;
        g20.tied_embeddings = true;
        add(g20, 20.0, "HF model card (20B)");
        add(llama_like("granite-7b-base", "granite", 32, 4096, 32, 32, 11008, 32008, "HF ibm-granite/granite-7b-base config.json"),
            6.74, "HF model card (6.74B)");
        ModelSpec g8c = tied(llama_like("granite-8b-code-base", "granite", 36, 4096, 32, 8, 14336, 49152,
                                        "HF ibm-granite/granite-8b-code-base config.json"));
        g8c.attention_bias = true;
        g8c.mlp_bias = true;
        add(g8c, 8.05, "HF model card (8.05B)");
        add(tied(llama_like("granite-3-8b", "granite", 40, 4096, 32, 8, 12800, 49155, "HF ibm-granite/granite-3.0-8b-base config.json")),
            8.17, "HF model card (8.17B)");
        add(tied(llama_like("granite-3.1-8b", "granite", 40, 4096, 32, 8, 12800, 49155, "HF ibm-granite/granite-3.1-8b-instruct config.json")),
            8.17, "HF model card (8.17B)");
        add(tied(llama_like("granite-3.1-2b", "granite", 40, 2048, 32, 8, 8192, 49155, "HF ibm-granite/granite-3.1-2b-base config.json")),
            2.53, "HF model card (2.53B)");
        add(with_moe(tied(llama_like("granite-3.1-3b-a800m", "granite", 32, 1536, 24, 8, 512, 49155,
                                     "HF ibm-granite/granite-3.1-3b-a800m-instruct config.json (GraniteMoe)")),
                     40, 8, 512),
            3.3, "HF model card (3.3B total, 800M active)", 0.8);
    }

    // T5 / mT5 / BERT.
    add(t5("t5-small", "t5", 6, 512, 8, 64, 2048, 32128, false, "HF t5-small config.json"), 0.0605, "HF t5-small (60.5M)");
    add(t5("t5-base", "t5", 12, 768, 12, 64, 3072, 32128, false, "HF t5-base config.json"), 0.223, "HF t5-base (223M)");
    add(t5("t5-large", "t5", 24, 1024, 16, 64, 4096, 32128, false, "HF t5-large config.json"), 0.738, "HF t5-large (738M)");
    add(t5("t5-3b", "t5", 24, 1024, 32, 128, 16384, 32128, false, "HF t5-3b config.json"), 2.85, "HF t5-3b (2.85B)");
    add(t5("t5-11b", "t5", 24, 1024, 128, 128, 65536, 32128, false, "HF t5-11b config.json"), 11.3, "HF t5-11b (11.3B)");
    add(t5("mt5-small", "mt5", 8, 512, 6, 64, 1024, 250112, true, "HF google/mt5-small config.json"), 0.300, "Xue et al. 2021 Table 1 (300M)");
    add(t5("mt5-base", "mt5", 12, 768, 12, 64, 2048, 250112, true, "HF google/mt5-base config.json"), 0.580, "Xue et al. 2021 Table 1 (580M)");
    add(t5("mt5-large", "mt5", 24, 1024, 16, 64, 2816, 250112, true, "HF google/mt5-large config.json"), 1.2, "Xue et al. 2021 Table 1 (1.2B)");
    add(t5("mt5-xl", "mt5", 24, 2048, 32, 64, 5120, 250112, true, "HF google/mt5-xl config.json"), 3.7, "Xue et al. 2021 Table 1 (3.7B)");
    add(t5("mt5-xxl", "mt5", 24, 4096, 64, 64, 10240, 250112, true, "HF google/mt5-xxl config.json"), 13.0, "Xue et al. 2021 Table 1 (13B)");
    add(bert("bert-base", 12, 768, 12), 0.110, "Devlin et al. 2019 (110M)");
    add(bert("bert-large", 24, 1024, 16), 0.336, "HF bert-large-uncased model card (336M)");
    return p;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// Aliases: names used by ../shared/data/finetune and common Hugging Face repository names.
std::string canonical_preset_name(std::string_view raw) {
    std::string n = lower(raw);
    struct Alias {
        const char* from;
        const char* to;
    };
    static const Alias aliases[] = {
        {"mixtral-8x7b-instruct-v0.1", "mixtral-8x7b"}, {"mixtral-8x7b-v0.1", "mixtral-8x7b"},
        {"mistral-7b-v0.1", "mistral-7b"},              {"granite-3.1-8b-instruct", "granite-3.1-8b"},
        {"granite-3.1-3b-a800m-instruct", "granite-3.1-3b-a800m"},
        {"meta-llama-3-8b", "llama3-8b"},               {"meta-llama-3-70b", "llama3-70b"},
        {"llama-3-8b", "llama3-8b"},                    {"llama-3-70b", "llama3-70b"},
        {"llama-2-7b", "llama2-7b"},                    {"llama-2-13b", "llama2-13b"},
        {"llama-2-70b", "llama2-70b"},                  {"llama-3.1-8b", "llama3.1-8b"},
        {"llama-3.1-70b", "llama3.1-70b"},              {"llama-3.1-405b", "llama3.1-405b"},
        {"gemma-2-2b", "gemma2-2b"},                    {"gemma-2-9b", "gemma2-9b"},
        {"gemma-2-27b", "gemma2-27b"},                  {"nemotron-4-15b", "nemotron4-15b"},
        {"nemotron-4-340b", "nemotron4-340b"},          {"bert-base-uncased", "bert-base"},
        {"bert-large-uncased", "bert-large"},
    };
    for (const Alias& a : aliases)
        if (n == a.from) return a.to;
    return n;
}

}  // namespace

const std::vector<ModelPreset>& model_presets() {
    static const std::vector<ModelPreset> presets = build_presets();
    return presets;
}

Result<ModelSpec> model_preset_find(std::string_view name) {
    const std::string key = canonical_preset_name(name);
    for (const ModelPreset& p : model_presets())
        if (p.spec.name == key) return p.spec;
    return make_error(ErrorKind::unknown_name,
                      "--model: unknown preset '" + std::string(name) + "'; known presets: " + model_preset_names());
}

std::string model_preset_names() {
    std::string out;
    for (const ModelPreset& p : model_presets()) {
        if (!out.empty()) out += ", ";
        out += p.spec.name;
    }
    return out;
}

}  // namespace tp
