// Stores one snapshot in one transaction: the snapshot row, then each
// collector's facts (collector_writers.hpp), then its status row. Nothing is
// visible to readers until the commit; a crash before it leaves the previous
// state.
#include "libforensic/store/collector_writers.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <future>
#include <optional>
#include <set>

namespace forensic::store {
namespace {

long long ensure_host(sql::Database& db, const std::string& name)
{
    sql::Statement find(db, "SELECT id FROM host WHERE name = ?");
    find.bind(name);
    if (find.step()) return find.column_int(0);
    sql::Statement insert(db, "INSERT INTO host (name) VALUES (?)");
    insert.bind(name).run();
    return db.last_insert_id();
}

void validate(const SnapshotInput& input)
{
    if (input.host.empty()) throw StoreError("a snapshot needs a host name");
    std::set<std::string> names;
    for (const auto& c : input.collectors) {
        if (!names.insert(c.name).second) throw StoreError("collector '" + c.name + "' appears twice in one snapshot");
        if (c.coverage != Coverage::subjects) {
            if (!c.observed_subjects.empty())
                throw StoreError("collector '" + c.name + "' names observed subjects without coverage 'subjects'");
            continue;
        }
        const auto& subjects = c.observed_subjects;
        if (!std::is_sorted(subjects.begin(), subjects.end()) ||
            std::adjacent_find(subjects.begin(), subjects.end()) != subjects.end())
            throw StoreError("collector '" + c.name + "': observed subjects must be sorted and unique");
        for (const auto& f : c.facts)
            if (!std::binary_search(subjects.begin(), subjects.end(), f.subject))
                throw StoreError("collector '" + c.name + "' reported " + f.subject + " " + f.key +
                                 ", a subject it does not say it observed");
    }
}

// Where a partial run's observations are kept: the subjects it named, or the
// keys of the facts an additive run reported (their ids exist by now).
void record_observed(sql::Database& db, long long snapshot_id, const CollectorRun& run)
{
    if (run.status != CollectorStatus::ok) return;
    if (run.coverage == Coverage::subjects) {
        sql::Statement insert(db, "INSERT INTO observed_subject (snapshot_id, collector, subject) VALUES (?, ?, ?)");
        for (const auto& subject : run.observed_subjects) insert.bind(snapshot_id).bind(run.name).bind(subject).run();
    } else if (run.coverage == Coverage::additive) {
        sql::Statement insert(db, "INSERT INTO observed_key (snapshot_id, key_id) SELECT ?, id FROM fact_key "
                                  "WHERE source = ? AND subject = ? AND key = ?");
        for (const auto& f : run.facts) insert.bind(snapshot_id).bind(run.name).bind(f.subject).bind(f.key).run();
    }
}

// A write into a store that holds no snapshot yet fills it: rollback
// journal (sqlite.hpp) for that one transaction.
bool holds_no_snapshot(sql::Database& db)
{
    sql::Statement any(db, "SELECT 1 FROM snapshot LIMIT 1");
    return !any.step();
}

} // namespace

WriteSummary Store::write(const SnapshotInput& input, const WriteHooks& hooks,
                          const std::vector<git::TagObjectRecord>& learned_tag_objects)
{
    std::optional<sql::RollbackJournal> journal;
    if (holds_no_snapshot(db_)) journal.emplace(db_);
    sql::Transaction txn(db_);
    auto summary = write_one(input, hooks);
    remember_tag_objects(learned_tag_objects);
    txn.commit();
    return summary;
}

std::vector<WriteSummary> Store::write(const std::vector<SnapshotInput>& inputs)
{
    std::optional<sql::RollbackJournal> journal;
    if (holds_no_snapshot(db_)) journal.emplace(db_);
    sql::Transaction txn(db_);
    std::vector<WriteSummary> out;
    for (const auto& input : inputs) out.push_back(write_one(input, {}));
    txn.commit();
    return out;
}

bool Store::has_snapshot_at(const std::string& host, TimeNs taken_at)
{
    sql::Statement q(db_, "SELECT 1 FROM snapshot s JOIN host h ON h.id = s.host_id WHERE h.name = ? AND s.taken_at = ?");
    q.bind(host).bind(taken_at);
    return q.step();
}

WriteSummary Store::write_one(const SnapshotInput& input, const WriteHooks& hooks)
{
    validate(input);
    auto host_id = ensure_host(db_, input.host);
    {
        sql::Statement existing(db_, "SELECT id FROM snapshot WHERE host_id = ? AND taken_at = ?");
        existing.bind(host_id).bind(input.taken_at);
        if (existing.step())
            throw StoreError("host " + input.host + " already has a snapshot taken at " +
                             format_rfc3339(input.taken_at) + " (id " + std::to_string(existing.column_int(0)) + ")");
    }
    bool any_failed = std::any_of(input.collectors.begin(), input.collectors.end(),
                                  [](const CollectorRun& c) { return c.status == CollectorStatus::failed; });
    std::string status = any_failed ? "partial" : "ok";
    // The host's first snapshot is sealed from its input, digested on another
    // core while this one writes; any other, from what the store holds.
    sql::Statement earlier(db_, "SELECT 1 FROM snapshot WHERE host_id = ? LIMIT 1");
    bool first_of_host = !earlier.bind(host_id).step();
    std::future<Sha256Digest> first_content;
    if (first_of_host)
        first_content = std::async(std::launch::async, [&input, &status] { return first_snapshot_digest(input, status); });

    sql::Statement insert_snapshot(db_, "INSERT INTO snapshot (host_id, taken_at, finished_at, tool_version, status, "
                                        "kind) VALUES (?, ?, ?, ?, ?, ?)");
    insert_snapshot.bind(host_id).bind(input.taken_at).bind(input.finished_at).bind(input.tool_version).bind(status)
        .bind(to_string(input.kind)).run();
    WriteSummary summary;
    summary.snapshot = SnapshotInfo{db_.last_insert_id(), input.host, input.taken_at, input.finished_at,
                                    input.tool_version, status, input.kind};

    sql::Statement insert_run(db_, "INSERT INTO collector_run (snapshot_id, collector, status, error, opened, closed, "
                                   "unchanged, errors, coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (const auto& run : input.collectors) {
        auto info = run.status != CollectorStatus::ok ? CollectorRunInfo{run.name, run.status, run.error, 0, 0, 0, 0}
                    : has_later_observation(db_, host_id, input.taken_at, run.name)
                        ? splice_collector_facts(db_, host_id, input.taken_at, run)
                        : append_collector_facts(db_, host_id, input.taken_at, run);
        info.coverage = run.coverage;
        insert_run.bind(summary.snapshot.id).bind(run.name).bind(to_string(run.status));
        if (run.error.empty())
            insert_run.bind_null();
        else
            insert_run.bind(run.error);
        insert_run.bind(info.opened).bind(info.closed).bind(info.unchanged).bind(info.errors)
            .bind(to_string(run.coverage)).run();
        record_observed(db_, summary.snapshot.id, run);
        summary.collectors.push_back(std::move(info));
        if (hooks.after_collector) hooks.after_collector(run.name);
    }
    // Sealed last, over what the transaction wrote: appended, this snapshot
    // alone; spliced between two, it and every later one (snapshot_chain.hpp).
    if (first_of_host) {
        seal_content(db_, summary.snapshot.id, first_content.get());
        rechain(db_, host_id, input.taken_at);
    } else {
        seal_snapshots(db_, host_id, input.taken_at);
    }
    return summary;
}

void Store::remember_tag_objects(const std::vector<git::TagObjectRecord>& tag_objects)
{
    // Immutable objects: one already kept (by a concurrent snapshot) is the same.
    sql::Statement insert_tag(db_, "INSERT OR IGNORE INTO tag_object (id, target, target_type, name, tagger_time) "
                                   "VALUES (?, ?, ?, ?, ?)");
    auto bytes = [](const git::TagObjectRecord::ObjectId& id) {
        return std::string_view(reinterpret_cast<const char*>(id.data()), id.size());
    };
    for (const auto& tag : tag_objects) {
        insert_tag.bind_blob(bytes(tag.id)).bind_blob(bytes(tag.target)).bind(tag.target_type).bind(tag.name);
        if (tag.tagger_time) insert_tag.bind(*tag.tagger_time); else insert_tag.bind_null();
        insert_tag.run();
    }
}

} // namespace forensic::store
