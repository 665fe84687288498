// The Slurm executor: one batch script per candidate, submitted with sbatch, followed with squeue, then
// scontrol (which keeps a finished job for MinJobAge), then sacct (accounting, or `sacct -c` from the
// job-completion log), cancelled with scancel. States as Slurm 22.05 prints them (../shared/docs/toolchain.md §6).
#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli_common.hpp"
#include "executor.hpp"
#include "process.hpp"
#include "run_template.hpp"

namespace tp::cli {

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    size_t i = 0;
    while (i < s.size() && s[i] == ' ') ++i;
    return s.substr(i);
}

bool terminal(const std::string& state) {
    for (const char* t : {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE"})
        if (state.rfind(t, 0) == 0) return true;
    return false;
}

// "CANCELLED by 0" -> "CANCELLED"; sacct may print "CANCELLED by 0", scontrol "CANCELLED".
std::string state_word(const std::string& s) { return s.substr(0, s.find(' ')); }

// "ExitCode=3:0" or "3:0": the exit status before the colon (the signal after it).
std::optional<int> exit_of(const std::string& code) {
    if (code.empty() || !std::isdigit((unsigned char)code[0])) return std::nullopt;
    return std::atoi(code.c_str());
}

class SlurmExecutor final : public Executor {
public:
    explicit SlurmExecutor(SlurmOptions o) : o_(std::move(o)) {}
    const char* name() const override { return "slurm"; }

    Result<std::string> submit(const JobSpec& job) override {
        // Numbers go in #SBATCH lines; names and paths go on sbatch's command line as separate arguments, so
        // no value is ever parsed by a shell or by sbatch's directive reader.
        std::ostringstream s;
        s << "#!/bin/bash\n";
        s << "#SBATCH --nodes=" << job.nodes << "\n";
        s << "#SBATCH --ntasks-per-node=1\n";
        if (o_.request_gpus) s << "#SBATCH --gpus-per-node=" << job.gpus_per_node << "\n";
        s << "#SBATCH --time=" << std::max(1, int(std::ceil(job.time_limit_minutes))) << "\n";
        if (!o_.extra_sbatch.empty()) s << "#SBATCH " << sanitized(o_.extra_sbatch) << "\n";
        s << "cd " << shell_quote(job.run_dir) << "\n";
        s << "srun";
        if (!o_.container_image.empty()) s << " --container-image=" << shell_quote(o_.container_image);
        if (!o_.container_mounts.empty()) s << " --container-mounts=" << shell_quote(o_.container_mounts);
        s << " bash -c " << shell_quote(job.command) << "\n";
        const std::string script = job.run_dir + "/job.sbatch";
        Result<bool> w = write_text_file(script, s.str());
        if (!w) return w.error();
        std::vector<std::string> argv = {"sbatch", "--parsable", "--job-name=trainplan:" + job_name(job.name), "--output=" + job.log_file};
        if (!o_.partition.empty()) argv.push_back("--partition=" + o_.partition);
        if (!o_.account.empty()) argv.push_back("--account=" + o_.account);
        argv.push_back(script);
        Result<ProcessOutput> out = process_run(argv);
        if (!out) return out.error();
        if (out->exit_code != 0) return make_error(ErrorKind::invalid_argument, "sbatch " + script + ": " + trim(out->err));
        // --parsable prints "<id>" or "<id>;<cluster>".
        std::string id = trim(out->out);
        id = id.substr(0, id.find(';'));
        if (id.empty() || id.find_first_not_of("0123456789_") != std::string::npos)
            return make_error(ErrorKind::parse_error, "sbatch " + script + ": unexpected reply '" + trim(out->out) + "'");
        return id;
    }

    JobStatus poll(const JobSpec&, const std::string& job_id) override {
        JobStatus s;
        // 1. squeue: the job while it is pending or running.
        if (Result<ProcessOutput> q = process_run({"squeue", "-h", "-j", job_id, "-o", "%T"}); q && q->exit_code == 0) {
            const std::string state = trim(q->out);
            if (!state.empty() && !terminal(state)) {
                s.state = state;
                s.running = state == "RUNNING" || state == "COMPLETING";
                return s;
            }
        }
        // 2. scontrol: finished jobs until MinJobAge purges them.
        if (Result<ProcessOutput> c = process_run({"scontrol", "-o", "show", "job", job_id}); c && c->exit_code == 0) {
            const std::string state = field(c->out, "JobState="), code = field(c->out, "ExitCode=");
            if (terminal(state)) return finished(state, exit_of(code));
            if (!state.empty()) {
                s.state = state;
                s.running = state == "RUNNING" || state == "COMPLETING";
                return s;
            }
        }
        // 3. sacct: with accounting; then `sacct -c` from the job-completion log (jobcomp/filetxt).
        for (const std::vector<std::string>& argv :
             {std::vector<std::string>{"sacct", "-X", "-n", "-P", "-j", job_id, "-o", "State,ExitCode"},
              std::vector<std::string>{"sacct", "-c", "-X", "-n", "-P", "-j", job_id, "-o", "State,ExitCode"}}) {
            Result<ProcessOutput> a = process_run(argv);
            if (!a || a->exit_code != 0) continue;
            const std::string line = trim(a->out.substr(0, a->out.find('\n')));
            const size_t bar = line.find('|');
            if (bar == std::string::npos) continue;
            const std::string state = state_word(line.substr(0, bar));
            if (terminal(state)) return finished(state, exit_of(line.substr(bar + 1)));
        }
        // Nothing knows the job any more.
        s.done = true, s.state = "VANISHED";
        return s;
    }

    void cancel(const JobSpec&, const std::string& job_id) override { (void)process_run({"scancel", job_id}); }

private:
    static JobStatus finished(const std::string& state, std::optional<int> code) {
        JobStatus s;
        s.done = true, s.state = state_word(state), s.exit_code = code;
        return s;
    }
    // "Key=Value" from scontrol's one-line output.
    static std::string field(const std::string& text, const std::string& key) {
        const size_t at = text.find(key);
        if (at == std::string::npos) return "";
        const size_t start = at + key.size();
        return text.substr(start, text.find_first_of(" \n", start) - start);
    }
    // Slurm job names: letters, digits and _.:- kept, anything else replaced (squeue prints names unquoted).
    static std::string job_name(std::string s) {
        for (char& c : s)
            if (!std::isalnum((unsigned char)c) && c != '_' && c != '.' && c != ':' && c != '-') c = '_';
        return s;
    }
    // Newlines and carriage returns would start new #SBATCH lines: replaced.
    static std::string sanitized(std::string s) {
        for (char& c : s)
            if (c == '\n' || c == '\r') c = ' ';
        return s;
    }
    SlurmOptions o_;
};

}  // namespace

std::unique_ptr<Executor> make_slurm_executor(const SlurmOptions& options) { return std::make_unique<SlurmExecutor>(options); }

}  // namespace tp::cli
