// A stored snapshot as every layer sees it: the store returns these, analysis
// reasons over them and render prints them, so they live here rather than in
// store/ (rendering never sees SQLite).
#pragma once

#include "libforensic/model/fact.hpp"

#include <string>
#include <vector>

namespace forensic {

struct SnapshotInfo {
    long long id = 0;
    std::string host;
    TimeNs taken_at = 0;
    TimeNs finished_at = 0;
    std::string tool_version;
    std::string status; // ok | partial
    SnapshotKind kind = SnapshotKind::snapshot;
};

struct CollectorRunInfo {
    std::string collector;
    CollectorStatus status = CollectorStatus::ok;
    std::string error;
    long long opened = 0;    // intervals begun by this snapshot
    long long closed = 0;    // intervals ended by this snapshot
    long long unchanged = 0; // facts seen again with the same value (or carried for a subject in error)
    long long errors = 0;    // error facts reported
    Coverage coverage = Coverage::full;
    std::vector<std::string> observed_subjects{}; // Coverage::subjects: the subjects it named, sorted
};

// What one write stored: the snapshot and each collector's account.
struct WriteSummary {
    SnapshotInfo snapshot;
    std::vector<CollectorRunInfo> collectors;
};

// A snapshot and what the collectors that succeeded in it observed (only
// they observed anything): whole sources, or some of a source's subjects.
struct SnapshotCoverage {
    SnapshotInfo snapshot;
    std::vector<std::string> ok_collectors; // full coverage
    // Sources observed in part (coverage subjects), with the subjects, sorted.
    std::vector<std::pair<std::string, std::vector<std::string>>> partial;

    // Whether the snapshot observed all of `source` (a silence there is an absence).
    bool observed(const std::string& source) const;
    // Whether it observed `subject` of `source`, whole or as one of those it named.
    bool observed(const std::string& source, const std::string& subject) const;
};

} // namespace forensic
