// `forensic timeline`: what happened between two times, in order, merged from
// two kinds of evidence:
//   1. event times that facts carry (a generation's creation, a reflog entry,
//      a tagger date, an UpdateStatus time, a run's finish), from any snapshot
//      — also one taken after the range, so a single late snapshot
//      reconstructs what came before it;
//   2. changes between consecutive snapshots, bounded by the two snapshot times
//      when no event time says more.
// A change to a fact that carries an event time is reported once, at that time.
// A change seen between snapshots is dated exactly where the subject's other
// facts say when its state was set (Swarm's UpdatedAt and CompletedAt, an env
// file's mtime, a generation's creation); the bounds are kept beside it.
#pragma once

#include "libforensic/analyze/diff.hpp"
#include "libforensic/analyze/time_basis.hpp"
#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/store_fwd.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace forensic::analyze {

enum class TimeBasis { event, snapshot };
const char* to_string(TimeBasis basis);

struct TimelineEvent {
    std::optional<TimeNs> time;       // event basis
    // The last snapshot that saw the old state and the first that saw the new
    // one: set for the snapshot basis, and for an event dated from the
    // subject's other facts (then `time` lies between them).
    std::optional<TimeNs> not_before;
    std::optional<TimeNs> not_after;
    TimeBasis basis = TimeBasis::event;
    TimeDescription time_desc = between_snapshots; // what `time` is
    std::string source;
    std::string subject;
    std::string key;
    Change change = Change::added;
    std::optional<std::string> before;
    std::optional<std::string> after;
    bool stamp_relevant = false;
    long long evidence_snapshot = 0; // show this snapshot to see the fact

    // When it happened, or the latest it can have happened.
    TimeNs sort_time() const { return time ? *time : *not_after; }
};

struct TimelineOptions {
    std::optional<std::string> host;
    TimeNs from = 0;
    TimeNs to = 0;
    std::string recipe; // empty: every recipe
    std::optional<std::string> source;
};

struct Timeline {
    std::string host;
    TimeNs from = 0;
    TimeNs to = 0;
    std::vector<TimelineEvent> events; // in time order
};

Timeline build_timeline(store::Store& store, const TimelineOptions& options);

// The same events, in the same order, a window of about `snapshots_per_window`
// snapshots at a time: a year of a busy host is a million events, 850 MiB
// held whole. Returns the host.
std::string visit_timeline(store::Store& store, const TimelineOptions& options,
                           const std::function<void(const std::vector<TimelineEvent>&)>& visit,
                           std::size_t snapshots_per_window = 7);

} // namespace forensic::analyze
