// prune: thins a host's snapshots run by run of consecutive removed ones.
// Each run hands the bounds of its intervals to the kept snapshot after it
// (which saw the same state from then on) in three statements over the time
// indexes, and joins the touching equal intervals only where those bounds
// landed: the work follows the intervals touched, where joining every chain
// in passes over the whole table was quadratic in its length. Runs are
// committed in chunks that each leave a consistent store, the lock released
// between them so the nightly snapshot is never kept waiting long.
#include "libforensic/store/maintenance.hpp"

#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <thread>

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

// Consecutive removed snapshots of a host (among all its snapshots and watch
// records, in time order) and the time of the one after them, which takes
// their bounds. A long run is cut in pieces, so one piece fits in a chunk; a
// piece's `following` is then the first of the next piece.
struct Run {
    std::vector<long long> ids;
    TimeNs first = 0;
    TimeNs last = 0;
    TimeNs following = 0;
};

constexpr std::size_t max_run = 64;

std::vector<Run> removal_runs(const std::vector<SnapshotInfo>& all, const std::set<long long>& kept)
{
    std::vector<Run> runs;
    Run current;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& s = all[i];
        bool removed = !kept.contains(s.id);
        if (removed) {
            if (current.ids.empty()) current.first = s.taken_at;
            current.ids.push_back(s.id);
            current.last = s.taken_at;
        }
        bool ends = !current.ids.empty() && (!removed || current.ids.size() == max_run);
        if (!ends) continue;
        if (removed && i + 1 == all.size())
            throw StoreError("prune would remove the newest snapshot " + std::to_string(s.id));
        current.following = removed ? all[i + 1].taken_at : s.taken_at;
        runs.push_back(std::move(current));
        current = Run{};
    }
    if (!current.ids.empty())
        throw StoreError("prune would remove the newest snapshot " + std::to_string(current.ids.back()));
    return runs;
}

class RunRemover {
public:
    RunRemover(sql::Database& db, long long host_id)
        : host_id_(host_id),
          // Seen only by removed snapshots: nothing kept ever sees it.
          drop_unseen_(db, "DELETE FROM fact WHERE host_id = ?1 AND valid_from BETWEEN ?2 AND ?3 AND valid_to <= ?4"),
          move_start_(db, "UPDATE fact SET valid_from = ?4 WHERE host_id = ?1 AND valid_from BETWEEN ?2 AND ?3"),
          move_end_(db, "UPDATE fact SET valid_to = ?4 WHERE host_id = ?1 AND valid_to BETWEEN ?2 AND ?3"),
          drop_snapshot_(db, "DELETE FROM snapshot WHERE id = ?"),
          // A value that changed and changed back within the run now sits in
          // two intervals touching at `following`: at most one pair per key.
          joinable_(db, "SELECT a.id, b.id, b.valid_to FROM fact a INDEXED BY fact_by_end "
                        "JOIN fact b ON b.key_id = a.key_id AND b.host_id = a.host_id AND b.valid_from = a.valid_to "
                        "AND b.value = a.value AND b.event_time IS a.event_time "
                        "WHERE a.host_id = ?1 AND a.valid_to = ?2"),
          drop_fact_(db, "DELETE FROM fact WHERE id = ?"),
          extend_(db, "UPDATE fact SET valid_to = ?2 WHERE id = ?1"),
          at_time_(db, "SELECT id FROM snapshot WHERE host_id = ? AND taken_at = ?"),
          db_(db)
    {
    }

    void remove(const Run& run)
    {
        drop_unseen_.bind(host_id_).bind(run.first).bind(run.last).bind(run.following).run();
        move_start_.bind(host_id_).bind(run.first).bind(run.last).bind(run.following).run();
        move_end_.bind(host_id_).bind(run.first).bind(run.last).bind(run.following).run();
        for (auto id : run.ids) drop_snapshot_.bind(id).run();
        struct Join {
            long long keep, drop;
            std::optional<long long> to;
        };
        std::vector<Join> joins;
        joinable_.bind(host_id_).bind(run.following);
        while (joinable_.step())
            joins.push_back({joinable_.column_int(0), joinable_.column_int(1), joinable_.column_optional_int(2)});
        joinable_.reset();
        for (const auto& j : joins) {
            drop_fact_.bind(j.drop).run();
            extend_.bind(j.keep).bind(j.to).run();
        }
        // What the following snapshot began and ended changed: its content
        // digest is recomputed; the chain after it, once per chunk (rechain).
        at_time_.bind(host_id_).bind(run.following);
        bool found = at_time_.step();
        auto following_id = found ? at_time_.column_int(0) : 0;
        at_time_.reset();
        if (found) seal_content(db_, following_id);
    }

    void rechain_from(TimeNs from) { rechain(db_, host_id_, from); }

private:
    long long host_id_;
    sql::Statement drop_unseen_, move_start_, move_end_, drop_snapshot_, joinable_, drop_fact_, extend_, at_time_;
    sql::Database& db_;
};

long long host_id_of(sql::Database& db, const std::string& host)
{
    sql::Statement q(db, "SELECT id FROM host WHERE name = ?");
    q.bind(host);
    if (!q.step()) throw UsageError("no host " + host + " in the database");
    return q.column_int(0);
}

} // namespace

std::chrono::milliseconds chunk_time_for(std::chrono::milliseconds lock_timeout)
{
    return std::min(lock_timeout / 4, std::chrono::milliseconds(1000));
}

PruneResult prune(Store& store, const std::string& host, const PrunePolicy& policy, bool dry_run)
{
    PruneOptions options;
    options.dry_run = dry_run;
    return prune(store, host, policy, options);
}

PruneResult prune(Store& store, const std::string& host, const PrunePolicy& policy, const PruneOptions& options)
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
    if (options.dry_run || result.removed.empty()) {
        result.bytes_after = result.bytes_before;
        return result;
    }
    auto runs = removal_runs(all, kept_ids);
    RunRemover remover(db, host_id_of(db, host));
    for (std::size_t next = 0; next < runs.size();) {
        {
            sql::Transaction txn(db);
            auto start = std::chrono::steady_clock::now();
            auto first = runs[next].first;
            do remover.remove(runs[next++]);
            while (next < runs.size() && std::chrono::steady_clock::now() - start < options.chunk_time);
            remover.rechain_from(first);
            txn.commit();
        }
        ++result.transactions;
        if (options.after_chunk) options.after_chunk(result.transactions);
        if (next < runs.size()) std::this_thread::sleep_for(options.pause);
    }
    if (options.vacuum) {
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        db.exec("VACUUM");
        // VACUUM writes the whole file through the WAL: back into the file,
        // so the size reported is the file's.
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    result.bytes_after = file_bytes(db.file());
    return result;
}

} // namespace forensic::store
