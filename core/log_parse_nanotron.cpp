// nanotron's step line (huggingface/nanotron, src/nanotron/logging.py LoggerWriter.
// add_scalars_from_list, fed by trainer.py's train_step_logs):
//   "iteration: {step} / {total}" + " | {tag}: {value}" for elapsed_time_per_iteration_ms,
//   tokens_per_sec, tokens_per_sec_per_gpu, global_batch_size, lm_loss, model_tflops_per_gpu,
//   hardware_tflops_per_gpu, ...
// Values tagged "human_format" print with 3 significant digits and a suffix K M G T P E (powers of
// 1000: "14.2K", "634K"), so every value here is read with its suffix. Model TFLOP/s is used (the
// figure Megatron and NeMo print too), not the hardware one that counts recomputation.
// Fixture: nanotron_01 (the logger prefix "01/17/2024 13:47:27 [INFO|DP=0|PP=0|TP=0|host]: ").
#include <algorithm>
#include <cmath>

#include "log_parse_internal.hpp"

namespace tp::logparse {

namespace {

std::optional<double> human_number_after(std::string_view s, std::string_view key, int shift10 = 0) {
    const size_t k = s.find(key);
    if (k == s.npos) return std::nullopt;
    const size_t start = k + key.size();
    size_t i = start;
    double v = 0;
    if (!parse_number(s, i, v, shift10)) return std::nullopt;
    // Read again with the suffix's power folded into the exact scaling ("2.03K" is 2030, not
    // 2.03 * 1000 rounded twice).
    if (const int power = si_suffix_power(s, i); power != 0) {
        i = start;
        parse_number(s, i, v, shift10 + power);
    }
    return v;
}

}  // namespace

std::optional<Span> nanotron_at(std::string_view text, size_t k, size_t /*from*/) {
    size_t i = k + kNanotronAnchor.size();
    long long step = 0, total = 0;
    if (!parse_integer(text, i, step)) return std::nullopt;
    if (text.substr(i, 3) != " / ") return std::nullopt;
    i += 3;
    if (!parse_integer(text, i, total)) return std::nullopt;
    const Span s{line_begin(text, k), line_end(text, k), k};
    if (!contains(text.substr(i, s.end - i), "elapsed_time_per_iteration_ms:")) return std::nullopt;
    return s;
}

std::optional<Span> nanotron_next(std::string_view text, size_t from) {
    static const Finder anchor(kNanotronAnchor);
    return next_record(text, from, anchor, nanotron_at);
}

void nanotron_parse(std::string_view text, StepSink& sink) {
    size_t pos = 0;
    while (std::optional<Span> s = nanotron_next(text, pos)) {
        pos = std::max(s->end, pos + 1);  // always forward, whatever the record's span
        std::string_view line = text.substr(s->begin, s->end - s->begin);
        StepRecord r;
        r.offset = s->begin;
        size_t i = s->anchor - s->begin + 11;  // after "iteration: "
        parse_integer(line, i, r.step);
        r.step_time_s = human_number_after(line, "elapsed_time_per_iteration_ms:", -3);
        r.tokens_per_s_per_gpu = human_number_after(line, "tokens_per_sec_per_gpu:");
        r.tokens_per_s_total = human_number_after(line, "tokens_per_sec:");
        r.tflops_per_gpu = human_number_after(line, "model_tflops_per_gpu:");
        r.loss = human_number_after(line, "lm_loss:");
        r.global_batch = human_number_after(line, "global_batch_size:");
        const std::optional<double> grad_norm = human_number_after(line, "grad_norm:");
        r.non_finite = (r.loss && !std::isfinite(*r.loss)) || (grad_norm && !std::isfinite(*grad_norm));
        sink.add(r);
    }
}

}  // namespace tp::logparse
