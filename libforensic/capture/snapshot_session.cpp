#include "libforensic/capture/snapshot_session.hpp"

#include "libforensic/collect/collection.hpp"
#include "libforensic/collect/swarm_event_facts.hpp"
#include "libforensic/git/tag_memo.hpp"
#include "libforensic/store/snapshot_write.hpp"
#include "libforensic/store/store.hpp"

#include <algorithm>

namespace forensic::capture {

TakenSnapshot take_snapshot(store::Store& store, SnapshotRequest request)
{
    collect::validate_selection(request.selection);
    auto& options = request.options;
    git::TagMemo tag_memo(collect::is_selected(request.selection, "recipes") ? store.tag_objects()
                                                                            : std::vector<git::TagObjectRecord>{});
    options.tag_memo = &tag_memo;
    // The buffer is read from the previous capture of this host's events on.
    auto events = std::string(collect::swarm_events::source);
    if (collect::is_selected(request.selection, events) && !options.events_since)
        options.events_since = store.last_observation(request.host, events);
    TakenSnapshot taken;
    if (store.holds_no_snapshot()) {
        // A first snapshot, half a million facts on a large host, is written
        // run by run in the collectors' write order while the rest still read
        // the host: on the bench host its write began at 0.11 s rather than
        // after the last collector, at 0.36 s (bench/findings.md, seventh
        // round). It holds the write lock for the whole collection, which a
        // store with nothing in it yet can afford. The recipe checkouts, the
        // largest CPU-bound reading, leave a core to the write: on the bench
        // host's two cores 0.87 s against 0.95 s (bench/findings.md).
        options.local_workers = std::max(options.local_workers, 2u) - 1;
        collect::Collection collection(options, request.selection, request.host, request.at);
        store::SnapshotWrite write(store, collection.snapshot());
        while (const auto* run = collection.next()) {
            if (collection.done()) write.all_collected(collection.snapshot());
            write.add(*run);
        }
        // What the memo read for the first time is kept with the snapshot, in its transaction.
        taken.summary = write.finish(collection.snapshot(), tag_memo.learned());
        taken.input = std::make_unique<SnapshotInput>(std::move(collection).finish());
    } else {
        // Any later one collects first and holds the lock for its write
        // alone: a watch or another snapshot waits for that, not for Docker.
        collect::Collection collection(options, request.selection, request.host, request.at);
        taken.input = std::make_unique<SnapshotInput>(std::move(collection).finish());
        taken.summary = store.write(*taken.input, {}, tag_memo.learned());
    }
    options.tag_memo = nullptr;
    return taken;
}

} // namespace forensic::capture
