// Why a run failed, from its log: one kind and the decisive line (design.md's failure kinds).
//
// Precedence. A distributed run that fails leaves a chain of messages: the cause on one rank, then
// the consequences on every other rank (collectives that never complete, processes torn down), then
// the launcher's and the scheduler's view of the wreck. The kind reported is the earliest link of
// that chain the log shows, so the tiers below are ordered cause-first:
//   1 oom             a rank that runs out of memory stops answering collectives: the others hit the
//                     NCCL watchdog, torchelastic reports ChildFailedError, a hung job runs into its
//                     time limit. All of those are the OOM's consequences, and the OOM is what the
//                     planner must learn (the candidate does not fit).
//   2 nan_loss        the numbers themselves went bad: the candidate is unusable whatever happened next,
//                     and Megatron's NaN checks abort the run (a crash and NCCL errors elsewhere follow).
//   3 nccl_error      a failed NCCL call (network, remote peer) surfaces as a Python exception and a
//                     traceback, so the NCCL error is the more specific reading of that crash.
//   4 crash           (specific) a Python exception line after a traceback, a segfault, an illegal
//                     memory access: a rank died of its own error, and the other ranks then time out.
//   5 nccl_timeout    a collective that never completed: a hang (or a peer that died without a
//                     message); it outranks the scheduler's kinds because a hang is what runs a job into
//                     its time limit or gets it cancelled.
//   6 preempted       the scheduler's view when nothing inside the run failed: taken away,
//   7 time_limit      out of time,
//   8 cancelled       or stopped by someone (scancel, Ctrl-C, SIGTERM), in that order because the
//                     specific reasons print alongside a plain cancellation of the same job.
//   9 crash           (generic) wrappers that only say something died: a traceback without an
//                     exception line, torchelastic's ChildFailedError summary, srun's exit codes, a
//                     node failure. They come last because every kind above also produces them.
//  10 none
// Within the winning tier the first matching line is the evidence: the first observed failure
// (torchelastic's own "Root Cause (first observed failure)" reasoning).
#include <algorithm>
#include <array>
#include <cctype>

#include "log_parse_internal.hpp"

