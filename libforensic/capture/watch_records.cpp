#include "libforensic/capture/watch_records.hpp"

#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/collect/swarm_facts.hpp"
#include "libforensic/util/utf8.hpp"
#include "libforensic/version.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace forensic::capture {
namespace {

using collect::DockerEvent;

struct ServiceBurst {
    const DockerEvent* last = nullptr; // the newest event of it
};

// The newest event of each service (by name), in time order of the burst.
std::map<std::string, ServiceBurst> by_service(const std::vector<DockerEvent>& events)
{
    std::map<std::string, ServiceBurst> out;
    for (const auto& e : events) {
        auto& entry = out[e.name().empty() ? e.actor_id : e.name()];
        if (!entry.last || e.time >= entry.last->time) entry.last = &e;
    }
    return out;
}

std::optional<TimeNs> updated_at(const nlohmann::json& service)
{
    auto it = service.find("UpdatedAt");
    if (it == service.end() || !it->is_string()) return std::nullopt;
    return parse_rfc3339(it->get<std::string>());
}

std::string spec_name(const nlohmann::json& service)
{
    auto spec = service.find("Spec");
    if (spec == service.end() || !spec->is_object()) return {};
    auto name = spec->find("Name");
    return name != spec->end() && name->is_string() ? name->get<std::string>() : std::string();
}

struct Record {
    std::vector<Fact> facts;
    std::set<std::string> subjects;
};

} // namespace

std::vector<std::string> services_to_inspect(const std::vector<DockerEvent>& events)
{
    std::vector<std::string> ids;
    for (const auto& [name, burst] : by_service(events))
        if (burst.last->action != "remove" && !burst.last->actor_id.empty()) ids.push_back(burst.last->actor_id);
    return ids;
}

std::vector<SnapshotInput> watch_records(const WatchBurst& burst)
{
    std::map<TimeNs, Record> records;
    auto services = by_service(burst.events);
    std::set<std::string> recorded;
    if (!burst.inspection_failed) {
        for (const auto& service : burst.inspected) {
            auto name = spec_name(service);
            auto found = services.find(name);
            if (found == services.end()) continue; // not one the events named
            auto when = std::max(found->second.last->time, updated_at(service).value_or(0));
            when = std::min(when, std::max(burst.inspected_at, found->second.last->time));
            auto one = nlohmann::json::array({service});
            auto facts = collect::service_facts(one, burst.apps.apps, "the watch's 'docker service inspect'");
            auto& record = records[when];
            record.subjects.insert(name);
            // The app it was deployed as: its env file, as the swarm collector reads it.
            std::string stack;
            for (const auto& f : facts)
                if (f.key == "stack") stack = f.value;
            collect::AppEnvs apps;
            for (const auto& app : burst.apps.apps)
                if (!stack.empty() && app.stack == stack) apps.apps.push_back(app);
            for (auto& f : collect::app_facts(apps)) {
                record.subjects.insert(f.subject);
                facts.push_back(std::move(f));
            }
            for (auto& f : facts) record.facts.push_back(std::move(f));
            recorded.insert(name);
        }
        // Removed: seen gone at the remove event.
        for (const auto& [name, service] : services)
            if (service.last->action == "remove" && !recorded.contains(name))
                records[service.last->time].subjects.insert(name);
    }

    // The events go in a record at the newest of them: a later record (a
    // state dated by its UpdatedAt) must not claim events it does not hold,
    // as the next start asks the daemon for what came after it.
    auto newest = burst.events.empty() ? burst.inspected_at : burst.events.back().time;
    for (const auto& e : burst.events) newest = std::max(newest, e.time);
    records[newest];
    std::vector<Fact> event_facts = burst.event_extras;
    collect::add_service_event_facts(burst.events, event_facts);

    std::vector<SnapshotInput> out;
    std::size_t with_events = 0;
    for (auto& [when, record] : records) {
        if (when == newest) with_events = out.size();
        SnapshotInput input;
        input.host = burst.host;
        input.taken_at = when;
        input.finished_at = std::max(when, burst.inspected_at);
        input.tool_version = forensic_version;
        input.kind = SnapshotKind::watch;
        if (!record.subjects.empty()) {
            // As every collector's facts: valid UTF-8, no credentials in URLs.
            collect::sanitise_facts(record.facts);
            std::set<std::string> subjects;
            for (const auto& subject : record.subjects) subjects.insert(to_valid_utf8(subject));
            CollectorRun swarm{"swarm", CollectorStatus::ok, {}, std::move(record.facts), Coverage::subjects,
                               std::vector<std::string>(subjects.begin(), subjects.end())};
            input.collectors.push_back(std::move(swarm));
        }
        out.push_back(std::move(input));
    }
    collect::sanitise_facts(event_facts);
    out[with_events].collectors.push_back(CollectorRun{std::string(collect::swarm_events::source), CollectorStatus::ok, {},
                                                 std::move(event_facts), Coverage::additive, {}});
    return out;
}

} // namespace forensic::capture
