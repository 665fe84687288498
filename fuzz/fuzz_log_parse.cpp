// Fuzz target: training-log parsing must return a value or an error for any bytes, never crash, hang
// or read out of bounds; a parse must be self-consistent and print as valid JSON and as text.
// Seeded with ../shared/data/logs (scripts/test.sh) and replayed over them in ctest.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "log_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::LogParseOptions options;
    options.gpus = 8, options.seq_length = 4096;  // the derivations run too
    tp::Result<tp::LogParse> p = tp::log_parse(text, options);
    if (!p.ok()) return 0;
    const tp::LogSummary& s = p->summary;
    if (s.warmup_steps_dropped < 0 || size_t(s.warmup_steps_dropped + s.steps_averaged) != p->steps.size()) __builtin_trap();
    const bool failed = p->failure.kind != tp::FailureKind::none;
    if (failed != (p->failure.line > 0) || failed == p->failure.evidence.empty()) __builtin_trap();
    if (!nlohmann::json::accept(tp::log_parse_json(*p, "fuzz.log"))) __builtin_trap();
    (void)tp::log_parse_text(*p, "fuzz.log");
    return 0;
}
