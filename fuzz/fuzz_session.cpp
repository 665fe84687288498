// Fuzz target: a session file (or a share link's inputs) must parse to a value or an error for any
// bytes, never crash; a session that parsed must write back out and parse again to the same text. Its runs
// go through the reader the web page uses (session_runs_read) and collect's tables: an error or a table, and
// runs that read must write back (journal_run_json) and read again to the same records.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "search_results.hpp"
#include "session.hpp"
#include "session_runs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    tp::Result<tp::Session> s = tp::session_parse(text, "fuzz.json");
    if (s.ok()) {
        const std::string again = tp::session_to_json(*s);
        tp::Result<tp::Session> back = tp::session_parse(again, "again.json");
        if (!back.ok() || tp::session_to_json(*back) != again) __builtin_trap();
        tp::Result<tp::JournalState> runs = tp::session_runs_read(s->runs, "fuzz.json");
        if (runs.ok()) {
            (void)tp::search_results(*runs, tp::session_results_context(*s), 5);
            nlohmann::json written = nlohmann::json::array();
            for (const tp::RunRecord& r : runs->runs) written.push_back(tp::journal_run_json(r));
            tp::Result<tp::JournalState> reread = tp::session_runs_read(written, "again.json");
            if (!reread.ok() || reread->runs.size() != runs->runs.size()) __builtin_trap();
        }
    }
    return 0;
}
