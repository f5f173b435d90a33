// Tamper evidence (docs/tamper-evidence.md). Each snapshot is sealed with the
// SHA-256 of what it holds — a canonical serialization of the intervals that
// began and ended at it (so, by induction, the state it shows) and of its
// collector runs and observations — chained to the snapshot before it of the
// same host, in time order: chain = SHA-256(previous chain || content), the
// first chained to 32 zero bytes. Table snapshot_seal (docs/schema.md).
//
// A write seals its snapshot; a splice (an older snapshot between two) and a
// prune change what later snapshots began and ended, so they reseal from the
// first snapshot they touched onward. Everything here runs inside the
// caller's transaction.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/store/sqlite.hpp"
#include "libforensic/util/time.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forensic::store {

using Sha256Digest = std::array<std::uint8_t, 32>;

std::string hex(const Sha256Digest& digest);

// The migration that adds the table (schema.cpp calls seal_snapshots after it).
std::string snapshot_seal_schema();

// The content digest of one snapshot as the store holds it now.
Sha256Digest content_digest(sql::Database& db, long long snapshot_id);

// The content digest of the first snapshot of its host, from what it is about
// to store rather than read back (a first snapshot of 233k facts read them in
// 0.17 s): every fact of a successful run begins at it and none ends.
// content_digest gives the same once it is written (tests/snapshot_chain_test.cpp),
// so verify catches a writer that stored something else.
Sha256Digest first_snapshot_digest(const SnapshotInput& input, std::string_view status);

// Stores the content digest of one snapshot: recomputed, or as given.
void seal_content(sql::Database& db, long long snapshot_id);
void seal_content(sql::Database& db, long long snapshot_id, const Sha256Digest& content);

// Recomputes the chain of `host_id`'s snapshots taken at or after `from`
// from their stored content digests (cheap: no fact is read).
void rechain(sql::Database& db, long long host_id, TimeNs from);

// Content and chain of `host_id`'s snapshots taken at or after `from`; of
// every snapshot of every host without arguments (the migration).
void seal_snapshots(sql::Database& db, long long host_id, TimeNs from = std::numeric_limits<TimeNs>::min());
void seal_snapshots(sql::Database& db);

struct ChainHead {
    std::string host;
    long long snapshot_id = 0;
    TimeNs taken_at = 0;
    std::string chain; // hex, as recomputed from the facts
};

struct StoredSeal {
    std::string content; // hex
    std::string chain;   // hex
};

struct ChainCheck {
    std::vector<std::string> problems; // per host, the first snapshot that no longer matches
    std::vector<ChainHead> heads;      // per host, by name
    std::map<long long, StoredSeal> recomputed; // by snapshot id, from the facts
};

// Recomputes every host's chain from the facts and compares it with the
// stored seals.
ChainCheck check_chain(sql::Database& db);

// A quick look for analysis commands: the content digests of at most
// `limit` of `host`'s newest snapshots taken in [from, to], recomputed and
// compared with their seals (no chain: verify checks that). One message per
// snapshot that no longer matches.
std::vector<std::string> changed_since_sealed(sql::Database& db, const std::string& host, TimeNs from, TimeNs to,
                                              int limit);

// The stored seal of one snapshot (hex), none when it has none.
std::optional<StoredSeal> stored_seal(sql::Database& db, long long snapshot_id);

} // namespace forensic::store
