// redeploy: after the upgrade put the expected stamp on the recipe's app
// service, a later deploy put the old one back — a racing job, a retry, an
// `abra app deploy` by hand. Its look-alike is a rollback, and what tells them
// apart is what a rollback leaves and a deploy does not: a deploy's update
// ends `completed` ("update completed"), or starts no rolling update at all,
// and keeps a PreviousSpec holding the spec it replaced (the expected stamp);
// a rollback ends in a rollback state.
//
// Supported by an observation with Spec = expected followed by one with
// Spec = observed, PreviousSpec = expected and no rollback state. Says who,
// as far as the store knows: another CI run of the recipe running then, a
// reflog move of the checkout to the observed commit. Refuted where the
// daemon's events cover the window and show no deploy after the upgrade.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/collect/fact_names.hpp"

namespace forensic::analyze {
namespace {

namespace sw = collect::swarm;

bool has_stamp(const ServiceObservation& o, const std::string& commit)
{
    const auto* stamp = o.value(sw::stamp_commit);
    return stamp && same_commit(*stamp, commit);
}

bool in_rollback(const ServiceObservation& o)
{
    const auto* state = o.value(sw::update_state);
    return state && is_rollback_state(*state);
}

} // namespace

Hypothesis test_redeploy(const AttributionContext& c)
{
    Hypothesis h{"redeploy", HypothesisStatus::inconclusive, {}, {}, {}};
    auto from = c.deploy_from(), to = c.deploy_to();
    const auto& expected = c.expected().commit;
    const auto& observed = c.observed().commit;
    const auto& services = c.stamp_services();
    if (services.empty()) {
        h.summary = "no service of " + c.recipe() + " carrying its stamp was recorded";
        h.missing = "no capture of " + c.recipe() + "'s app service in the deploy window: run `forensic watch`";
        return h;
    }
    std::optional<TimeNs> upgraded_at; // when a capture first saw the expected stamp on it
    for (const auto& s : services) {
        const auto& story = c.story(s.name);
        const ServiceObservation* upgraded = nullptr;
        for (const auto& o : story.observations()) {
            if (o.at < from || o.at > to) continue;
            if (!upgraded && has_stamp(o, expected) && !in_rollback(o)) {
                upgraded = &o;
                continue;
            }
            if (!upgraded || !has_stamp(o, observed) || in_rollback(o)) continue;
            const auto* previous = o.value(sw::previous_stamp_commit);
            if (previous && !same_commit(*previous, expected)) continue; // replaced something else
            // A deploy after the upgrade: when it began, as the store dates it.
            auto began = o.time(sw::update_started_at);
            auto when = began && *began > upgraded->at ? *began : o.at;
            h.status = HypothesisStatus::supported;
            h.summary = "a later deploy put " + short_commit(observed) + " back on " + s.name + " after the upgrade to " +
                        short_commit(expected) + ": seen at " + format_rfc3339(o.at) +
                        (previous ? " with PreviousSpec " + short_commit(*previous) : std::string()) + ", UpdateStatus " +
                        (o.value(sw::update_state) ? *o.value(sw::update_state) : "none") + " (not a rollback)";
            h.evidence.push_back(c.evidence_seen(*upgraded->fact(sw::stamp_chaos_version), upgraded->snapshot,
                                                 "the upgrade landed: Spec carried the expected stamp"));
            h.evidence.push_back(c.evidence_seen(*o.fact(sw::stamp_chaos_version), o.snapshot,
                                                 "then Spec carried the observed stamp"));
            h.evidence.back().decides = true;
            if (const auto* p = o.fact(sw::previous_stamp_chaos_version))
                h.evidence.push_back(c.evidence_seen(*p, o.snapshot, "PreviousSpec kept, holding the spec it replaced"));
            if (const auto* state = o.fact(sw::update_state))
                h.evidence.push_back(c.evidence_seen(*state, o.snapshot, "a deploy's update state, not a rollback's"));
            // Who: another run of the recipe then, or the checkout moved back.
            std::string who;
            for (const auto& r : c.runs())
                if (r.started && r.finished && *r.started <= when && when <= *r.finished && r.time() != c.window().bad) {
                    who += (who.empty() ? "" : "; ") + std::string("CI run ") + r.id + " of " + c.recipe() +
                           " was running then (" + format_rfc3339(*r.started) + " to " + format_rfc3339(*r.finished) + ")";
                }
            for (const auto& m : c.head_moves())
                if (m.time > upgraded->at && m.time <= o.at && same_commit(m.to, observed)) {
                    who += (who.empty() ? "" : "; ") + std::string("the checkout moved to ") + short_commit(observed) +
                           " at " + format_rfc3339(m.time) + " (" + m.message + ")";
                    h.evidence.push_back(m.evidence);
                }
            h.summary += who.empty() ? "; nothing in the store says who deployed it" : "; " + who;
            return h;
        }
        if (upgraded) upgraded_at = upgraded->at;
    }
    // Ruled out where the events cover the window: no deploy after the upgrade.
    auto events = c.event_coverage(from, to);
    if (events.complete) {
        std::optional<TimeNs> upgrade;
        for (const auto& s : services)
            for (const auto& e : c.story(s.name).episodes())
                if (!e.manual_rollback && e.start >= from && e.start <= to && (!upgrade || e.start > *upgrade))
                    upgrade = e.start; // the last rolling update in the window
        bool later = false;
        for (const auto& s : services)
            for (const auto& r : c.story(s.name).events())
                if (upgrade && r.event.time > *upgrade + 2 * ns_per_second && r.event.time <= to &&
                    r.event.action == "update" && !r.event.state_new)
                    later = true; // a spec set again after the last rolling update began
        if (upgrade && !later) {
            h.status = HypothesisStatus::refuted;
            h.summary = "the daemon's events from " + format_rfc3339(from) + " to " + format_rfc3339(to) +
                        " are in the store without a gap, and show no deploy of " + c.recipe() +
                        "'s app service after its update begun " + format_rfc3339(*upgrade);
            return h;
        }
    }
    h.summary = upgraded_at ? "the expected stamp was seen on " + c.recipe() + "'s app service at " +
                                  format_rfc3339(*upgraded_at) + ", but no later capture saw the observed one put back by a deploy"
                            : "no capture saw the expected stamp on " + c.recipe() + "'s app service in the deploy window";
    h.missing = "a capture of each deploy of " + c.recipe() + "'s app service from " + format_rfc3339(from) + " to " +
                format_rfc3339(to) + (events.why_not.empty() ? "" : " (" + events.why_not + ")") +
                ": run `forensic watch`";
    return h;
}

} // namespace forensic::analyze
