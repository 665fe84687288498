// app_files.hpp — what the page exchanges with the outside, as state: share links, session files opened or
// downloaded, the files of a plan, and the runs of a finished native search (measured against predicted).
// Panels ask for browser actions by filling AppState::requests; browser_bridge.cpp carries them out after the
// frame. Nothing here touches the browser, so the native headless test runs all of it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app_state.hpp"

namespace tp::web {

// Opens a share link's fragment ("#s1=..."): all the inputs, or a notice naming what is wrong and the inputs
// reset to the page's defaults (a link that does not restore exactly must not leave half of someone else's
// inputs in place). An empty fragment changes nothing. Returns "" or the error.
std::string app_open_share_link(AppState& s, const std::string& fragment);
// The current inputs as a fragment, "#s1=...".
std::string app_share_fragment(const AppState& s);

// Opens a session file: its inputs, and its runs when it has some (a session `trainplan search` wrote).
// Returns "" or the error naming the file and field; on error nothing changes.
std::string app_open_session(AppState& s, const std::string& file_name, const std::string& text);

// Opens a file the user picked or dropped: a trainplan session (it has "format": "trainplan-session"), else a
// Hugging Face config.json imported as the model (the model panel's paste box gets its text). Returns "" or the
// error of the parser it went to (shown as the notice); on error nothing changes.
std::string app_open_file(AppState& s, const std::string& file_name, const std::string& text);

// The session as the page would save it: the inputs, and the runs (and plan) of an opened session.
std::string app_session_file(const AppState& s);

// The files the page offers for download for the current inputs, each (name, text): session.json; with runs,
// collect's final_summary and failed_jobs CSV files; then what `trainplan generate --session session.json
// --days D --tokens-b T` writes (base config, launch commands, then the candidate YAMLs). Recomputed when the
// inputs change; s.files_error says why there are none.
const std::vector<std::pair<std::string, std::string>>& app_files(AppState& s);

}  // namespace tp::web
