// Keeping a store healthy for years: `verify` checks SQLite's integrity and the
// store's own invariants; `prune` thins old snapshots by a daily/weekly/
// monthly policy without changing what the kept ones see.
#pragma once

#include "libforensic/store/store.hpp"

#include <string>
#include <vector>

namespace forensic::store {

struct VerifyReport {
    std::vector<std::string> problems; // each names the rows involved
    long long snapshots = 0;
    long long intervals = 0;
    bool ok() const { return problems.empty(); }
};

// PRAGMA integrity_check and foreign_key_check; then: no two intervals of one
// key overlap; every interval begins and ends at a snapshot of its host; no
// interval is empty; adjacent intervals of one key differ; every snapshot has
// its collector statuses.
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
};

// Which snapshots of `host` the policy keeps (the newest always).
std::vector<SnapshotInfo> snapshots_to_keep(const std::vector<SnapshotInfo>& snapshots, const PrunePolicy& policy);

// Removes the other snapshots in one transaction, re-bounding intervals so
// the state at every kept snapshot is unchanged, then reclaims the space
// (VACUUM) unless `dry_run`.
PruneResult prune(Store& store, const std::string& host, const PrunePolicy& policy, bool dry_run);

} // namespace forensic::store
