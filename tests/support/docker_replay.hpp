// Starts tests/support/docker_replay.py: a Docker Engine API replay on a unix
// socket, so tests drive the real `docker` client without a daemon. The
// server answers from a fixture (a JSON array of services in the Engine API's
// schema) that serve() may swap between two snapshots, and logs every request.
#pragma once

#include "support/scoped_env.hpp"
#include "support/temp_dir.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace forensic::test {

class DockerReplay {
public:
    // `extra_args` go to the script: {"--error", "503", "message"}, {"--vanish", id}.
    explicit DockerReplay(const std::filesystem::path& fixture, const std::vector<std::string>& extra_args = {});
    ~DockerReplay();
    DockerReplay(const DockerReplay&) = delete;
    DockerReplay& operator=(const DockerReplay&) = delete;

    // Serve this fixture from now on (atomically: a request sees old or new).
    void serve(const std::filesystem::path& fixture);

    // DOCKER_HOST=unix://<socket> and DOCKER_CONFIG=<a private config dir>,
    // so nothing reads or writes the real ~/.docker.
    std::map<std::string, std::string> env() const;
    const std::filesystem::path& config_dir() const { return config_; }

    // "METHOD PATH" of every request so far, in order.
    std::vector<std::string> requests() const;
    // How many requests start with `prefix` ("HEAD /_ping": one per client run).
    std::size_t count(const std::string& prefix) const;

private:
    TempDir dir_;
    std::filesystem::path socket_, log_, config_, served_;
    pid_t pid_ = -1;
};

} // namespace forensic::test
