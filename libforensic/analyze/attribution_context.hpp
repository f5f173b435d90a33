// What every hypothesis test reads: the symptom, the window, and lookups of
// the recipe's facts at a time — which captures observed what (per source and
// per subject), the recipe's app services and what they went through, when
// the deploy happened, and how far the daemon's events reach. Built once per
// attribution.
#pragma once

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/analyze/run_history.hpp"
#include "libforensic/analyze/service_story.hpp"
#include "libforensic/analyze/stamp.hpp"

#include <map>
#include <memory>

namespace forensic::analyze {

// A HEAD move from the reflog.
struct HeadMove {
    TimeNs time = 0;
    std::string from;
    std::string to;
    std::string message;
    Evidence evidence;
};

// Where the daemon's event record may be incomplete.
struct EventGap {
    TimeNs from = 0;
    TimeNs to = 0;
    Evidence evidence;
};

// How completely the daemon's events of a span are in the store: a capture
// of the events at or before its start and one at or after its end (each
// reads the buffer from the one before), and no recorded gap inside it.
struct EventCoverage {
    bool complete = false;
    std::vector<EventGap> gaps; // those that overlap the span
    std::string why_not;        // when not complete, in words
};

// When the upgrade deploy happened, and what dates it.
struct DeployInstant {
    TimeNs time = 0;
    std::string service;
    Evidence evidence;
};

// What the attribution of any recipe reads of the host alike, read once: the
// contexts of one sweep share it (blast-radius judges every recipe).
struct HostReads {
    std::vector<SnapshotCoverage> coverage;
    // Swarm subjects (services and apps) by each recipe they ever mapped to, sorted.
    std::map<std::string, std::vector<std::string>> swarm_subjects;

    static std::shared_ptr<const HostReads> read(store::Store& store, const std::string& host);
};

class AttributionContext {
public:
    AttributionContext(store::Store& store, std::string host, std::string recipe, Stamp expected, Stamp observed,
                       AttributionWindow window, std::vector<RunRecord> runs);
    // With what every recipe reads of the host already read (a sweep).
    AttributionContext(store::Store& store, std::string host, std::string recipe, Stamp expected, Stamp observed,
                       AttributionWindow window, std::vector<RunRecord> runs, std::shared_ptr<const HostReads> reads);

    store::Store& store() const { return store_; }
    const std::string& host() const { return host_; }
    const std::string& recipe() const { return recipe_; }
    const Stamp& expected() const { return expected_; }
    const Stamp& observed() const { return observed_; }
    const AttributionWindow& window() const { return window_; }
    const std::vector<RunRecord>& runs() const { return runs_; } // the recipe's, oldest first
    const std::vector<SnapshotCoverage>& coverage() const { return reads_->coverage; }

    // The span in which the failing deploy happened: the failing run's, else
    // the good and bad times.
    TimeNs deploy_from() const;
    TimeNs deploy_to() const;

    // The last snapshot at or before `t` in which `source` was observed whole,
    // and the first at or after it.
    std::optional<SnapshotCoverage> observed_before(const std::string& source, TimeNs t) const;
    std::optional<SnapshotCoverage> observed_after(const std::string& source, TimeNs t) const;
    // The same for one subject: observed (whole or named), and not in error then.
    std::optional<SnapshotCoverage> observed_clean_before(const std::string& source, const std::string& subject,
                                                          TimeNs t) const;
    std::optional<SnapshotCoverage> observed_clean_after(const std::string& source, const std::string& subject,
                                                         TimeNs t) const;
    // The last snapshot before `t` that observed `source` whole (strictly before).
    std::optional<TimeNs> previous_observation(const std::string& source, TimeNs t) const;

    // The facts of one source (and subject) in a snapshot's state.
    std::vector<StoredFact> state(const SnapshotCoverage& at, const std::string& source,
                                  const std::optional<std::string>& subject) const;

    // Every interval of the recipe's own facts in a source (recipes, mirrors).
    const std::vector<IntervalRecord>& recipe_history(const std::string& source) const;
    // The recipe's HEAD moves, oldest first, from every reflog entry ever recorded.
    std::vector<HeadMove> head_moves() const;
    // Swarm services (not apps) that map to the recipe.
    std::vector<std::string> services() const;
    // The services that carry the recipe's stamp (abra writes its labels on
    // the app service): those seen with them, and — seen only in the daemon's
    // events, which carry no labels — the `<stack>_app` service of one of the
    // recipe's stacks. With whether each was seen with its labels.
    struct StampService {
        std::string name;
        bool labels_seen = false;
    };
    const std::vector<StampService>& stamp_services() const;
    const ServiceStory& story(const std::string& service) const;

    // When the upgrade deploy happened: the last deploy of a stamp service in
    // the deploy window, else the app env file's mtime in it.
    const std::optional<DeployInstant>& deploy_instant() const;

    EventCoverage event_coverage(TimeNs from, TimeNs to) const;

    // The snapshot id at a taken_at time.
    long long snapshot_id(TimeNs taken_at) const;
    Evidence evidence_of(const IntervalRecord& interval, std::string meaning) const;
    // A fact as the state of snapshot `at` holds it.
    Evidence evidence_at(const StoredFact& fact, const SnapshotCoverage& at, std::string meaning) const;
    // A fact as an observation of a service saw it.
    Evidence evidence_seen(const IntervalRecord& interval, long long snapshot, std::string meaning) const;

private:
    // The swarm subjects that ever mapped to the recipe, sorted.
    const std::vector<std::string>& swarm_subjects() const;
    bool in_error(const std::string& source, const std::string& subject, TimeNs t) const;

    store::Store& store_;
    std::string host_;
    std::string recipe_;
    Stamp expected_;
    Stamp observed_;
    AttributionWindow window_;
    std::vector<RunRecord> runs_;
    std::shared_ptr<const HostReads> reads_;
    mutable std::map<std::string, std::vector<IntervalRecord>> history_;
    mutable std::map<std::pair<std::string, std::string>, std::vector<IntervalRecord>> errors_;
    mutable std::optional<std::vector<StampService>> stamp_services_;
    mutable std::map<std::string, std::unique_ptr<ServiceStory>> stories_;
    mutable std::optional<std::optional<DeployInstant>> deploy_instant_;
    mutable std::optional<std::vector<IntervalRecord>> gaps_;
};

// The hypothesis tests, one file each.
Hypothesis test_swarm_rollback(const AttributionContext& context);  // hypothesis_rollback.cpp
Hypothesis test_manual_rollback(const AttributionContext& context); // hypothesis_rollback.cpp
Hypothesis test_redeploy(const AttributionContext& context);
Hypothesis test_checkout_mismatch(const AttributionContext& context);
Hypothesis test_ref_moved(const AttributionContext& context);
Hypothesis test_abra_changed(const AttributionContext& context);
Hypothesis test_untracked_files(const AttributionContext& context);

// "the commit of tag 0.7.0+3.3.1, the newest release before ..." (attribute.cpp)
std::string describe_observed(const AttributionContext& context);

} // namespace forensic::analyze
