// session_runs.hpp — the "runs" section of a session read back into run records, for a front end that opens a
// finished search (the web page shows measured against predicted, and offers collect's CSV files).
//
// Each element is what journal_run_json wrote (run_journal.hpp): name, status, rank, config, predicted step time,
// metrics, failure kind and evidence, executor fields. The section comes from a file someone may have edited or
// made up, so every field is checked and an error names its JSON path: "session: runs[2].status: expected one
// of planned, submitted, running, finished, cancelled, vanished, got \"done\"". Unknown keys are ignored (newer
// writers may add some).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "result.hpp"
#include "run_journal.hpp"
#include "search_results.hpp"
#include "session.hpp"

namespace tp {

inline constexpr size_t kSessionRunsMax = 100000;  // far above any search (NeMo's launcher grids top out near 2,000)

// The runs of a session as a journal state (in file order). `source` names the file in messages.
Result<JournalState> session_runs_read(const nlohmann::json& runs, std::string_view source);

// The context collect's tables need, from a session: model, cluster, sequence, and NeMo's model name and size
// label as `generate` recorded them in the plan (the family and "0" when the plan does not say).
ResultsContext session_results_context(const Session& s);

}  // namespace tp
