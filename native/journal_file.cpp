#include "journal_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace tp::cli {

JournalFile::~JournalFile() {
    if (fd_ >= 0) ::close(fd_);
}

Result<bool> JournalFile::open(const std::string& path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0) return make_error(ErrorKind::not_found, path + ": cannot open the journal: " + std::strerror(errno));
    path_ = path;
    return true;
}

Result<bool> JournalFile::append(JournalState& state, std::string_view event, std::string_view run, const nlohmann::json& fields) {
    const std::string line = journal_line(event, run, utc_now_iso(), fields);
    const nlohmann::json parsed = nlohmann::json::parse(line);
    // Check the event applies before it is written, so the file never holds an event replay would refuse.
    JournalState trial = state;
    if (Result<bool> ok = journal_apply(trial, parsed); !ok) return make_error(ErrorKind::invalid_argument, path_ + ": " + ok.error().message);
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n != ssize_t(line.size())) return make_error(ErrorKind::not_found, path_ + ": journal write failed: " + std::strerror(errno));
    if (::fsync(fd_) != 0) return make_error(ErrorKind::not_found, path_ + ": journal fsync failed: " + std::strerror(errno));
    // Applied in place (not by swapping in `trial`), so references the caller holds into state.runs stay valid.
    return journal_apply(state, parsed);
}

std::string utc_now_iso() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

}  // namespace tp::cli
