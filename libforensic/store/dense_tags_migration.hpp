// Schema 8: one fact per git tag (model/tag_fact.hpp). The migration rewrites
// each (host, source, subject, tag)'s legacy histories — up to five keys in a
// checkout, two on a mirror (model/legacy_tag.hpp) — into one, cut at every
// bound of any of them, so the one fact holds at each snapshot what the five
// said together. Then the subject digests are recomputed, and the snapshots
// resealed: their content changed, so the chain head before the migration is
// kept in chain_reseal for a head logged elsewhere to be matched against.
#pragma once

#include "libforensic/store/sqlite.hpp"
#include "libforensic/util/time.hpp"

#include <string>
#include <vector>

namespace forensic::store {

std::string dense_tags_schema();

// Runs inside the migration's transaction, after dense_tags_schema().
struct DenseTagsMigration {
    long long tags = 0;            // (host, source, subject, tag) histories rewritten
    long long intervals_before = 0; // their intervals before
    long long intervals_after = 0;
};
DenseTagsMigration merge_legacy_tags(sql::Database& db);

// Keeps each host's newest chain before a reseal, then reseals everything.
void reseal_after_migration(sql::Database& db, int schema_version);

// The heads kept by reseal_after_migration, by host and version.
struct ChainReseal {
    std::string host;
    TimeNs resealed_at = 0;
    int schema_version = 0;
    long long snapshot_id = 0;
    std::string old_chain; // hex
};
std::vector<ChainReseal> chain_reseals(sql::Database& db);

} // namespace forensic::store
