// DeepSpeed engine lines, and the MLPerf logging marker.
//
// DeepSpeed (deepspeedai/DeepSpeed, deepspeed/utils/timer.py ThroughputTimer.stop) logs through
// log_dist every steps_per_print steps:
//   "[timer.py:215:stop] epoch=0/micro_step=34/global_step=34, RunningAvgSamplesPerSec=7.86...,
//    CurrSamplesPerSec=8.00..., MemAllocated=59.65GB, MaxMemAllocated=63.31GB"
// Each is a step (global_step) without a step time: the samples/s there are per the engine's batch
// accounting, which this line does not state, so nothing is derived from them. When GPT-NeoX prints
// its record for the same step, the two are one step (StepSink). Fixture: deepspeed_01.
// Engine lines without steps still name the framework: see_memory_usage (deepspeed/runtime/utils.py,
// fixture deepspeed_03), the flops profiler summary (deepspeed/profiling/flops_profiler, fixture
// deepspeed_05), log_dist's "[logging.py:96:log_dist]" caller tag, and the engine's
// "DeepSpeed info: version=" banner.
//
// MLPerf Training results (mlcommons/logging, mlperf_logging.mllog) print ":::MLLOG {json}" events:
// run_start/run_stop, eval_accuracy, hyperparameters; no per-step time. Fixture: mlperf_01.
#include <algorithm>

#include "log_parse_internal.hpp"

namespace tp::logparse {

std::optional<Span> deepspeed_timer_at(std::string_view text, size_t k, size_t /*from*/) {
    const Span s{line_begin(text, k), line_end(text, k), k};
    if (!contains(text.substr(s.begin, k - s.begin), "global_step=")) return std::nullopt;
    return s;
}

std::optional<Span> deepspeed_timer_next(std::string_view text, size_t from) {
    static const Finder anchor(kDeepspeedTimerAnchor);
    return next_record(text, from, anchor, deepspeed_timer_at);
}

void deepspeed_timer_parse(std::string_view text, StepSink& sink) {
    size_t pos = 0;
    while (std::optional<Span> s = deepspeed_timer_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->begin, s->end - s->begin);
        StepRecord r;
        r.offset = s->begin;
        size_t i = line.find("global_step=") + 12;
        if (!parse_integer(line, i, r.step)) continue;
        sink.add(r);
    }
}

bool deepspeed_marker_present(std::string_view text) {
    static const Finder markers[] = {Finder("RunningAvgSamplesPerSec="), Finder("see_memory_usage]"),
                                     Finder("DeepSpeed Flops Profiler"), Finder(":log_dist]"), Finder("DeepSpeed info: version=")};
    for (const Finder& f : markers)
        if (f.find(text) != text.npos) return true;
    return false;
}

bool mlperf_marker_present(std::string_view text) {
    static const Finder marker(":::MLLOG");
    return marker.find(text) != text.npos;
}

}  // namespace tp::logparse
