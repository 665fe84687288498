// cli_common.hpp — flags shared by several subcommands, and the one place that reads files.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "model.hpp"
#include "result.hpp"

namespace tp::cli {

// --model NAME | --hf-config FILE | explicit --layers --hidden ... (design.md, "Common flags").
struct ModelFlags {
    std::string preset;
    std::string hf_config;
    int layers = 0, hidden = 0, ffn = 0, heads = 0, kv_heads = 0, vocab = 0, experts = 0, topk = 0;
    std::string family = "llama";
};
void add_model_flags(CLI::App& app, ModelFlags& f);
// The model the flags describe, or nothing when none was given.
Result<std::optional<ModelSpec>> resolve_model(const ModelFlags& f);

Result<std::string> read_text_file(const std::string& path);
Result<bool> write_text_file(const std::string& path, const std::string& text);

// Prints "trainplan: <message>" to stderr and returns the exit status for bad input.
int fail(const Error& e);

}  // namespace tp::cli
