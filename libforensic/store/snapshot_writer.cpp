// Stores one snapshot in one transaction: the snapshot row, then each
// collector's facts as its run is added (collector_writers.hpp), then its
// status row; the snapshot's status, finished_at and seal last. Nothing is
// visible to readers until the commit; a crash before it leaves the previous
// state.
#include "libforensic/store/snapshot_write.hpp"

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

void validate_run(const CollectorRun& c)
{
    if (c.coverage != Coverage::subjects) {
        if (!c.observed_subjects.empty())
            throw StoreError("collector '" + c.name + "' names observed subjects without coverage 'subjects'");
        return;
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

std::string status_of(const SnapshotInput& input)
{
    bool any_failed = std::any_of(input.collectors.begin(), input.collectors.end(),
                                  [](const CollectorRun& c) { return c.status == CollectorStatus::failed; });
    return any_failed ? "partial" : "ok";
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

void remember_tag_objects(sql::Database& db, const std::vector<git::TagObjectRecord>& tag_objects)
{
    // Immutable objects: one already kept (by a concurrent snapshot) is the same.
    sql::Statement insert_tag(db, "INSERT OR IGNORE INTO tag_object (id, target, target_type, name, tagger_time) "
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

// A write into a store that holds no snapshot yet fills it: for that one
// transaction, the rollback journal and foreign keys checked at the commit
// (sqlite.hpp). Declared before the transaction, so both end after it.
class FillingWrite {
public:
    explicit FillingWrite(sql::Database& db)
    {
        sql::Statement any(db, "SELECT 1 FROM snapshot LIMIT 1");
        if (any.step()) return;
        journal_.emplace(db);
        foreign_keys_.emplace(db);
    }
    void before_commit()
    {
        if (foreign_keys_) foreign_keys_->check();
    }

private:
    std::optional<sql::RollbackJournal> journal_;
    std::optional<sql::ForeignKeysCheckedAtCommit> foreign_keys_;
};

// One snapshot's rows, inside a transaction the caller holds.
class SnapshotRows {
public:
    SnapshotRows(sql::Database& db, const SnapshotInput& header, WriteHooks hooks) : db_(db), hooks_(std::move(hooks))
    {
        if (header.host.empty()) throw StoreError("a snapshot needs a host name");
        host_id_ = ensure_host(db_, header.host);
        taken_at_ = header.taken_at;
        sql::Statement existing(db_, "SELECT id FROM snapshot WHERE host_id = ? AND taken_at = ?");
        existing.bind(host_id_).bind(taken_at_);
        if (existing.step())
            throw StoreError("host " + header.host + " already has a snapshot taken at " +
                             format_rfc3339(taken_at_) + " (id " + std::to_string(existing.column_int(0)) + ")");
        sql::Statement earlier(db_, "SELECT 1 FROM snapshot WHERE host_id = ? LIMIT 1");
        first_of_host_ = !earlier.bind(host_id_).step();
        // Status and finished_at as known now; finish() stores them as they end.
        auto status = status_of(header);
        sql::Statement insert(db_, "INSERT INTO snapshot (host_id, taken_at, finished_at, tool_version, status, kind) "
                                   "VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(host_id_).bind(taken_at_).bind(std::max(header.finished_at, taken_at_)).bind(header.tool_version)
            .bind(status).bind(to_string(header.kind)).run();
        summary_.snapshot = SnapshotInfo{db_.last_insert_id(), header.host, taken_at_, header.finished_at,
                                         header.tool_version, status, header.kind};
    }

    void add(const CollectorRun& run)
    {
        if (!added_.insert(run.name).second)
            throw StoreError("collector '" + run.name + "' appears twice in one snapshot");
        validate_run(run);
        auto info = run.status != CollectorStatus::ok ? CollectorRunInfo{run.name, run.status, run.error, 0, 0, 0, 0}
                    : has_later_observation(db_, host_id_, taken_at_, run.name)
                        ? splice_collector_facts(db_, host_id_, taken_at_, run)
                        : append_collector_facts(db_, host_id_, taken_at_, run);
        info.coverage = run.coverage;
        sql::Statement insert_run(db_, "INSERT INTO collector_run (snapshot_id, collector, status, error, opened, "
                                       "closed, unchanged, errors, coverage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert_run.bind(summary_.snapshot.id).bind(run.name).bind(to_string(run.status));
        if (run.error.empty())
            insert_run.bind_null();
        else
            insert_run.bind(run.error);
        insert_run.bind(info.opened).bind(info.closed).bind(info.unchanged).bind(info.errors)
            .bind(to_string(run.coverage)).run();
        record_observed(db_, summary_.snapshot.id, run);
        summary_.collectors.push_back(std::move(info));
        if (hooks_.after_collector) hooks_.after_collector(run.name);
    }

    // The host's first snapshot is sealed from its input, digested on
    // another core while this one writes; any other, from what the store holds.
    void all_collected(const SnapshotInput& whole)
    {
        if (!first_of_host_ || first_content_.valid()) return;
        first_content_ = std::async(std::launch::async,
                                    [&whole, status = status_of(whole)] { return first_snapshot_digest(whole, status); });
    }

    WriteSummary finish(const SnapshotInput& whole)
    {
        std::set<std::string> names;
        for (const auto& run : whole.collectors) names.insert(run.name);
        if (names.size() != whole.collectors.size() || names != added_)
            throw StoreError("the snapshot's runs are not the runs written (" + std::to_string(added_.size()) +
                             " written, " + std::to_string(whole.collectors.size()) + " in the snapshot)");
        auto status = status_of(whole);
        sql::Statement update(db_, "UPDATE snapshot SET finished_at = ?, status = ? WHERE id = ?");
        update.bind(whole.finished_at).bind(status).bind(summary_.snapshot.id).run();
        summary_.snapshot.finished_at = whole.finished_at;
        summary_.snapshot.status = status;
        // Sealed last, over what the transaction wrote: appended, this snapshot
        // alone; spliced between two, it and every later one (snapshot_chain.hpp).
        if (first_of_host_) {
            all_collected(whole);
            seal_content(db_, summary_.snapshot.id, first_content_.get());
            rechain(db_, host_id_, taken_at_);
        } else {
            seal_snapshots(db_, host_id_, taken_at_);
        }
        // The runs as the snapshot lists them, not as they were added.
        std::vector<CollectorRunInfo> in_order;
        for (const auto& run : whole.collectors)
            for (auto& info : summary_.collectors)
                if (info.collector == run.name) in_order.push_back(std::move(info));
        summary_.collectors = std::move(in_order);
        return std::move(summary_);
    }

private:
    sql::Database& db_;
    WriteHooks hooks_;
    long long host_id_ = 0;
    TimeNs taken_at_ = 0;
    bool first_of_host_ = false;
    std::set<std::string> added_;
    WriteSummary summary_;
    std::future<Sha256Digest> first_content_; // joined by its destructor, before `whole` may go
};

} // namespace

struct SnapshotWrite::Transactional {
    Transactional(sql::Database& db, const SnapshotInput& header, WriteHooks hooks)
        : db(db), filling(db), txn(db), rows(db, header, std::move(hooks))
    {
    }
    sql::Database& db;
    FillingWrite filling;
    sql::Transaction txn;
    SnapshotRows rows;
};

SnapshotWrite::SnapshotWrite(Store& store, const SnapshotInput& header, WriteHooks hooks)
    : impl_(std::make_unique<Transactional>(store.database(), header, std::move(hooks)))
{
}

SnapshotWrite::~SnapshotWrite() = default;

void SnapshotWrite::add(const CollectorRun& run)
{
    impl_->rows.add(run);
}

void SnapshotWrite::all_collected(const SnapshotInput& whole)
{
    impl_->rows.all_collected(whole);
}

WriteSummary SnapshotWrite::finish(const SnapshotInput& whole,
                                   const std::vector<git::TagObjectRecord>& learned_tag_objects)
{
    auto summary = impl_->rows.finish(whole);
    remember_tag_objects(impl_->db, learned_tag_objects);
    impl_->filling.before_commit();
    impl_->txn.commit();
    return summary;
}

WriteSummary Store::write(const SnapshotInput& input, const WriteHooks& hooks,
                          const std::vector<git::TagObjectRecord>& learned_tag_objects)
{
    SnapshotWrite write(*this, input, hooks);
    write.all_collected(input);
    for (const auto& run : input.collectors) write.add(run);
    return write.finish(input, learned_tag_objects);
}

std::vector<WriteSummary> Store::write(const std::vector<SnapshotInput>& inputs)
{
    FillingWrite filling(db_);
    sql::Transaction txn(db_);
    std::vector<WriteSummary> out;
    for (const auto& input : inputs) {
        SnapshotRows rows(db_, input, {});
        rows.all_collected(input);
        for (const auto& run : input.collectors) rows.add(run);
        out.push_back(rows.finish(input));
    }
    filling.before_commit();
    txn.commit();
    return out;
}

bool Store::holds_no_snapshot()
{
    sql::Statement any(db_, "SELECT 1 FROM snapshot LIMIT 1");
    return !any.step();
}

bool Store::has_snapshot_at(const std::string& host, TimeNs taken_at)
{
    sql::Statement q(db_, "SELECT 1 FROM snapshot s JOIN host h ON h.id = s.host_id WHERE h.name = ? AND s.taken_at = ?");
    q.bind(host).bind(taken_at);
    return q.step();
}

} // namespace forensic::store
