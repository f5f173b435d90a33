// swarm-rollback and manual-rollback: Swarm put the old spec back on the
// recipe's app service (the one that carries its stamp labels) after an
// update in the deploy window — by itself (swarmkit's updater under
// failure_action: rollback), or because someone ran `docker service rollback`.
//
// They are told apart, and from a redeploy, by what only a rollback leaves:
// a rollback state of UpdateStatus, and then PreviousSpec — dropped by the
// updater's own rollback from rollback_started on, kept (Spec and PreviousSpec
// swapped) by a manual one, whose message says "manually requested rollback"
// while it runs. In the daemon's events the updater's rollback begins during
// the update (updatestate.old=updating), a manual one after it ended. That
// the observed stamp is an older release's commit never supports either: a
// checkout at that commit would stamp it too.
//
// Refuted only where the outcome is known: the update seen completed, or the
// daemon's events complete over the window and without such a rollback. A
// service seen in flight and then gone is inconclusive, never refuted.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/collect/fact_names.hpp"

namespace forensic::analyze {
namespace {

namespace sw = collect::swarm;

enum class Kind { automatic, manual };

std::string window_text(TimeNs from, TimeNs to)
{
    return format_rfc3339(from) + " to " + format_rfc3339(to);
}

// The observation of the episode's outcome: its rollback state, else the
// first observation after the rollback began.
const ServiceObservation* after_rollback(const ServiceStory& story, const UpdateEpisode& e)
{
    if (e.rolled_back) return e.rolled_back;
    if (e.to_rollback) return story.observed_at_or_after(e.to_rollback->event.time);
    return nullptr;
}

struct Finding {
    bool supports = false;
    bool refutes = false;  // this episode's outcome is known and is not this rollback
    std::string summary;
    std::vector<Evidence> evidence;
};

// What one episode of one service shows for the hypothesis of `kind`.
Finding judge(const AttributionContext& c, const ServiceStory& story, const UpdateEpisode& e, Kind kind, bool labels_seen)
{
    Finding f;
    const auto& service = story.service();
    auto add = [&](const IntervalRecord* fact, long long snapshot, std::string meaning, bool decides = false) {
        if (!fact) return;
        f.evidence.push_back(c.evidence_seen(*fact, snapshot, std::move(meaning)));
        f.evidence.back().decides = decides;
    };
    auto add_event = [&](const ServiceEventRecord* r, std::string meaning, bool decides = false) {
        if (!r) return;
        f.evidence.push_back(c.evidence_of(*r->fact, std::move(meaning)));
        f.evidence.back().decides = decides;
    };

    bool automatic_state = e.rolled_back && !e.manual_rollback &&
                           e.rolled_back->value(sw::previous_spec_present) &&
                           *e.rolled_back->value(sw::previous_spec_present) == "false";
    bool automatic_event = e.to_rollback && !e.manual_rollback;
    bool mine = kind == Kind::automatic ? (automatic_state || automatic_event) : e.manual_rollback;
    // What rules this kind out for the episode: a rollback of the other kind
    // (by the updater only where PreviousSpec shows it: in the events alone a
    // hand rollback during the update looks the same), or, for the updater's
    // own, the update seen ending without one. A completed update says
    // nothing about a rollback asked for later.
    bool other = kind == Kind::automatic ? e.manual_rollback : automatic_state;

    if (!mine) {
        if (other) {
            f.refutes = true;
            f.summary = kind == Kind::automatic ? "the rollback of " + service + " begun " + format_rfc3339(e.start) +
                                                      " was asked for by hand, not made by the updater"
                                                : "the rollback of " + service + "'s update begun " +
                                                      format_rfc3339(e.start) +
                                                      " was the updater's own (StartedAt of the failed update kept, "
                                                      "PreviousSpec dropped)";
            if (kind == Kind::manual && e.rolled_back)
                add(e.rolled_back->fact(sw::previous_spec_present), e.rolled_back->snapshot,
                    "no PreviousSpec: the updater's own rollback drops it", true);
        } else if (kind == Kind::automatic && (e.completed || e.to_terminal)) {
            f.refutes = true;
            const auto* state = e.completed ? e.completed->value(sw::update_state) : nullptr;
            f.summary = "the update of " + service + " begun " + format_rfc3339(e.start) + " ended " +
                        (state ? *state : *e.to_terminal->event.state_new) + ", not rolled back";
            if (e.completed)
                add(e.completed->fact(sw::update_state), e.completed->snapshot, "UpdateStatus of that update", true);
            add_event(e.to_terminal, "the daemon's event: the update ended so", !e.completed);
        }
        return f;
    }

    // What the update was: the in-flight Spec and PreviousSpec, where seen.
    const auto* target = e.in_flight ? e.in_flight->value(sw::stamp_commit) : nullptr;
    if (kind == Kind::automatic && target && !c.expected().commit.empty() && !same_commit(*target, c.expected().commit)) {
        f.refutes = true;
        f.summary = "the update of " + service + " that Swarm rolled back deployed " + short_commit(*target) +
                    ", not the expected " + short_commit(c.expected().commit);
        add(e.in_flight->fact(sw::stamp_chaos_version), e.in_flight->snapshot, "Spec of the update rolled back", true);
        return f;
    }
    // And the spec Swarm put back must carry the stamp HC1 saw.
    const auto* after = after_rollback(story, e);
    const auto* restored = after ? after->value(sw::stamp_commit) : nullptr;
    if (restored && !c.observed().commit.empty() && !same_commit(*restored, c.observed().commit)) {
        f.refutes = true;
        f.summary = "Swarm rolled " + service + " back to " + short_commit(*restored) + ", not to the observed " +
                    short_commit(c.observed().commit);
        add(after->fact(sw::stamp_chaos_version), after->snapshot, "Spec after the rollback", true);
        return f;
    }

    f.supports = true;
    if (e.in_flight) {
        add(e.in_flight->fact(sw::stamp_chaos_version), e.in_flight->snapshot,
            "Spec while the update was in flight: the expected stamp");
        add(e.in_flight->fact(sw::previous_stamp_chaos_version), e.in_flight->snapshot,
            "PreviousSpec while the update was in flight");
    }
    if (e.rolled_back) {
        const auto* o = e.rolled_back;
        add(o->fact(sw::update_state), o->snapshot, "UpdateStatus.State: Swarm is putting, or has put, the old spec back",
            true);
        if (const auto* message = o->fact(sw::update_message))
            add(message, o->snapshot, "Swarm's message");
        add(o->fact(sw::update_completed_at), o->snapshot, "when the rollback completed");
        if (const auto* previous = o->fact(sw::previous_spec_present))
            add(previous, o->snapshot,
                previous->value == "false" ? "no PreviousSpec: the updater's own rollback drops it"
                                           : "PreviousSpec kept: a rollback asked for swaps Spec and PreviousSpec",
                kind == Kind::automatic ? previous->value == "false" : previous->value == "true");
    }
    add_event(e.began, kind == Kind::automatic ? "the daemon's event: the update began"
                                               : "the daemon's event: the rollback began after the update had ended "
                                                 "(not during it, as the updater's own does)",
              kind == Kind::manual && !e.rolled_back);
    if (kind == Kind::automatic)
        add_event(e.to_rollback, "the daemon's event: the rollback began while the update was in flight",
                  !automatic_state);
    if (after && restored) add(after->fact(sw::stamp_chaos_version), after->snapshot, "then Spec carried the observed stamp again");
    // The policy in force then (a later deploy may change it).
    if (kind == Kind::automatic)
        if (const auto* o = e.in_flight ? e.in_flight : e.rolled_back)
            for (auto key : {sw::update_failure_action, sw::update_order, sw::update_monitor})
                add(o->fact(key), o->snapshot, "the update policy under which the updater rolled back");

    std::string how;
    if (e.in_flight && target)
        how = ": the update to " + short_commit(*target) + " was in flight" +
              (e.in_flight->value(sw::previous_stamp_commit)
                   ? " with PreviousSpec " + short_commit(*e.in_flight->value(sw::previous_stamp_commit))
                   : std::string()) +
              (restored ? ", then Spec carried " + short_commit(*restored) + " again" : std::string());
    if (kind == Kind::automatic) {
        f.summary = "Swarm's updater rolled " + service + " back by itself (failure action) after the update begun " +
                    format_rfc3339(e.start) + how +
                    (automatic_state ? "; UpdateStatus " + *e.rolled_back->value(sw::update_state) + " with no PreviousSpec"
                                     : "; the daemon's events show the rollback beginning during the update");
        if (!automatic_state)
            f.summary += " (events carry no message: a rollback asked for by hand during the update would look the same)";
    } else {
        f.summary = "someone rolled " + service + " back by hand (docker service rollback) at " + format_rfc3339(e.start) +
                    (e.rolled_back ? "; PreviousSpec kept" : "; the daemon's events show the rollback beginning after "
                                                             "the update had ended") +
                    how;
    }
    if (!labels_seen || !restored)
        f.summary += "; the daemon's events carry no labels: which stamp the restored spec carries is not recorded" +
                     std::string(labels_seen ? "" : ", and " + service + " is taken as the recipe's app service by "
                                                        "abra's naming (<stack>_app)");
    return f;
}

Hypothesis test_rollback(const AttributionContext& c, Kind kind)
{
    Hypothesis h{kind == Kind::automatic ? "swarm-rollback" : "manual-rollback", HypothesisStatus::inconclusive, {}, {}, {}};
    auto from = c.deploy_from(), to = c.deploy_to();
    const auto& services = c.stamp_services();
    const std::string capture = "run `forensic watch` on the host (or `forensic snapshot --only swarm,recipes,runs` "
                                "right after each deploy)";
    if (services.empty()) {
        h.summary = "no service of " + c.recipe() + " carrying its stamp was recorded";
        h.missing = "no capture of " + c.recipe() + "'s app service from " + window_text(from, to) + ": " + capture;
        return h;
    }
    std::vector<Finding> supports, refutes;
    std::vector<std::string> unknown;
    for (const auto& s : services) {
        const auto& story = c.story(s.name);
        bool any = false;
        for (const auto& e : story.episodes()) {
            if (e.start < from || e.start > to) continue;
            any = true;
            auto f = judge(c, story, e, kind, s.labels_seen);
            if (f.supports)
                supports.push_back(std::move(f));
            else if (f.refutes)
                refutes.push_back(std::move(f));
            else if (kind == Kind::manual)
                continue; // an update that is no rollback says nothing of one asked for later
            else {
                const auto* last = e.last_seen;
                unknown.push_back(s.name + "'s update begun " + format_rfc3339(e.start) +
                                  (last ? " was last seen " + *last->value(sw::update_state) + " at " + format_rfc3339(last->at)
                                        : " shows only in the daemon's events") +
                                  ", and nothing shows how it ended");
            }
        }
        if (!any || (kind == Kind::manual && refutes.empty()))
            unknown.push_back(kind == Kind::manual ? "nothing recorded shows whether " + s.name +
                                                         " was rolled back by hand in the deploy window"
                                                   : "no update of " + s.name + " begun in the deploy window was recorded");
    }
    if (!supports.empty()) {
        h.status = HypothesisStatus::supported;
        h.summary = supports.front().summary;
        for (auto& f : supports)
            for (auto& e : f.evidence) h.evidence.push_back(std::move(e));
        return h;
    }
    // Refuted only when every way it could have happened is ruled out: each
    // update's outcome known, or the daemon's events complete over the window.
    auto events = c.event_coverage(from, to);
    if (unknown.empty() && !refutes.empty()) {
        h.status = HypothesisStatus::refuted;
        h.summary = refutes.front().summary;
        for (std::size_t i = 1; i < refutes.size(); ++i) h.summary += "; " + refutes[i].summary;
        for (auto& f : refutes)
            for (auto& e : f.evidence) h.evidence.push_back(std::move(e));
        return h;
    }
    if (events.complete) {
        h.status = HypothesisStatus::refuted;
        h.summary = std::string("the daemon's events from ") + window_text(from, to) + " are in the store without a gap, "
                    "and none of " + c.recipe() + "'s app service shows " +
                    (kind == Kind::automatic ? "a rollback begun during an update" : "a rollback begun after an update had ended");
        for (auto& f : refutes)
            for (auto& e : f.evidence) h.evidence.push_back(std::move(e));
        return h;
    }
    h.summary = unknown.empty() ? refutes.front().summary : unknown.front();
    for (std::size_t i = 1; i < unknown.size(); ++i) h.summary += "; " + unknown[i];
    h.missing = "how " + c.recipe() + "'s app service ended in the deploy window (" + window_text(from, to) + "): " +
                (events.why_not.empty() ? "" : events.why_not + "; ") + capture;
    return h;
}

} // namespace

Hypothesis test_swarm_rollback(const AttributionContext& c)
{
    return test_rollback(c, Kind::automatic);
}

Hypothesis test_manual_rollback(const AttributionContext& c)
{
    return test_rollback(c, Kind::manual);
}

} // namespace forensic::analyze
