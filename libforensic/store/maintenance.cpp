#include "libforensic/store/maintenance.hpp"

#include "libforensic/store/subject_digests.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

namespace forensic::store {
namespace {

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
    auto chain = check_chain(db);
    for (auto& p : chain.problems) report.problems.push_back("seal: " + p);
    report.heads = std::move(chain.heads);
    report.reseals = chain_reseals(db);
    report.recomputed = std::move(chain.recomputed);
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

} // namespace forensic::store
