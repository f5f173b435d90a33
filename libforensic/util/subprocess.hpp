// Runs a program to completion the way an operator would from a shell, but
// without one: argv is passed as is, the environment is inherited (so the
// docker client sees DOCKER_HOST), stdin is /dev/null, stdout and stderr are
// captured, and a program that outlives its timeout is killed.
#pragma once

#include "libforensic/util/error.hpp"

#include <chrono>
#include <string>
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

} // namespace forensic
