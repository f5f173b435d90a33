#include "libforensic/analyze/service_story.hpp"

#include "libforensic/analyze/stamp.hpp"
#include "libforensic/collect/fact_names.hpp"
#include "libforensic/store/store.hpp"

#include <algorithm>
#include <cstdlib>

namespace forensic::analyze {
namespace {

namespace sw = collect::swarm;

// An event and an UpdateStatus.StartedAt of one update lie microseconds apart.
constexpr TimeNs same_moment = 2 * ns_per_second;

bool near(TimeNs a, TimeNs b)
{
    return std::llabs(a - b) <= same_moment;
}

bool is_terminal_update_state(std::string_view state)
{
    return state == "completed" || state == "paused";
}

} // namespace

const IntervalRecord* ServiceObservation::fact(std::string_view key) const
{
    if (!facts) return nullptr;
    auto found = facts->find(key);
    return found == facts->end() ? nullptr : found->second;
}

const std::string* ServiceObservation::value(std::string_view key) const
{
    const auto* f = fact(key);
    return f ? &f->value : nullptr;
}

std::optional<TimeNs> ServiceObservation::time(std::string_view key) const
{
    const auto* f = fact(key);
    return f ? f->event_time : std::nullopt;
}

ServiceStory::ServiceStory(store::Store& store, const std::string& host, const std::string& service,
                           const std::vector<SnapshotCoverage>& coverage)
    : service_(service), history_(store.subject_history(host, std::string(sw::source), {service})),
      event_history_(store.subject_history(host, std::string(collect::swarm_events::source), {service},
                                           std::string(collect::swarm_events::event_prefix)))
{
    // Each capture that observed the service (clean: not in error then) saw
    // the intervals that held at its time; none means it saw it absent. One
    // sweep over the captures (in time order) and the intervals' bounds: a
    // key holds one interval at a time, so an observation saw what began at
    // or before it and had not ended; a new map only when a bound was passed.
    const std::string source(sw::source);
    std::vector<const IntervalRecord*> starts, ends;
    for (const auto& i : history_) {
        starts.push_back(&i);
        if (i.valid_to) ends.push_back(&i);
    }
    std::sort(starts.begin(), starts.end(), [](const auto* a, const auto* b) { return a->valid_from < b->valid_from; });
    std::sort(ends.begin(), ends.end(), [](const auto* a, const auto* b) { return *a->valid_to < *b->valid_to; });
    ServiceObservation::Facts active;
    std::size_t next_start = 0, next_end = 0;
    bool changed = true;
    std::shared_ptr<const ServiceObservation::Facts> facts_before;
    for (const auto& c : coverage) {
        const TimeNs at = c.snapshot.taken_at;
        for (; next_start < starts.size() && starts[next_start]->valid_from <= at; ++next_start, changed = true)
            active[starts[next_start]->key] = starts[next_start];
        for (; next_end < ends.size() && *ends[next_end]->valid_to <= at; ++next_end, changed = true) {
            auto found = active.find(ends[next_end]->key);
            if (found != active.end() && found->second == ends[next_end]) active.erase(found);
        }
        if (!c.observed(source, service)) continue;
        ServiceObservation o;
        o.at = at;
        o.snapshot = c.snapshot.id;
        o.kind = c.snapshot.kind;
        if (changed || !facts_before) {
            facts_before = std::make_shared<const ServiceObservation::Facts>(active);
            changed = false;
        }
        o.facts = facts_before;
        if (o.fact(error_key)) continue; // an unreadable service shows nothing for sure
        if (o.fact(sw::stamp_chaos_version) || o.fact(sw::previous_stamp_chaos_version)) carries_stamp_ = true;
        observations_.push_back(std::move(o));
    }
    for (const auto& i : event_history_)
        if (auto e = collect::read_service_event(i.subject, i.key, i.value, i.event_time))
            events_.push_back(ServiceEventRecord{std::move(*e), &i});
    std::stable_sort(events_.begin(), events_.end(),
                     [](const auto& a, const auto& b) { return a.event.time < b.event.time; });
    build_episodes();
}

void ServiceStory::build_episodes()
{
    auto episode_at = [&](TimeNs start) -> UpdateEpisode& {
        for (auto& e : episodes_)
            if (near(e.start, start)) return e;
        episodes_.push_back(UpdateEpisode{});
        episodes_.back().start = start;
        return episodes_.back();
    };
    // What the observations show: one episode per UpdateStatus.StartedAt.
    for (const auto& o : observations_) {
        auto started = o.time(sw::update_started_at);
        const auto* state = o.value(sw::update_state);
        if (!started || !state) continue;
        auto& e = episode_at(*started);
        if (!e.first_seen) e.first_seen = &o;
        e.last_seen = &o;
        const auto* message = o.value(sw::update_message);
        const auto* previous = o.value(sw::previous_spec_present);
        if (*state == "updating" && !e.in_flight) e.in_flight = &o;
        if (is_rollback_state(*state)) {
            e.rolled_back = &o;
            // swarmkit keeps PreviousSpec on a manual rollback and drops it on
            // its own; its message while running says which.
            if ((message && message->starts_with(sw::manual_rollback_message)) || (previous && *previous == "true"))
                e.manual_rollback = true;
        }
        if (is_terminal_update_state(*state)) e.completed = &o;
    }
    // What the events show: each state change, in order.
    UpdateEpisode* current = nullptr;
    for (const auto& r : events_) {
        const auto& e = r.event;
        if (!e.state_new) continue;
        const auto& to = *e.state_new;
        if (to == "updating") {
            current = &episode_at(e.time);
            current->began = &r;
        } else if (to == "rollback_started") {
            // From `updating`, the updater's own rollback of that update; from
            // anything else the update had ended: someone asked for it.
            if (e.state_old == std::optional<std::string>("updating") && current) {
                current->to_rollback = &r;
            } else {
                current = &episode_at(e.time);
                current->manual_rollback = true;
                current->began = &r;
                current->to_rollback = &r;
            }
        } else if (is_terminal_update_state(to) && current && !current->manual_rollback) {
            current->to_terminal = &r;
        }
    }
    std::sort(episodes_.begin(), episodes_.end(),
              [](const UpdateEpisode& a, const UpdateEpisode& b) { return a.start < b.start; });
}

const ServiceObservation* ServiceStory::observed_at_or_before(TimeNs t) const
{
    const ServiceObservation* found = nullptr;
    for (const auto& o : observations_)
        if (o.at <= t) found = &o;
    return found;
}

const ServiceObservation* ServiceStory::observed_at_or_after(TimeNs t) const
{
    for (const auto& o : observations_)
        if (o.at >= t) return &o;
    return nullptr;
}

std::optional<ServiceStory::Deploy> ServiceStory::last_deploy(TimeNs from, TimeNs to) const
{
    std::optional<Deploy> best;
    auto consider = [&](TimeNs t, std::string basis, const IntervalRecord* fact, long long snapshot) {
        if (t < from || t > to || (best && best->time >= t)) return;
        best = Deploy{t, std::move(basis), fact, snapshot};
    };
    for (const auto& e : episodes_) {
        if (e.manual_rollback) continue;
        if (e.first_seen)
            consider(e.start, "UpdateStatus.StartedAt of the rolling update", e.first_seen->fact(sw::update_started_at),
                     e.first_seen->snapshot);
        else if (e.began)
            consider(e.start, "the event that began the rolling update", e.began->fact, 0);
    }
    // A spec set without a rolling update (a create, a label change) shows
    // only in the events, or as the service's creation.
    for (const auto& r : events_)
        if (r.event.action == "create" || (r.event.action == "update" && !r.event.state_new && !r.event.state_old))
            consider(r.event.time, "the " + r.event.action + " event", r.fact, 0);
    for (const auto& o : observations_)
        if (auto created = o.time(sw::created_at)) consider(*created, "the service's CreatedAt", o.fact(sw::created_at), o.snapshot);
    return best;
}

} // namespace forensic::analyze
