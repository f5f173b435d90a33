// One `forensic snapshot` from start to stored: what the store already knows
// that the collectors use (the tag objects read before, when the host's
// events were last read), the collection, and the write in one transaction.
#pragma once

#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/store_fwd.hpp"

#include <memory>
#include <optional>
#include <string>

namespace forensic::capture {

struct SnapshotRequest {
    collect::CollectOptions options;
    collect::Selection selection;
    std::string host;
    std::optional<TimeNs> at; // --at: stamp the snapshot with this time
};

struct TakenSnapshot {
    WriteSummary summary;
    // What was collected; the caller decides when to free it (a nightly
    // snapshot's half a million facts are cheaper given back at exit).
    std::unique_ptr<SnapshotInput> input;
};

TakenSnapshot take_snapshot(store::Store& store, SnapshotRequest request);

} // namespace forensic::capture
