// Runs a program to completion the way an operator would from a shell, but
// without one: argv is passed as is, the environment is inherited (so the
// docker client sees DOCKER_HOST), stdin is /dev/null, stdout and stderr are
// captured, and a program that outlives its timeout is killed.
#pragma once

#include "libforensic/util/error.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

namespace forensic {

// A program could not be started at all (not found, not executable).
class ProcessError : public Error {
    using Error::Error;
};

struct ProgramResult {
    int exit_code = -1;     // the exit status; -1 when a signal ended it
    int signal = 0;         // the signal that ended it, 0 when it exited
    bool timed_out = false; // killed because it ran past the timeout
    std::string out;
    std::string err;

    bool ok() const { return exit_code == 0 && !timed_out; }
};

// argv[0] is looked up in PATH unless it holds a '/'. The program runs in its
// own process group, all of which is killed (SIGKILL) at the timeout. Throws
// ProcessError naming the program when it cannot be started.
ProgramResult run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

// "exit status 1", "killed by signal 9", "timed out after 120s", for messages.
std::string describe_end(const ProgramResult& result, std::chrono::milliseconds timeout);

// A long-running program whose standard output is read line by line as it
// comes (`docker events`), started as run_program starts one. Destroying it
// ends the program's whole process group and reaps it.
class StreamingProgram {
public:
    // Throws ProcessError naming the program when it cannot be started.
    explicit StreamingProgram(const std::vector<std::string>& argv);
    ~StreamingProgram();
    StreamingProgram(const StreamingProgram&) = delete;
    StreamingProgram& operator=(const StreamingProgram&) = delete;

    enum class Wait { lines, woken, timeout, closed };
    // Waits up to `timeout` for output, or for `wake_fd` (when >= 0) to become
    // readable, and appends each complete line to `lines`. `closed` once the
    // program has closed its output and every line was delivered. A line
    // longer than `max_line` bytes is dropped (counted in dropped_lines()).
    Wait read_lines(std::vector<std::string>& lines, std::chrono::milliseconds timeout, int wake_fd = -1);

    // Ends the program if it still runs (SIGTERM, then SIGKILL after a grace
    // period) and says how it ended, with what it wrote to standard error.
    ProgramResult finish(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    pid_t pid() const;
    std::size_t dropped_lines() const;

    static constexpr std::size_t max_line = 1 << 20;

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace forensic
