// journal_file.hpp — appending to a run directory's journal.jsonl so that a crash never leaves it
// half-written: each event is one write(2) of one whole line on an O_APPEND descriptor, then fsync(2).
// A SIGKILL between events loses nothing; one during a write can at most tear that last line, which
// journal_replay drops (core/run_journal.hpp).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "result.hpp"
#include "run_journal.hpp"

namespace tp::cli {

class JournalFile {
public:
    JournalFile() = default;
    ~JournalFile();
    JournalFile(const JournalFile&) = delete;
    JournalFile& operator=(const JournalFile&) = delete;

    Result<bool> open(const std::string& path);
    // Appends the event and applies it to `state`, in that order: the state never runs ahead of the file.
    Result<bool> append(JournalState& state, std::string_view event, std::string_view run, const nlohmann::json& fields = {});

private:
    int fd_ = -1;
    std::string path_;
};

// Now as ISO-8601 UTC ("2026-11-21T06:00:00Z"), for journal lines.
std::string utc_now_iso();

}  // namespace tp::cli
