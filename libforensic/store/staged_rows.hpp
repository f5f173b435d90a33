// New facts as SQL reads them straight from memory: the table-valued function
// staged_rows(?), its argument the rows bound as a pointer
// (https://sqlite.org/bindptr.html), so that
//   INSERT INTO fact_key ... SELECT ... FROM staged_rows(?)
// appends a first snapshot's keys and facts in two statements without first
// copying them into a table of their own. The copy (a temporary table) cost
// 0.2 s of a 1.3 s first snapshot of the bench host; one INSERT per row
// instead costs 0.6 s more than either (bench/findings.md, sixth round).
#pragma once

#include "libforensic/store/sqlite.hpp"
#include "libforensic/util/time.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace forensic::store {

// One row; the text it points to outlives the statement that reads it.
struct StagedRow {
    long long key_id = 0;
    std::string_view subject;
    std::string_view key;
    std::string_view value;
    std::optional<TimeNs> event_time;
};

// Makes staged_rows(?) known to the connection (once per connection).
void register_staged_rows(sql::Database& db);

// Binds `rows` as the next parameter: the argument of staged_rows(?).
sql::Statement& bind_staged_rows(sql::Statement& statement, const std::vector<StagedRow>& rows);

} // namespace forensic::store