namespace tp::logparse {

namespace {

enum class Tier { oom, nan_loss, nccl_error, crash_specific, nccl_timeout, preempted, time_limit, cancelled, crash_generic };

FailureKind tier_kind(Tier t) {
    switch (t) {
        case Tier::oom: return FailureKind::oom;
        case Tier::nan_loss: return FailureKind::nan_loss;
        case Tier::nccl_error: return FailureKind::nccl_error;
        case Tier::crash_specific: return FailureKind::crash;
        case Tier::nccl_timeout: return FailureKind::nccl_timeout;
        case Tier::preempted: return FailureKind::preempted;
        case Tier::time_limit: return FailureKind::time_limit;
        case Tier::cancelled: return FailureKind::cancelled;
        case Tier::crash_generic: return FailureKind::crash;
    }
    return FailureKind::none;
}

bool has_any(std::string_view line, std::initializer_list<std::string_view> words) {
    for (std::string_view w : words)
        if (line.find(w) != line.npos) return true;
    return false;
}

// Line filters for patterns that also occur in harmless lines.
bool slurm_cancel(std::string_view line) { return contains(line, "CANCELLED AT") && contains(line, "***"); }
bool slurm_plain_cancel(std::string_view line) { return slurm_cancel(line) && !contains(line, "DUE TO"); }
// NCCL_DEBUG=INFO prints "NCCL WARN" for harmless things too ("Failed to open libibverbs.so" on hosts
// without InfiniBand); a failing connection or operation names the call, the peer or the code.
bool nccl_warn_failure(std::string_view line) {
    return has_any(line, {"failed :", "retcode", "Broken pipe", "Connection", "remote", "Remote", "unhandled",
                          "Timeout", "timed out"});
}
bool sigterm_or_sigint(std::string_view line) {
    const size_t k = line.find("got signal: ");
    if (k == line.npos) return false;
    std::string_view n = line.substr(k + 12, 3);
    return n.substr(0, 2) == "15" || (n.substr(0, 1) == "2" && (n.size() < 2 || !std::isdigit(static_cast<unsigned char>(n[1]))));
}

struct Rule {
    Tier tier;
    std::string_view pattern;
    bool (*accept)(std::string_view line) = nullptr;
};

// Every pattern with where its text comes from (the fixture in ../shared/data/logs that shows it,
// or the upstream source that prints it).
const std::array kRules = {
    // PyTorch's caching allocator, c10/cuda/CUDACachingAllocator.cpp: "CUDA out of memory. Tried to
    // allocate ...", under every exception name it has had: RuntimeError (<= 1.12, cuda_oom_03),
    // torch.cuda.OutOfMemoryError (1.13-2.4, cuda_oom_01/05/09), torch.OutOfMemoryError (2.5+,
    // cuda_oom_07); the ROCm and XPU builds say HIP and XPU.
    Rule{Tier::oom, "CUDA out of memory"},
    Rule{Tier::oom, "HIP out of memory"},
    Rule{Tier::oom, "XPU out of memory"},
    // cudaErrorMemoryAllocation through C10_CUDA_CHECK ("CUDA error: out of memory"), NCCL's CUDACHECK
    // ("Cuda failure 'out of memory'", include/checks.h), and cuBLAS failing to allocate its handle
    // or workspace ("CUBLAS_STATUS_ALLOC_FAILED when calling `cublasCreate(handle)`").
    Rule{Tier::oom, "CUDA error: out of memory"},
    Rule{Tier::oom, "Cuda failure 'out of memory'"},
    Rule{Tier::oom, "CUBLAS_STATUS_ALLOC_FAILED"},
    // Host memory: Slurm's cgroup plugin ("Detected 1 oom_kill event in StepId=...; older
    // "oom-kill event(s)") and srun ("srun: error: node: task 3: Out Of Memory").
    Rule{Tier::oom, "oom_kill event"},
    Rule{Tier::oom, "oom-kill event"},
    Rule{Tier::oom, ": Out Of Memory"},

    // Megatron-Core's NaN checks (check_for_nan_in_loss_and_grad / the rerun state machine):
    // "found NaN in local forward loss calculation", "found NaN in local grad norm", and Inf alike.
    // (NaN in the step records themselves comes from the parsers: StepRecord::non_finite.)
    Rule{Tier::nan_loss, "found NaN in local"},
    Rule{Tier::nan_loss, "found Inf in local"},

    // PyTorch ProcessGroupNCCL: "NCCL error in: <file>:<line>, <reason>, NCCL version ..." (nccl_05)
    // and the result code on the next line, "ncclRemoteError: A call failed ..." (nccl.h's
    // ncclResult_t names).
    Rule{Tier::nccl_error, "NCCL error"},
    Rule{Tier::nccl_error, "NCCL Error"},
    Rule{Tier::nccl_error, "ncclRemoteError:"},
    Rule{Tier::nccl_error, "ncclSystemError:"},
    Rule{Tier::nccl_error, "ncclInternalError:"},
    Rule{Tier::nccl_error, "ncclUnhandledCudaError:"},
    Rule{Tier::nccl_error, "ncclInvalidUsage:"},
    Rule{Tier::nccl_error, "ncclInvalidArgument:"},
    // NCCL_DEBUG=INFO: "... misc/socket.cc:518 NCCL WARN Net : Call to recv from ... failed : Broken
    // pipe" (nccl_07).
    Rule{Tier::nccl_error, "NCCL WARN", nccl_warn_failure},

    // Dead ranks: a segfault (the shell's "Segmentation fault (core dumped)", CPython faulthandler's
    // "Fatal Python error"), and CUDA errors that kill the context (cudaErrorIllegalAddress,
    // cudaErrorAssert). Python exception lines are found by exception_line() below.
    Rule{Tier::crash_specific, "Segmentation fault"},
    Rule{Tier::crash_specific, "Fatal Python error"},
    Rule{Tier::crash_specific, "an illegal memory access was encountered"},
    Rule{Tier::crash_specific, "device-side assert triggered"},

    // ProcessGroupNCCL's watchdog: "Watchdog caught collective operation timeout: WorkNCCL(SeqNum=...,
    // OpType=ALLREDUCE, ..., Timeout(ms)=600000) ran for 600060 milliseconds before timing out."
    // (PyTorch 2.x with "[rank0]:[E321 ...]" prefixes: nccl_01; 1.x "[E ProcessGroupNCCL.cpp:458]":
    // nccl_03), and its heartbeat monitor ("ProcessGroupNCCL's watchdog got stuck for 480 seconds").
    Rule{Tier::nccl_timeout, "collective operation timeout"},
    Rule{Tier::nccl_timeout, "watchdog got stuck"},

    // Slurm, src/slurmd/slurmstepd/req.c _handle_signal_container:
    // "*** %s ON %s CANCELLED AT %s DUE TO TIME LIMIT ***" (slurm_01, slurm_03 with an srun label),
    // "DUE TO PREEMPTION", "DUE TO JOB REQUEUE" (requeued: taken off its nodes, as preemption does),
    // plain "*** %s ON %s CANCELLED AT %s ***" (scancel); older Slurm put the node after the reason,
    // "*** JOB 830329 CANCELLED AT ... DUE TO TIME LIMIT on n447 ***" (slurm_05).
    Rule{Tier::preempted, "DUE TO PREEMPTION", slurm_cancel},
    Rule{Tier::preempted, "DUE TO JOB REQUEUE", slurm_cancel},
    Rule{Tier::time_limit, "DUE TO TIME LIMIT", slurm_cancel},
    Rule{Tier::cancelled, "CANCELLED AT", slurm_plain_cancel},
    // Ctrl-C in Python, and torchelastic stopping on a signal: the agent's "Received Signals.SIGTERM
    // death signal, shutting down workers" and its SignalException "Process 1234 got signal: 15".
    Rule{Tier::cancelled, "KeyboardInterrupt"},
    Rule{Tier::cancelled, "death signal, shutting down workers"},
    Rule{Tier::cancelled, "got signal: ", sigterm_or_sigint},

    // Generic: a traceback's header, torchelastic's wrapper exception and its error summary
    // (torch/distributed/elastic/multiprocessing/errors: "train.py FAILED ... Root Cause (first
    // observed failure):", torchelastic_01), a C++ exception escaping (std::terminate's message),
    // srun's "task 0: Exited with exit code 1", Slurm's "DUE TO NODE FAILURE" and "FAILED
    // (non-zero exit code or other failure mode)".
    Rule{Tier::crash_generic, "Traceback (most recent call last)"},
    Rule{Tier::crash_generic, "ChildFailedError"},
    Rule{Tier::crash_generic, "Root Cause (first observed failure)"},
    Rule{Tier::crash_generic, "terminate called after throwing"},
    Rule{Tier::crash_generic, "Exited with exit code"},
    Rule{Tier::crash_generic, "DUE TO NODE FAILURE", slurm_cancel},
    Rule{Tier::crash_generic, "FAILED (non-zero exit code"},
};

// The tier of the first rule (in precedence order) a single line matches, if any; used to keep an
// exception line that carries another kind ("RuntimeError: ... Watchdog caught collective operation
// timeout") from being read as a plain crash.
std::optional<Tier> line_tier(std::string_view line) {
    std::optional<Tier> best;
    for (const Rule& r : kRules) {
        if (r.tier == Tier::crash_specific || r.tier == Tier::crash_generic) continue;
        if (line.find(r.pattern) == line.npos || (r.accept && !r.accept(line))) continue;
        if (!best || r.tier < *best) best = r.tier;
    }
    return best;
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// A Python exception line, "ValueError: bad value" or "torch.distributed.DistBackendError: ...",
// possibly behind a rank label ("[rank3]: ", " 0: ", "[default0]:"), not a source line quoted in the
// traceback ("    except RuntimeError:").
bool exception_line(std::string_view line) {
    for (std::string_view suffix : {std::string_view("Error"), std::string_view("Exception")}) {
        for (size_t k = line.find(suffix); k != line.npos; k = line.find(suffix, k + 1)) {
            const size_t after = k + suffix.size();
            if (after < line.size() && line[after] != ':') continue;
            size_t b = k;
            while (b > 0 && ident_char(line[b - 1])) --b;
            if (b == k) continue;  // "Error" alone is a word, not an exception class
            std::string_view prefix = trim(line.substr(0, b));
            if (!prefix.empty() && prefix.back() != ':') continue;
            return true;
        }
    }
    return false;
}

struct Hit {
    size_t begin = 0, end = 0;  // the evidence line
};

// torchelastic's summary names the failed script on the "<script> FAILED" line a few lines above
// "Root Cause (first observed failure):"; that line is the better evidence.
Hit torchelastic_headline(std::string_view text, Hit root) {
    size_t b = root.begin;
    for (int back = 0; back < 10 && b > 0; ++back) {
        const size_t prev_end = b - 1;
        const size_t pb = line_begin(text, prev_end);
        std::string_view line = trim(text.substr(pb, prev_end - pb));
        if (line.size() > 7 && line.substr(line.size() - 7) == " FAILED" && line.find(' ') == line.size() - 7)
            return Hit{pb, prev_end};
        b = pb;
    }
    return root;
}

// The exception line that ends a traceback whose header is at `traceback`: the first line after it
// (within the lines that follow) that looks like one. It counts as a crash of its own unless it
// carries another kind (an NCCL error, the watchdog's timeout) or is torchelastic's wrapper, which
// only reports a child's failure.
std::optional<Hit> exception_after_traceback(std::string_view text, size_t traceback) {
    constexpr int kMaxLines = 200;  // a deep traceback, other ranks' lines interleaved
    size_t pos = line_end(text, traceback);
    for (int n = 0; n < kMaxLines && pos < text.size(); ++n) {
        const size_t b = pos + 1;
        const size_t e = line_end(text, b);
        std::string_view line = text.substr(b, e - b);
        pos = e;
        if (!exception_line(line)) continue;
        if (!line_tier(line) && !contains(line, "ChildFailedError")) return Hit{b, e};
        return std::nullopt;
    }
    return std::nullopt;
}

const MultiFinder& rule_finder() {
    static const MultiFinder finder = [] {
        std::vector<std::string_view> patterns;
        for (const Rule& r : kRules) patterns.push_back(r.pattern);
        return MultiFinder(std::move(patterns));
    }();
    return finder;
}

std::string evidence_text(std::string_view line) {
    // The line as printed, trimmed; an absurdly long "line" (a binary blob) is cut at a UTF-8
    // character boundary.
    constexpr size_t kMax = 2000;
    line = trim(line);
    if (line.size() <= kMax) return std::string(line);
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    return std::string(line.substr(0, cut)) + "...";
}

}  // namespace

LogFailure failure_classify(std::string_view text, std::optional<size_t> first_non_finite) {
    constexpr size_t kTiers = size_t(Tier::crash_generic) + 1;
    std::array<std::optional<Hit>, kTiers> best;  // the earliest evidence of each tier
    auto consider = [&](Tier t, Hit h) {
        std::optional<Hit>& b = best[size_t(t)];
        if (!b || h.begin < b->begin) b = h;
    };
    if (first_non_finite) consider(Tier::nan_loss, Hit{*first_non_finite, line_end(text, *first_non_finite)});
    // One pass over the text for every rule (hits arrive in text order).
    rule_finder().scan(text, [&](size_t index, size_t pos) {
        const Rule& r = kRules[index];
        if (best[size_t(r.tier)] && best[size_t(r.tier)]->begin <= pos) return true;  // this tier has an earlier line
        Hit h{line_begin(text, pos), line_end(text, pos)};
        if (r.accept && !r.accept(text.substr(h.begin, h.end - h.begin))) return true;
        if (r.pattern == "Root Cause (first observed failure)") h = torchelastic_headline(text, h);
        consider(r.tier, h);
        if (r.pattern == "Traceback (most recent call last)")
            if (std::optional<Hit> e = exception_after_traceback(text, pos)) consider(Tier::crash_specific, *e);
        return r.tier != Tier::oom;  // nothing outranks the first OOM: stop there
    });
    for (size_t t = 0; t < kTiers; ++t) {
        if (!best[t]) continue;
        LogFailure f;
        f.kind = tier_kind(Tier(t));
        f.evidence = evidence_text(text.substr(best[t]->begin, best[t]->end - best[t]->begin));
        f.line = 1 + (long long)std::count(text.begin(), text.begin() + std::ptrdiff_t(best[t]->begin), '\n');
        return f;
    }
    return LogFailure{};
}

}  // namespace tp::logparse
