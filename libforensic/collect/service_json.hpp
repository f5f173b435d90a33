// Reads `docker service inspect` output (a JSON array of services in the
// Engine API's schema) keeping only what the swarm collector records. Every
// other field — ContainerSpec Env, Args, Secrets, Configs, mounts, log driver
// options, … — is dropped while parsing, so secrets never reach a structure
// forensic holds, let alone the store.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace forensic::collect {

// An array of services holding only ID, Version.Index, CreatedAt, UpdatedAt,
// UpdateStatus, and of Spec and PreviousSpec: Name, Labels, UpdateConfig,
// RollbackConfig and TaskTemplate.ContainerSpec.Image. Throws InputError
// naming `origin` when the text is not a JSON array of objects.
nlohmann::json parse_service_array(std::string_view text, const std::string& origin);

} // namespace forensic::collect
