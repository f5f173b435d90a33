// Lists and inspects every swarm service through the real `docker` client, as
// an operator would: `docker service ls -q`, then `docker service inspect` on
// the ids in batches (one process per batch, not per service).
#pragma once

#include "libforensic/collect/collector.hpp"
#include "libforensic/util/subprocess.hpp"

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::collect {

struct DockerClient {
    std::string program = "docker"; // looked up in PATH; inherits DOCKER_HOST
    std::size_t batch = 100;        // ids per `docker service inspect`
    std::chrono::milliseconds timeout{std::chrono::seconds(120)}; // per docker call
};

// The live client for a snapshot's options: --docker, else `docker` when
// reading this machine (root "/"). Under another root this machine's daemon
// is not that host's: throws CollectorSkipped saying what to give.
DockerClient live_docker_client(const CollectOptions& options);

// Runs the client with `argv` (argv[0] is docker.program). Throws
// CollectorError naming the command (its first `shown` words) and quoting
// docker's message when it cannot be run or fails, unless `usable` accepts
// the failed result.
ProgramResult run_docker(const DockerClient& docker, const std::vector<std::string>& argv, std::size_t shown,
                         bool (*usable)(const ProgramResult&) = nullptr);

// The services of `ids` as parse_service_array returns them; one that was
// removed meanwhile is left out. One `docker service inspect` per batch.
nlohmann::json inspect_services(const DockerClient& docker, const std::vector<std::string>& ids);

// The services as parse_service_array returns them. Throws CollectorError
// with docker's own message when the client cannot be run or fails (daemon
// down, not a swarm manager, ...). A service removed between the listing and
// its inspection is left out, as if listed a moment later.
nlohmann::json inspect_all_services(const DockerClient& docker);

} // namespace forensic::collect
