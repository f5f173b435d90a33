// The store's schema and its forward migrations; docs/schema.md describes it
// for people querying with the sqlite3 shell.
#pragma once

#include "libforensic/store/sqlite.hpp"

namespace forensic::store {

// The schema version this build writes (PRAGMA user_version).
int current_schema_version();

// Brings the database up to the current version, one migration per
// transaction. Throws StoreError when the file is newer than this build.
void migrate(sql::Database& db);

// The schema version the file is at (0 for a new file).
int schema_version(sql::Database& db);

} // namespace forensic::store
