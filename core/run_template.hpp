// run_template.hpp — the command an empirical search runs for one candidate: a template with
// placeholders, filled with validated, shell-quoted values.
//
// Placeholders: {tp} {pp} {cp} {ep} {vp} {mbs} {gbs} {seq} {max_steps} {nodes} {gpus_per_node} {gpus}
// {recompute} {recompute_layers} {precision} {log_dir} {name} {config_file} {config_dir} {config_name},
// and {{ / }} for literal braces.
// Numbers are checked to be what the candidate holds (positive integers); text values ({log_dir}, {name},
// {config_file}) are shell-quoted, so a hostile name such as `x; rm -rf ~` stays one inert word.
// Unknown placeholders and unbalanced braces are errors naming the column.
//
// Built-in templates (`template_builtin`): nemo2, megatron_lm and torchtitan render the framework's launch
// command (launch_commands.hpp) for each candidate with the step limit and run name set; nemo_launcher runs
// the candidate's NeMo launcher YAML with NeMo's megatron_gpt_pretraining.py (the script the launcher's
// training stage runs), $NEMO_DIR defaulting to /opt/NeMo as in NVIDIA's containers.
//
// Trust: a template that came from a session file someone else wrote must not run unless the user
// passes it on the command line or says --trust-session (a shared link must never become remote code
// execution). `TemplateOrigin` records where a template came from so the caller can enforce that.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "launch_commands.hpp"
#include "model.hpp"
#include "result.hpp"
#include "train_config.hpp"

namespace tp {

enum class TemplateOrigin { builtin, command_line, session_file };

struct RunTemplate {
    std::string text;     // a template with placeholders (empty for the emitter-backed built-ins)
    std::string builtin;  // nemo2 | megatron_lm | torchtitan: rendered by launch_commands.hpp per candidate
    TemplateOrigin origin = TemplateOrigin::command_line;
};

// What one candidate run fills in.
struct RunValues {
    TrainConfig config;
    long long max_steps = 50;
    std::string log_dir;      // the run's own folder
    std::string name;         // the candidate's name
    std::string config_file;  // its candidate YAML, when there is one
};

// The placeholder names, for --help and messages.
std::vector<std::string> template_placeholders();

// Checks a template without filling it: every {name} known, braces balanced.
Result<bool> template_check(std::string_view text);

// The same check against another placeholder set (core/inference_template.hpp uses it).
Result<bool> template_check_keys(std::string_view text, const std::vector<std::string>& keys);
// Expands a one-line template whose placeholders are `keys`: `value` gives each key's text (already quoted
// where it is text); {{ and }} are literal braces. Errors name the column, as template_fill's.
Result<std::string> template_expand(std::string_view text, const std::vector<std::string>& keys,
                                    const std::function<Result<std::string>(std::string_view)>& value);

// The filled command line (one shell line).
Result<std::string> template_fill(std::string_view text, const RunValues& v);

// The command for one candidate: the filled template, or the built-in framework's command.
Result<std::string> template_command(const RunTemplate& t, const ModelSpec& m, const RunValues& v);

// nemo2 | nemo_launcher | megatron_lm | torchtitan, for this model; unknown names are an error listing them.
Result<RunTemplate> template_builtin(std::string_view name, const ModelSpec& m);

// True when the template may run: built-in, given on the command line, or from a session the user trusts.
bool template_may_run(const RunTemplate& t, bool trust_session);

}  // namespace tp
