#include "plan_inputs.hpp"

#include <cmath>
#include <filesystem>
#include <iostream>

#include "hardware.hpp"
#include "nemo_base_config.hpp"
#include "plan_from_inputs.hpp"
#include "search_config.hpp"
#include "text.hpp"

namespace tp::cli {

namespace fs = std::filesystem;

namespace {


Result<std::vector<RecomputeChoice>> recompute_from_act_layers(const std::optional<std::vector<int>>& layers) {
    std::vector<RecomputeChoice> out;
    if (!layers) return out;
    for (int n : *layers) out.push_back(n == 0 ? RecomputeChoice{Recompute::none, 0} : RecomputeChoice{Recompute::full, n});
    return out;
}

// The search config's custom_config path with ${auto_configurator_path} resolved.
Result<std::string> custom_config_path(const std::string& written, const PlanFlags& f) {
    const std::string key = "${auto_configurator_path}";
    std::string path = written;
    if (const size_t at = path.find(key); at != std::string::npos) {
        if (f.auto_configurator_path.empty())
            return make_error(ErrorKind::invalid_argument,
                              f.search_config + ": train_settings.custom_config: " + written +
                                  " needs auto_configurator_path: pass auto_configurator_path=DIR (the NeMo launcher's "
                                  "auto_configurator folder), or give the model with --model/--hf-config");
        path.replace(at, key.size(), f.auto_configurator_path);
    }
    if (path.find("${") != std::string::npos)
        return make_error(ErrorKind::invalid_argument,
                          f.search_config + ": train_settings.custom_config: '" + written + "' has an interpolation trainplan cannot resolve");
    return path;
}

// --search-config FILE [key=value ...]: what the NeMo launcher would do with the same file.
Result<PreparedPlan> from_search_config(const PlanFlags& f, const CLI::App& app) {
    Result<std::string> text = read_text_file(f.search_config);
    if (!text) return text.error();
    Result<LauncherSearchConfig> sc = search_config_parse(*text, f.search_config, f.overrides);
    if (!sc) return sc.error();
    const LauncherTrainSettings& t = sc->train;
    PreparedPlan p;
    PlanRequest& r = p.request;
    // NeMo's model name is the search config's folder: conf/search_config/<family>/<size>.yaml.
    r.model_name = app.count("--model-family") ? f.family : fs::path(f.search_config).parent_path().filename().string();
    if (r.model_name.empty()) r.model_name = f.family;
    const std::string gpu_name = app.count("--gpu") ? f.cluster.gpu : search_config_gpu(t.gpu_memory_gb);
    if (!app.count("--gpu"))
        p.choices.push_back("GPU " + gpu_name + " for gpu_memory_gb " + std::to_string(t.gpu_memory_gb) +
                            " (NeMo's tables are A100 tables); pass --gpu for another");
    Result<GpuSpec> gpu = gpu_find(gpu_name);
    if (!gpu) return gpu.error();
    r.gpu = *gpu;
    double size_b = 0;
    if (t.model_size_b) {
        size_b = *t.model_size_b;
    } else {
        // unknown_size presets: the launcher sizes the model from the compute budget first.
        Result<double> est = nemo_estimate_model_size_b(t.max_training_days, double(t.num_nodes * t.gpus_per_node), t.tflops_per_gpu,
                                                        t.num_tokens_in_b, r.model_name);
        if (!est) return est.error();
        size_b = *est;
        p.choices.push_back("model_size_in_b is null: NeMo's size estimate " + format_number(size_b) + "B from the compute budget");
    }
    r.size_label = t.model_size_is_float || !t.model_size_b ? python_float_repr(size_b) : format_number(size_b);
    int devices = t.gpus_per_node;
    Result<std::optional<ModelSpec>> given = resolve_model(f.model);
    if (!given) return given.error();
    if (!t.custom_config.empty() && !given.value()) {
        Result<std::string> path = custom_config_path(t.custom_config, f);
        if (!path) return path.error();
        Result<std::string> base_text = read_text_file(*path);
        if (!base_text) return base_text.error();
        Result<NemoBaseConfig> base = nemo_base_config_read(*base_text, *path, r.model_name, t.vocab_size);
        if (!base) return base.error();
        r.model = base->model;
        r.base_yaml = *base_text;
        r.base_run_name = base->run_name;
        r.base.gbs = base->gbs;
        r.act_method = base->act_method;
        devices = base->devices;
    } else {
        Result<BaseConfig> cfg = base_config_generate(search_config_base_inputs(t, size_b, r.model_name));
        if (cfg && given.value()) {
            // A model given with --model/--hf-config replaces the architecture NeMo's tables would pick.
            TrainConfig shape;
            shape.nodes = t.num_nodes, shape.gpus_per_node = t.gpus_per_node, shape.seq = t.seq_length;
            cfg = base_config_for_model(*given.value(), shape, t.max_training_days, t.num_tokens_in_b, p.choices);
        }
        if (!cfg) return cfg.error();
        r.model = given.value() ? *given.value() : base_config_model(*cfg);
        r.base_yaml = base_config_to_yaml(*cfg);
        r.base_run_name = cfg->name;
        r.base.gbs = cfg->gbs;
        r.act_method = "";  // the launcher's generated base configs leave activations_checkpoint_method null
    }
    Result<Cluster> cluster = resolve_cluster(f.cluster);
    if (!cluster) return cluster.error();
    const int gbs = r.base.gbs;
    r.base = cluster->base;
    r.base.gbs = gbs;
    r.base.nodes = t.num_nodes, r.base.gpus_per_node = devices, r.base.seq = t.seq_length;
    r.space.tp = t.tp.value_or(std::vector<int>{});
    r.space.pp = t.pp.value_or(std::vector<int>{});
    r.space.cp = t.cp.value_or(std::vector<int>{});
    r.space.ep = t.ep.value_or(std::vector<int>{});
    r.space.mbs = t.mbs.value_or(std::vector<int>{});
    r.space.recompute = *recompute_from_act_layers(t.act_ckpt_layers);
    NemoGridInput& n = r.nemo;
    n.model_type = r.model_name;
    n.model_size_b = size_b;
    n.model_size_is_float = t.model_size_is_float || !t.model_size_b;
    n.layers = r.model.layers, n.heads = r.model.heads, n.seq = t.seq_length;
    n.nodes = t.num_nodes, n.gpus_per_node = devices, n.gpu_memory_gb = t.gpu_memory_gb;
    n.tp = t.tp, n.pp = t.pp, n.cp = t.cp, n.ep = t.ep, n.mbs = t.mbs;
    n.min_model_parallel = t.min_model_parallel, n.max_model_parallel = t.max_model_parallel;
    r.act_ckpt_layers = t.act_ckpt_layers;
    r.limit_search_runs = t.limit_search_runs;
    r.max_steps_per_run = t.max_steps_per_run;
    r.max_minutes_per_run = t.max_minutes_per_run;
    SessionInputs& in = p.inputs;
    in.model = r.model;
    in.model_preset = f.model.preset;
    in.gpu = r.gpu.name;
    in.training = r.base;
    in.search_space = r.space;
    in.top = int(f.top);
    return p;
}

// --session FILE, or a model and cluster from flags, or --model-size-b alone.
Result<PreparedPlan> from_inputs(const PlanFlags& f, const CLI::App& app) {
    PreparedPlan p;
    PlanRequest& r = p.request;
    SessionInputs in;
    if (!f.session.empty()) {
        Result<Session> s = read_session(f.session, app,
                                         {"--model", "--hf-config", "--layers", "--nodes", "--gpus-per-node", "--gpu", "--seq", "--precision",
                                          "--model-size-b"});
        if (!s) return s.error();
        in = s->inputs;
        if (s->plan.contains("command_template") && s->plan["command_template"].is_string())
            p.session_command_template = s->plan["command_template"];
    } else {
        Result<Cluster> cluster = resolve_cluster(f.cluster);
        if (!cluster) return cluster.error();
        in.gpu = cluster->gpu.name;
        in.training = cluster->base;
        Result<std::optional<ModelSpec>> model = resolve_model(f.model);
        if (!model) return model.error();
        if (model.value()) {
            in.model = *model.value();
            in.model_preset = f.model.preset;
        } else {
            // --model-size-b: NeMo's size tables turn a size into an architecture.
            BaseConfigInputs b;
            char* end = nullptr;
            b.model_size_b = std::strtod(f.model_size_text.c_str(), &end);
            if (f.model_size_text.empty() || end == f.model_size_text.c_str() || *end != '\0')
                return make_error(ErrorKind::invalid_argument, "--model-size-b: '" + f.model_size_text + "' is not a number");
            b.model_size_is_float = f.model_size_text.find_first_of(".eE") != std::string::npos;
            b.family = f.family;
            b.nodes = in.training.nodes, b.gpus_per_node = in.training.gpus_per_node;
            b.gpu_memory_gb = f.gpu_memory_gb != 0 ? f.gpu_memory_gb : (cluster->gpu.nominal_memory_gb >= 80 ? 80 : 40);
            b.max_training_days = f.days, b.tokens_b = f.tokens_b;
            b.vocab = f.model.vocab > 0 ? f.model.vocab : 51200;  // --vocab; NeMo's GPT-3 default otherwise
            b.seq = app.count("--seq") ? in.training.seq : 2048;  // NeMo's default sequence
            b.heuristics = f.base_heuristics == "nemo" ? Heuristics::nemo : Heuristics::trainplan;
            Result<BaseConfig> cfg = base_config_generate(b);
            if (!cfg) return cfg.error();
            for (const std::string& c : cfg->choices) p.choices.push_back(c);
            in.model = base_config_model(*cfg);
            in.training.seq = b.seq;
            in.training.gbs = cfg->gbs;
            r.base_yaml = base_config_to_yaml(*cfg);
            r.base_run_name = cfg->name;
            p.size_base = *cfg;
            r.model_name = f.family;
            r.size_label = b.model_size_is_float ? python_float_repr(b.model_size_b) : format_number(b.model_size_b);
            r.nemo.model_size_b = b.model_size_b;
            r.nemo.model_size_is_float = b.model_size_is_float;
            r.nemo.gpu_memory_gb = b.gpu_memory_gb;
        }
        in.heuristics = f.heuristics;
        in.top = int(f.top);
        Result<SearchSpace> space = resolve_space(f.space);
        if (!space) return space.error();
        in.search_space = *space;
    }
    // The base config's schedule: --days and --tokens-b when given (or without a session), else the session's
    // budget (what the page's budget tab shows), so a session planned here and in the page gives the same files.
    if (f.session.empty() || app.count("--days")) in.budget.days = f.days;
    if (f.session.empty() || app.count("--tokens-b")) in.budget.tokens_b = f.tokens_b;
    if (r.base_yaml.empty()) {
        // A model given whole: what the page plans from the same inputs (core/plan_from_inputs).
        Result<PlanRequest> whole =
            plan_request_from_inputs(in, {in.budget.days, in.budget.tokens_b, f.max_steps, f.max_minutes}, p.choices);
        if (!whole) return whole.error();
        r = *whole;
        p.inputs = in;
        return p;
    }
    // --model-size-b: the architecture and base config from NeMo's size tables (above).
    Result<GpuSpec> gpu = gpu_find(in.gpu);
    if (!gpu) return gpu.error();
    r.gpu = *gpu;
    r.model = in.model;
    r.base = in.training;
    r.space = in.search_space;
    r.top = size_t(in.top);
    plan_fill_nemo_input(r, f.max_steps, f.max_minutes);
    p.inputs = in;
    return p;
}

}  // namespace

void add_plan_flags(CLI::App& app, PlanFlags& f) {
    add_model_flags(app, f.model);
    add_cluster_flags(app, f.cluster);
    add_space_flags(app, f.space);
    app.add_option("--search-config", f.search_config,
                   "NeMo launcher search config (conf/search_config/<family>/<size>.yaml); key=value arguments override its keys");
    app.add_option("overrides", f.overrides,
                   "Hydra-style overrides of the search config: train_settings.num_nodes=8, +train_settings.context_parallel_sizes=[1,2], "
                   "auto_configurator_path=DIR (resolves custom_config)");
    app.add_option("--session", f.session, "Session file to plan from (in place of the model, cluster and search flags)");
    app.add_option("--model-size-b", f.model_size_text, "Model size in billions of parameters (NeMo's size tables pick the architecture)");
    app.add_option("--model-family", f.family, "NeMo model name: gpt3, llama, mixtral, mistral, gemma, nemotron, qwen, starcoder, t5, mt5, bert")
        ->capture_default_str();
    app.add_option("--heuristics", f.heuristics,
                   "trainplan: memory-aware ranked candidates; nemo: the NeMo launcher's grid, file for file")
        ->check(CLI::IsMember({"nemo", "trainplan"}))
        ->capture_default_str();
    app.add_option("--base-heuristics", f.base_heuristics,
                   "--model-size-b: nemo (the launcher's architecture) or trainplan (adds GQA/SwiGLU and exact sizing)")
        ->check(CLI::IsMember({"nemo", "trainplan"}))
        ->capture_default_str();
    app.add_option("--gpu-memory-gb", f.gpu_memory_gb, "--model-size-b: NeMo's GPU memory class, 40 or 80 (default: the GPU's)");
    app.add_option("--days", f.days, "Maximum training days (Slurm time limit of the base config; with --session: the session's inputs.budget.days unless given)")->capture_default_str();
    app.add_option("--tokens-b", f.tokens_b, "Training tokens in billions (with --session: the session's inputs.budget.tokens_b unless given)")->capture_default_str();
    app.add_option("--max-steps-per-run", f.max_steps, "Steps each candidate runs (NeMo's max_steps_per_run)")->capture_default_str();
    app.add_option("--max-minutes-per-run", f.max_minutes, "Time limit of each candidate run (NeMo's max_minutes_per_run)")
        ->capture_default_str();
    app.add_option("--top", f.top, "trainplan heuristics: candidates written, best first (0 = every one that fits)")->capture_default_str();
    app.add_option("--auto-configurator-path", f.auto_configurator_path, "The NeMo launcher's auto_configurator folder (for custom_config)");
    app.add_option("--nemo-recipe", f.nemo_recipe, "NeMo 2.0 recipe for the launch commands (default: the model's, e.g. llama3_70b)");
}

Result<PreparedPlan> plan_prepare(PlanFlags& f, const CLI::App& app) {
    // auto_configurator_path is the launcher's own top-level key, not a search-config key.
    std::vector<std::string> overrides;
    for (const std::string& o : f.overrides) {
        if (o.rfind("auto_configurator_path=", 0) == 0) f.auto_configurator_path = o.substr(23);
        else overrides.push_back(o);
    }
    f.overrides = overrides;
    if (!f.overrides.empty() && f.search_config.empty())
        return make_error(ErrorKind::invalid_argument, "'" + f.overrides.front() + "': key=value overrides need --search-config FILE");
    const bool size_only = f.search_config.empty() && f.session.empty() && f.model.preset.empty() && f.model.hf_config.empty() &&
                           f.model.layers == 0;
    if (size_only && f.model_size_text.empty())
        return make_error(ErrorKind::invalid_argument,
                          "give what to plan: --search-config FILE, --session FILE, --model NAME (or --hf-config, explicit "
                          "--layers ...), or --model-size-b N");
    if ((!f.search_config.empty() || !f.session.empty()) && space_flags_given(app))
        return make_error(ErrorKind::invalid_argument, std::string(f.search_config.empty() ? "--session" : "--search-config") +
                                                           " has its own search space: change it there (or with key=value overrides), not with --tp/--pp/...");
    Result<PreparedPlan> prepared = f.search_config.empty() ? from_inputs(f, app) : from_search_config(f, app);
    if (!prepared) return prepared.error();
    prepared.value().size_only = size_only;
    PlanRequest& r = prepared.value().request;
    r.heuristics = f.heuristics == "nemo" ? Heuristics::nemo : Heuristics::trainplan;
    if (!f.search_config.empty() || app.count("--top")) r.top = f.top;  // a session keeps its own unless --top is given
    if (!f.nemo_recipe.empty()) r.launch.nemo_recipe = f.nemo_recipe;
    prepared.value().inputs.heuristics = f.heuristics;
    return prepared;
}

Result<std::vector<std::string>> plan_write(const std::string& dir, const PlanRequest& r, const Plan& plan, const std::string& manifest) {
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "candidate_configs", ec);
    if (!ec) fs::create_directories(fs::path(dir) / "launch", ec);
    if (ec) return make_error(ErrorKind::not_found, dir + ": cannot create the output folder (" + ec.message() + ")");
    const std::vector<std::pair<std::string, std::string>> files = plan_files(r, plan, manifest);
    std::vector<std::string> written;
    for (const auto& [name, text] : files) {
        const std::string path = (fs::path(dir) / name).string();
        Result<bool> w = write_text_file(path, text);
        if (!w) return w.error();
        written.push_back(path);
    }
    return written;
}


}  // namespace tp::cli
