// nemo_base_config.hpp — reading a NeMo launcher base config (auto_configurator/base_configs/*.yaml, or the
// file a search config names in train_settings.custom_config): the model it trains and the fields the
// candidate grid needs. Keys as in NVIDIA/NeMo-Framework-Launcher@26e42fa9 base_configs/llama3_8b.yaml
// (model.num_layers, hidden_size, ffn_hidden_size, num_attention_heads, num_query_groups,
// encoder_seq_length, global_batch_size, activations_checkpoint_method, activation, normalization,
// position_embedding_type, share_embeddings_and_output_weights, num_moe_experts, moe_router_topk).
#pragma once

#include <string>
#include <string_view>

#include "model.hpp"
#include "result.hpp"

namespace tp {

struct NemoBaseConfig {
    ModelSpec model;
    std::string run_name;     // run.name
    int gbs = 0;              // model.global_batch_size
    int seq = 0;              // model.encoder_seq_length (or model.data.seq_length)
    int devices = 8;          // trainer.devices
    std::string act_method;   // model.activations_checkpoint_method: "block", "uniform" or "" (null)
};

// family: NeMo's model name (llama, gpt3, qwen2, ...); vocab: the search config's vocab_size (base configs
// name a tokenizer file, not a size). Errors name the key and the line: "llama3_8b.yaml:27: model.hidden_size: ...".
Result<NemoBaseConfig> nemo_base_config_read(std::string_view text, std::string_view source, const std::string& family, int vocab);

}  // namespace tp
