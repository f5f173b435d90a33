// The general writer: splices one collector's facts into a snapshot that may
// land between others. Each fact is an interval over the host's snapshots in
// imported bundle, a slower concurrent writer), so it is spliced in between
// its neighbours rather than assumed to be the newest.
//
// For each collector that ran successfully, with t the new snapshot's time,
// and for each key, B = the next time after t at which that key was observed:
// the first later snapshot where the collector succeeded and the key's subject
// reported no error (for the error key itself: the first later successful
// run), or an earlier interval boundary of the key (a subject in error may
// still report some keys). Then:
//   - a key seen with the value of the interval covering t is unchanged;
//   - otherwise that interval is cut at t (its part from B on, if it reached
//     past B, is kept), and the new value either extends an interval of the
//     same value that begins at B back to t, or opens [t, B);
//   - a key not seen is cut the same way, unless its subject reported an
//     error: then it is carried, as an unreadable subject is not a removed one.
// A failed or skipped collector touches nothing, so it never makes facts look
// removed. Appending (no later snapshot) is the common case: B never exists.
//
// Partial runs (model/fact.hpp, Coverage) observe less: a run of coverage
// `subjects` observes only the subjects it names (so a later one counts for B
// only for those, and one spliced in cuts only those), an `additive` run only
// the keys it reported (it counts for B for those keys, and cuts nothing).
//
// One case a splice cannot see: a subject in error that re-reported a key with
// its unchanged value leaves no boundary, so a value spliced in before it is
// carried through it. Only an out-of-order write can meet this.
#include "libforensic/store/collector_writers.hpp"
#include "libforensic/store/subject_digests.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace forensic::store {
namespace {

struct Interval {
    long long row = 0;
    long long key_id = 0;
    std::string value;
    std::optional<TimeNs> event_time;
    TimeNs valid_from = 0;
    std::optional<TimeNs> valid_to;

