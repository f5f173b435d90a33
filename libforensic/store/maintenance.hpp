// Keeping a store healthy for years: `verify` checks SQLite's integrity and the
// store's own invariants; `prune` thins old snapshots by a daily/weekly/
// monthly policy without changing what the kept ones see.
#pragma once

#include "libforensic/store/dense_tags_migration.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/store.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace forensic::store {

struct VerifyReport {
    std::vector<std::string> problems; // each names the rows involved
    // Per host, the newest snapshot and its chain digest as recomputed from
    // the facts: the value to keep elsewhere (docs/tamper-evidence.md).
    std::vector<ChainHead> heads;
    std::vector<ChainReseal> reseals; // heads kept when a migration resealed
    std::map<long long, StoredSeal> recomputed; // every snapshot's seal, from the facts
    long long snapshots = 0;
    long long intervals = 0;
    bool ok() const { return problems.empty(); }
};

// PRAGMA integrity_check and foreign_key_check; then: no two intervals of one
// key overlap; every interval begins and ends at a snapshot of its host; no
// interval is empty; adjacent intervals of one key differ; every snapshot has
// its collector statuses; each host's chain of snapshot seals recomputed from
// the facts, naming the first snapshot that no longer matches.
VerifyReport verify(Store& store);

struct PrunePolicy {
    int keep_daily = 0;   // the newest snapshot of each of the last N days that have one
    int keep_weekly = 0;  // ... of each of the last N ISO weeks
    int keep_monthly = 0; // ... of each of the last N months
};

struct PruneResult {
    std::vector<SnapshotInfo> kept;
    std::vector<SnapshotInfo> removed;
    long long bytes_before = 0;
    long long bytes_after = 0;
    int transactions = 0; // the chunks it committed
};

struct PruneOptions {
    bool dry_run = false;
    bool vacuum = true; // reclaim the space at the end (holds the lock for a time that follows the file's size)
    // The longest one chunk (one transaction) should hold the write lock: a
    // chunk ends at the first run of removed snapshots that takes it past this.
    std::chrono::milliseconds chunk_time{1000};
    // The pause between chunks, with the lock released: longer than SQLite's
    // longest sleep in a busy handler (100 ms), so a writer waiting gets it.
    std::chrono::milliseconds pause{150};
    // Called after each chunk commits, the lock released (tests: another
    // writer between chunks, a crash mid-prune).
    std::function<void(int chunk)> after_chunk;
};

// The most a chunk may hold the lock when writers wait `lock_timeout`: a
// quarter of it, at most a second.
std::chrono::milliseconds chunk_time_for(std::chrono::milliseconds lock_timeout);

// Which snapshots of `host` the policy keeps (the newest always).
std::vector<SnapshotInfo> snapshots_to_keep(const std::vector<SnapshotInfo>& snapshots, const PrunePolicy& policy);

// Removes the other snapshots (never watch records), re-bounding intervals
// so the state at every kept snapshot is unchanged (prune.cpp). Works run by
// run of consecutive removed snapshots, each interval's bounds moved once per
// run, in chunks of runs that each commit a consistent store; then reclaims
// the space (VACUUM) unless dry_run or !vacuum.
PruneResult prune(Store& store, const std::string& host, const PrunePolicy& policy, const PruneOptions& options);
PruneResult prune(Store& store, const std::string& host, const PrunePolicy& policy, bool dry_run);

} // namespace forensic::store
