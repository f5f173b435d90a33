#include "libforensic/store/store.hpp"

#include "libforensic/store/schema.hpp"
#include "libforensic/store/staged_rows.hpp"
#include "libforensic/store/store_file.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/natural_order.hpp"

#include <algorithm>
#include <system_error>

namespace forensic::store {
namespace {

sql::Database open_database(const std::filesystem::path& file, Store::Access access,
                            std::chrono::milliseconds busy_timeout)
{
    std::error_code ec;
    bool exists = std::filesystem::exists(file, ec);
    if (access == Store::Access::read) {
        if (!exists)
            throw StoreError("database '" + file.string() + "' does not exist (create it with forensic snapshot)");
        // Read-only means read-only: no write, no migration (docs/schema.md, "Opening").
        return sql::Database(file, read_mode(file), busy_timeout);
    }
    // Before anything writes to an existing file (WAL mode, the schema): is it ours?
    if (exists && std::filesystem::file_size(file, ec) > 0) {
        sql::Database probe(file, read_mode(file), busy_timeout);
        check_is_store(probe, true);
    }
    return sql::Database(file, sql::Database::Mode::read_write, busy_timeout);
}

SnapshotInfo read_snapshot_row(sql::Statement& q)
{
    return SnapshotInfo{q.column_int(0), q.column_text(1), q.column_int(2), q.column_int(3), q.column_text(4),
                        q.column_text(5), snapshot_kind_from_string(q.column_text(6))};
}

constexpr const char* snapshot_columns =
    "SELECT s.id, h.name, s.taken_at, s.finished_at, s.tool_version, s.status, s.kind FROM snapshot s "
    "JOIN host h ON h.id = s.host_id ";

bool all_digits(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

Store::Store(const std::filesystem::path& file, Access access, std::chrono::milliseconds busy_timeout)
    : db_(open_database(file, access, busy_timeout))
{
    if (access == Access::read) check_is_store(db_, false);
    schema_before_ = schema_version(db_);
    if (access == Access::write) {
        migrate(db_);
        register_staged_rows(db_); // the writers' (appending_writer.cpp)
    } else if (schema_before_ < current_schema_version()) {
        throw StoreError("database '" + file.string() + "' has schema version " + std::to_string(schema_before_) +
                         ", older than this forensic's " + std::to_string(current_schema_version()) +
                         "; reads never change it: migrate it with `forensic migrate --db " + file.string() +
                         "` (a copy, if it is evidence)");
    } else if (schema_before_ > current_schema_version()) {
        migrate(db_); // only says it is newer than this forensic understands
    }
}

std::vector<std::string> Store::hosts()
{
    sql::Statement q(db_, "SELECT name FROM host WHERE id IN (SELECT host_id FROM snapshot) ORDER BY name");
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

std::string Store::default_host(const std::optional<std::string>& host)
{
    if (host) return *host;
    auto all = hosts();
    if (all.size() == 1) return all.front();
    if (all.empty()) throw UsageError("database '" + db_.file().string() + "' holds no snapshots yet");
    std::string names;
    for (const auto& h : all) names += (names.empty() ? "" : ", ") + h;
    throw UsageError("database '" + db_.file().string() + "' holds several hosts (" + names +
                     "); choose one with --host");
}

std::vector<SnapshotInfo> Store::snapshots(const std::optional<std::string>& host)
{
    sql::Statement q(db_, std::string(snapshot_columns) + "WHERE ?1 IS NULL OR h.name = ?1 ORDER BY s.taken_at, s.id");
    if (host)
        q.bind(*host);
    else
        q.bind_null();
    std::vector<SnapshotInfo> out;
    while (q.step()) out.push_back(read_snapshot_row(q));
    return out;
}

std::optional<SnapshotInfo> Store::find_snapshot(long long id)
{
    sql::Statement q(db_, std::string(snapshot_columns) + "WHERE s.id = ?");
    q.bind(id);
    if (!q.step()) return std::nullopt;
    return read_snapshot_row(q);
}

SnapshotInfo Store::resolve(std::string_view spec, const std::optional<std::string>& host)
{
    if (all_digits(spec)) {
        auto found = find_snapshot(std::stoll(std::string(spec)));
        if (!found) throw UsageError("no snapshot with id " + std::string(spec));
        if (host && found->host != *host)
            throw UsageError("snapshot " + std::string(spec) + " is of host " + found->host + ", not " + *host);
        return *found;
    }
    auto name = default_host(host);
    bool latest = spec == "latest";
    TimeNs limit = latest ? 0 : parse_time_argument(spec, "snapshot", true);
    sql::Statement q(db_, std::string(snapshot_columns) +
                              "WHERE h.name = ? AND (? OR s.taken_at <= ?) ORDER BY s.taken_at DESC LIMIT 1");
    q.bind(name).bind(latest ? 1 : 0).bind(limit);
    if (!q.step()) {
        if (latest) throw UsageError("host " + name + " has no snapshots");
        throw UsageError("host " + name + " has no snapshot at or before " + format_rfc3339(limit));
    }
    return read_snapshot_row(q);
}

std::vector<CollectorRunInfo> Store::collector_runs(long long snapshot_id)
{
    sql::Statement q(db_, "SELECT collector, status, coalesce(error, ''), opened, closed, unchanged, errors, coverage "
                          "FROM collector_run WHERE snapshot_id = ? ORDER BY collector");
    q.bind(snapshot_id);
    std::vector<CollectorRunInfo> out;
    while (q.step())
        out.push_back(CollectorRunInfo{q.column_text(0), collector_status_from_string(q.column_text(1)),
                                       q.column_text(2), q.column_int(3), q.column_int(4), q.column_int(5),
                                       q.column_int(6), coverage_from_string(q.column_text(7))});
    for (auto& run : out)
        if (run.coverage == Coverage::subjects) run.observed_subjects = observed_subjects(snapshot_id, run.collector);
    return out;
}

std::vector<std::string> Store::observed_subjects(long long snapshot_id, const std::string& collector)
{
    sql::Statement q(db_, "SELECT subject FROM observed_subject WHERE snapshot_id = ? AND collector = ? "
                          "ORDER BY subject");
    q.bind(snapshot_id).bind(collector);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

std::vector<std::pair<std::string, std::string>> Store::observed_keys(long long snapshot_id, const std::string& collector)
{
    sql::Statement q(db_, "SELECT k.subject, k.key FROM observed_key o JOIN fact_key k ON k.id = o.key_id "
                          "WHERE o.snapshot_id = ? AND k.source = ? ORDER BY k.subject, k.key");
    q.bind(snapshot_id).bind(collector);
    std::vector<std::pair<std::string, std::string>> out;
    while (q.step()) out.emplace_back(q.column_text(0), q.column_text(1));
    return out;
}

std::vector<git::TagObjectRecord> Store::tag_objects()
{
    sql::Statement q(db_, "SELECT id, target, target_type, name, tagger_time FROM tag_object");
    std::vector<git::TagObjectRecord> out;
    auto object_id = [&](int column, git::TagObjectRecord::ObjectId& id) {
        auto bytes = q.column_text(column);
        if (bytes.size() != id.size()) return false; // not an object id: a damaged row is not used
        std::copy(bytes.begin(), bytes.end(), id.begin());
        return true;
    };
    while (q.step()) {
        git::TagObjectRecord r{{}, {}, static_cast<int>(q.column_int(2)), q.column_text(3), q.column_optional_int(4)};
        if (object_id(0, r.id) && object_id(1, r.target)) out.push_back(std::move(r));
    }
    return out;
}

std::vector<StoredFact> Store::state(const SnapshotInfo& snapshot, const FactFilter& filter)
{
    std::vector<StoredFact> out;
    each_state(snapshot, filter, [&](StoredFact&& f) { out.push_back(std::move(f)); });
    std::sort(out.begin(), out.end(), [](const StoredFact& a, const StoredFact& b) {
        if (a.source != b.source) return a.source < b.source;
        if (a.subject != b.subject) return natural_less(a.subject, b.subject);
        return natural_less(a.key, b.key);
    });
    return out;
}

void Store::each_state(const SnapshotInfo& snapshot, const FactFilter& filter,
                       const std::function<void(StoredFact&&)>& each)
{
    // With a source, fact_key's (source, subject, key) index picks the keys
    // and fact_by_key their intervals; without one, fact_by_start walks every
    // interval begun by the snapshot.
    std::string keys = !filter.source ? "fact f JOIN fact_key k ON k.id = f.key_id "
                       : filter.subject ? "fact_key k CROSS JOIN fact f INDEXED BY fact_by_key "
                                          "ON k.source = ?3 AND k.subject = ?4 AND f.key_id = k.id "
                                        : "fact_key k CROSS JOIN fact f INDEXED BY fact_by_key "
                                          "ON k.source = ?3 AND f.key_id = k.id ";
    sql::Statement q(db_,
                     "SELECT k.source, k.subject, k.key, f.value, f.event_time, a.id, b.id FROM " + keys +
                         "JOIN snapshot a ON a.host_id = f.host_id AND a.taken_at = f.valid_from "
                         "LEFT JOIN snapshot b ON b.host_id = f.host_id AND b.taken_at = f.valid_to "
                         "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) AND f.valid_from <= ?2 "
                         "AND (f.valid_to IS NULL OR f.valid_to > ?2) AND (?3 IS NULL OR k.source = ?3) "
                         "AND (?4 IS NULL OR k.subject = ?4)");
    q.bind(snapshot.host).bind(snapshot.taken_at);
    if (filter.source)
        q.bind(*filter.source);
    else
        q.bind_null();
    if (filter.subject)
        q.bind(*filter.subject);
    else
        q.bind_null();
    while (q.step()) {
        StoredFact f;
        f.source = q.column_text(0);
        f.subject = q.column_text(1);
        f.key = q.column_text(2);
        f.value = q.column_text(3);
        f.event_time = q.column_optional_int(4);
        f.first_snapshot = q.column_int(5);
        f.until_snapshot = q.column_optional_int(6);
        each(std::move(f));
    }
}

} // namespace forensic::store
