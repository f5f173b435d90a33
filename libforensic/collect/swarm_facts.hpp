// Facts of the services `docker service inspect` printed, as
// parse_service_array keeps them: labels, image and decoded abra stamps of
// Spec and PreviousSpec, UpdateStatus, the update and rollback policy, and
// the abra app each service maps to. Pure: no host access, so a saved array
// and the live client give the same facts, and the fuzzer drives it directly.
#pragma once

#include "libforensic/collect/abra_apps.hpp"
#include "libforensic/model/fact.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::collect {

// Facts of every service of `services` (subject: the service name). Throws
// InputError, traced with the service's index in `origin`, for a service
// without ID or Spec.Name, or one listed twice.
std::vector<Fact> service_facts(const nlohmann::json& services, const std::vector<AppEnv>& apps,
                                const std::string& origin);

} // namespace forensic::collect
