// Lists and inspects every swarm service through the real `docker` client, as
// an operator would: `docker service ls -q`, then `docker service inspect` on
// the ids in batches (one process per batch, not per service).
#pragma once

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

namespace forensic::collect {

struct DockerClient {
    std::string program = "docker"; // looked up in PATH; inherits DOCKER_HOST
    std::size_t batch = 100;        // ids per `docker service inspect`
    std::chrono::milliseconds timeout{std::chrono::seconds(120)}; // per docker call
};

// The services as parse_service_array returns them. Throws CollectorError
// with docker's own message when the client cannot be run or fails (daemon
// down, not a swarm manager, ...). A service removed between the listing and
// its inspection is left out, as if listed a moment later.
nlohmann::json inspect_all_services(const DockerClient& docker);

} // namespace forensic::collect
