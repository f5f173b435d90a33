// What `forensic watch` stores for one burst of Docker service events: watch
// records. For every service the events name, its state as the swarm
// collector sees it (the same facts, mapped to recipes through abra's app env
// files), or its absence after a `remove`; and the events themselves.
//
// A record is dated by when that state held: the newest event of the service,
// or the service's own UpdatedAt when that is later (an event not read yet),
// never after it was inspected; a removal by the remove event. A service's
// state changes only by events, so the state inspected just after its newest
// event is its state from that event on.
#pragma once

#include "libforensic/collect/abra_apps.hpp"
#include "libforensic/collect/swarm_event_facts.hpp"
#include "libforensic/model/fact.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::capture {

struct WatchBurst {
    std::string host;
    std::vector<collect::DockerEvent> events; // service events, in time order
    nlohmann::json inspected = nlohmann::json::array(); // the services that still exist, as inspected
    bool inspection_failed = false;           // then no service state is recorded, only the events
    TimeNs inspected_at = 0;
    collect::AppEnvs apps;                    // abra's app env files when inspected
    std::vector<Fact> event_extras;           // facts of the events' source besides the events (a gap)
};

// The services whose current state to inspect: those the burst names whose
// newest event is not a removal, by id.
std::vector<std::string> services_to_inspect(const std::vector<collect::DockerEvent>& events);

// The records, oldest first; the one at the newest event's time holds the events. Throws InputError
// for an inspected service the swarm collector cannot read (no ID or name).
std::vector<SnapshotInput> watch_records(const WatchBurst& burst);

} // namespace forensic::capture
