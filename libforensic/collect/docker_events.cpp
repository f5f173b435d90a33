#include "libforensic/collect/docker_events.hpp"

#include "libforensic/util/json_text.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <cstdio>

namespace forensic::collect {

std::string docker_timestamp(TimeNs time)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(time / ns_per_second),
                  static_cast<long long>(time % ns_per_second));
    return buf;
}

std::vector<DockerEvent> parse_event_lines(std::string_view text, const std::string& origin,
                                           std::vector<std::string>& errors)
{
    std::vector<DockerEvent> events;
    std::size_t number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        try {
            events.push_back(parse_docker_event(line, origin + " line " + std::to_string(number)));
        } catch (const InputError& e) {
            errors.push_back(e.what());
        }
    }
    return events;
}

std::vector<DockerEvent> buffered_events(const DockerClient& docker, TimeNs until, std::vector<std::string>& errors)
{
    // Since 1 (the epoch's first second): all the buffer holds, of every type,
    // so that its oldest event says how far back it reaches.
    std::vector<std::string> argv = {docker.program, "events", "--since", "1", "--until", docker_timestamp(until),
                                     "--format", "{{json .}}"};
    auto result = run_docker(docker, argv, 2);
    return parse_event_lines(result.out, "output of '" + docker.program + " events'", errors);
}

std::vector<DockerEvent> read_events_file(const std::string& file, std::vector<std::string>& errors)
{
    auto text = read_text_file(file, file);
    return parse_event_lines(text, file, errors);
}

std::vector<std::string> event_stream_command(const DockerClient& docker, std::optional<TimeNs> since)
{
    return {docker.program, "events", "--since", since ? docker_timestamp(*since) : "1", "--filter", "type=service",
            "--format", "{{json .}}"};
}

std::optional<Fact> buffer_gap(std::optional<TimeNs> oldest, TimeNs since, TimeNs until)
{
    if (!oldest)
        return event_gap_fact(since, until, "the daemon buffered no events at all when read (restarted since?)");
    if (*oldest <= since) return std::nullopt;
    return event_gap_fact(since, *oldest,
                          "the daemon's buffer (its last 256 events of every type) begins at " + format_rfc3339(*oldest));
}

std::vector<Fact> backfill_facts(const std::vector<DockerEvent>& buffered, std::optional<TimeNs> since, TimeNs until)
{
    std::vector<Fact> facts;
    std::optional<TimeNs> oldest;
    std::vector<DockerEvent> wanted;
    for (const auto& event : buffered) {
        oldest = oldest ? std::min(*oldest, event.time) : event.time;
        if (!since || event.time >= *since) wanted.push_back(event);
    }
    add_service_event_facts(wanted, facts);
    if (since)
        if (auto gap = buffer_gap(oldest, *since, until)) facts.push_back(std::move(*gap));
    return facts;
}

} // namespace forensic::collect
