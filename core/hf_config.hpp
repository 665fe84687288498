// hf_config.hpp — import a Hugging Face `config.json` into a ModelSpec.
//
// Supported `architectures`: Llama, Mistral, Mixtral, Qwen2, Gemma, Gemma2, GPT-2, GPT-NeoX,
// Starcoder2, Granite and GraniteMoe causal LMs. Anything else (DeepSeek-V3's multi-head latent
// attention among them) is refused with a message naming the architecture; a missing or
// malformed field is an error naming the field, and a JSON syntax error names line and column.
#pragma once

#include <string_view>

#include "model.hpp"
#include "result.hpp"

namespace tp {

// `text` is the file's content, `source` its name for messages (e.g. "llama/config.json").
Result<ModelSpec> hf_config_parse(std::string_view text, std::string_view source);

// Supported architecture names, comma-separated (for --help and messages).
const char* hf_config_supported_architectures();

}  // namespace tp
