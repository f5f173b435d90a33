// An eponymous-only virtual table (https://sqlite.org/vtab.html) with one
// hidden column, the rows pointer: the pattern of SQLite's own carray.
#include "libforensic/store/staged_rows.hpp"

#include "libforensic/util/error.hpp"

#include <sqlite3.h>

namespace forensic::store {
namespace {

constexpr const char* pointer_type = "forensic-staged-rows";
enum Column { key_id, subject, key, value, event_time, rows_argument };

struct Cursor {
    sqlite3_vtab_cursor base{}; // first: SQLite casts between the two
    const std::vector<StagedRow>* rows = nullptr;
    std::size_t at = 0;
};

int connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** table, char**)
{
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(key_id INTEGER, subject TEXT, key TEXT, value TEXT, "
                                      "event_time INTEGER, rows HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    *table = static_cast<sqlite3_vtab*>(sqlite3_malloc(sizeof(sqlite3_vtab)));
    if (!*table) return SQLITE_NOMEM;
    **table = sqlite3_vtab{};
    return SQLITE_OK;
}

int disconnect(sqlite3_vtab* table)
{
    sqlite3_free(table);
    return SQLITE_OK;
}

// Only with its argument: staged_rows(?) scans the rows once, in order.
int best_index(sqlite3_vtab*, sqlite3_index_info* info)
{
    for (int i = 0; i < info->nConstraint; ++i) {
        const auto& c = info->aConstraint[i];
        if (c.iColumn != rows_argument || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
        if (!c.usable) return SQLITE_CONSTRAINT; // another plan must bind it first
        info->aConstraintUsage[i].argvIndex = 1;
        info->aConstraintUsage[i].omit = 1;
        info->idxNum = 1;
        info->estimatedCost = 1;
        return SQLITE_OK;
    }
    info->idxNum = 0; // no argument: no rows
    info->estimatedCost = 1e12;
    return SQLITE_OK;
}

int open(sqlite3_vtab*, sqlite3_vtab_cursor** cursor)
{
    auto* c = new (std::nothrow) Cursor;
    if (!c) return SQLITE_NOMEM;
    *cursor = &c->base;
    return SQLITE_OK;
}

int close(sqlite3_vtab_cursor* cursor)
{
    delete reinterpret_cast<Cursor*>(cursor);
    return SQLITE_OK;
}

int filter(sqlite3_vtab_cursor* cursor, int idx_num, const char*, int argc, sqlite3_value** argv)
{
    auto* c = reinterpret_cast<Cursor*>(cursor);
    c->rows = idx_num == 1 && argc == 1
                  ? static_cast<const std::vector<StagedRow>*>(sqlite3_value_pointer(argv[0], pointer_type))
                  : nullptr;
    c->at = 0;
    return SQLITE_OK;
}

int next(sqlite3_vtab_cursor* cursor)
{
    ++reinterpret_cast<Cursor*>(cursor)->at;
    return SQLITE_OK;
}

int eof(sqlite3_vtab_cursor* cursor)
{
    auto* c = reinterpret_cast<Cursor*>(cursor);
    return !c->rows || c->at >= c->rows->size();
}

void result_text(sqlite3_context* context, std::string_view text)
{
    sqlite3_result_text64(context, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

int column(sqlite3_vtab_cursor* cursor, sqlite3_context* context, int n)
{
    auto* c = reinterpret_cast<Cursor*>(cursor);
    const auto& row = (*c->rows)[c->at];
    switch (n) {
    case key_id: sqlite3_result_int64(context, row.key_id); break;
    case subject: result_text(context, row.subject); break;
    case key: result_text(context, row.key); break;
    case value: result_text(context, row.value); break;
    case event_time:
        if (row.event_time)
            sqlite3_result_int64(context, *row.event_time);
        else
            sqlite3_result_null(context);
        break;
    default: sqlite3_result_null(context); break;
    }
    return SQLITE_OK;
}

int rowid(sqlite3_vtab_cursor* cursor, sqlite3_int64* id)
{
    *id = static_cast<sqlite3_int64>(reinterpret_cast<Cursor*>(cursor)->at);
    return SQLITE_OK;
}

sqlite3_module make_module()
{
    sqlite3_module m{};
    m.iVersion = 0;
    m.xCreate = nullptr; // eponymous only: no CREATE VIRTUAL TABLE
    m.xConnect = connect;
    m.xBestIndex = best_index;
    m.xDisconnect = disconnect;
    m.xDestroy = disconnect;
    m.xOpen = open;
    m.xClose = close;
    m.xFilter = filter;
    m.xNext = next;
    m.xEof = eof;
    m.xColumn = column;
    m.xRowid = rowid;
    return m;
}

const sqlite3_module staged_rows_module = make_module();

} // namespace

void register_staged_rows(sql::Database& db)
{
    if (sqlite3_create_module_v2(db.handle(), "staged_rows", &staged_rows_module, nullptr, nullptr) != SQLITE_OK)
        db.fail("registering staged_rows");
}

sql::Statement& bind_staged_rows(sql::Statement& statement, const std::vector<StagedRow>& rows)
{
    return statement.bind_pointer(const_cast<std::vector<StagedRow>*>(&rows), pointer_type);
}

} // namespace forensic::store
