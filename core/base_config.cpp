#include "base_config.hpp"

#include <cmath>
#include <cstdio>

#include <yaml-cpp/yaml.h>

#include "text.hpp"

namespace tp {

std::string nemo_time_limit(double days) {
    const int d = int(days);
    const int h = int(24 * (days - d));
    char buf[48];
    std::snprintf(buf, sizeof buf, "%d-%02d:00:00", d, h);
    return buf;
}

std::string nemo_max_time(double days) {
    const int d = int(days);
    const int h = int(24 * (days - d));
    char buf[48];
    if (h == 0)
        std::snprintf(buf, sizeof buf, "%d:%02d:30:00", d - 1, 23);
    else
        std::snprintf(buf, sizeof buf, "%d:%02d:30:00", d, h - 1);
    return buf;
}

namespace {

bool is_t5(const std::string& f) { return f == "t5" || f == "mt5"; }

std::string size_label(const BaseConfigInputs& in) {
    return in.model_size_is_float ? python_float_repr(in.model_size_b) : format_number(in.model_size_b);
}

// trainplan mode, modern decoder families: GQA with 8 KV heads where heads allow it (Llama 2 70B,
// Llama 3, Mistral), SwiGLU FFN = 8h/3 · 1.3 rounded up to a multiple of 1024 (Llama 3's
// ffn_dim_multiplier 1.3 and multiple_of 1024: 4096 -> 14336), and the exact parameter count
// to pick the layer count closest to the requested size.
void apply_trainplan_choices(const BaseConfigInputs& in, BaseConfig& cfg) {
    if (in.family == "gpt3" || in.family == "bert" || is_t5(in.family)) return;
    const int kv = modern_kv_heads(cfg.heads);
    cfg.num_query_groups = kv;
    const int ffn = modern_swiglu_ffn(cfg.hidden);
    cfg.ffn = std::to_string(ffn);
    ModelSpec probe = base_config_model(cfg);
    int best_layers = 1;
    double best_error = 1e300;
    for (int layers = 1; layers <= 512; ++layers) {
        probe.layers = layers;
        const double err = std::fabs(model_param_counts(probe).total / 1e9 - in.model_size_b);
        if (err < best_error) {
            best_error = err;
            best_layers = layers;
        }
    }
    cfg.num_layers = best_layers;
    probe.layers = best_layers;
    cfg.choices.push_back("GQA: " + std::to_string(kv) + " key/value heads for " + std::to_string(cfg.heads) +
                          " query heads (Llama 2 70B / Llama 3 practice)");
    cfg.choices.push_back("SwiGLU FFN " + std::to_string(ffn) + " = 8h/3 x 1.3 rounded up to a multiple of 1024 (Llama 3)");
    cfg.choices.push_back("vocabulary " + std::to_string(in.vocab) + ", rotary positions, RMSNorm, untied embeddings");
    cfg.choices.push_back("layers " + std::to_string(best_layers) + ": exact parameter count " +
                          format_fixed(model_param_counts(probe).total / 1e9, 2) + "B, closest to " +
                          format_number(in.model_size_b) + "B (NeMo's 12h^2-per-layer search would pick differently)");
}

}  // namespace

Result<BaseConfig> base_config_generate(const BaseConfigInputs& in) {
    if (!(in.max_training_days > 0) || !std::isfinite(in.max_training_days))
        return make_error(ErrorKind::out_of_range, "--days must be a positive number (got " + format_number(in.max_training_days) + ")");
    if (!(in.tokens_b > 0) || !std::isfinite(in.tokens_b))
        return make_error(ErrorKind::out_of_range, "--tokens-b must be a positive number (got " + format_number(in.tokens_b) + ")");
    if (in.nodes <= 0) return make_error(ErrorKind::out_of_range, "--nodes must be a positive integer (got " + std::to_string(in.nodes) + ")");
    if (in.gpus_per_node <= 0)
        return make_error(ErrorKind::out_of_range, "--gpus-per-node must be a positive integer (got " + std::to_string(in.gpus_per_node) + ")");

    Result<NemoArchitecture> arch = nemo_model_size_params(in.model_size_b, in.vocab, in.seq, in.family, NemoFlavor::launcher);
    if (!arch) return arch.error();
    Result<NemoGbsTpPp> seed = nemo_gbs_tp_pp(in.model_size_b, in.gpu_memory_gb, in.family, in.seq);
    if (!seed) return seed.error();

    BaseConfig cfg;
    cfg.family = in.family;
    cfg.name = in.family + "_" + size_label(in) + "b";
    cfg.time_limit = nemo_time_limit(in.max_training_days);
    cfg.max_time = nemo_max_time(in.max_training_days);
    cfg.gbs = seed->gbs;
    cfg.tp = seed->tp;
    cfg.pp = seed->pp;
    cfg.cp = seed->cp;
    cfg.ep = seed->ep;
    cfg.max_steps = (long long)(in.tokens_b * 1e9 / (double(in.seq) * cfg.gbs));
    cfg.num_layers = arch->layers;
    cfg.hidden = arch->hidden;
    cfg.heads = arch->heads;
    cfg.lr = arch->lr;
    cfg.min_lr = python_round(arch->lr * 0.1, 8);
    cfg.seq = in.seq;
    cfg.vocab = in.vocab;
    cfg.nodes = in.nodes;
    cfg.gpus_per_node = in.gpus_per_node;
    if (is_t5(in.family)) {
        cfg.ffn = std::to_string(*arch->ffn);
        cfg.kv_channels = arch->kv_channels;
        cfg.init_std = 0.015;
        cfg.warmup_ratio = 0.01;
    } else {
        // gpt3.yaml / bert.yaml keep ffn as an interpolation of hidden_size.
        cfg.ffn = in.family == "bert" ? std::to_string(4 * cfg.hidden) : "${multiply:4, ${.hidden_size}}";
        cfg.init_std = python_round(0.64 / std::sqrt(double(cfg.hidden)), 6);
        cfg.warmup_steps = (long long)(0.0015 * double(cfg.max_steps));
        cfg.constant_steps = (long long)(0.166 * double(cfg.max_steps));
    }
    cfg.sequence_parallel = !(in.model_size_b <= 13);
    if (in.heuristics == Heuristics::trainplan) apply_trainplan_choices(in, cfg);
    return cfg;
}

ModelSpec base_config_model(const BaseConfig& cfg) {
    ModelSpec m;
    m.name = cfg.name;
    m.family = cfg.family;
    m.layers = cfg.num_layers;
    m.hidden = cfg.hidden;
    m.heads = cfg.heads;
    m.kv_heads = cfg.num_query_groups.value_or(cfg.heads);
    m.head_dim = cfg.kv_channels.value_or(cfg.hidden / cfg.heads);
    m.ffn = cfg.ffn.empty() || cfg.ffn[0] == '$' ? 4 * cfg.hidden : std::stoi(cfg.ffn);
    m.vocab = cfg.vocab;
    m.max_seq = cfg.seq;
    if (cfg.family == "gpt3" || cfg.family == "bert") {
        model_use_classic_layout(m);
        if (cfg.family == "bert") m.arch = Architecture::encoder;
    } else if (is_t5(cfg.family)) {
        m.arch = Architecture::encoder_decoder;
        m.decoder_layers = cfg.num_layers;
        m.position = PositionKind::relative;
        m.relative_buckets = 32;
    }
    return m;
}

std::string base_config_to_yaml(const BaseConfig& cfg) {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "run" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << cfg.name;
    out << YAML::Key << "results_dir" << YAML::Value << "${base_results_dir}/${.name}";
    out << YAML::Key << "time_limit" << YAML::Value << YAML::DoubleQuoted << cfg.time_limit;
    out << YAML::Key << "dependency" << YAML::Value << "singleton";
    out << YAML::EndMap;

    out << YAML::Key << "trainer" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "num_nodes" << YAML::Value << cfg.nodes;
    out << YAML::Key << "devices" << YAML::Value << cfg.gpus_per_node;
    out << YAML::Key << "accelerator" << YAML::Value << "gpu";
    out << YAML::Key << "precision" << YAML::Value << "bf16";
    out << YAML::Key << "logger" << YAML::Value << false;
    out << YAML::Key << "enable_checkpointing" << YAML::Value << false;
    out << YAML::Key << "max_epochs" << YAML::Value << YAML::Null;
    out << YAML::Key << "max_steps" << YAML::Value << cfg.max_steps;
    out << YAML::Key << "max_time" << YAML::Value << YAML::DoubleQuoted << cfg.max_time;
    out << YAML::Key << "log_every_n_steps" << YAML::Value << 1;
    out << YAML::Key << "val_check_interval" << YAML::Value << 50;
    out << YAML::Key << "limit_val_batches" << YAML::Value << 1;
    out << YAML::Key << "accumulate_grad_batches" << YAML::Value << 1;
    out << YAML::Key << "gradient_clip_val" << YAML::Value << python_float_repr(1.0);
    out << YAML::EndMap;

    out << YAML::Key << "exp_manager" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "explicit_log_dir" << YAML::Value << "${training.run.results_dir}/results";
    out << YAML::Key << "exp_dir" << YAML::Value << YAML::Null;
    out << YAML::Key << "name" << YAML::Value << "megatron_" + cfg.family;
    out << YAML::Key << "create_checkpoint_callback" << YAML::Value << false;
    out << YAML::EndMap;

    auto emit_double = [&](const char* key, double v) {
        out << YAML::Key << key << YAML::Value << python_float_repr(v);
    };
    auto emit_ffn = [&]() {
        if (!cfg.ffn.empty() && cfg.ffn[0] == '$')
            out << YAML::Key << "ffn_hidden_size" << YAML::Value << cfg.ffn;
        else
            out << YAML::Key << "ffn_hidden_size" << YAML::Value << std::stoi(cfg.ffn);
    };
    out << YAML::Key << "model" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "micro_batch_size" << YAML::Value << 1;
    out << YAML::Key << "global_batch_size" << YAML::Value << cfg.gbs;
    out << YAML::Key << "tensor_model_parallel_size" << YAML::Value << cfg.tp;
    out << YAML::Key << "pipeline_model_parallel_size" << YAML::Value << cfg.pp;
    if (cfg.cp) out << YAML::Key << "context_parallel_size" << YAML::Value << *cfg.cp;
    if (cfg.ep) out << YAML::Key << "expert_model_parallel_size" << YAML::Value << *cfg.ep;
    out << YAML::Key << "virtual_pipeline_model_parallel_size" << YAML::Value << YAML::Null;
    if (is_t5(cfg.family)) {
        out << YAML::Key << "seq_length" << YAML::Value << cfg.seq;
        out << YAML::Key << "max_position_embeddings" << YAML::Value << "${.seq_length}";
        for (const char* stack : {"encoder", "decoder"}) {
            out << YAML::Key << stack << YAML::Value << YAML::BeginMap;
            out << YAML::Key << "num_layers" << YAML::Value << cfg.num_layers;
            out << YAML::Key << "hidden_size" << YAML::Value << cfg.hidden;
            emit_ffn();
            out << YAML::Key << "num_attention_heads" << YAML::Value << cfg.heads;
            out << YAML::Key << "kv_channels" << YAML::Value << *cfg.kv_channels;
            emit_double("init_method_std", cfg.init_std);
            out << YAML::EndMap;
        }
    } else {
        out << YAML::Key << "encoder_seq_length" << YAML::Value << cfg.seq;
        out << YAML::Key << "max_position_embeddings" << YAML::Value << cfg.seq;
        out << YAML::Key << "num_layers" << YAML::Value << cfg.num_layers;
        out << YAML::Key << "hidden_size" << YAML::Value << cfg.hidden;
        emit_ffn();
        out << YAML::Key << "num_attention_heads" << YAML::Value << cfg.heads;
        if (cfg.num_query_groups) out << YAML::Key << "num_query_groups" << YAML::Value << *cfg.num_query_groups;
        out << YAML::Key << "kv_channels" << YAML::Value << YAML::Null;
        emit_double("init_method_std", cfg.init_std);
        out << YAML::Key << "sequence_parallel" << YAML::Value << cfg.sequence_parallel;
        out << YAML::Key << "activations_checkpoint_granularity" << YAML::Value << YAML::Null;
        out << YAML::Key << "activations_checkpoint_method" << YAML::Value << YAML::Null;
        out << YAML::Key << "activations_checkpoint_num_layers" << YAML::Value << YAML::Null;
    }
    out << YAML::Key << "make_vocab_size_divisible_by" << YAML::Value << 128;
    out << YAML::Key << "tokenizer" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "vocab_size" << YAML::Value << cfg.vocab;
    out << YAML::EndMap;
    out << YAML::Key << "optim" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << "mcore_distributed_optim";
    emit_double("lr", cfg.lr);
    emit_double("weight_decay", cfg.family == "gpt3" ? 0.1 : 0.01);
    out << YAML::Key << "sched" << YAML::Value << YAML::BeginMap;
    if (cfg.warmup_ratio) {
        out << YAML::Key << "name" << YAML::Value << "WarmupAnnealing";
        emit_double("warmup_ratio", *cfg.warmup_ratio);
    } else {
        out << YAML::Key << "name" << YAML::Value << "CosineAnnealing";
        out << YAML::Key << "warmup_steps" << YAML::Value << *cfg.warmup_steps;
        out << YAML::Key << "constant_steps" << YAML::Value << *cfg.constant_steps;
    }
    emit_double("min_lr", cfg.min_lr);
    out << YAML::EndMap;  // sched
    out << YAML::EndMap;  // optim
    out << YAML::EndMap;  // model
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace tp
