// model_presets.hpp — named models with their published architectures.
//
// Each preset cites the config it was transcribed from (Hugging Face config.json of the
// released checkpoint, or the NeMo launcher's training YAML for the GPT-3 sizes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model.hpp"
#include "result.hpp"

namespace tp {

struct ModelPreset {
    ModelSpec spec;
    double published_params_b = 0;        // total parameters as the authors state them (billions)
    double published_active_params_b = 0; // MoE only: active parameters per token (billions)
    std::string published_source;         // where that published count is stated
};

const std::vector<ModelPreset>& model_presets();

// Looks a preset up by name; accepts the aliases used by ../shared/data/finetune
// (e.g. "mixtral-8x7b-instruct-v0.1" resolves to mixtral-8x7b).
Result<ModelSpec> model_preset_find(std::string_view name);

// Comma-separated preset names, for --help and error messages.
std::string model_preset_names();

}  // namespace tp
