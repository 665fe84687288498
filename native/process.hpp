// process.hpp — running programs without a shell in between (arguments are passed as they are, so nothing
// a user or a session file wrote is ever re-parsed by a shell), and starting a detached process group.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "result.hpp"

namespace tp::cli {

struct ProcessOutput {
    int exit_code = 0;      // the program's exit status; 128 + N when killed by signal N
    std::string out, err;   // what it wrote (stdout, stderr)
};

// Runs argv[0] (looked up on PATH) with argv and waits. Fails only when it cannot start.
Result<ProcessOutput> process_run(const std::vector<std::string>& argv);

// Starts `argv` in a new session and process group (setsid), stdin from /dev/null, stdout and stderr appended
// to `log_file`; returns its PID, which is also its process group id. It survives this process's death.
Result<int> process_spawn_detached(const std::vector<std::string>& argv, const std::string& log_file, const std::string& work_dir);

// Signals a whole process group (SIGTERM, then SIGKILL after `grace_ms` if anything is left).
void process_group_kill(int pgid, int grace_ms);

// True while a process with this PID exists (and has not been reaped).
bool process_alive(int pid);

// Reaps `pid` if it is our exited child (so it does not linger as a zombie); returns its exit code then.
std::optional<int> process_reap(int pid);

}  // namespace tp::cli
