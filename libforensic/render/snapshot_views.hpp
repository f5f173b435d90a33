// Text and JSON forms of snapshot, list and show.
#pragma once

#include "libforensic/model/snapshot.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::render {

using nlohmann::ordered_json;

ordered_json snapshot_json(const SnapshotInfo& snapshot);
ordered_json collector_run_json(const CollectorRunInfo& run);
ordered_json stored_fact_json(const StoredFact& fact);

// `forensic snapshot`: the stored snapshot and one line per collector.
std::string write_summary_text(const WriteSummary& summary);
ordered_json write_summary_json(const WriteSummary& summary);

// `forensic list`: newest first.
std::string snapshot_list_text(const std::vector<SnapshotInfo>& snapshots);
ordered_json snapshot_list_json(const std::vector<SnapshotInfo>& snapshots);

// `forensic show`.
struct SnapshotState {
    SnapshotInfo snapshot;
    std::vector<CollectorRunInfo> collectors;
    std::vector<StoredFact> facts;
};
std::string show_text(const SnapshotState& state);
ordered_json show_json(const SnapshotState& state);

} // namespace forensic::render
