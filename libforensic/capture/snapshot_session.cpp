#include "libforensic/capture/snapshot_session.hpp"

#include "libforensic/collect/swarm_event_facts.hpp"
#include "libforensic/git/tag_memo.hpp"
#include "libforensic/store/store.hpp"

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
    taken.input = std::make_unique<SnapshotInput>(
        collect::collect_snapshot(options, request.selection, request.host, request.at));
    options.tag_memo = nullptr;
    // What the memo read for the first time is kept with the snapshot, in its transaction.
    taken.summary = store.write(*taken.input, {}, tag_memo.learned());
    return taken;
}

} // namespace forensic::capture
