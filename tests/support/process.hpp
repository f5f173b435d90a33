// Runs a real program (the oracle: git, nix-env, the forensic binary) and
// captures what it printed. Tests only; the library never spawns per item.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace forensic::test {

struct ProcessResult {
    int exit_code = -1; // -signal when killed
    std::string out;
    std::string err;
    bool timed_out = false; // killed (SIGKILL) when its time was up
};

// No time limit.
inline constexpr std::chrono::milliseconds unbounded{0};

// argv[0] is looked up in PATH. `env` entries are added to (or replace) the
// environment; `cwd` empty means the current directory. With a `timeout`,
// a program still running then is killed and `timed_out` set: a test of
// hostile input proves "never a hang" without hanging itself.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& cwd = {}, std::chrono::milliseconds timeout = unbounded);

// Like run_process, but throws with the output when the exit code is not 0.
std::string run_checked(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                        const std::string& cwd = {});

// The forensic binary under test (FORENSIC_BIN, set by meson).
std::string forensic_binary();

// Runs the forensic binary under test with `args`.
ProcessResult forensic_run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {},
                           std::chrono::milliseconds timeout = unbounded);

} // namespace forensic::test
