// The store's schema and its forward migrations; docs/schema.md describes it
// for people querying with the sqlite3 shell.
#pragma once

#include "libforensic/store/sqlite.hpp"

namespace forensic::store {

// The schema version this build writes (PRAGMA user_version).
int current_schema_version();

// Brings the database up to `target` (the current version unless a test
// wants an older file), one migration per transaction. Throws StoreError when
// the file is newer than this build.
void migrate(sql::Database& db, int target = current_schema_version());

// The schema version the file is at (0 for a new file).
int schema_version(sql::Database& db);

} // namespace forensic::store
