// One snapshot's collection as it happens: every selected collector started
// on its own thread, and their runs handed over one by one, in write order,
// each as soon as it is done, so that the store can write the first while
// the last still read the host (capture/snapshot_session.cpp).
#pragma once

#include "libforensic/collect/snapshot_runner.hpp"

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

namespace forensic::collect {

class Collection {
public:
    // Starts the selected collectors (validate_selection first: UsageError).
    // `options` must outlive the collection.
    Collection(const CollectOptions& options, const Selection& selection, const std::string& host,
               std::optional<TimeNs> taken_at);
    // Waits for every collector still running: they read `options`.
    ~Collection();
    Collection(const Collection&) = delete;
    Collection& operator=(const Collection&) = delete;

    // Host, taken_at and tool version; finished_at and the runs once done().
    const SnapshotInput& snapshot() const { return input_; }

    // The next run in write order (Collector::write_rank), waiting for it;
    // nullptr after the last. A run not selected is handed over as skipped.
    const CollectorRun* next();
    // Every run handed over: snapshot() is whole, its runs in registry order,
    // finished_at the moment the last collector finished.
    bool done() const { return handed_ == order_.size(); }
    // The snapshot, whole: the runs not yet handed over are waited for.
    SnapshotInput finish() &&;

private:
    struct Finished {
        CollectorRun run;
        std::chrono::steady_clock::time_point at;
    };
    SnapshotInput input_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_finished_;
    std::vector<std::future<Finished>> running_; // registry order
    std::vector<std::size_t> order_;             // indices into running_, in write order
    std::size_t handed_ = 0;
};

} // namespace forensic::collect
