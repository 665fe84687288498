// executor.hpp — where candidate runs execute: local process groups or Slurm jobs. The search loop only
// submits, polls and cancels; everything an executor must remember to follow a job after trainplan itself
// was killed lives in the run's folder or in Slurm, so `--resume` can pick the job up again.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "result.hpp"

namespace tp::cli {

struct JobSpec {
    std::string name;         // the candidate's name
    std::string command;      // one shell line (a filled command template)
    std::string run_dir;      // the run's own folder; logs and markers go here
    std::string log_file;     // stdout and stderr of the run
    int nodes = 1;
    int gpus_per_node = 8;    // Slurm: --gpus-per-node when request_gpus
    double time_limit_minutes = 20;  // local: enforced to the second; Slurm: rounded up to whole minutes
};

// Terminal states use Slurm's names for both executors: COMPLETED, FAILED, CANCELLED, TIMEOUT,
// OUT_OF_MEMORY, NODE_FAIL, PREEMPTED; plus VANISHED when the executor no longer knows the job.
struct JobStatus {
    bool done = false;
    bool running = false;      // started (not just queued)
    std::string state;         // PENDING, RUNNING, ... or a terminal state
    std::optional<int> exit_code;
};

class Executor {
public:
    virtual ~Executor() = default;
    virtual const char* name() const = 0;
    virtual Result<std::string> submit(const JobSpec& job) = 0;  // returns the job id
    virtual JobStatus poll(const JobSpec& job, const std::string& job_id) = 0;
    virtual void cancel(const JobSpec& job, const std::string& job_id) = 0;
};

// local: `bash -c COMMAND` in its own process group; the exit code is written by a wrapper to
// <run_dir>/exit_code, so a resumed trainplan learns it too; the minute limit is enforced by killing the group.
std::unique_ptr<Executor> make_local_executor();

struct SlurmOptions {
    std::string partition, account;
    bool request_gpus = true;            // #SBATCH --gpus-per-node (off for CPU-only test clusters)
    std::string container_image, container_mounts;  // pyxis: srun --container-image/--container-mounts
    std::string extra_sbatch;            // one more #SBATCH line's arguments, as given
};
// slurm: one batch script per candidate, sbatch --parsable, followed with squeue / scontrol / sacct.
std::unique_ptr<Executor> make_slurm_executor(const SlurmOptions& options);

// The executor a command line names: "slurm" with its options, else local.
inline std::unique_ptr<Executor> make_executor(const std::string& kind, const SlurmOptions& slurm) {
    return kind == "slurm" ? make_slurm_executor(slurm) : make_local_executor();
}

}  // namespace tp::cli
