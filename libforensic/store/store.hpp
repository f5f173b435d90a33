// The temporal store: one SQLite file holding every snapshot of one or more
// hosts, each fact kept as an interval of snapshots (docs/schema.md).
#pragma once

#include "libforensic/git/tag_object_record.hpp"
#include "libforensic/model/fact.hpp"
#include "libforensic/model/interval.hpp"
#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/sqlite.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::store {

struct WriteHooks {
    // Called after each collector's facts are written, inside the transaction.
    std::function<void(const std::string& collector)> after_collector;
};

struct FactFilter {
    std::optional<std::string> source;
    std::optional<std::string> subject;
};

// Part of the store to read: one source, and some of its subjects or all.
struct SubjectSelection {
    std::string source;
    std::optional<std::vector<std::string>> subjects; // none: every subject
};

inline constexpr std::chrono::milliseconds default_busy_timeout{60'000};

class Store {
public:
    enum class Access { read, write };

    // Opens the database. A write creates it and migrates it forward; a read
    // opens it read-only (store_file.hpp) and never migrates: an older schema
    // is a StoreError naming `forensic migrate`. Either refuses, unchanged, a
    // file that is not a forensic store, and reading a missing file is a
    // StoreError naming it.
    Store(const std::filesystem::path& file, Access access,
          std::chrono::milliseconds busy_timeout = default_busy_timeout);

    sql::Database& database() { return db_; }
    // The schema version the file had when opened (before a write migrated it).
    int schema_before() const { return schema_before_; }

    std::vector<std::string> hosts();
    // Oldest first; all hosts when `host` is empty.
    std::vector<SnapshotInfo> snapshots(const std::optional<std::string>& host = {});
    std::optional<SnapshotInfo> find_snapshot(long long id);

    // SNAPSHOT as the CLI takes it: an id, "latest", or a date/time meaning the
    // last snapshot at or before it (a bare date: by the end of that day).
    SnapshotInfo resolve(std::string_view spec, const std::optional<std::string>& host = {});

    // The host to use when the user named none: the only one, else UsageError.
    std::string default_host(const std::optional<std::string>& host);

    std::vector<CollectorRunInfo> collector_runs(long long snapshot_id);
    // What a run of coverage `subjects` named, sorted; and the (subject, key)
    // of each fact an `additive` run reported.
    std::vector<std::string> observed_subjects(long long snapshot_id, const std::string& collector);
    std::vector<std::pair<std::string, std::string>> observed_keys(long long snapshot_id, const std::string& collector);

    // Every fact as of `snapshot` (including those carried for a failed
    // collector), in source/subject/key order.
    std::vector<StoredFact> state(const SnapshotInfo& snapshot, const FactFilter& filter = {});
    // The same facts one at a time, in no order, none of them kept: for a
    // reader of a whole host's state that needs each fact only once.
    void each_state(const SnapshotInfo& snapshot, const FactFilter& filter,
                    const std::function<void(StoredFact&&)>& each);

    // History queries (fact_history.cpp), all through the time indexes.
    // Intervals that begin or end at a snapshot taken in (lo, hi].
    std::vector<IntervalRecord> intervals_changing(const std::string& host, TimeNs lo, TimeNs hi);
    // Intervals that held at lo and ended by hi, or hold at hi and began
    // after lo: all a diff of the two states needs.
    std::vector<IntervalRecord> intervals_differing(const std::string& host, TimeNs lo, TimeNs hi);
    // The same two, within one selection of subjects: read key first, so the
    // cost follows those subjects' history, not the host's.
    std::vector<IntervalRecord> intervals_changing(const std::string& host, TimeNs lo, TimeNs hi,
                                                   const SubjectSelection& selection);
    std::vector<IntervalRecord> intervals_with_event(const std::string& host, TimeNs from, TimeNs to,
                                                     const SubjectSelection& selection);
    // Intervals whose fact carries an event time in [from, to].
    std::vector<IntervalRecord> intervals_with_event(const std::string& host, TimeNs from, TimeNs to);
    // For each (key, time): the interval of that key that ended then, if any.
    std::map<std::pair<long long, TimeNs>, IntervalRecord>
    intervals_ending(const std::string& host, const std::vector<std::pair<long long, TimeNs>>& wanted);
    // Every interval of one source's keys whose subject starts with `prefix`, oldest first.
    std::vector<IntervalRecord> source_history(const std::string& host, const std::string& source,
                                               const std::string& subject_prefix);
    // Every interval of the named subjects' keys that start with `key_prefix`, oldest first.
    std::vector<IntervalRecord> subject_history(const std::string& host, const std::string& source,
                                                const std::vector<std::string>& subjects,
                                                const std::string& key_prefix = "");
    // The `recipe` facts of a source's subjects (services, apps, runs), of one
    // recipe or all, in no order: which subject belongs to which recipe, when.
    std::vector<IntervalRecord> recipe_mappings(const std::string& host, const std::string& source,
                                                const std::optional<std::string>& recipe);
    // Per key of one source (any subject): its interval that began last at or
    // before `as_of` (and may have ended since), in no order.
    std::vector<IntervalRecord> latest_intervals(const std::string& host, const std::string& source,
                                                 const std::vector<std::string>& keys, TimeNs as_of);
    // Subjects of `source` whose `recipe` fact ever named `recipe`, sorted.
    std::vector<std::string> subjects_of_recipe(const std::string& host, const std::string& source,
                                                const std::string& recipe);
    // Subjects of `source` with a fact in the snapshot's state, sorted bytewise.
    std::vector<std::string> subjects_at(const SnapshotInfo& snapshot, const std::string& source);
    // The newest snapshot (or watch record) of `host` in which `source` succeeded.
    std::optional<TimeNs> last_observation(const std::string& host, const std::string& source);
    // Snapshots of a host in time order, with the collectors that succeeded.
    std::vector<SnapshotCoverage> coverage(const std::string& host);

    // Every tag object header kept (table tag_object), for a git::TagMemo.
    std::vector<git::TagObjectRecord> tag_objects();

    // Stores one snapshot in one transaction (snapshot_write.hpp writes one
    // run by run, as its collectors finish). With it, the tag object headers
    // its collectors read for the first time.
    WriteSummary write(const SnapshotInput& input, const WriteHooks& hooks = {},
                       const std::vector<git::TagObjectRecord>& learned_tag_objects = {});
    // Stores several (a burst of watch records) in one transaction: all or none.
    std::vector<WriteSummary> write(const std::vector<SnapshotInput>& inputs);
    // Whether no snapshot (or watch record) of any host is stored yet: the
    // next write fills an empty store (docs/schema.md, the first write).
    bool holds_no_snapshot();
    // Whether `host` has a snapshot (or watch record) taken exactly then.
    bool has_snapshot_at(const std::string& host, TimeNs taken_at);

private:
    sql::Database db_;
    int schema_before_ = 0;
};

} // namespace forensic::store
