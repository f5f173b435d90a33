// The facts of source `swarm-events`: the Docker service events the daemon
// reported, each one fact, and the gaps where its buffer did not reach back.
// Named here, next to what makes them (docker_events.cpp, forensic watch),
// and read by name wherever they are used (analyze/, render/).
//
// subject <service name>   key event:<time, 9 fractional digits>
//   value "<action> id=<service id>[ <attribute>=<value>]..." (attributes in
//   key order, `name` left out; a space or % inside a value as %20 / %25)
//   event time: the event's own (timeNano)
// subject daemon/events    key gap:<from>   value: what may be lost and why
//   event time: where the buffer (or the capture) begins again
#pragma once

#include "libforensic/model/fact.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace forensic::collect {

namespace swarm_events {
inline constexpr std::string_view source = "swarm-events";
inline constexpr std::string_view event_prefix = "event:";
inline constexpr std::string_view gap_subject = "daemon/events";
inline constexpr std::string_view gap_prefix = "gap:";
// Docker's attribute names for a rolling update's state change.
inline constexpr std::string_view state_old = "updatestate.old";
inline constexpr std::string_view state_new = "updatestate.new";
} // namespace swarm_events

// One event as `docker events --format '{{json .}}'` prints it.
struct DockerEvent {
    std::string type;     // service, container, node, ...
    std::string action;   // create, update, remove, ...
    std::string actor_id; // the service id
    std::vector<std::pair<std::string, std::string>> attributes; // sorted by name
    TimeNs time = 0;      // timeNano

    // The `name` attribute (a service's name); empty when there is none.
    std::string name() const;
    const std::string* attribute(std::string_view name) const;
};

// Parses one line. Throws InputError naming `origin` for a line that is not
// an event (malformed JSON, no Type/Action/time).
DockerEvent parse_docker_event(std::string_view line, const std::string& origin);

// The fact of a service event (subject: the service's name, else its id).
Fact service_event_fact(const DockerEvent& event);

// The facts of `events` (service events only), appended to `facts`; two of
// one service in one nanosecond are numbered `#2`, `#3`, as reflog keys are.
void add_service_event_facts(const std::vector<DockerEvent>& events, std::vector<Fact>& facts);

// An event fact read back.
struct ServiceEvent {
    std::string service;
    TimeNs time = 0;
    std::string action;
    std::string id;
    std::optional<std::string> state_old, state_new; // updatestate.old / .new
    std::vector<std::pair<std::string, std::string>> attributes; // every attribute but name, decoded
};
// nullopt when `key` is not an event key or `value` not an event value.
std::optional<ServiceEvent> read_service_event(const std::string& subject, const std::string& key,
                                               const std::string& value, std::optional<TimeNs> event_time);

// The gap fact: events after `from` and before `to` may be lost.
Fact event_gap_fact(TimeNs from, TimeNs to, const std::string& why);

} // namespace forensic::collect