    bool holds(const Fact& fact) const { return value == fact.value && event_time == fact.event_time; }
};

struct KeyIdentity {
    std::string subject;
    std::string key;
};

// The earlier of two optional times, where none means "never".
std::optional<TimeNs> earliest(std::optional<TimeNs> a, std::optional<TimeNs> b)
{
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

class SplicingWriter {
public:
    SplicingWriter(sql::Database& db, long long host_id, TimeNs taken_at)
        : db_(db), host_id_(host_id), taken_at_(taken_at),
          insert_fact_(db, "INSERT INTO fact (host_id, key_id, value, event_time, valid_from, valid_to) "
                           "VALUES (?, ?, ?, ?, ?, ?)"),
          set_valid_to_(db, "UPDATE fact SET valid_to = ? WHERE id = ?"),
          set_valid_from_(db, "UPDATE fact SET valid_from = ? WHERE id = ?"),
          insert_key_(db, "INSERT INTO fact_key (source, subject, key) VALUES (?, ?, ?)")
    {
    }

    CollectorRunInfo write(const CollectorRun& run)
    {
        CollectorRunInfo info{run.name, run.status, run.error, 0, 0, 0, 0};
        if (run.status != CollectorStatus::ok) return info;
        source_ = run.name;
        load_keys();
        load_later_snapshots();
        load_intervals();

        std::set<std::string> subjects_in_error;
        for (const auto& fact : run.facts)
            if (fact.key == error_key) subjects_in_error.insert(fact.subject);
        auto observes = [&](const std::string& subject) {
            return run.coverage == Coverage::full ||
                   (run.coverage == Coverage::subjects &&
                    std::binary_search(run.observed_subjects.begin(), run.observed_subjects.end(), subject));
        };

        std::unordered_set<long long> seen;
        seen.reserve(run.facts.size());
        for (const auto& fact : run.facts) {
            if (fact.key == error_key) ++info.errors;
            auto key_id = intern(fact.subject, fact.key);
            if (!seen.insert(key_id).second)
                throw StoreError("collector '" + run.name + "' reported " + fact.subject + " " + fact.key +
                                 " twice in one snapshot");
            const auto* live = live_interval(key_id);
            if (live && live->holds(fact)) {
                ++info.unchanged;
                continue;
            }
            auto until = next_observation(key_id, live);
            if (live) {
                cut(*live, until);
                ++info.closed;
            }
            const auto* ahead = until ? interval_starting(key_id, *until) : nullptr;
            if (ahead && ahead->holds(fact))
                set_valid_from_.bind(taken_at_).bind(ahead->row).run();
            else
                insert(key_id, fact.value, fact.event_time, taken_at_, until);
            ++info.opened;
        }
        for (const auto& [key_id, intervals] : intervals_) {
            if (seen.contains(key_id)) continue;
            const auto* live = live_interval(key_id);
            if (!live || !observes(identity_[key_id].subject)) continue; // not observed: carried
            if (subjects_in_error.contains(identity_[key_id].subject)) {
                ++info.unchanged;
                continue;
            }
            cut(*live, next_observation(key_id, live));
            ++info.closed;
        }
        return info;
    }

private:
    void load_keys()
    {
        ids_.clear();
        identity_.clear();
        sql::Statement q(db_, "SELECT id, subject, key FROM fact_key WHERE source = ?");
        q.bind(source_);
        while (q.step()) {
            auto id = q.column_int(0);
            KeyIdentity k{q.column_text(1), q.column_text(2)};
            ids_[{k.subject, k.key}] = id;
            identity_[id] = std::move(k);
        }
    }

    long long intern(const std::string& subject, const std::string& key)
    {
        auto found = ids_.find({subject, key});
        if (found != ids_.end()) return found->second;
        insert_key_.bind(source_).bind(subject).bind(key).run();
        auto id = db_.last_insert_id();
        ids_[{subject, key}] = id;
        identity_[id] = KeyIdentity{subject, key};
        return id;
    }

    // Later snapshots in which this collector succeeded: only they observed
    // its keys — all of them, those of the subjects they name, or (additive)
    // those they reported.
    void load_later_snapshots()
    {
        later_.clear();
        first_reported_.clear();
        sql::Statement q(db_, "SELECT s.id, s.taken_at, r.coverage FROM snapshot s JOIN collector_run r "
                              "ON r.snapshot_id = s.id WHERE s.host_id = ? AND s.taken_at > ? AND r.collector = ? "
                              "AND r.status = 'ok' ORDER BY s.taken_at");
        q.bind(host_id_).bind(taken_at_).bind(source_);
        sql::Statement subjects(db_, "SELECT subject FROM observed_subject WHERE snapshot_id = ? AND collector = ?");
        sql::Statement keys(db_, "SELECT key_id FROM observed_key WHERE snapshot_id = ?");
        while (q.step()) {
            auto coverage = coverage_from_string(q.column_text(2));
            if (coverage == Coverage::additive) {
                keys.bind(q.column_int(0));
                while (keys.step()) first_reported_.emplace(keys.column_int(0), q.column_int(1)); // oldest first
                keys.reset();
                continue;
            }
            LaterRun later{q.column_int(1), coverage == Coverage::full, {}};
            if (!later.whole) {
                subjects.bind(q.column_int(0)).bind(source_);
                while (subjects.step()) later.subjects.insert(subjects.column_text(0));
                subjects.reset();
            }
            later_.push_back(std::move(later));
        }
        next_clean_.clear();
    }

    // Every interval of this collector's keys that covers t or lies after it.
    // Appending, that is only the open ones.
    void load_intervals()
    {
        intervals_.clear();
        std::string sql = "SELECT f.id, f.key_id, f.value, f.event_time, f.valid_from, f.valid_to FROM fact f "
                          "WHERE f.host_id = ?1 AND f.key_id IN (SELECT id FROM fact_key WHERE source = ?2) AND ";
        bool appending = later_.empty() && first_reported_.empty();
        sql += appending ? "f.valid_to IS NULL" : "(f.valid_to IS NULL OR f.valid_to > ?3)";
        sql::Statement q(db_, sql);
        q.bind(host_id_).bind(source_);
        if (!appending) q.bind(taken_at_);
        while (q.step()) {
            Interval i{q.column_int(0), q.column_int(1), q.column_text(2), q.column_optional_int(3), q.column_int(4),
                       q.column_optional_int(5)};
            intervals_[i.key_id].push_back(std::move(i));
        }
    }

    const Interval* live_interval(long long key_id) const
    {
        auto found = intervals_.find(key_id);
        if (found == intervals_.end()) return nullptr;
        for (const auto& i : found->second)
            if (i.valid_from < taken_at_) return &i;
        return nullptr;
    }

    const Interval* interval_starting(long long key_id, TimeNs from) const
    {
        auto found = intervals_.find(key_id);
        if (found == intervals_.end()) return nullptr;
        for (const auto& i : found->second)
            if (i.valid_from == from) return &i;
        return nullptr;
    }

    // Whether `subject` reported an error at time `at` (its error interval covers it).
    bool in_error(const std::string& subject, TimeNs at) const
    {
        auto id = ids_.find({subject, error_key});
        if (id == ids_.end()) return false;
        auto found = intervals_.find(id->second);
        if (found == intervals_.end()) return false;
        for (const auto& i : found->second)
            if (i.valid_from <= at && (!i.valid_to || *i.valid_to > at)) return true;
        return false;
    }

    // B for a key: when, after t, the key was next observed (see the top).
    std::optional<TimeNs> next_observation(long long key_id, const Interval* live)
    {
        std::optional<TimeNs> reported;
        if (auto found = first_reported_.find(key_id); found != first_reported_.end()) reported = found->second;
        if (later_.empty() && !reported) return std::nullopt;
        const auto& [subject, key] = identity_[key_id];
        // Every run that observes a subject observes whether it is in error.
        if (key == error_key) {
            for (const auto& later : later_)
                if (later.observes(subject)) return earliest(later.time, reported);
            return reported;
        }
        auto cached = next_clean_.find(subject);
        if (cached == next_clean_.end()) {
            std::optional<TimeNs> clean;
            for (const auto& later : later_)
                if (later.observes(subject) && !in_error(subject, later.time)) {
                    clean = later.time;
                    break;
                }
            cached = next_clean_.emplace(subject, clean).first;
        }
        std::optional<TimeNs> boundary;
        if (live) {
            boundary = live->valid_to;
        } else if (auto found = intervals_.find(key_id); found != intervals_.end()) {
            for (const auto& i : found->second)
                if (i.valid_from > taken_at_) boundary = earliest(boundary, i.valid_from);
        }
        return earliest(earliest(cached->second, boundary), reported);
    }

    // Ends `interval` at t; its part from `until` on, if it reached past, stays.
    void cut(const Interval& interval, std::optional<TimeNs> until)
    {
        if (until && (!interval.valid_to || *interval.valid_to > *until))
            insert(interval.key_id, interval.value, interval.event_time, *until, interval.valid_to);
        set_valid_to_.bind(taken_at_).bind(interval.row).run();
    }

    void insert(long long key_id, const std::string& value, std::optional<TimeNs> event_time, TimeNs from,
                std::optional<TimeNs> to)
    {
        insert_fact_.bind(host_id_).bind(key_id).bind(value).bind(event_time).bind(from).bind(to).run();
    }

    sql::Database& db_;
    long long host_id_;
    TimeNs taken_at_;
    std::string source_;
    struct LaterRun {
        TimeNs time = 0;
        bool whole = true;                // full coverage
        std::set<std::string> subjects;   // else: the subjects it observed

        bool observes(const std::string& subject) const { return whole || subjects.contains(subject); }
    };
    std::vector<LaterRun> later_;                          // full and subjects runs, in time order
    std::unordered_map<long long, TimeNs> first_reported_; // key → first later additive run that reported it
    std::map<std::string, std::optional<TimeNs>> next_clean_;
    std::map<std::pair<std::string, std::string>, long long> ids_;
    std::unordered_map<long long, KeyIdentity> identity_;
    std::unordered_map<long long, std::vector<Interval>> intervals_;
    sql::Statement insert_fact_;
    sql::Statement set_valid_to_;
    sql::Statement set_valid_from_;
    sql::Statement insert_key_;
};

} // namespace

bool has_later_observation(sql::Database& db, long long host_id, TimeNs taken_at, const std::string& source)
{
    sql::Statement q(db, "SELECT 1 FROM snapshot s JOIN collector_run r ON r.snapshot_id = s.id WHERE s.host_id = ? "
                         "AND s.taken_at > ? AND r.collector = ? AND r.status = 'ok' LIMIT 1");
    q.bind(host_id).bind(taken_at).bind(source);
    return q.step();
}

CollectorRunInfo splice_collector_facts(sql::Database& db, long long host_id, TimeNs taken_at, const CollectorRun& run)
{
    auto info = SplicingWriter(db, host_id, taken_at).write(run);
    // Rare enough to recompute: the current facts of this source, digested again.
    rebuild_subject_digests(db, host_id, run.name);
    return info;
}

} // namespace forensic::store
