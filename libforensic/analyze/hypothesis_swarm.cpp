// swarm-rollback: Swarm put the old spec back. Needs positive evidence on the
// recipe's own service: UpdateStatus in a rollback state for an update made
// after the last good run, and/or snapshots showing Spec = the expected stamp
// with PreviousSpec = the observed one, then Spec = the observed one. That the
// observed stamp is an older release's commit never supports it on its own.
#include "libforensic/analyze/attribution_context.hpp"

#include <algorithm>

namespace forensic::analyze {
namespace {

const store::IntervalRecord* covering(const std::vector<store::IntervalRecord>& history, const std::string& key,
                                      TimeNs t)
{
    for (const auto& i : history)
        if (i.key == key && i.valid_from <= t && (!i.valid_to || *i.valid_to > t)) return &i;
    return nullptr;
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
    if (!since) {
        h.summary = "no window to look for an update in";
        return h;
    }
    bool rolled_back = false, in_flight_then_back = false, observed_after = false;
    std::vector<Evidence> policy;
    std::string rolled_service, final_state;
    TimeNs rollback_seen = 0; // a snapshot time at which the rollback (or the update) was seen
    for (const auto& service : services) {
        std::vector<store::IntervalRecord> history;
        for (auto& i : c.store().source_history(c.host(), "swarm", service))
            if (i.subject == service) history.push_back(std::move(i));
        std::sort(history.begin(), history.end(),
                  [](const auto& a, const auto& b) { return std::tie(a.valid_from, a.key) < std::tie(b.valid_from, b.key); });

        // (a) a rollback state of an update that began after `since`.
        for (const auto& i : history) {
            if (i.key != "update_status.state" || (i.valid_to && *i.valid_to <= *since)) continue;
            observed_after = true;
            final_state = i.value;
            if (!is_rollback_state(i.value)) continue;
            const auto* started = covering(history, "update_status.started_at", i.valid_from);
            if (started && started->event_time && *started->event_time < *since) continue; // an older update
            rolled_back = true;
            rolled_service = service;
            rollback_seen = i.valid_from;
            h.evidence.push_back(c.evidence_of(i, "UpdateStatus.State: Swarm rolled the update back"));
            if (started) h.evidence.push_back(c.evidence_of(*started, "the update began after the last good run"));
            for (const char* key : {"update_status.completed_at", "update_status.message"})
                if (const auto* extra = covering(history, key, i.valid_from))
                    h.evidence.push_back(c.evidence_of(*extra, key == std::string("update_status.message")
                                                                   ? "Swarm's message"
                                                                   : "when the rollback completed"));
            if (const auto* spec = covering(history, "stamp.chaos_version", i.valid_from))
                h.evidence.push_back(c.evidence_of(*spec, "the Spec's stamp after the rollback"));
            if (const auto* previous = covering(history, "previous_spec.present", i.valid_from))
                h.evidence.push_back(c.evidence_of(*previous, "PreviousSpec dropped, as swarmkit does after a rollback"));
            break;
        }

        // (b) Spec = expected with PreviousSpec = observed, later Spec = observed.
        for (const auto& spec : history) {
            if (spec.key != "stamp.commit" || !same_commit(spec.value, c.expected().commit)) continue;
            if (spec.valid_to && *spec.valid_to <= *since) continue;
            const auto* previous = covering(history, "previous_stamp.commit", spec.valid_from);
            if (!previous || !same_commit(previous->value, c.observed().commit) || !spec.valid_to) continue;
            const auto* after = covering(history, "stamp.commit", *spec.valid_to);
            if (!after || !same_commit(after->value, c.observed().commit)) continue;
            in_flight_then_back = true;
            rolled_service = service;
            if (!rollback_seen) rollback_seen = spec.valid_from;
            for (const auto* i : {covering(history, "stamp.chaos_version", spec.valid_from),
                                  covering(history, "previous_stamp.chaos_version", spec.valid_from)})
                if (i) h.evidence.push_back(c.evidence_of(*i, i->key.starts_with("previous")
                                                                  ? "PreviousSpec while the update was in flight"
                                                                  : "Spec while the update was in flight: the expected stamp"));
            if (const auto* back = covering(history, "stamp.chaos_version", *spec.valid_to))
                h.evidence.push_back(c.evidence_of(*back, "then Spec carried the old stamp again"));
            break;
        }
        // The policy in force when it happened: a later redeploy may have changed it.
        if (rolled_service == service && policy.empty() && !h.evidence.empty())
            for (const char* key : {"update_config.order", "update_config.failure_action", "update_config.monitor"})
                if (const auto* i = covering(history, key, rollback_seen))
                    policy.push_back(c.evidence_of(*i, "the update policy under which Swarm rolled back"));
    }
    if (rolled_back || in_flight_then_back) {
        h.status = HypothesisStatus::supported;
        h.summary = "Swarm rolled " + rolled_service + " back to its previous spec" +
                    (in_flight_then_back ? ": the update to " + short_commit(c.expected().commit) +
                                               " was in flight with PreviousSpec " + short_commit(c.observed().commit) +
                                               ", then Spec carried " + short_commit(c.observed().commit) + " again"
                                         : "") +
                    (rolled_back ? std::string(in_flight_then_back ? ", and " : ": ") + "UpdateStatus is in a rollback state"
                                 : std::string());
        for (auto& e : policy) h.evidence.push_back(std::move(e));
    } else if (observed_after) {
        h.status = HypothesisStatus::refuted;
        h.summary = "no rollback of " + c.recipe() + "'s service after the deploy: UpdateStatus was " + final_state +
                    " and Spec never went from " + short_commit(c.expected().commit) + " back to " +
                    short_commit(c.observed().commit);
        for (const auto& service : services)
            if (auto at = c.observed_after("swarm", *since))
                for (const auto& f : c.state(*at, "swarm", service))
                    if (f.key == "update_status.state" || f.key == "stamp.chaos_version")
                        h.evidence.push_back(c.evidence_at(f, *at, "the service after the deploy"));
    } else {
        h.summary = "no snapshot saw " + c.recipe() + "'s service after the deploy began";
    }
    return h;
}

} // namespace forensic::analyze
