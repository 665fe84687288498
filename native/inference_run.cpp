// inference_run.cpp — `trainplan inference --measure local|slurm`: every predicted point through an engine's
// benchmark on the search's executors, parsed, kept, and compared with the prediction.
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "inference_cli.hpp"
#include "inference_output.hpp"
#include "inference_template.hpp"
#include "text.hpp"

namespace tp::cli {

namespace fs = std::filesystem;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

struct PointRun {
    size_t index = 0;  // in plan.points
    JobSpec job;
    std::string job_id;
    bool submitted = false, done = false;
};

// Reads a point's result.json written by an earlier (possibly interrupted) run: its measured latency, or NaN
// when it finished without one. nullopt when there is no complete result yet.
std::optional<double> read_result(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    Result<std::string> text = read_text_file(path);
    if (!text) return std::nullopt;
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("state")) return std::nullopt;  // half-written: run the point again
    if (j.contains("latency_ms") && j["latency_ms"].is_number()) return j["latency_ms"].get<double>();
    return NAN;
}

// The batch's latency from what the engine printed: its own end-to-end figure, or, for a throughput benchmark
// that ran exactly one batch of `batch` requests at once, batch / requests per second.
std::optional<double> batch_latency_ms(const InferenceMeasurement& m, int batch, std::string& how) {
    if (m.latency_ms) {
        how = "reported";
        return *m.latency_ms;
    }
    if (m.requests_per_s && *m.requests_per_s > 0) {
        how = "batch / requests_per_s";
        return batch / *m.requests_per_s * 1e3;
    }
    return std::nullopt;
}

// Parses a finished point's log, writes result.json (to a temporary name, then renamed, so a crash never
// leaves half a file), prints one line and returns the measured latency (NaN when none).
double finish_point(const PointRun& run, const InferencePoint& p, const JobStatus& status) {
    nlohmann::json out = {{"name", run.job.name}, {"tp", p.tp}, {"pp", p.pp}, {"batch", p.batch}, {"state", status.state},
                          {"predicted_latency_ms", p.latency.total * 1e3}};
    if (status.exit_code) out["exit_code"] = *status.exit_code;
    double measured = NAN;
    Result<std::string> log = read_text_file(run.job.log_file);
    if (!log) {
        out["failure"] = {{"kind", "crash"}, {"evidence", log.error().message}};
    } else {
        Result<InferenceMeasurement> m = inference_output_parse(*log);
        if (!m) {
            out["failure"] = {{"kind", status.state == "COMPLETED" ? "none" : "crash"}, {"evidence", m.error().message}};
            out["parse_error"] = m.error().message;
        } else {
            out["engine"] = inference_engine_name(m->engine);
            auto put = [&](const char* key, const std::optional<double>& v) {
                if (v) out[key] = *v;
            };
            put("ttft_ms", m->ttft_ms), put("tpot_ms", m->tpot_ms), put("requests_per_s", m->requests_per_s);
            put("output_tokens_per_s", m->output_tokens_per_s), put("total_tokens_per_s", m->total_tokens_per_s);
            std::string how;
            if (std::optional<double> ms = batch_latency_ms(*m, p.batch, how); ms && m->failure.kind == FailureKind::none) {
                measured = *ms;
                out["latency_ms"] = measured;
                out["latency_from"] = how;
                out["samples_per_s_per_gpu"] = p.batch * 1e3 / measured / (p.tp * p.pp);
            }
            out["failure"] = {{"kind", failure_kind_name(m->failure.kind)}, {"evidence", m->failure.evidence}};
        }
    }
    const std::string path = (fs::path(run.job.run_dir) / "result.json").string();
    if (Result<bool> ok = write_text_file(path + ".tmp", out.dump(2) + "\n"); ok) {
        std::error_code ec;
        fs::rename(path + ".tmp", path, ec);
    }
    if (!std::isnan(measured)) {
        std::fprintf(stderr, "inference: %s measured %.1f ms, predicted %.1f ms (%+.1f%%)\n", run.job.name.c_str(), measured,
                     p.latency.total * 1e3, (p.latency.total * 1e3 / measured - 1) * 100);
    } else {
        std::fprintf(stderr, "inference: %s %s, no latency (%s)\n", run.job.name.c_str(), status.state.c_str(),
                     out["failure"].value("kind", std::string("none")).c_str());
    }
    return measured;
}

Result<RunTemplate> choose_template(const InferenceFlags& f) {
    if (!f.command.empty() && !f.engine.empty()) return make_error(ErrorKind::invalid_argument, "give --engine or --command, not both");
    if (!f.command.empty()) {
        if (Result<bool> ok = inference_template_check(f.command); !ok) return ok.error();
        return RunTemplate{f.command, "", TemplateOrigin::command_line};
    }
    if (f.engine.empty())
        return make_error(ErrorKind::invalid_argument, "--measure needs --engine vllm|trtllm or --command TEMPLATE");
    return inference_template_builtin(f.engine);
}

}  // namespace

