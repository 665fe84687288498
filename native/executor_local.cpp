// The local executor: each run a detached process group on this machine.
#include <sys/stat.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include "cli_common.hpp"
#include "executor.hpp"
#include "process.hpp"

namespace tp::cli {

namespace {

bool file_exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

std::optional<long long> read_number(const std::string& path) {
    std::ifstream in(path);
    long long v = 0;
    if (in >> v) return v;
    return std::nullopt;
}

long long now_s() { return (long long)std::time(nullptr); }

class LocalExecutor final : public Executor {
public:
    const char* name() const override { return "local"; }

    Result<std::string> submit(const JobSpec& job) override {
        // The wrapper runs the command, then records its exit code atomically (write + rename), so the code
        // survives trainplan being killed; the command and path are positional arguments, never re-quoted.
        static const char* wrapper =
            "bash -c \"$1\"; code=$?; printf '%s\\n' \"$code\" > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"; exit $code";
        const std::string exit_file = job.run_dir + "/exit_code";
        Result<bool> start = write_text_file(job.run_dir + "/started_at", std::to_string(now_s()) + "\n");
        if (!start) return start.error();
        Result<int> pid = process_spawn_detached({"bash", "-c", wrapper, "trainplan-run", job.command, exit_file}, job.log_file, job.run_dir);
        if (!pid) return pid.error();
        return std::to_string(*pid);
    }

    JobStatus poll(const JobSpec& job, const std::string& job_id) override {
        JobStatus s;
        const int pid = std::atoi(job_id.c_str());
        const std::string exit_file = job.run_dir + "/exit_code";
        if (process_alive(pid)) {
            s.running = true, s.state = "RUNNING";
            // The per-run limit: NeMo's max_minutes_per_run, enforced on the whole group.
            const std::optional<long long> started = read_number(job.run_dir + "/started_at");
            if (started && double(now_s() - *started) > 60.0 * job.time_limit_minutes) {
                write_text_file(job.run_dir + "/timeout", "time limit\n");
                process_group_kill(pid, 5000);
                s.running = false, s.done = true, s.state = "TIMEOUT";
            }
            return s;
        }
        s.done = true;
        if (file_exists(job.run_dir + "/timeout")) {
            s.state = "TIMEOUT";
        } else if (file_exists(job.run_dir + "/cancelled")) {
            s.state = "CANCELLED";
        } else if (const std::optional<long long> code = read_number(exit_file)) {
            s.exit_code = int(*code);
            s.state = *code == 0 ? "COMPLETED" : "FAILED";
        } else {
            s.state = "VANISHED";  // gone without an exit code: killed from outside, or the machine restarted
        }
        return s;
    }

    void cancel(const JobSpec& job, const std::string& job_id) override {
        write_text_file(job.run_dir + "/cancelled", "cancelled\n");
        process_group_kill(std::atoi(job_id.c_str()), 5000);
    }
};

}  // namespace

std::unique_ptr<Executor> make_local_executor() { return std::make_unique<LocalExecutor>(); }

}  // namespace tp::cli
