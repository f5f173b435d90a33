// Read-side queries over intervals for diff, timeline and attribution. Each
// is a range scan on one of the time indexes, never a full scan per item.
#include "libforensic/store/store.hpp"

#include <algorithm>
#include <map>

namespace forensic::store {
namespace {

constexpr const char* interval_columns =
    "SELECT f.key_id, k.source, k.subject, k.key, f.value, f.event_time, f.valid_from, f.valid_to "
    "FROM fact f JOIN fact_key k ON k.id = f.key_id ";

std::vector<IntervalRecord> read_intervals(sql::Statement& q)
{
    std::vector<IntervalRecord> out;
    while (q.step())
        out.push_back(IntervalRecord{q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3),
                                     q.column_text(4), q.column_optional_int(5), q.column_int(6),
                                     q.column_optional_int(7)});
    return out;
}

} // namespace

bool SnapshotCoverage::observed(const std::string& source) const
{
    return std::find(ok_collectors.begin(), ok_collectors.end(), source) != ok_collectors.end();
}

std::vector<IntervalRecord> Store::intervals_changing(const std::string& host, TimeNs lo, TimeNs hi)
{
    // Two range scans (fact_by_start, fact_by_end) rather than one OR.
    sql::Statement q(db_, std::string(interval_columns) +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) "
                              "AND f.valid_from > ?2 AND f.valid_from <= ?3 "
                              "UNION " +
                              interval_columns +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) "
                              "AND f.valid_to > ?2 AND f.valid_to <= ?3");
    q.bind(host).bind(lo).bind(hi);
    return read_intervals(q);
}

std::vector<IntervalRecord> Store::intervals_with_event(const std::string& host, TimeNs from, TimeNs to)
{
    sql::Statement q(db_, std::string(interval_columns) +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) "
                              "AND f.event_time >= ?2 AND f.event_time <= ?3");
    q.bind(host).bind(from).bind(to);
    return read_intervals(q);
}

std::optional<IntervalRecord> Store::interval_ending(const std::string& host, long long key_id, TimeNs at)
{
    sql::Statement q(db_, std::string(interval_columns) +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) AND f.key_id = ?2 "
                              "AND f.valid_to = ?3");
    q.bind(host).bind(key_id).bind(at);
    auto rows = read_intervals(q);
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<IntervalRecord> Store::source_history(const std::string& host, const std::string& source,
                                                  const std::string& subject_prefix)
{
    sql::Statement q(db_, std::string(interval_columns) +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) AND k.source = ?2 "
                              "AND substr(k.subject, 1, length(?3)) = ?3 ORDER BY f.valid_from");
    q.bind(host).bind(source).bind(subject_prefix);
    return read_intervals(q);
}

std::vector<IntervalRecord> Store::key_intervals(const std::string& host, const std::string& source,
                                                 const std::vector<std::string>& keys)
{
    // The keys go in as one JSON array: one statement, whatever their number.
    std::string list = "[";
    for (const auto& k : keys) {
        std::string quoted;
        for (char c : k) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        list += (list.size() > 1 ? ",\"" : "\"") + quoted + "\"";
    }
    list += "]";
    sql::Statement q(db_, std::string(interval_columns) +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) AND f.key_id IN "
                              "(SELECT id FROM fact_key WHERE source = ?2 AND key IN (SELECT value FROM json_each(?3))) "
                              "ORDER BY f.valid_from");
    q.bind(host).bind(source).bind(list);
    return read_intervals(q);
}

std::vector<std::string> Store::subjects_with_value(const std::string& host, const std::string& source,
                                                    const std::string& key, const std::string& value)
{
    sql::Statement q(db_, "SELECT DISTINCT k.subject FROM fact f JOIN fact_key k ON k.id = f.key_id "
                          "WHERE f.host_id = (SELECT id FROM host WHERE name = ?) AND k.source = ? AND k.key = ? "
                          "AND f.value = ? ORDER BY k.subject");
    q.bind(host).bind(source).bind(key).bind(value);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.column_text(0));
    return out;
}

std::vector<IntervalRecord> Store::key_history(const std::string& host, const std::string& source,
                                               const std::string& subject, const std::string& key)
{
    sql::Statement q(db_, std::string(interval_columns) +
                              "WHERE f.host_id = (SELECT id FROM host WHERE name = ?1) AND k.source = ?2 "
                              "AND k.subject = ?3 AND k.key = ?4 ORDER BY f.valid_from");
    q.bind(host).bind(source).bind(subject).bind(key);
    return read_intervals(q);
}

std::vector<SnapshotCoverage> Store::coverage(const std::string& host)
{
    std::vector<SnapshotCoverage> out;
    std::map<long long, std::size_t> index;
    for (auto& s : snapshots(host)) {
        index[s.id] = out.size();
        out.push_back(SnapshotCoverage{std::move(s), {}});
    }
    sql::Statement q(db_, "SELECT r.snapshot_id, r.collector FROM collector_run r JOIN snapshot s ON s.id = r.snapshot_id "
                          "JOIN host h ON h.id = s.host_id WHERE h.name = ? AND r.status = 'ok'");
    q.bind(host);
    while (q.step()) {
        auto found = index.find(q.column_int(0));
        if (found != index.end()) out[found->second].ok_collectors.push_back(q.column_text(1));
    }
    return out;
}

} // namespace forensic::store