void add_inference_measure_flags(CLI::App& app, InferenceFlags& f) {
    app.add_option("--measure", f.measure, "Measure the points: local (process groups here) or slurm (sbatch/squeue/scancel)")
        ->check(CLI::IsMember({"local", "slurm"}));
    app.add_option("--engine", f.engine, "Built-in benchmark: vllm (vllm bench latency) or trtllm (trtllm-bench)");
    std::string keys;
    for (const std::string& k : inference_template_placeholders()) keys += (keys.empty() ? "{" : " {") + k + "}";
    app.add_option("--command", f.command, "Benchmark command template in place of --engine (placeholders: " + keys + ")");
    app.add_option("--hf-model", f.hf_model, "{hf_model}: the checkpoint the engine loads (Hugging Face id or path)");
    app.add_option("--run-dir", f.run_dir, "Folder of the measured runs (runs/<point>/log.txt, result.json); reused to resume")
        ->capture_default_str();
    app.add_option("--time-limit-minutes", f.time_limit_minutes, "Per-point time limit")->capture_default_str()->check(CLI::Range(0.001, 1e6));
    app.add_option("--concurrency", f.concurrency, "Points in flight at once")->capture_default_str()->check(CLI::Range(1, 10000));
    app.add_option("--poll-seconds", f.poll_s, "Seconds between executor polls")->capture_default_str()->check(CLI::Range(0.01, 3600.0));
    app.add_flag("--measure-all", f.measure_all, "Also launch points predicted not to fit (to check the memory model)");
    add_slurm_flags(app, f.slurm);
}

bool inference_measure_requested(const InferenceFlags& f) { return !f.measure.empty(); }

Result<std::vector<double>> inference_measure(const InferenceFlags& f, const InferenceRequest& r, const InferencePlan& plan) {
    Result<RunTemplate> tmpl = choose_template(f);
    if (!tmpl) return tmpl.error();
    std::unique_ptr<Executor> executor = make_executor(f.measure, f.slurm);
    std::vector<double> measured(plan.points.size(), NAN);
    std::vector<PointRun> queue;
    for (size_t i = 0; i < plan.points.size(); ++i) {
        const InferencePoint& p = plan.points[i];
        if (!p.fits && !f.measure_all) continue;
        PointRun run;
        run.index = i;
        run.job.name = inference_point_name(p.tp, p.pp, p.batch);
        run.job.run_dir = fs::absolute(fs::path(f.run_dir) / "runs" / run.job.name).string();
        run.job.log_file = (fs::path(run.job.run_dir) / "log.txt").string();
        run.job.nodes = std::max(1, p.nodes);
        run.job.gpus_per_node = std::min(r.gpus_per_node, p.tp * p.pp);
        run.job.time_limit_minutes = f.time_limit_minutes;
        // Resume: a point with a complete result is never launched again.
        if (std::optional<double> done = read_result((fs::path(run.job.run_dir) / "result.json").string())) {
            measured[i] = *done;
            std::fprintf(stderr, "inference: %s already measured (%s)\n", run.job.name.c_str(),
                         std::isnan(*done) ? "no latency" : (format_fixed(*done, 1) + " ms").c_str());
            continue;
        }
        std::error_code ec;
        fs::create_directories(run.job.run_dir, ec);
        if (ec) return make_error(ErrorKind::invalid_argument, "--run-dir: cannot create " + run.job.run_dir + ": " + ec.message());
        fs::remove(run.job.log_file, ec);  // a run cut short before its result: start its log afresh
        InferenceRunValues v;
        v.tp = p.tp, v.pp = p.pp, v.batch = p.batch, v.input_len = r.input_len, v.output_len = r.output_len;
        v.nodes = run.job.nodes, v.gpus_per_node = r.gpus_per_node, v.hf_model = f.hf_model;
        v.log_dir = run.job.run_dir, v.name = run.job.name;
        Result<std::string> command = inference_template_fill(tmpl->text, v);
        if (!command) return command.error();
        run.job.command = *command;
        queue.push_back(std::move(run));
    }
    g_interrupted = 0;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    size_t next = 0, in_flight = 0, finished = 0;
    while (finished < queue.size()) {
        if (g_interrupted) {
            for (PointRun& run : queue)
                if (run.submitted && !run.done) executor->cancel(run.job, run.job_id);
            std::signal(SIGINT, SIG_DFL);
            std::signal(SIGTERM, SIG_DFL);
            return make_error(ErrorKind::invalid_argument, "interrupted: launched points cancelled; finished points are kept in " +
                                                               f.run_dir + " and a rerun with the same --run-dir resumes");
        }
        while (next < queue.size() && in_flight < size_t(f.concurrency)) {
            PointRun& run = queue[next++];
            Result<std::string> id = executor->submit(run.job);
            if (!id) {
                std::fprintf(stderr, "inference: %s not submitted: %s\n", run.job.name.c_str(), id.error().message.c_str());
                run.done = true;
                ++finished;
                continue;
            }
            run.job_id = *id, run.submitted = true;
            ++in_flight;
        }
        for (PointRun& run : queue) {
            if (!run.submitted || run.done) continue;
            const JobStatus status = executor->poll(run.job, run.job_id);
            if (!status.done) continue;
            run.done = true;
            --in_flight, ++finished;
            measured[run.index] = finish_point(run, plan.points[run.index], status);
        }
        if (finished < queue.size()) std::this_thread::sleep_for(std::chrono::duration<double>(f.poll_s));
    }
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return measured;
}

}  // namespace tp::cli
