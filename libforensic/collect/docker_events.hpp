// Docker's event buffer and event stream through the real `docker` client:
// what `forensic snapshot` backfills (the service events since the previous
// capture) and what `forensic watch` follows. The daemon keeps only its last
// 256 events of every type, so a backfill says where its view begins.
#pragma once

#include "libforensic/collect/docker_services.hpp"
#include "libforensic/collect/swarm_event_facts.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::collect {

// Docker's --since/--until form of a time: "<seconds>.<nanoseconds>".
std::string docker_timestamp(TimeNs time);

// Every event the daemon still buffers, of every type, up to `until`:
// `docker events --since 1 --until <until> --format '{{json .}}'`. Throws
// CollectorError with docker's message when the client fails.
std::vector<DockerEvent> buffered_events(const DockerClient& docker, TimeNs until, std::vector<std::string>& errors);

// A saved `docker events --format '{{json .}}'` output, one event a line
// (evidence, used as given). A line that is not an event goes to `errors`.
std::vector<DockerEvent> read_events_file(const std::string& file, std::vector<std::string>& errors);

// The events in `text`, one a line; `origin` names it in errors.
std::vector<DockerEvent> parse_event_lines(std::string_view text, const std::string& origin,
                                           std::vector<std::string>& errors);

// `docker events` following service events from `since` on (all the daemon
// buffers when none), for as long as it runs.
std::vector<std::string> event_stream_command(const DockerClient& docker, std::optional<TimeNs> since);

// The backfill: a fact for every service event at or after `since` (every
// one when none), and a gap fact when the buffer does not reach back to
// `since`: its oldest event is newer (evicted, or the daemon restarted), or it
// holds none. `until` is when the buffer was read.
std::vector<Fact> backfill_facts(const std::vector<DockerEvent>& buffered, std::optional<TimeNs> since, TimeNs until);

// The gap when the buffer (oldest event `oldest`, none when empty) may not
// reach back to `since`; none when it does.
std::optional<Fact> buffer_gap(std::optional<TimeNs> oldest, TimeNs since, TimeNs until);

} // namespace forensic::collect
