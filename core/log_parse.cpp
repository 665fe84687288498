// log_parse: text check, framework, steps, derived figures, summary, failure (log_parse.hpp).
#include "log_parse.hpp"

#include <string>

#include "log_parse_internal.hpp"

namespace tp {

const char* log_framework_name(LogFramework f) {
    switch (f) {
#define TP_LOG_FRAMEWORK_CASE(name) \
    case LogFramework::name: return #name;
        TP_LOG_FRAMEWORKS(TP_LOG_FRAMEWORK_CASE)
#undef TP_LOG_FRAMEWORK_CASE
    }
    return "unknown";
}

const char* failure_kind_name(FailureKind k) {
    switch (k) {
#define TP_FAILURE_KIND_CASE(name) \
    case FailureKind::name: return #name;
        TP_FAILURE_KINDS(TP_FAILURE_KIND_CASE)
#undef TP_FAILURE_KIND_CASE
    }
    return "none";
}

namespace {

// Compressed files and binary data are not logs; say which, rather than parse noise. A text log may
// carry ANSI colours (ESC), backspaces and form feeds, and a node that crashed can leave runs of NUL
// padding where buffered output was lost, so the start of the file is judged by its share of other
// control bytes, runs of NULs left out: random bytes have about 10% of them, text almost none.
std::optional<Error> not_text(std::string_view text) {
    auto magic = [&](std::string_view m) { return text.substr(0, m.size()) == m; };
    const char* compressed = magic("\x1f\x8b")                                ? "gzip"
                             : magic(std::string_view("\x28\xb5\x2f\xfd", 4)) ? "zstd"
                             : magic("BZh")                                   ? "bzip2"
                             : magic(std::string_view("\xfd" "7zXZ\x00", 6))  ? "xz"
                             : magic("PK\x03\x04")                            ? "zip"
                                                                              : nullptr;
    if (compressed)
        return make_error(ErrorKind::parse_error,
                          std::string("not a text log: ") + compressed + "-compressed data (decompress it first)");
    constexpr size_t kSample = 4096, kNulRun = 16;
    const std::string_view sample = text.substr(0, kSample);
    size_t control = 0, judged = 0;
    for (size_t i = 0; i < sample.size(); ++i) {
        const char c = sample[i];
        if (c == '\0') {
            size_t run = i;
            while (run < sample.size() && sample[run] == '\0') ++run;
            if (run - i >= kNulRun) {
                i = run - 1;  // padding: neither text nor evidence of binary
                continue;
            }
        }
        ++judged;
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != '\b' && c != '\x1b') ||
            u == 0x7f)
            ++control;
    }
    if (!sample.empty() && judged == 0) return make_error(ErrorKind::parse_error, "not a text log: only NUL bytes");
    if (control * 20 > judged)
        return make_error(ErrorKind::parse_error, "not a text log: binary data (" + std::to_string(control) + " of the first " +
                                                      std::to_string(judged) + " bytes are control bytes)");
    return std::nullopt;
}

}  // namespace

Result<LogParse> log_parse(std::string_view text, const LogParseOptions& options) {
    if (options.warmup_steps < 0)
        return make_error(ErrorKind::out_of_range, "--warmup " + std::to_string(options.warmup_steps) + ": must be 0 or more");
    if (options.gpus < 0) return make_error(ErrorKind::out_of_range, "--gpus " + std::to_string(options.gpus) + ": must be 0 or more");
    if (options.seq_length < 0)
        return make_error(ErrorKind::out_of_range, "--seq " + std::to_string(options.seq_length) + ": must be 0 or more");
    if (std::optional<Error> e = not_text(text)) return *e;

    LogParse p;
    p.framework = logparse::framework_detect(text);
    logparse::StepSink sink(options, text.size());
    logparse::steps_parse(text, p.framework, sink);
    sink.finish();
    p.summary = sink.summary();  // summed as the steps became final
    p.steps = std::move(sink.steps());
    p.failure = logparse::failure_classify(text, sink.first_non_finite());
    return p;
}

}  // namespace tp
