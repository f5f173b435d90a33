// `forensic diff A B`: the facts whose value differs between two snapshots,
// compared by key — a changed value is one row, never a removal and an addition.
#pragma once

#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/store_fwd.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::analyze {

enum class Change { added, removed, changed };
const char* to_string(Change change);

struct FactChange {
    std::string source;
    std::string subject;
    std::string key;
    Change change = Change::changed;
    std::optional<std::string> before;
    std::optional<std::string> after;
    std::optional<TimeNs> before_event_time;
    std::optional<TimeNs> after_event_time;
    bool stamp_relevant = false;
};

struct DiffOptions {
    std::optional<std::string> source;
    std::string recipe;              // empty: every recipe
    std::vector<std::string> ignore; // key globs (fnmatch) to leave out
};

struct DiffResult {
    SnapshotInfo from;
    SnapshotInfo to;
    std::vector<FactChange> changes; // by source, subject, key
};

// A may be later than B: "before" is always A's value.
DiffResult diff_snapshots(store::Store& store, const SnapshotInfo& a, const SnapshotInfo& b,
                          const DiffOptions& options);

// True when `key` matches one of the globs.
bool ignored(const std::vector<std::string>& globs, const std::string& key);

} // namespace forensic::analyze
