// A program the test leaves running while it works (forensic watch, a private
// dockerd): output to files, signals by pid, waited for at the end. It gets
// SIGTERM (or the given signal) if the test process dies first, so a crashed
// test leaves no process behind.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace forensic::test {

class Background {
public:
    Background(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::filesystem::path& out, const std::filesystem::path& err, int death_signal = 15);
    ~Background(); // SIGTERM and wait, if still running
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    pid_t pid() const { return pid_; }
    void signal(int sig) const;
    // Waits for the exit (up to `timeout`, then SIGKILL); the exit status, or
    // -signal when a signal ended it.
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(30));
    bool running();
    std::string out() const;
    std::string err() const;
    // Waits until `text` appears in its output (stdout or stderr); false at the timeout.
    bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

private:
    pid_t pid_ = -1;
    int status_ = 0;
    bool reaped_ = false;
    std::filesystem::path out_, err_;
};

} // namespace forensic::test
