// The store's file as evidence: how a read opens it without changing it, how
// a file is recognised as a forensic store before anything is written to it,
// and which paths an output must never replace (docs/schema.md, "Opening").
#pragma once

#include "libforensic/store/sqlite.hpp"

#include <filesystem>

namespace forensic::store {

// PRAGMA application_id of a forensic store ("FRNS"), set by every write.
inline constexpr long long store_application_id = 0x46524e53;

// How a read opens `file`: immutable (no locks, nothing created beside it)
// when nothing can be writing it — no -wal beside it, and the file or its
// directory has no write permission (mode bits, or access(2), or a read-only
// mount); otherwise read-only through SQLite's locks, as a writer may be at
// work. A WAL file read so in a writable directory gets -wal and -shm beside
// it (SQLite's readers need them); the file itself is never written.
sql::Database::Mode read_mode(const std::filesystem::path& file);

// Throws StoreError naming the file unless it holds a forensic store: our
// application_id, or (older stores, before it was set) a user_version and
// the host, snapshot and fact tables. When `about_to_write` (a writer's
// look before it opens the file), an empty database passes (the write
// creates the store in it), and so does a store with an interrupted write
// (interrupted_store_write: the writer's connection rolls it back).
void check_is_store(sql::Database& db, bool about_to_write);

// Whether a write to the forensic store in `file` was interrupted in SQLite's
// rollback journal (a first snapshot's, sqlite.hpp): a journal lies beside it
// and the file's header carries our application_id. SQLite rolls such a
// journal back only for a writer, so check_is_store cannot read the file; its
// header, which a snapshot's write never changes, still says whose it is.
bool interrupted_store_write(const std::filesystem::path& file);

// Throws UsageError when `output` is `database`, its -wal or its -shm, by
// name or by what it resolves to (a symlink, a hard link: same device and
// inode), so -o cannot replace the evidence it was made from.
void refuse_store_output(const std::filesystem::path& database, const std::filesystem::path& output);

} // namespace forensic::store
