// Fuzz target: inference benchmark output parsing must return a value or an error for any bytes,
// never crash, hang or read out of bounds; a value must be self-consistent (figures finite and >= 0,
// a failure with its evidence line, something measured or failed) and an error must say something.
// Seeded with tests/data/inference_output (scripts/test.sh) and replayed over them in ctest.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "inference_output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::InferenceMeasurement> r = tp::inference_output_parse(text);
    if (!r.ok()) {
        if (r.error().message.empty()) __builtin_trap();
        return 0;
    }
    const tp::InferenceMeasurement& m = *r;
    bool any = false;
    for (const std::optional<double>* f : {&m.latency_ms, &m.ttft_ms, &m.tpot_ms, &m.requests_per_s, &m.output_tokens_per_s,
                                           &m.total_tokens_per_s}) {
        if (!f->has_value()) continue;
        if (!std::isfinite(**f) || **f < 0) __builtin_trap();
        any = true;
    }
    const bool failed = m.failure.kind != tp::FailureKind::none;
    if (!any && !failed) __builtin_trap();  // nothing measured and nothing failed is an error
    if (any && m.engine == tp::InferenceEngine::unknown) __builtin_trap();
    if (failed != (m.failure.line > 0) || failed == m.failure.evidence.empty()) __builtin_trap();
    (void)tp::inference_engine_name(m.engine);
    return 0;
}
