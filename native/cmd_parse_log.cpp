// trainplan parse-log: training logs in, measured steps, summary and failure out (design.md's
// `parse-log --json` contract; the parsing itself is core's log_parse).
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "log_parse.hpp"
#include "session.hpp"

namespace tp::cli {

namespace {
struct ParseLogFlags {
    std::vector<std::string> files;
    std::string session;
    int warmup = 1, gpus = 0, seq = 0;
    bool json = false;
};
}  // namespace

Runner register_parse_log(CLI::App& app) {
    auto f = std::make_shared<ParseLogFlags>();
    app.add_option("files", f->files, "Training log files (Megatron-LM, Megatron-Bridge, Megatron-DeepSpeed, NeMo 1/2, "
                                      "torchtitan, DeepSpeed, nanotron, MLPerf; the framework is recognised from the content)")
        ->required();
    app.add_option("--warmup", f->warmup, "Step records left out of the summary's means at the start")->capture_default_str();
    app.add_option("--gpus", f->gpus, "Total GPUs of the run: derives tokens/s/GPU from logs that print tokens/s of all GPUs");
    app.add_option("--seq", f->seq, "Sequence length: derives tokens/s from samples/s or the global batch size");
    app.add_option("--session", f->session, "Session file: its cluster (GPUs) and sequence length in place of --gpus and --seq");
    app.add_flag("--json", f->json, "Print one JSON document (an array of them, each with \"file\", for several files)");
    return [f, &app]() {
        LogParseOptions options;
        options.warmup_steps = f->warmup, options.gpus = f->gpus, options.seq_length = f->seq;
        if (!f->session.empty()) {
            Result<Session> s = read_session(f->session, app, {"--gpus", "--seq"});
            if (!s) return fail(s.error());
            options.gpus = s->inputs.training.gpus(), options.seq_length = s->inputs.training.seq;
        }
        // Every file is read and parsed before anything is printed: one bad file fails the command
        // with its name, and stdout never holds half a document.
        std::vector<std::pair<std::string, LogParse>> parses;
        for (const std::string& path : f->files) {
            Result<std::string> text = read_text_file(path);
            if (!text) return fail(text.error());
            Result<LogParse> p = log_parse(*text, options);
            if (!p) {
                // Option errors name the flag; text errors need the file.
                const bool option_error = p.error().kind == ErrorKind::out_of_range;
                return fail(option_error ? p.error() : make_error(p.error().kind, path + ": " + p.error().message));
            }
            parses.emplace_back(path, std::move(p).value());
        }
        if (f->json) {
            std::cout << (parses.size() == 1 ? log_parse_json(parses[0].second) : log_parse_json_many(parses));
        } else {
            for (size_t i = 0; i < parses.size(); ++i)
                std::cout << (i ? "\n" : "") << log_parse_text(parses[i].second, parses[i].first);
        }
        return 0;
    };
}

}  // namespace tp::cli
