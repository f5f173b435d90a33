// What every hypothesis test reads: the symptom, the window, and lookups of
// the recipe's facts at a time. Built once per attribution.
#pragma once

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/analyze/run_history.hpp"
#include "libforensic/analyze/stamp.hpp"

#include <map>

namespace forensic::analyze {

// A HEAD move from the reflog.
struct HeadMove {
    TimeNs time = 0;
    std::string from;
    std::string to;
    std::string message;
    Evidence evidence;
};

class AttributionContext {
public:
    AttributionContext(store::Store& store, std::string host, std::string recipe, Stamp expected, Stamp observed,
                       AttributionWindow window);

    store::Store& store() const { return store_; }
    const std::string& host() const { return host_; }
    const std::string& recipe() const { return recipe_; }
    const Stamp& expected() const { return expected_; }
    const Stamp& observed() const { return observed_; }
    const AttributionWindow& window() const { return window_; }

    // The last snapshot at or before `t` in which `source` was observed, and
    // the first at or after it.
    std::optional<SnapshotCoverage> observed_before(const std::string& source, TimeNs t) const;
    std::optional<SnapshotCoverage> observed_after(const std::string& source, TimeNs t) const;
    // The last snapshot before `t` that observed `source` (strictly before).
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

    // The snapshot id at a taken_at time.
    long long snapshot_id(TimeNs taken_at) const;
    Evidence evidence_of(const IntervalRecord& interval, std::string meaning) const;
    // A fact as the state of snapshot `at` holds it.
    Evidence evidence_at(const StoredFact& fact, const SnapshotCoverage& at, std::string meaning) const;

private:
    store::Store& store_;
    std::string host_;
    std::string recipe_;
    Stamp expected_;
    Stamp observed_;
    AttributionWindow window_;
    std::vector<SnapshotCoverage> coverage_;
    mutable std::map<std::string, std::vector<IntervalRecord>> history_;
};

// The hypothesis tests, one file each.
Hypothesis test_abra_changed(const AttributionContext& context);
Hypothesis test_ref_moved(const AttributionContext& context);
Hypothesis test_checkout_mismatch(const AttributionContext& context);
Hypothesis test_swarm_rollback(const AttributionContext& context);
Hypothesis test_untracked_files(const AttributionContext& context);

// "the commit of tag 0.7.0+3.3.1, the newest release before ..." (attribute.cpp)
std::string describe_observed(const AttributionContext& context);

} // namespace forensic::analyze
