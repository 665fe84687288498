#include "run_template.hpp"

#include <array>
#include <functional>
#include <optional>

namespace tp {

namespace {

// Whole numbers a template may carry, each read off the candidate.
long long numeric_value(std::string_view key, const RunValues& v, bool& found) {
    const TrainConfig& c = v.config;
    found = true;
    if (key == "tp") return c.tp;
    if (key == "pp") return c.pp;
    if (key == "cp") return c.cp;
    if (key == "ep") return c.ep;
    if (key == "vp") return c.vp;
    if (key == "mbs") return c.mbs;
    if (key == "gbs") return c.gbs;
    if (key == "seq") return c.seq;
    if (key == "max_steps") return v.max_steps;
    if (key == "nodes") return c.nodes;
    if (key == "gpus_per_node") return c.gpus_per_node;
    if (key == "gpus") return c.gpus();
    if (key == "recompute_layers") return c.recompute_layers;
    found = false;
    return 0;
}

std::string directory_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
}
std::string stem_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const size_t dot = name.rfind('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

// Text values, shell-quoted; nullopt when `key` is not a text placeholder.
std::optional<std::string> text_value(std::string_view key, const RunValues& v) {
    if (key == "recompute") return std::string(recompute_name(v.config.recompute));
    if (key == "precision") return std::string(precision_name(v.config.precision));
    if (key == "log_dir") return shell_quote(v.log_dir);
    if (key == "name") return shell_quote(v.name);
    if (key == "config_file") return shell_quote(v.config_file);
    if (key == "config_dir") return shell_quote(directory_of(v.config_file));
    if (key == "config_name") return shell_quote(stem_of(v.config_file));
    return std::nullopt;
}

constexpr std::array<const char*, 20> kPlaceholders{"tp", "pp", "cp", "ep", "vp", "mbs", "gbs", "seq", "max_steps", "nodes",
                                                    "gpus_per_node", "gpus", "recompute", "recompute_layers", "precision",
                                                    "log_dir", "name", "config_file", "config_dir", "config_name"};

// Walks the template, calling on_text for literal text and on_key for each {key} (one of `keys`); stops at
// the first error.
template <typename Keys, typename OnText, typename OnKey>
Result<bool> walk(std::string_view t, const Keys& keys, OnText on_text, OnKey on_key) {
    auto known = [&](std::string_view key) {
        for (const auto& k : keys)
            if (key == k) return true;
        return false;
    };
    for (size_t i = 0; i < t.size();) {
        if (t.compare(i, 2, "{{") == 0 || t.compare(i, 2, "}}") == 0) {
            on_text(t.substr(i, 1));
            i += 2;
        } else if (t[i] == '{') {
            const size_t close = t.find('}', i);
            if (close == std::string_view::npos)
                return make_error(ErrorKind::parse_error, "command template, column " + std::to_string(i + 1) + ": '{' is never closed");
            const std::string_view key = t.substr(i + 1, close - i - 1);
            if (!known(key)) {
                std::string list;
                for (const auto& k : keys) list += (list.empty() ? "{" : ", {") + std::string(k) + "}";
                return make_error(ErrorKind::parse_error, "command template, column " + std::to_string(i + 1) + ": unknown placeholder {" +
                                                              std::string(key) + "} (known: " + list + "; {{ and }} for braces)");
            }
            if (Result<bool> r = on_key(key); !r) return r;
            i = close + 1;
        } else if (t[i] == '}') {
            return make_error(ErrorKind::parse_error, "command template, column " + std::to_string(i + 1) + ": '}' without '{' (write }} for a brace)");
        } else {
            const size_t next = t.find_first_of("{}", i);
            const size_t end = next == std::string_view::npos ? t.size() : next;
            on_text(t.substr(i, end - i));
            i = end;
        }
    }
    return true;
}

}  // namespace

std::vector<std::string> template_placeholders() { return {kPlaceholders.begin(), kPlaceholders.end()}; }

Result<bool> template_check(std::string_view text) {
    return template_check_keys(text, template_placeholders());
}

Result<bool> template_check_keys(std::string_view text, const std::vector<std::string>& keys) {
    if (text.find('\n') != std::string_view::npos || text.find('\r') != std::string_view::npos)
        return make_error(ErrorKind::parse_error, "command template: one line only (no newlines)");
    return walk(text, keys, [](std::string_view) {}, [](std::string_view) -> Result<bool> { return true; });
}

Result<std::string> template_expand(std::string_view text, const std::vector<std::string>& keys,
                                    const std::function<Result<std::string>(std::string_view)>& value) {
    if (Result<bool> ok = template_check_keys(text, keys); !ok) return ok.error();
    std::string out;
    Result<bool> ok = walk(
        text, keys, [&](std::string_view s) { out += s; },
        [&](std::string_view key) -> Result<bool> {
            Result<std::string> v = value(key);
            if (!v) return v.error();
            out += *v;
            return true;
        });
    if (!ok) return ok.error();
    return out;
}

Result<std::string> template_fill(std::string_view text, const RunValues& v) {
    if (Result<bool> ok = template_check(text); !ok) return ok.error();
    std::string out;
    Result<bool> ok = walk(
        text, kPlaceholders, [&](std::string_view s) { out += s; },
        [&](std::string_view key) -> Result<bool> {
            bool numeric = false;
            const long long n = numeric_value(key, v, numeric);
            if (numeric) {
                // {recompute_layers} may be 0 (all layers); every other number is a positive size.
                if (n < (key == "recompute_layers" ? 0 : 1))
                    return make_error(ErrorKind::invalid_argument, "command template: {" + std::string(key) + "} is " + std::to_string(n));
                out += std::to_string(n);
                return true;
            }
            out += *text_value(key, v);
            return true;
        });
    if (!ok) return ok.error();
    return out;
}

Result<std::string> template_command(const RunTemplate& t, const ModelSpec& m, const RunValues& v) {
    if (t.builtin.empty()) return template_fill(t.text, v);
    LaunchOptions o;
    o.max_steps = v.max_steps;
    o.run_name = v.name;
    if (t.builtin == "nemo2") return nemo2_command(m, v.config, o);
    if (t.builtin == "megatron_lm") return megatron_lm_command(m, v.config, o);
    if (t.builtin == "torchtitan") return torchtitan_command(m, v.config, o);
    return make_error(ErrorKind::unknown_name, "command template: unknown built-in '" + t.builtin + "'");
}

Result<RunTemplate> template_builtin(std::string_view name, const ModelSpec& m) {
    RunTemplate t;
    t.origin = TemplateOrigin::builtin;
    if (name == "nemo2" || name == "megatron_lm" || name == "torchtitan") {
        t.builtin = std::string(name);
        if (name == "nemo2" && nemo2_recipe_name(m).empty())
            return make_error(ErrorKind::unsupported, "template nemo2: NeMo 2.0 ships no recipe for " + m.name +
                                                          "; use megatron_lm, torchtitan or nemo_launcher");
        return t;
    }
    if (name == "nemo_launcher") {
        // NeMo 1.x runs a launcher candidate YAML with this script (the launcher's training stage does the same).
        t.text = "python3 -u ${{NEMO_DIR:-/opt/NeMo}}/examples/nlp/language_modeling/megatron_gpt_pretraining.py "
                 "--config-path={config_dir} --config-name={config_name} trainer.max_steps={max_steps} "
                 "exp_manager.explicit_log_dir={log_dir}";
        return t;
    }
    return make_error(ErrorKind::unknown_name, "--template '" + std::string(name) + "': not one of nemo2, nemo_launcher, megatron_lm, torchtitan");
}

bool template_may_run(const RunTemplate& t, bool trust_session) { return t.origin != TemplateOrigin::session_file || trust_session; }

}  // namespace tp
