// A thin RAII layer over SQLite in the manner of Nix's sqlite.hh: a connection,
// prepared statements with fluent binding, and a transaction that rolls back
// unless committed.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace forensic::sql {

class Statement;
class CachedStatement;

class Database {
public:
    // read_only opens with mode=ro: SQLite writes nothing to the file, but a
    // WAL file's readers keep their index in -wal/-shm, created beside it
    // where the directory lets them. immutable adds immutable=1: no locks, no
    // -wal/-shm, for a file nothing can write (store_file.hpp decides).
    enum class Mode { read_only, immutable, read_write };

    // Opens (read_write creates) the file; sets WAL, foreign keys and a busy
    // timeout so concurrent writers wait instead of failing.
    Database(const std::filesystem::path& file, Mode mode, std::chrono::milliseconds busy_timeout);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(std::string_view sql);
    long long last_insert_id() const;
    int changes() const;
    sqlite3* handle() const { return db_; }
    // What SQLite says of the connection (sqlite3_db_readonly): no write can pass.
    bool read_only() const;
    const std::filesystem::path& file() const { return file_; }

    // Throws StoreError with SQLite's message and `context`.
    [[noreturn]] void fail(std::string_view context) const;

    // Virtual machine steps of every statement finished on this connection:
    // a measure of rows visited that does not depend on the machine's speed,
    // for tests that pin a query's cost to what it returns.
    long long vm_steps() const { return vm_steps_; }
    void count_vm_steps(long long steps) { vm_steps_ += steps; }

    // The statement of this text prepared once for the connection's life: a
    // query run once per item (a service's history in a sweep) is not parsed
    // and planned again each time. Used while another use of the same text is
    // still open, it is a new statement, finalized with the handle.
    CachedStatement cached(const std::string& sql);

private:
    friend class RollbackJournal;
    friend class ForeignKeysCheckedAtCommit;
    struct Cached;
    // The connection's busy timeout set to another while it lives, then back.
    class BusyTimeout {
    public:
        BusyTimeout(Database& db, std::chrono::milliseconds timeout);
        ~BusyTimeout();
        BusyTimeout(const BusyTimeout&) = delete;
        BusyTimeout& operator=(const BusyTimeout&) = delete;

    private:
        Database& db_;
    };
    void use_wal(std::chrono::milliseconds timeout);
    std::string what_it_means(int code) const;

    sqlite3* db_ = nullptr;
    std::filesystem::path file_;
    std::chrono::milliseconds busy_timeout_;
    long long vm_steps_ = 0;
    std::vector<std::unique_ptr<Cached>> cached_; // a few texts, searched in order; each stays where it is
};

class Statement {
public:
    Statement(Database& db, std::string_view sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Fluent binding in parameter order; reset() rewinds for the next use.
    template <std::integral T>
    Statement& bind(T value)
    {
        return bind_int64(static_cast<long long>(value));
    }
    Statement& bind(std::string_view value);
    Statement& bind(const std::string& value) { return bind(std::string_view(value)); }
    Statement& bind(const char* value) { return bind(std::string_view(value)); }
    template <std::integral T>
    Statement& bind(std::optional<T> value)
    {
        return value ? bind_int64(static_cast<long long>(*value)) : bind_null();
    }
    Statement& bind_null();
    Statement& bind_blob(std::string_view bytes);
    // A pointer only a function or virtual table asking for `type` can read
    // (https://sqlite.org/bindptr.html); `type` is a string that lives forever.
    Statement& bind_pointer(void* pointer, const char* type);

    // Steps once: true while a row is available.
    bool step();
    // Runs a statement that returns no rows.
    void run();
    Statement& reset();

    long long column_int(int index) const;
    std::string column_text(int index) const;
    // The text in place, valid until the next step or reset: no copy.
    std::string_view column_view(int index) const;
    std::optional<long long> column_optional_int(int index) const;
    std::optional<std::string> column_optional_text(int index) const;
    bool column_is_null(int index) const;

private:
    Statement& bind_int64(long long value);

    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
    int next_param_ = 1;
    std::string sql_;
};

// One use of a cached statement: reset, and its bindings cleared, when it goes.
class CachedStatement {
public:
    ~CachedStatement();
    CachedStatement(const CachedStatement&) = delete;
    CachedStatement& operator=(const CachedStatement&) = delete;
    Statement& operator*() const { return *statement_; }
    Statement* operator->() const { return statement_; }

private:
    friend class Database;
    CachedStatement(Statement* statement, bool* in_use, std::unique_ptr<Statement> own);

    Statement* statement_;
    bool* in_use_;                    // the cache's flag, or null for a statement of its own
    std::unique_ptr<Statement> own_;  // the second use of a text already in use
};

// SQLite's rollback journal in place of WAL while it lives, for a write that
// fills an empty store (a first snapshot, an import into a new database). In
// WAL every page is written to the log (a page the cache spills, again each
// time) and copied into the file at the checkpoint; a rollback journal keeps
// only the pages that existed before, so new pages are written once, in
// place (a first snapshot of 72 MB: 1.8 s in WAL, 1.5 s this way). The
// commit is as atomic: a crash leaves a hot journal, and the next writer to
// open the file rolls it back. Taken only when no other connection has the
// file open, as leaving WAL requires; otherwise the write stays in WAL.
// Readers wait for the commit instead of reading beside it, which costs
// nothing when there was nothing to read.
class RollbackJournal {
public:
    explicit RollbackJournal(Database& db);
    ~RollbackJournal(); // back to WAL, after the transaction
    RollbackJournal(const RollbackJournal&) = delete;
    RollbackJournal& operator=(const RollbackJournal&) = delete;
    bool active() const { return active_; }

private:
    Database& db_;
    bool active_ = false;
};

// Foreign keys checked once, over the whole file, before the commit instead
// of at every row, for the same write that fills an empty store: SQLite's
// per-row checks run a lookup for each of a fact's three parents (on the
// bench host's first snapshot, 0.15 s of 1.1). Taken outside a transaction
// (SQLite ignores the pragma inside one); check() throws StoreError naming the
// first row that breaks one, so the caller's transaction rolls back and
// nothing is committed that the per-row checks would have refused.
class ForeignKeysCheckedAtCommit {
public:
    explicit ForeignKeysCheckedAtCommit(Database& db);
    ~ForeignKeysCheckedAtCommit(); // per-row checks again, after the transaction
    ForeignKeysCheckedAtCommit(const ForeignKeysCheckedAtCommit&) = delete;
    ForeignKeysCheckedAtCommit& operator=(const ForeignKeysCheckedAtCommit&) = delete;
    void check();

private:
    Database& db_;
};

// BEGIN IMMEDIATE on construction so a writer takes the lock before reading
// what it will change; rolls back in the destructor unless commit() ran.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

private:
    Database& db_;
    bool active_ = true;
};

} // namespace forensic::sql
