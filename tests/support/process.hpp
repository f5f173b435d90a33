// Runs a real program (the oracle: git, nix-env, the forensic binary) and
// captures what it printed. Tests only; the library never spawns per item.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace forensic::test {

struct ProcessResult {
    int exit_code = -1; // -signal when killed
    std::string out;
    std::string err;
};

// argv[0] is looked up in PATH. `env` entries are added to (or replace) the
// environment; `cwd` empty means the current directory.
ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                          const std::string& cwd = {});

// Like run_process, but throws with the output when the exit code is not 0.
std::string run_checked(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                        const std::string& cwd = {});

// The forensic binary under test (FORENSIC_BIN, set by meson).
std::string forensic_binary();

// Runs the forensic binary under test with `args`.
ProcessResult run_forensic(std::vector<std::string> args);

} // namespace forensic::test
