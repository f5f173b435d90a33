// One snapshot written run by run, as its collectors finish, in one
// transaction (snapshot_writer.cpp): the write of a live snapshot starts
// while the last collectors still read the host. Nothing is visible to
// readers until finish() commits; an exception, or destruction before it,
// rolls everything back and leaves the previous state.
#pragma once

#include "libforensic/git/tag_object_record.hpp"
#include "libforensic/model/fact.hpp"
#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/store.hpp"

#include <memory>
#include <vector>

namespace forensic::store {

class SnapshotWrite {
public:
    // Takes the write lock and stores the snapshot's row: the host, taken_at,
    // tool version and kind of `header` (its runs are not read). StoreError
    // if the host already has a snapshot taken then.
    SnapshotWrite(Store& store, const SnapshotInput& header, WriteHooks hooks = {});
    ~SnapshotWrite();
    SnapshotWrite(const SnapshotWrite&) = delete;
    SnapshotWrite& operator=(const SnapshotWrite&) = delete;

    // One collector's run, each collector once, in any order: the order they
    // are added in is the order their facts are numbered in.
    void add(const CollectorRun& run);
    // `whole` holds every run and its finished_at, though some may not be
    // added yet: a host's first snapshot is then digested for its seal on
    // another core while the rest is written. `whole` must stay as it is
    // until finish() returns. Optional: finish() digests it otherwise.
    void all_collected(const SnapshotInput& whole);
    // Once every run of `whole` is added: its status and finished_at, the
    // seal, the tag object headers the collectors read for the first time,
    // then the commit. The summary lists the runs in the order of `whole`.
    WriteSummary finish(const SnapshotInput& whole, const std::vector<git::TagObjectRecord>& learned_tag_objects = {});

private:
    struct Transactional;
    std::unique_ptr<Transactional> impl_;
};

} // namespace forensic::store
