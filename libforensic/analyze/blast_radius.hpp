// `forensic blast-radius`: sweeps every enrolled recipe for the cause of the
// seed case — Swarm's updater rolling the app service back in the recipe's
// latest upgrade, established as `attribute` establishes it — and for the
// exposure to it (a service Swarm may roll back silently: FailureAction=rollback).
#pragma once

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/store_fwd.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::analyze {

enum class BlastStatus { affected, exposed, other_failure, clean, no_evidence };
const char* to_string(BlastStatus status);

struct LatestEvidence {
    std::string run;
    std::optional<TimeNs> finished;
    std::string upgrade; // the upgrade result
    long long snapshot = 0;
};

struct BlastRow {
    std::string recipe;
    BlastStatus status = BlastStatus::no_evidence;
    std::optional<LatestEvidence> latest; // the most recent upgrade run
    std::string signature;                // what matched: empty when nothing did
    std::vector<Evidence> evidence;
};

struct BlastOptions {
    std::optional<std::string> host;
    std::vector<std::string> recipes;  // empty: every recipe in the snapshot
    std::optional<TimeNs> since;       // only evidence from then on
    std::optional<std::string> as_of;  // SNAPSHOT: the state to judge (default latest)
};

struct BlastRadius {
    std::string host;
    SnapshotInfo as_of;
    std::vector<BlastRow> rows; // by status, then recipe
};

BlastRadius blast_radius(store::Store& store, const BlastOptions& options);

// Recipe names from an enrolment file: one a line, blank lines and # comments
// ignored. Throws InputError naming the file.
std::vector<std::string> read_enrolled(const std::string& file);

} // namespace forensic::analyze
