// swarm-rollback: Swarm put the old spec back. Needs positive evidence on the
// recipe's own service, for an update made in the deploy window: UpdateStatus
// in a rollback state, and/or snapshots showing Spec = the expected stamp with
// PreviousSpec = the observed one, then Spec = the observed one. That the
// observed stamp is an older release's commit never supports it on its own,
// and a later redeploy of the same service (another run, the fix) says
// nothing about this one.
#include "libforensic/analyze/attribution_context.hpp"

#include <algorithm>

namespace forensic::analyze {
namespace {

using History = std::vector<IntervalRecord>;

bool overlaps(const IntervalRecord& i, TimeNs from, std::optional<TimeNs> to)
{
    return (!to || i.valid_from < *to) && (!i.valid_to || *i.valid_to > from);
}

const IntervalRecord* covering(const History& history, const std::string& key, TimeNs t)
{
    for (const auto& i : history)
        if (i.key == key && i.valid_from <= t && (!i.valid_to || *i.valid_to > t)) return &i;
    return nullptr;
}

// One update of the service: while its StartedAt was current.
struct Update {
    TimeNs from = 0;
    std::optional<TimeNs> to;
    const IntervalRecord* started = nullptr;
};

History history_of(const AttributionContext& c, const std::string& service)
{
    History history = c.store().subject_history(c.host(), "swarm", {service});
    std::sort(history.begin(), history.end(),
              [](const auto& a, const auto& b) { return std::tie(a.valid_from, a.key) < std::tie(b.valid_from, b.key); });
    return history;
}

// The updates made in [since, until], by their StartedAt; a service whose
// dump has no StartedAt is judged by when snapshots saw it.
std::vector<Update> updates_in_window(const History& history, TimeNs since, TimeNs until)
{
    std::vector<Update> out;
    bool any_started = false;
    for (const auto& i : history) {
        if (i.key != "update_status.started_at" || !i.event_time) continue;
        any_started = true;
        if (*i.event_time >= since && *i.event_time <= until) out.push_back(Update{i.valid_from, i.valid_to, &i});
    }
    if (!any_started)
        for (const auto& i : history)
            if (i.key == "update_status.state" && i.valid_from >= since && i.valid_from <= until)
                out.push_back(Update{i.valid_from, i.valid_to, nullptr});
    return out;
}

} // namespace

Hypothesis test_swarm_rollback(const AttributionContext& c)
{
    Hypothesis h{"swarm-rollback", HypothesisStatus::inconclusive, {}, {}};
    auto services = c.services();
    if (services.empty()) {
        h.summary = "no swarm service of " + c.recipe() + " was recorded";
        return h;
    }
    const auto& w = c.window();
    auto since = w.deploy_from ? w.deploy_from : w.good;
    auto until = w.deploy_to ? w.deploy_to : w.bad;
    if (!since || !until) {
        h.summary = "no window to look for an update in";
        return h;
    }
    const auto& expected = c.expected().commit;
    const auto& observed = c.observed().commit;
    bool rolled_back = false, in_flight_then_back = false, seen_update = false;
    std::string rolled_service, last_state;
    std::vector<Evidence> support, against;
    for (const auto& service : services) {
        auto history = history_of(c, service);
        for (const auto& update : updates_in_window(history, *since, *until)) {
            seen_update = true;
            bool this_rolled_back = false;
            if (update.started)
                support.push_back(c.evidence_of(*update.started, "an update began in the deploy window"));
            // (a) its UpdateStatus reached a rollback state.
            for (const auto& i : history) {
                if (i.key != "update_status.state" || !overlaps(i, update.from, update.to)) continue;
                last_state = i.value;
                if (!is_rollback_state(i.value)) {
                    against.push_back(c.evidence_of(i, "UpdateStatus of the update made in the deploy window"));
                    continue;
                }
                this_rolled_back = true;
                support.push_back(c.evidence_of(i, "UpdateStatus.State: Swarm rolled the update back"));
                for (const char* key : {"update_status.completed_at", "update_status.message", "stamp.chaos_version",
                                        "previous_spec.present"})
                    if (const auto* extra = covering(history, key, i.valid_from))
                        support.push_back(c.evidence_of(
                            *extra, key == std::string("update_status.completed_at") ? "when the rollback completed"
                                    : key == std::string("update_status.message")    ? "Swarm's message"
                                    : key == std::string("stamp.chaos_version")      ? "the Spec's stamp after the rollback"
                                        : "PreviousSpec dropped, as swarmkit does after a rollback"));
                break;
            }
            // (b) in flight with Spec = expected and PreviousSpec = observed, then Spec = observed.
            for (const auto& spec : history) {
                if (spec.key != "stamp.commit" || !same_commit(spec.value, expected) || !spec.valid_to ||
                    !overlaps(spec, update.from, update.to))
                    continue;
                const auto* previous = covering(history, "previous_stamp.commit", spec.valid_from);
                const auto* after = covering(history, "stamp.commit", *spec.valid_to);
                if (!previous || !same_commit(previous->value, observed) || !after || !same_commit(after->value, observed))
                    continue;
                in_flight_then_back = true;
                this_rolled_back = true;
                for (const auto* i : {covering(history, "stamp.chaos_version", spec.valid_from),
                                      covering(history, "previous_stamp.chaos_version", spec.valid_from)})
                    if (i)
                        support.push_back(c.evidence_of(*i, i->key.starts_with("previous")
                                                                ? "PreviousSpec while the update was in flight"
                                                                : "Spec while the update was in flight: the expected stamp"));
                if (const auto* back = covering(history, "stamp.chaos_version", *spec.valid_to))
                    support.push_back(c.evidence_of(*back, "then Spec carried the old stamp again"));
                break;
            }
            if (!this_rolled_back) continue;
            rolled_back = rolled_back || is_rollback_state(last_state);
            rolled_service = service;
            // The policy in force then: a later redeploy may have changed it.
            for (const char* key : {"update_config.order", "update_config.failure_action", "update_config.monitor"})
                if (const auto* i = covering(history, key, update.from))
                    support.push_back(c.evidence_of(*i, "the update policy under which Swarm rolled back"));
        }
    }
    if (!rolled_service.empty()) {
        h.status = HypothesisStatus::supported;
        h.summary = "Swarm rolled " + rolled_service + " back to its previous spec" +
                    (in_flight_then_back ? ": the update to " + short_commit(expected) + " was in flight with PreviousSpec " +
                                               short_commit(observed) + ", then Spec carried " + short_commit(observed) +
                                               " again"
                                         : "") +
                    (rolled_back ? std::string(in_flight_then_back ? ", and " : ": ") + "UpdateStatus is in a rollback state"
                                 : std::string());
        h.evidence = std::move(support);
    } else if (seen_update) {
        h.status = HypothesisStatus::refuted;
        h.summary = "the update of " + c.recipe() + "'s service made in the deploy window was not rolled back: "
                    "UpdateStatus " + last_state + ", and Spec never went from " + short_commit(expected) + " back to " +
                    short_commit(observed);
        h.evidence = std::move(against);
    } else {
        h.summary = "no snapshot saw an update of " + c.recipe() + "'s service made between " + format_rfc3339(*since) +
                    " and " + format_rfc3339(*until) + ": nothing shows whether Swarm kept it";
    }
    return h;
}

} // namespace forensic::analyze
