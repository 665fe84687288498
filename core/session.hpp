// session.hpp — the JSON session file both front ends read and write (design.md, "The session file").
//
//   {"format": "trainplan-session", "schema_version": 1,
//    "inputs": {"model": {...}, "cluster": {...}, "training": {...}, "search_space": {...}, "mode": {...},
//               "budget": {...}, "finetune": {...}, "inference": {...} (these two only when not the defaults)},
//    "plan": {...},   derived and recomputable (grid_json, generated files); kept as written
//    "runs": [...]}   per candidate run results (the empirical search writes these); kept as written
//
// The model is stored whole (every ModelSpec field), with the preset name when it came from one, so a
// session made from a Hugging Face config.json runs the same on a machine that never saw that file.
// A file from a newer schema is refused; everything read is untrusted input, so every field is checked
// and an error names the JSON path of the bad field (and the line and column of a syntax error).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "finetune.hpp"
#include "inference.hpp"
#include "model.hpp"
#include "result.hpp"
#include "search.hpp"
#include "train_config.hpp"

namespace tp {

inline constexpr const char* kSessionFormat = "trainplan-session";
inline constexpr int kSessionSchemaVersion = 1;

// The budget question (`trainplan recommend`; the page's budget tab) and the schedule `generate` writes into the
// base config: how big a model `days` allow, or how many days the session's model takes, for `tokens_b` tokens.
struct BudgetInputs {
    double days = 5;                    // NeMo's launcher example (conf/config.yaml: max_training_days 5)
    double tokens_b = 300;              // training tokens, billions (the launcher's num_tokens_in_b default)
    double nemo_tflops_per_gpu = 140;   // NeMo's assumed achieved TFLOP/s per GPU (launcher default)
    double mfu = 0;                     // trainplan's assumed MFU; 0 = default_mfu(precision) (recommend.hpp)
    std::string family = "gpt3";        // NeMo's family for the size rule
    bool days_for_model = false;        // false: model size for `days`; true: days for the session's model
};

struct SessionInputs {
    ModelSpec model;
    std::string model_preset;      // "" when the model came from a config.json or explicit numbers
    std::string gpu = "h100-sxm";  // catalog name
    TrainConfig training;          // nodes, GPUs per node, seq, gbs (0 = open), precision, framework, margin, ...
    SearchSpace search_space;      // empty lists = auto
    std::string heuristics = "trainplan";  // trainplan | nemo
    int top = 10;                  // candidates to show
    BudgetInputs budget;
    FinetuneInputs finetune;       // "finetune": the fine-tuning panel / finetune-gpus; written only when not the defaults
    InferenceInputs inference;     // "inference": the inference panel / `trainplan inference`; likewise
};

struct Session {
    SessionInputs inputs;
    nlohmann::json plan = nlohmann::json::object();
    nlohmann::json runs = nlohmann::json::array();
};

// Parses and checks a session document. `source` names the file (or "share link") in messages:
//   "plan.json: inputs.cluster.nodes: expected an integer from 1 to 100000, got \"eight\"".
Result<Session> session_parse(std::string_view text, std::string_view source);

// The inputs part as JSON (also what a share link carries), and the whole document.
nlohmann::json session_inputs_json(const SessionInputs& in);
std::string session_to_json(const Session& s);

}  // namespace tp
