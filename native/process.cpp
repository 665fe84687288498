#include "process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <thread>

namespace tp::cli {

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
    std::vector<char*> out;
    for (const std::string& a : argv) out.push_back(const_cast<char*>(a.c_str()));
    out.push_back(nullptr);
    return out;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

Result<ProcessOutput> process_run(const std::vector<std::string>& argv) {
    if (argv.empty()) return make_error(ErrorKind::invalid_argument, "process_run: no program");
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return make_error(ErrorKind::not_found, std::string("pipe: ") + std::strerror(errno));
    std::vector<char*> args = c_argv(argv);
    const pid_t pid = fork();
    if (pid < 0) return make_error(ErrorKind::not_found, std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        const int null_in = open("/dev/null", O_RDONLY);
        dup2(null_in, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        close(out_pipe[0]), close(err_pipe[0]), close(out_pipe[1]), close(err_pipe[1]);
        execvp(args[0], args.data());
        dprintf(2, "cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    close(out_pipe[1]), close(err_pipe[1]);
    ProcessOutput result;
    // Read both pipes until both close (poll, so a chatty stderr cannot block stdout).
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buffer[4096];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, size_t(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    result.exit_code = decode_status(status);
    if (result.exit_code == 127 && result.err.rfind("cannot run ", 0) == 0)
        return make_error(ErrorKind::not_found, result.err.substr(0, result.err.find('\n')));
    return result;
}

Result<int> process_spawn_detached(const std::vector<std::string>& argv, const std::string& log_file, const std::string& work_dir) {
    if (argv.empty()) return make_error(ErrorKind::invalid_argument, "process_spawn_detached: no program");
    const int log = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) return make_error(ErrorKind::not_found, log_file + ": cannot open for writing: " + std::strerror(errno));
    std::vector<char*> args = c_argv(argv);
    const pid_t pid = fork();
    if (pid < 0) {
        close(log);
        return make_error(ErrorKind::not_found, std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        setsid();  // its own session and process group: killed as a group, not by our terminal's Ctrl-C
        const int null_in = open("/dev/null", O_RDONLY);
        dup2(null_in, 0);
        dup2(log, 1);
        dup2(log, 2);
        if (!work_dir.empty() && chdir(work_dir.c_str()) != 0) _exit(126);
        execvp(args[0], args.data());
        dprintf(2, "trainplan: cannot run %s: %s\n", args[0], std::strerror(errno));
        _exit(127);
    }
    close(log);
    return int(pid);
}

void process_group_kill(int pgid, int grace_ms) {
    if (pgid <= 1) return;  // never signal init or "every process" by mistake
    if (kill(-pgid, SIGTERM) != 0) return;
    for (int waited = 0; waited < grace_ms; waited += 50) {
        process_reap(pgid);
        if (kill(-pgid, 0) != 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(-pgid, SIGKILL);
    process_reap(pgid);
}

bool process_alive(int pid) {
    if (pid <= 1) return false;
    process_reap(pid);
    return kill(pid, 0) == 0;
}

std::optional<int> process_reap(int pid) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return decode_status(status);
    return std::nullopt;
}

}  // namespace tp::cli
