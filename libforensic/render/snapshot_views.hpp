// Text and JSON forms of snapshot, list and show.
#pragma once

#include "libforensic/store/store.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::render {

using nlohmann::ordered_json;

ordered_json snapshot_json(const store::SnapshotInfo& snapshot);
ordered_json collector_run_json(const store::CollectorRunInfo& run);
ordered_json stored_fact_json(const StoredFact& fact);

// `forensic snapshot`: the stored snapshot and one line per collector.
std::string write_summary_text(const store::WriteSummary& summary);
ordered_json write_summary_json(const store::WriteSummary& summary);

// `forensic list`: newest first.
std::string snapshot_list_text(const std::vector<store::SnapshotInfo>& snapshots);
ordered_json snapshot_list_json(const std::vector<store::SnapshotInfo>& snapshots);

// `forensic show`.
struct SnapshotState {
    store::SnapshotInfo snapshot;
    std::vector<store::CollectorRunInfo> collectors;
    std::vector<StoredFact> facts;
};
std::string show_text(const SnapshotState& state);
ordered_json show_json(const SnapshotState& state);

} // namespace forensic::render
