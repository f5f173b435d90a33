// What one Swarm service went through, from every capture that saw it: its
// swarm facts at each observation (a snapshot that read all services, a watch
// record that named it, either seeing it gone), and the daemon's events for
// it (swarm-events). The rollback and redeploy hypotheses, the deploy instant
// and the blast radius read this; none of them reads the facts directly.
#pragma once

#include "libforensic/collect/swarm_event_facts.hpp"
#include "libforensic/model/interval.hpp"
#include "libforensic/model/snapshot.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::store {
class Store;
}

namespace forensic::analyze {

// The service's swarm facts as one observation saw them.
struct ServiceObservation {
    // key → the interval holding then; the key a view of that interval's own
    // (the story keeps the intervals): a copy of the map copies no text.
    using Facts = std::map<std::string_view, const IntervalRecord*, std::less<>>;

    TimeNs at = 0;
    long long snapshot = 0;
    SnapshotKind kind = SnapshotKind::snapshot;
    // Shared by consecutive observations that saw the same intervals: a year
    // of nights mostly sees a service unchanged, and one map a night for
    // every service of every recipe was most of blast-radius's time.
    std::shared_ptr<const Facts> facts;

    bool present() const { return facts && !facts->empty(); }
    const IntervalRecord* fact(std::string_view key) const;
    const std::string* value(std::string_view key) const;
    std::optional<TimeNs> time(std::string_view key) const; // the fact's event time
};

struct ServiceEventRecord {
    collect::ServiceEvent event;
    const IntervalRecord* fact = nullptr;
};

// One episode of Swarm's updater, as the observations and events show it:
// a rolling update (an upgrade or a redeploy) and what became of it, or a
// rollback asked for by hand.
struct UpdateEpisode {
    TimeNs start = 0;            // UpdateStatus.StartedAt, else the event that began it
    bool manual_rollback = false; // begun by `docker service rollback`, not by a deploy
    const ServiceObservation* in_flight = nullptr;   // seen updating: Spec and PreviousSpec then
    const ServiceObservation* first_seen = nullptr;  // the first observation of it
    const ServiceObservation* last_seen = nullptr;   // the last observation of it
    const ServiceEventRecord* began = nullptr;       // the event `updatestate.new=updating` (or rollback_started)
    // How it ended, where something shows it.
    const ServiceObservation* rolled_back = nullptr;     // a rollback state of this episode
    const ServiceObservation* completed = nullptr;       // completed or paused: no automatic rollback
    const ServiceEventRecord* to_rollback = nullptr;     // updatestate → rollback_started
    const ServiceEventRecord* to_terminal = nullptr;     // updatestate → completed / paused
};

class ServiceStory {
public:
    ServiceStory(store::Store& store, const std::string& host, const std::string& service,
                 const std::vector<SnapshotCoverage>& coverage);

    const std::string& service() const { return service_; }
    // Observations in time order (including those that saw it absent).
    const std::vector<ServiceObservation>& observations() const { return observations_; }
    const std::vector<ServiceEventRecord>& events() const { return events_; }
    const std::vector<UpdateEpisode>& episodes() const { return episodes_; }
    // Whether any observation saw abra's stamp labels on it (its recipe's app service).
    bool carries_stamp() const { return carries_stamp_; }

    // The last observation at or before `t`, the first at or after it.
    const ServiceObservation* observed_at_or_before(TimeNs t) const;
    const ServiceObservation* observed_at_or_after(TimeNs t) const;

    // When Swarm's spec of it was last set by a client (a deploy) in [from, to]:
    // the start of a rolling update, else a create or a spec update event;
    // with what shows it.
    struct Deploy {
        TimeNs time = 0;
        std::string basis;            // what dates it
        const IntervalRecord* fact = nullptr;
        long long snapshot = 0;
    };
    std::optional<Deploy> last_deploy(TimeNs from, TimeNs to) const;

private:
    void build_episodes();

    std::string service_;
    std::vector<IntervalRecord> history_; // its swarm intervals
    std::vector<IntervalRecord> event_history_;
    std::vector<ServiceObservation> observations_;
    std::vector<ServiceEventRecord> events_;
    std::vector<UpdateEpisode> episodes_;
    bool carries_stamp_ = false;
};

} // namespace forensic::analyze
