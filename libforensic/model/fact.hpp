// What collectors produce and the store keeps: (source, subject, key) → value,
// with an optional event time the fact carries itself (a link's mtime, a reflog
// entry's time). The source is the collector's name.
#pragma once

#include "libforensic/util/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic {

// A subject whose facts include key `error_key` could not be read completely:
// its keys that were not observed this time are carried, never closed.
inline constexpr const char* error_key = "error";

struct Fact {
    std::string subject;
    std::string key;
    std::string value;
    std::optional<TimeNs> event_time;

    bool operator==(const Fact&) const = default;
};

enum class CollectorStatus { ok, failed, skipped };

const char* to_string(CollectorStatus status);
CollectorStatus collector_status_from_string(const std::string& text);

// What a successful collector run observed, and so what its silence means.
//  - full: the whole source. A fact it did not report is gone (a nightly snapshot).
//  - subjects: only `observed_subjects` (a watch record: the services an event
//    named). Those subjects' unreported facts are gone — a subject listed with
//    no facts at all was seen removed; every other subject is carried.
//  - additive: only the facts it reported (events the daemon still buffered).
//    It adds to what is known and never closes anything.
enum class Coverage { full, subjects, additive };

const char* to_string(Coverage coverage);
Coverage coverage_from_string(const std::string& text);

// One collector's contribution to one snapshot.
struct CollectorRun {
    std::string name;
    CollectorStatus status = CollectorStatus::ok;
    std::string error; // why it failed; empty when ok
    std::vector<Fact> facts;
    Coverage coverage = Coverage::full;
    std::vector<std::string> observed_subjects{}; // Coverage::subjects: sorted, each once
};

// A snapshot of every selected source (the nightly timer, `forensic snapshot`),
// or a watch record: what `forensic watch` saw of the services one Docker event
// named, at the time that state held.
enum class SnapshotKind { snapshot, watch };

const char* to_string(SnapshotKind kind);
SnapshotKind snapshot_kind_from_string(const std::string& text);

// A snapshot before it is stored: what forensic snapshot collected, or a bundle.
struct SnapshotInput {
    std::string host;
    TimeNs taken_at = 0;
    TimeNs finished_at = 0;
    std::string tool_version;
    std::vector<CollectorRun> collectors;
    SnapshotKind kind = SnapshotKind::snapshot;
};

// A fact as the store holds it, with the snapshots bounding its interval.
struct StoredFact {
    std::string source;
    std::string subject;
    std::string key;
    std::string value;
    std::optional<TimeNs> event_time;
    long long first_snapshot = 0;               // where this value was first seen
    std::optional<long long> until_snapshot;    // where it stopped being seen; none while current
};

} // namespace forensic
