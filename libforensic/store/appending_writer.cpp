// The nightly writer: the snapshot is newer than every other in which this
// collector ran, so only current (open) intervals can change. Most nights
// most subjects are exactly as they were: each subject's facts are digested
// and compared with the digest of its current facts (subject_digests.hpp), and
// only a subject whose digest differs — or that reported an error — is read
// back and compared fact by fact. An unchanged night reads a few hundred
// digests and writes nothing but the snapshot's own rows.
//
// A subject with no keys yet (every subject of a first snapshot, a new recipe
// or run) is staged, its keys numbered in order, and inserted with two
// statements per collector that read the staged rows from memory
// (staged_rows.hpp): an INSERT ... SELECT in key order appends, where one
// INSERT per row took a first snapshot of the bench host from 1.25 s to 1.85 s.
#include "libforensic/model/fact_groups.hpp"
#include "libforensic/store/collector_writers.hpp"
#include "libforensic/store/staged_rows.hpp"
#include "libforensic/store/subject_digests.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/parallel_map.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace forensic::store {
namespace {

// The open intervals of one subject (host, source, subject bound in that
// order): its keys first, then each key's open interval through fact_open.
// Left to itself SQLite reads `valid_to IS NULL` as an equality on fact_by_end
// and scans every open fact of the host for each subject — quadratic in the
// host's size (12 minutes for a first snapshot of 533k facts).
constexpr const char* open_facts_of_subject =
    "FROM fact_key k CROSS JOIN fact f INDEXED BY fact_open "
    "ON f.key_id = k.id AND f.host_id = ? AND f.valid_to IS NULL WHERE k.source = ? AND k.subject = ?";

struct OpenInterval {
    long long row = 0;
    std::string value;
    std::optional<TimeNs> event_time;
};

// One subject's facts, their digest and how many are errors.
struct SubjectFactsDigest {
    std::string_view subject;
    std::vector<const Fact*> facts;
    Digest digest;
    long long errors = 0;
};

// The facts by subject, in order of first appearance, each subject digested.
// Digesting is most of an unchanged night's write: it runs on every core.
std::vector<SubjectFactsDigest> digest_by_subject(const std::vector<Fact>& facts)
{
    std::vector<SubjectFactsDigest> by_subject;
    for (auto& group : group_by_subject(facts)) by_subject.push_back({group.subject, std::move(group.facts), {}, 0});
    parallel_ranges(by_subject.size(), [&](std::size_t first, std::size_t last) {
        for (auto i = first; i < last; ++i) {
            for (const auto* f : by_subject[i].facts) {
                by_subject[i].digest.add_fact(f->key, f->value, f->event_time);
                if (f->key == error_key) ++by_subject[i].errors;
            }
            by_subject[i].digest.value(); // sorted and hashed here, on this core
        }
    }, 16);
    return by_subject;
}

class AppendingWriter {
public:
    AppendingWriter(sql::Database& db, long long host_id, TimeNs taken_at, const std::string& source)
        : db_(db), host_id_(host_id), taken_at_(taken_at), source_(source),
          keys_of_subject_(db, "SELECT id, key FROM fact_key WHERE source = ? AND subject = ?"),
          open_of_subject_(db, std::string("SELECT f.id, f.key_id, f.value, f.event_time ") + open_facts_of_subject),
          insert_key_(db, "INSERT INTO fact_key (source, subject, key) VALUES (?, ?, ?)"),
          insert_fact_(db, "INSERT INTO fact (host_id, key_id, value, event_time, valid_from) VALUES (?, ?, ?, ?, ?)"),
          close_fact_(db, "UPDATE fact SET valid_to = ? WHERE id = ?")
    {
    }

    CollectorRunInfo write(const CollectorRun& run)
    {
        CollectorRunInfo info{run.name, run.status, run.error, 0, 0, 0, 0};
        auto by_subject = digest_by_subject(run.facts);
        auto digests = load_subject_digests(db_, host_id_, source_);

        // An additive run reports some facts of a subject, never all: what it
        // did not report is carried, as for a subject in error.
        bool additive = run.coverage == Coverage::additive;
        for (const auto& [subject, facts, digest, errors] : by_subject) {
            bool in_error = errors > 0 || additive;
            info.errors += errors;
            std::string name(subject);
            auto stored = digests.find(name);
            if (!in_error && stored != digests.end() && stored->second == digest) {
                info.unchanged += static_cast<long long>(facts.size());
                digests.erase(stored);
                continue;
            }
            // A new subject's current facts are exactly these, even in error
            // (nothing to carry); they are staged, not yet readable.
            bool staged = write_subject(name, facts, in_error, info);
            if (!in_error || staged)
                save_subject_digest(db_, host_id_, source_, name, digest);
            else
                save_current_digest(name); // carried keys are part of its current facts
            if (stored != digests.end()) digests.erase(stored);
        }
        insert_staged();
        // Subjects with current facts that were not seen at all are gone, of
        // those the run observed: all (full), the ones it names, or none.
        for (const auto& [subject, digest] : digests) {
            if (additive) break;
            if (run.coverage == Coverage::subjects && !std::binary_search(run.observed_subjects.begin(),
                                                                         run.observed_subjects.end(), subject))
                continue;
            for (const auto& [key_id, open] : open_intervals(subject)) {
                close_fact_.bind(taken_at_).bind(open.row).run();
                ++info.closed;
            }
            delete_subject_digest(db_, host_id_, source_, subject);
        }
        return info;
    }

private:
    void stage_subject(const std::vector<const Fact*>& facts, CollectorRunInfo& info)
    {
        // write()'s lists of facts live until it calls insert_staged.
        new_subjects_.emplace_back(facts.front()->subject, &facts);
        info.opened += static_cast<long long>(facts.size());
    }

