// A real Docker Engine in swarm mode for the tests, never the machine's: a
// private dockerd with its own data root, exec root, socket and pid file
// under a temporary directory (Debian's docker.io, Engine 20.10), a swarm of
// one manager on 127.0.0.1, and a local image made from busybox-static with
// `docker import` (no registry is reached: deploy with --resolve-image never).
// It stops only the daemon it started, by its pid, and cleans what Docker
// leaves outside its roots: the swarm, the docker_gwbridge interface, the
// netns mounts under the exec root, /run/docker/plugins and
// /var/lib/docker/network/files.
#pragma once

#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::test {

class Background;

class DockerEngine {
public:
    DockerEngine();
    ~DockerEngine();
    DockerEngine(const DockerEngine&) = delete;
    DockerEngine& operator=(const DockerEngine&) = delete;

    // One engine for a test process: started on first use (about 2 s).
    static DockerEngine& shared();

    static constexpr const char* image = "local/busybox:1";

    // DOCKER_HOST=unix://<its socket>, DOCKER_CONFIG=<a private config dir>.
    std::map<std::string, std::string> env() const;
    // The docker client against it; run_docker throws with the output on failure.
    std::string run_docker(const std::vector<std::string>& args) const;
    ProcessResult try_docker(const std::vector<std::string>& args) const;

    // `docker stack deploy --resolve-image never -c <compose> <stack>`.
    void deploy(const std::string& stack, const std::string& compose) const;
    void remove_stack(const std::string& stack) const; // and waits until its services are gone
    // `docker service inspect <service>` as the Engine API returns it (one object).
    nlohmann::json inspect(const std::string& service) const;
    // Polls inspect until `done` holds; throws after `timeout` with the last state.
    nlohmann::json wait_until(const std::string& service, const std::function<bool(const nlohmann::json&)>& done,
                              std::chrono::seconds timeout = std::chrono::seconds(60)) const;
    // The UpdateStatus.State of a service, "" when it has none.
    static std::string update_state(const nlohmann::json& service);

    // Stops the daemon (SIGTERM by pid; its data stays) and starts it again.
    void stop_daemon();
    void start_daemon();
    bool daemon_running() const;

    const std::filesystem::path& dir() const { return dir_.path(); }

private:
    void clean_outside();

    TempDir dir_;
    std::filesystem::path socket_, config_;
    std::unique_ptr<Background> daemon_;
    bool made_gwbridge_ = false, made_run_docker_ = false, made_network_files_ = false;
};

} // namespace forensic::test
