// The timeline as a person reads it: one happening per subject and instant
// (a service rolled back, a checkout moved, a run finished), each a line in
// words, with the facts behind it. A subject that appears or vanishes is one
// happening, not one per fact.
#pragma once

#include "libforensic/analyze/timeline.hpp"

#include <string>
#include <vector>

namespace forensic::analyze {

enum class HappeningKind { appeared, vanished, changed };
const char* to_string(HappeningKind kind);

struct Happening {
    std::optional<TimeNs> time; // exact, when the facts carry it
    std::optional<TimeNs> not_before;
    std::optional<TimeNs> not_after;
    TimeDescription time_desc = between_snapshots;
    std::string source;
    std::string subject;
    HappeningKind kind = HappeningKind::changed;
    std::string summary; // one line: "service X rolled back: stamp a → b, PreviousSpec dropped"
    bool stamp_relevant = false;
    long long evidence_snapshot = 0;
    std::vector<const TimelineEvent*> facts; // into the events grouped, in their order

    TimeNs sort_time() const { return time ? *time : *not_after; }
};

// Groups events, in timeline order, into happenings, in the same order: the
// events of one source and subject at one instant (or between the same two
// snapshots) are one happening; a profile switched to generation N at N's
// creation joins N's. A batch of analyze::visit_timeline splits none, as a
// happening's events share their sort time. The happenings point into `events`.
std::vector<Happening> group_happenings(const std::vector<TimelineEvent>& events);

// Only the happenings that can change a stamp (`--relevant`).
std::vector<Happening> stamp_relevant_only(std::vector<Happening> happenings);

} // namespace forensic::analyze