    // The new subjects' keys, numbered here in (subject, key) order so that
    // fact_key and its index, then fact and its indexes, are appended to in
    // order; then their facts, with no lookup of the keys just written.
    // Numbered after every other subject: those insert keys one at a time.
    void insert_staged()
    {
        if (new_subjects_.empty()) return;
        std::sort(new_subjects_.begin(), new_subjects_.end());
        sql::Statement last_id(db_, "SELECT coalesce(max(id), 0) FROM fact_key");
        last_id.step();
        auto key_id = last_id.column_int(0);
        std::vector<StagedRow> rows;
        for (const auto& [subject, facts] : new_subjects_) {
            auto sorted = *facts;
            std::sort(sorted.begin(), sorted.end(), [](const Fact* a, const Fact* b) { return a->key < b->key; });
            for (std::size_t i = 0; i < sorted.size(); ++i) {
                if (i > 0 && sorted[i]->key == sorted[i - 1]->key)
                    throw StoreError("collector '" + source_ + "' reported " + std::string(subject) + " " +
                                     sorted[i]->key + " twice in one snapshot");
                const auto& fact = *sorted[i];
                rows.push_back({++key_id, subject, fact.key, fact.value, fact.event_time});
            }
        }
        new_subjects_.clear();
        // Read in the order staged, which is key order.
        sql::Statement keys(db_, "INSERT INTO fact_key (id, source, subject, key) "
                                 "SELECT key_id, ?, subject, key FROM staged_rows(?)");
        bind_staged_rows(keys.bind(source_), rows).run();
        sql::Statement facts(db_, "INSERT INTO fact (host_id, key_id, value, event_time, valid_from) "
                                  "SELECT ?, key_id, value, event_time, ? FROM staged_rows(?)");
        bind_staged_rows(facts.bind(host_id_).bind(taken_at_), rows).run();
    }

    std::unordered_map<long long, OpenInterval> open_intervals(const std::string& subject)
    {
        std::unordered_map<long long, OpenInterval> out;
        open_of_subject_.bind(host_id_).bind(source_).bind(subject);
        while (open_of_subject_.step())
            out[open_of_subject_.column_int(1)] = OpenInterval{open_of_subject_.column_int(0),
                                                               open_of_subject_.column_text(2),
                                                               open_of_subject_.column_optional_int(3)};
        open_of_subject_.reset();
        return out;
    }

    // Whether the subject was staged (insert_staged writes it).
    bool write_subject(const std::string& subject, const std::vector<const Fact*>& facts, bool in_error,
                       CollectorRunInfo& info)
    {
        std::unordered_map<std::string, long long> key_ids;
        keys_of_subject_.bind(source_).bind(subject);
        while (keys_of_subject_.step()) key_ids[keys_of_subject_.column_text(1)] = keys_of_subject_.column_int(0);
        keys_of_subject_.reset();
        if (key_ids.empty()) { // no keys: no intervals either
            stage_subject(facts, info);
            return true;
        }
        auto open = open_intervals(subject);

        std::unordered_set<long long> seen;
        for (const auto* fact : facts) {
            auto id = key_ids.find(fact->key);
            long long key_id = 0;
            if (id != key_ids.end()) {
                key_id = id->second;
            } else {
                insert_key_.bind(source_).bind(subject).bind(fact->key).run();
                key_id = db_.last_insert_id();
                key_ids.emplace(fact->key, key_id);
            }
            if (!seen.insert(key_id).second)
                throw StoreError("collector '" + source_ + "' reported " + subject + " " + fact->key +
                                 " twice in one snapshot");
            auto live = open.find(key_id);
            if (live != open.end() && live->second.value == fact->value && live->second.event_time == fact->event_time) {
                ++info.unchanged;
                continue;
            }
            if (live != open.end()) {
                close_fact_.bind(taken_at_).bind(live->second.row).run();
                ++info.closed;
            }
            insert_fact_.bind(host_id_).bind(key_id).bind(fact->value).bind(fact->event_time).bind(taken_at_).run();
            ++info.opened;
        }
        for (const auto& [key_id, interval] : open) {
            if (seen.contains(key_id)) continue;
            if (in_error) {
                ++info.unchanged; // carried: an unreadable subject is not a removed one
                continue;
            }
            close_fact_.bind(taken_at_).bind(interval.row).run();
            ++info.closed;
        }
        return false;
    }

    void save_current_digest(const std::string& subject)
    {
        sql::Statement q(db_, std::string("SELECT k.key, f.value, f.event_time ") + open_facts_of_subject);
        q.bind(host_id_).bind(source_).bind(subject);
        Digest digest;
        while (q.step()) digest.add_fact(q.column_text(0), q.column_text(1), q.column_optional_int(2));
        if (digest.count)
            save_subject_digest(db_, host_id_, source_, subject, digest);
        else
            delete_subject_digest(db_, host_id_, source_, subject);
    }

    sql::Database& db_;
    long long host_id_;
    TimeNs taken_at_;
    const std::string& source_;
    sql::Statement keys_of_subject_;
    sql::Statement open_of_subject_;
    sql::Statement insert_key_;
    sql::Statement insert_fact_;
    sql::Statement close_fact_;
    std::vector<std::pair<std::string_view, const std::vector<const Fact*>*>> new_subjects_; // staged
};

} // namespace

CollectorRunInfo append_collector_facts(sql::Database& db, long long host_id, TimeNs taken_at, const CollectorRun& run)
{
    return AppendingWriter(db, host_id, taken_at, run.name).write(run);
}

} // namespace forensic::store
