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
};

struct CollectorRunInfo {
    std::string collector;
    CollectorStatus status = CollectorStatus::ok;
    std::string error;
    long long opened = 0;    // intervals begun by this snapshot
    long long closed = 0;    // intervals ended by this snapshot
    long long unchanged = 0; // facts seen again with the same value (or carried for a subject in error)
    long long errors = 0;    // error facts reported
};

// What one write stored: the snapshot and each collector's account.
struct WriteSummary {
    SnapshotInfo snapshot;
    std::vector<CollectorRunInfo> collectors;
};

// A snapshot and the collectors that succeeded in it (only they observed).
struct SnapshotCoverage {
    SnapshotInfo snapshot;
    std::vector<std::string> ok_collectors;

    bool observed(const std::string& source) const;
};

} // namespace forensic
