#include "libforensic/store/sqlite.hpp"

#include "libforensic/util/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <thread>

namespace forensic::sql {
namespace {

// A file: URI for `file` (https://sqlite.org/uri.html): every byte but the
// unreserved ones percent-encoded, so no '?' or '#' in a name is read as a
// parameter.
std::string file_uri(const std::filesystem::path& file, Database::Mode mode)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string uri = "file:";
    for (unsigned char c : std::filesystem::absolute(file).string()) {
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' ||
                     c == '-' || c == '.' || c == '_' || c == '~';
        if (plain)
            uri += static_cast<char>(c);
        else
            uri += std::string{'%', hex[c >> 4], hex[c & 15]};
    }
    uri += "?mode=ro";
    if (mode == Database::Mode::immutable) uri += "&immutable=1";
    return uri;
}

} // namespace

struct Database::Cached {
    Cached(Database& db, const std::string& text) : sql(text), statement(db, text) {}
    std::string sql;
    Statement statement;
    bool in_use = true;
};

Database::Database(const std::filesystem::path& file, Mode mode, std::chrono::milliseconds busy_timeout)
    : file_(file), busy_timeout_(busy_timeout)
{
    bool writes = mode == Mode::read_write;
    int flags = writes ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : (SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
    flags |= SQLITE_OPEN_NOMUTEX;
    auto name = writes ? file.string() : file_uri(file, mode);
    if (sqlite3_open_v2(name.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError("cannot open database '" + file.string() + "': " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, static_cast<int>(busy_timeout.count()));
    try {
        exec("PRAGMA foreign_keys = ON");
        // 16 MiB of pages rather than SQLite's 2: a year's analysis revisits
        // the same index pages (blast-radius on the bench year read 46,534
        // pages through pread, 11,700 with this).
        // Not checked: on a file that is not SQLite it fails, and the store's
        // own check says so in its words (store_file.hpp).
        sqlite3_exec(db_, "PRAGMA cache_size = -16384", nullptr, nullptr, nullptr);
        if (writes) {
            // For a file this creates (no effect on one that exists): 16 KiB
            // pages rather than 4, a b-tree a level shallower and a quarter
            // of the page writes; a first snapshot of the bench host wrote in
            // 1.31 s instead of 1.48, and a year's blast-radius read in 0.18 s
            // instead of 0.22 (bench/findings.md, sixth round). Before WAL,
            // which fixes the page size.
            exec("PRAGMA page_size = 16384");
            // A statement's journal (an INSERT ... SELECT that may abort half
            // way) and any temporary table in memory, not in a file of
            // SQLite's choosing outside the database's directory.
            exec("PRAGMA temp_store = MEMORY");
            use_wal(busy_timeout);
            // WAL with NORMAL is durable at checkpoints and never corrupts on crash.
            exec("PRAGMA synchronous = NORMAL");
        }
    } catch (...) {
        sqlite3_close(db_); // the destructor does not run for a constructor that throws
        db_ = nullptr;
        throw;
    }
}

// WAL is a property of the file, set once by whichever process creates it.
// Setting it takes an exclusive lock; two processes that opened a new file
// and ask at the same moment both hold a shared lock and want that one, and
// SQLite answers one of them SQLITE_BUSY at once rather than wait on a
// deadlock (its busy handler is not called). So it is asked again here, with
// a growing pause, until the same timeout as every other wait.
void Database::use_wal(std::chrono::milliseconds timeout)
{
    BusyTimeout within(*this, timeout); // each attempt's wait, too, ends by then
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(1);
    for (;;) {
        int rc = sqlite3_exec(db_, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) return;
        if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline)
            fail("setting the journal mode to WAL");
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
}

Database::BusyTimeout::BusyTimeout(Database& db, std::chrono::milliseconds timeout) : db_(db)
{
    sqlite3_busy_timeout(db_.db_, static_cast<int>(timeout.count()));
}

Database::BusyTimeout::~BusyTimeout()
{
    sqlite3_busy_timeout(db_.db_, static_cast<int>(db_.busy_timeout_.count()));
}

RollbackJournal::RollbackJournal(Database& db) : db_(db)
{
    // Not waited for: another connection open now would still be open after any wait.
    Database::BusyTimeout not_waited(db_, std::chrono::milliseconds(0));
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_.db_, "PRAGMA journal_mode = DELETE", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        auto mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        active_ = mode && std::string_view(mode) == "delete";
    }
    sqlite3_finalize(stmt);
}

RollbackJournal::~RollbackJournal()
{
    if (!active_) return;
    try {
        // Briefly: the write is committed, and a reader holding the file (one
        // that opened after the commit) should not keep this process waiting.
        db_.use_wal(std::min(db_.busy_timeout_, std::chrono::milliseconds(1000)));
    } catch (...) {
        // Still in rollback mode then: correct, without WAL's concurrency,
        // until a writer's next open sets WAL (every writer's open does).
    }
}

ForeignKeysCheckedAtCommit::ForeignKeysCheckedAtCommit(Database& db) : db_(db)
{
    db_.exec("PRAGMA foreign_keys = OFF");
}

ForeignKeysCheckedAtCommit::~ForeignKeysCheckedAtCommit()
{
    // Cannot fail outside a transaction, which is where this ends.
    sqlite3_exec(db_.db_, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
}

void ForeignKeysCheckedAtCommit::check()
{
    Statement violations(db_, "PRAGMA foreign_key_check");
    if (!violations.step()) return;
    auto table = violations.column_text(0);
    auto row = violations.column_is_null(1) ? std::string("a row") : "row " + std::to_string(violations.column_int(1));
    throw StoreError("database '" + db_.file_.string() + "': " + row + " of table " + table +
                     " refers to a row of " + violations.column_text(2) + " that does not exist; nothing was written");
}

Database::~Database()
{
    cached_.clear(); // finalized before the connection closes
    sqlite3_close_v2(db_);
}

CachedStatement Database::cached(const std::string& sql)
{
    for (auto& c : cached_) {
        if (c->sql != sql) continue;
        if (c->in_use) { // a use inside another: a statement of its own
            auto own = std::make_unique<Statement>(*this, sql);
            auto* statement = own.get();
            return CachedStatement(statement, nullptr, std::move(own));
        }
        c->in_use = true;
        return CachedStatement(&c->statement, &c->in_use, nullptr);
    }
    auto& c = *cached_.emplace_back(std::make_unique<Cached>(*this, sql));
    return CachedStatement(&c.statement, &c.in_use, nullptr);
}

CachedStatement::CachedStatement(Statement* statement, bool* in_use, std::unique_ptr<Statement> own)
    : statement_(statement), in_use_(in_use), own_(std::move(own))
{
}

CachedStatement::~CachedStatement()
{
    if (!in_use_) return; // its own statement: finalized with own_
    statement_->reset();
    *in_use_ = false;
}

// SQLite's message says what failed; for the codes a user can act on, why.
std::string Database::what_it_means(int code) const
{
    if ((code & 0xff) == SQLITE_BUSY)
        return " (another forensic process holds the database; it was waited for and did not finish)";
    if (code == SQLITE_READONLY_ROLLBACK)
        return " (a write to it was interrupted and left its journal, " + file_.string() +
               "-journal, to roll back; a read cannot: any command that writes, such as forensic migrate, does)";
    return "";
}

void Database::fail(std::string_view context) const
{
    std::string message = sqlite3_errmsg(db_) + what_it_means(sqlite3_extended_errcode(db_));
    throw StoreError("database '" + file_.string() + "': " + std::string(context) + ": " + message);
}

void Database::exec(std::string_view sql)
{
    std::string text(sql);
    char* error = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        message += what_it_means(sqlite3_extended_errcode(db_));
        throw StoreError("database '" + file_.string() + "': " + message + " (in: " + text.substr(0, 60) + ")");
    }
}

bool Database::read_only() const
{
    return sqlite3_db_readonly(db_, "main") == 1;
}

long long Database::last_insert_id() const
{
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const
{
    return sqlite3_changes(db_);
}

Statement::Statement(Database& db, std::string_view sql) : db_(db), sql_(sql)
{
    if (sqlite3_prepare_v3(db.handle(), sql_.data(), static_cast<int>(sql_.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK)
        db_.fail("preparing '" + sql_.substr(0, 60) + "'");
}

Statement::~Statement()
{
    db_.count_vm_steps(sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, 1));
    sqlite3_finalize(stmt_);
}

Statement& Statement::bind_int64(long long value)
{
    if (sqlite3_bind_int64(stmt_, next_param_++, value) != SQLITE_OK) db_.fail("binding");
    return *this;
}

Statement& Statement::bind(std::string_view value)
{
    if (sqlite3_bind_text64(stmt_, next_param_++, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
        SQLITE_OK)
        db_.fail("binding");
    return *this;
}

Statement& Statement::bind_blob(std::string_view bytes)
{
    if (sqlite3_bind_blob64(stmt_, next_param_++, bytes.data(), bytes.size(), SQLITE_TRANSIENT) != SQLITE_OK)
        db_.fail("binding");
    return *this;
}

Statement& Statement::bind_pointer(void* pointer, const char* type)
{
    if (sqlite3_bind_pointer(stmt_, next_param_++, pointer, type, nullptr) != SQLITE_OK) db_.fail("binding");
    return *this;
}

Statement& Statement::bind_null()
{
    if (sqlite3_bind_null(stmt_, next_param_++) != SQLITE_OK) db_.fail("binding");
    return *this;
}

bool Statement::step()
{
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_.fail("running '" + sql_.substr(0, 60) + "'");
}

void Statement::run()
{
    while (step()) {
    }
    reset();
}

Statement& Statement::reset()
{
    // Counted here too: a cached statement is reset, not finalized, after each use.
    db_.count_vm_steps(sqlite3_stmt_status(stmt_, SQLITE_STMTSTATUS_VM_STEP, 1));
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    next_param_ = 1;
    return *this;
}

long long Statement::column_int(int index) const
{
    return sqlite3_column_int64(stmt_, index);
}

std::string Statement::column_text(int index) const
{
    auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    return text ? std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))) : std::string();
}

std::string_view Statement::column_view(int index) const
{
    auto text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, index));
    return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index))) : std::string_view();
}

bool Statement::column_is_null(int index) const
{
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::optional<long long> Statement::column_optional_int(int index) const
{
    if (column_is_null(index)) return std::nullopt;
    return column_int(index);
}

std::optional<std::string> Statement::column_optional_text(int index) const
{
    if (column_is_null(index)) return std::nullopt;
    return column_text(index);
}

Transaction::Transaction(Database& db) : db_(db)
{
    db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction()
{
    if (active_) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
            // Nothing more can be done; SQLite rolls back on close anyway.
        }
    }
}

void Transaction::commit()
{
    db_.exec("COMMIT");
    active_ = false;
}

} // namespace forensic::sql
