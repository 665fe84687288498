// Which framework wrote a log, from its content alone (the file name says nothing reliable), and
// the step parse for that framework.
//
// Each framework is recognised by its first step record: one pass over the log for every format's
// anchor at once, each hit checked by that format's own validator (so detection and parsing never
// disagree), and the earliest valid record names the framework. The Megatron record family's first
// record tells Megatron-LM, Megatron-Bridge, Megatron-DeepSpeed and GPT-NeoX apart (NeMo 2's
// "Training epoch 0, iteration 3/9 |" looks like its header but has no elapsed time). DeepSpeed's
// timer lines also appear in Megatron-DeepSpeed and GPT-NeoX logs, before their first record, so
// after a timer line a Megatron record later in the log decides. Logs without step records are named
// by DeepSpeed's engine lines or MLPerf's ":::MLLOG" events, else "unknown".
#include <algorithm>

#include "log_parse_internal.hpp"

namespace tp::logparse {

LogFramework framework_detect(std::string_view text) {
    struct Format {
        std::string_view anchor;
        std::optional<Span> (*at)(std::string_view, size_t, size_t);
        LogFramework framework;
    };
    static const Format kFormats[] = {
        {kMegatronAnchor, megatron_at, LogFramework::megatron_lm},  {kNemo2Anchor, nemo2_at, LogFramework::nemo2},
        {kNemo1Anchor, nemo1_at, LogFramework::nemo1},             {kTorchtitanAnchor, torchtitan_at, LogFramework::torchtitan},
        {kNanotronAnchor, nanotron_at, LogFramework::nanotron},    {kDeepspeedTimerAnchor, deepspeed_timer_at, LogFramework::deepspeed},
    };
    static const MultiFinder finder = [] {
        std::vector<std::string_view> anchors;
        for (const Format& f : kFormats) anchors.push_back(f.anchor);
        return MultiFinder(std::move(anchors));
    }();
    const Format* found = nullptr;
    Span first;
    finder.scan(text, [&](size_t index, size_t pos) {
        std::optional<Span> s = kFormats[index].at(text, pos, 0);
        if (!s) return true;
        found = &kFormats[index], first = *s;
        return false;
    });
    if (found) {
        if (found->framework == LogFramework::megatron_lm) return megatron_flavour(text, first);
        if (found->framework == LogFramework::deepspeed)
            if (std::optional<Span> m = megatron_next(text, first.begin)) return megatron_flavour(text, *m);
        return found->framework;
    }
    if (deepspeed_marker_present(text)) return LogFramework::deepspeed;
    if (mlperf_marker_present(text)) return LogFramework::mlperf;
    return LogFramework::unknown;
}

void steps_parse(std::string_view text, LogFramework f, StepSink& sink) {
    switch (f) {
        case LogFramework::megatron_lm:
        case LogFramework::megatron_bridge:
        case LogFramework::megatron_deepspeed:
            megatron_parse(text, sink, f == LogFramework::megatron_bridge);
            return;
        case LogFramework::deepspeed: {
            // GPT-NeoX records and the engine's timer lines, in the order they were printed, so one
            // step's timer line and record meet in the sink and count once.
            constexpr bool kKeepRecords = true;  // whole, for the merge below
            StepSink records({}, text.size(), kKeepRecords), timers({}, text.size(), kKeepRecords);
            megatron_parse(text, records, false);
            deepspeed_timer_parse(text, timers);
            std::vector<StepRecord> all;
            for (StepSink* part : {&records, &timers}) {
                part->finish();
                all.insert(all.end(), part->records().begin(), part->records().end());
            }
            std::stable_sort(all.begin(), all.end(), [](const StepRecord& a, const StepRecord& b) { return a.offset < b.offset; });
            for (const StepRecord& r : all) sink.add(r);
            return;
        }
        case LogFramework::nemo1: nemo1_parse(text, sink); return;
        case LogFramework::nemo2: nemo2_parse(text, sink); return;
        case LogFramework::torchtitan: torchtitan_parse(text, sink); return;
        case LogFramework::nanotron: nanotron_parse(text, sink); return;
        case LogFramework::mlperf:
        case LogFramework::unknown: return;
    }
}

}  // namespace tp::logparse
