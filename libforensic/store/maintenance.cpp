#include "libforensic/store/maintenance.hpp"

#include "libforensic/store/subject_digests.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

namespace forensic::store {
namespace {

long long file_bytes(const std::filesystem::path& file)
{
    std::error_code ec;
    long long total = 0;
    for (const char* suffix : {"", "-wal"}) {
        auto size = std::filesystem::file_size(file.string() + suffix, ec);
        if (!ec) total += static_cast<long long>(size);
    }
    return total;
}

void collect_rows(sql::Statement& q, std::vector<std::string>& problems, const std::string& what)
{
    while (q.step()) problems.push_back(what + ": " + q.column_text(0));
}

} // namespace

VerifyReport verify(Store& store)
{
    auto& db = store.database();
    VerifyReport report;
    {
        sql::Statement q(db, "PRAGMA integrity_check");
        while (q.step())
            if (q.column_text(0) != "ok") report.problems.push_back("integrity_check: " + q.column_text(0));
    }
    {
        sql::Statement q(db, "PRAGMA foreign_key_check");
        while (q.step())
            report.problems.push_back("foreign key: row " + q.column_text(1) + " of " + q.column_text(0) +
                                      " refers to a missing " + q.column_text(2));
    }
    {
        sql::Statement q(db, "SELECT (SELECT count(*) FROM snapshot), (SELECT count(*) FROM fact)");
        q.step();
        report.snapshots = q.column_int(0);
        report.intervals = q.column_int(1);
    }
    auto fact_name = std::string("'fact ' || f.id || ' (' || k.source || ' ' || k.subject || ' ' || k.key || ')'");
    sql::Statement overlap(db, "SELECT " + fact_name + " || ' overlaps fact ' || g.id FROM fact f "
                               "JOIN fact g ON g.key_id = f.key_id AND g.host_id = f.host_id AND g.id > f.id "
                               "AND g.valid_from < coalesce(f.valid_to, 9223372036854775807) "
                               "AND f.valid_from < coalesce(g.valid_to, 9223372036854775807) "
                               "JOIN fact_key k ON k.id = f.key_id");
    collect_rows(overlap, report.problems, "overlapping intervals");
    sql::Statement unbounded(db, "SELECT " + fact_name + " || ' from ' || f.valid_from || ' to ' || "
                                 "coalesce(f.valid_to, 'now') FROM fact f JOIN fact_key k ON k.id = f.key_id "
                                 "WHERE NOT EXISTS (SELECT 1 FROM snapshot s WHERE s.host_id = f.host_id "
                                 "AND s.taken_at = f.valid_from) OR (f.valid_to IS NOT NULL AND NOT EXISTS "
                                 "(SELECT 1 FROM snapshot s WHERE s.host_id = f.host_id AND s.taken_at = f.valid_to))");
    collect_rows(unbounded, report.problems, "interval not bounded by snapshots");
    sql::Statement empty(db, "SELECT " + fact_name + " FROM fact f JOIN fact_key k ON k.id = f.key_id "
                             "WHERE f.valid_to IS NOT NULL AND f.valid_to <= f.valid_from");
    collect_rows(empty, report.problems, "empty interval");
    sql::Statement unmerged(db, "SELECT " + fact_name + " || ' and fact ' || g.id || ' hold the same value' FROM fact f "
                                "JOIN fact g ON g.key_id = f.key_id AND g.host_id = f.host_id AND g.valid_from = f.valid_to "
                                "AND g.value = f.value AND g.event_time IS f.event_time "
                                "JOIN fact_key k ON k.id = f.key_id");
    collect_rows(unmerged, report.problems, "adjacent intervals not merged");
    sql::Statement statuses(db, "SELECT 'snapshot ' || s.id FROM snapshot s WHERE NOT EXISTS "
                                "(SELECT 1 FROM collector_run r WHERE r.snapshot_id = s.id)");
    collect_rows(statuses, report.problems, "no collector statuses");
    for (auto& p : stale_subject_digests(db)) report.problems.push_back("subject digest: " + p);
    return report;
}

std::vector<SnapshotInfo> snapshots_to_keep(const std::vector<SnapshotInfo>& snapshots, const PrunePolicy& policy)
{
    using namespace std::chrono;
    // Newest first; for each period key, the first (newest) snapshot in it wins.
    std::vector<SnapshotInfo> newest_first(snapshots.rbegin(), snapshots.rend());
    std::set<long long> keep;
    if (!newest_first.empty()) keep.insert(newest_first.front().id);
    auto apply = [&](int count, auto period_of) {
        std::set<long long> periods;
        for (const auto& s : newest_first) {
            if (static_cast<int>(periods.size()) >= count) break;
            if (periods.insert(period_of(s.taken_at)).second) keep.insert(s.id);
        }
    };
    auto day = [](TimeNs t) { return static_cast<long long>(floor<days>(sys_time<nanoseconds>(nanoseconds(t))).time_since_epoch().count()); };
    // ISO weeks start on Monday; 1970-01-01 was a Thursday.
    auto week = [&](TimeNs t) { return (day(t) + 3) / 7 - ((day(t) + 3) % 7 < 0 ? 1 : 0); };
    auto month = [&](TimeNs t) {
        year_month_day ymd{sys_days{days{day(t)}}};
        return static_cast<long long>(static_cast<int>(ymd.year())) * 12 + static_cast<unsigned>(ymd.month());
    };
    apply(policy.keep_daily, day);
    apply(policy.keep_weekly, week);
    apply(policy.keep_monthly, month);
    std::vector<SnapshotInfo> out;
    for (const auto& s : snapshots)
        if (keep.contains(s.id)) out.push_back(s);
    return out;
}

PruneResult prune(Store& store, const std::string& host, const PrunePolicy& policy, bool dry_run)
{
    auto& db = store.database();
    PruneResult result;
    result.bytes_before = file_bytes(db.file());
    auto all = store.snapshots(host);
    // Watch records hold what lived only minutes (a CI run's services): the
    // policy thins snapshots, never them.
    std::vector<SnapshotInfo> snapshots, watch_records;
    for (const auto& s : all) (s.kind == SnapshotKind::watch ? watch_records : snapshots).push_back(s);
    result.kept = snapshots_to_keep(snapshots, policy);
    result.kept.insert(result.kept.end(), watch_records.begin(), watch_records.end());
    std::sort(result.kept.begin(), result.kept.end(),
              [](const SnapshotInfo& a, const SnapshotInfo& b) { return a.taken_at < b.taken_at; });
    std::set<long long> kept_ids;
    for (const auto& s : result.kept) kept_ids.insert(s.id);
    for (const auto& s : all)
        if (!kept_ids.contains(s.id)) result.removed.push_back(s);
    if (dry_run || result.removed.empty()) {
        result.bytes_after = result.bytes_before;
        return result;
    }
    {
        sql::Transaction txn(db);
        // Oldest first: each removed snapshot hands its boundaries to the next
        // snapshot, which saw the same state it did from that moment on.
        sql::Statement next(db, "SELECT min(taken_at) FROM snapshot WHERE host_id = (SELECT host_id FROM snapshot "
                                "WHERE id = ?1) AND taken_at > (SELECT taken_at FROM snapshot WHERE id = ?1)");
        sql::Statement drop_only_here(db, "DELETE FROM fact WHERE host_id = (SELECT id FROM host WHERE name = ?1) "
                                          "AND valid_from = ?2 AND valid_to = ?3");
        sql::Statement move_start(db, "UPDATE fact SET valid_from = ?3 WHERE host_id = (SELECT id FROM host WHERE name = ?1) "
                                      "AND valid_from = ?2");
        sql::Statement move_end(db, "UPDATE fact SET valid_to = ?3 WHERE host_id = (SELECT id FROM host WHERE name = ?1) "
                                    "AND valid_to = ?2");
        sql::Statement drop_snapshot(db, "DELETE FROM snapshot WHERE id = ?");
        for (const auto& s : result.removed) {
            next.bind(s.id);
            next.step();
            auto following = next.column_optional_int(0);
            next.reset();
            if (!following) throw StoreError("prune would remove the newest snapshot " + std::to_string(s.id));
            // Seen only by this snapshot: nothing kept ever sees it.
            drop_only_here.bind(host).bind(s.taken_at).bind(*following).run();
            move_start.bind(host).bind(s.taken_at).bind(*following).run();
            move_end.bind(host).bind(s.taken_at).bind(*following).run();
            drop_snapshot.bind(s.id).run();
        }
        // A value that changed and changed back between kept snapshots now
        // sits in touching intervals: join each chain into its first interval,
        // one link per pass.
        for (;;) {
            db.exec("CREATE TEMP TABLE merge AS SELECT a.id AS keep_id, b.id AS drop_id, b.valid_to AS new_to "
                    "FROM fact a JOIN fact b ON b.host_id = a.host_id AND b.key_id = a.key_id "
                    "AND b.valid_from = a.valid_to AND b.value = a.value AND b.event_time IS a.event_time "
                    "WHERE NOT EXISTS (SELECT 1 FROM fact p WHERE p.host_id = a.host_id AND p.key_id = a.key_id "
                    "AND p.valid_to = a.valid_from AND p.value = a.value AND p.event_time IS a.event_time)");
            bool done = false;
            {
                sql::Statement count(db, "SELECT count(*) FROM merge");
                count.step();
                done = count.column_int(0) == 0;
            }
            if (!done) {
                db.exec("DELETE FROM fact WHERE id IN (SELECT drop_id FROM merge)");
                db.exec("UPDATE fact SET valid_to = (SELECT new_to FROM merge WHERE keep_id = fact.id) "
                        "WHERE id IN (SELECT keep_id FROM merge)");
            }
            db.exec("DROP TABLE merge");
            if (done) break;
        }
        txn.commit();
    }
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    db.exec("VACUUM");
    result.bytes_after = file_bytes(db.file());
    return result;
}

} // namespace forensic::store
