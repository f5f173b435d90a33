#include "libforensic/store/dense_tags_migration.hpp"

#include "libforensic/model/legacy_tag.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/subject_digests.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace forensic::store {
namespace {

struct Piece {
    long long id;
    LegacyTagPart part;
    std::string value;
    std::optional<TimeNs> event_time;
    TimeNs from;
    std::optional<TimeNs> to;
    long long key_id;
};

struct Interval {
    DenseTag tag;
    TimeNs from;
    std::optional<TimeNs> to;
};

bool covers(const Piece& p, TimeNs from, const std::optional<TimeNs>& to)
{
    return p.from <= from && (!p.to || (to && *p.to >= *to));
}

// One tag's pieces → its intervals: the parts that held over each span
// between two consecutive bounds, adjacent spans with the same value joined.
std::vector<Interval> merge(const std::string& source, const std::vector<Piece>& pieces)
{
    std::set<TimeNs> bounds;
    bool open = false;
    for (const auto& p : pieces) {
        bounds.insert(p.from);
        if (p.to) bounds.insert(*p.to);
        open = open || !p.to;
    }
    std::vector<Interval> out;
    for (auto it = bounds.begin(); it != bounds.end(); ++it) {
        auto next = std::next(it);
        std::optional<TimeNs> to = next == bounds.end() ? std::nullopt : std::optional(*next);
        if (!to && !open) break;
        LegacyTagParts parts;
        for (const auto& p : pieces)
            if (covers(p, *it, to)) add_legacy_part(parts, p.part, p.value, p.event_time);
        auto tag = dense_tag(source, parts);
        if (!tag) continue;
        if (!out.empty() && out.back().to == *it && out.back().tag == *tag)
            out.back().to = to;
        else
            out.push_back(Interval{std::move(*tag), *it, to});
    }
    return out;
}

} // namespace

std::string dense_tags_schema()
{
    return R"sql(
-- Version 8: one fact per git tag (merge_legacy_tags runs after this); the
-- chain head each host had before a migration resealed its snapshots.
CREATE TABLE chain_reseal (
    host_id        INTEGER NOT NULL REFERENCES host(id),
    resealed_at    INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    snapshot_id    INTEGER NOT NULL,
    old_chain      BLOB NOT NULL,
    PRIMARY KEY (host_id, schema_version)
) WITHOUT ROWID;
)sql";
}

namespace {

// SQLite's page cache, larger while the migration rewrites every tag's
// intervals: they are spread over the whole file, and with the default 2 MiB
// each index update re-reads pages it just evicted.
class LargerPageCache {
public:
    explicit LargerPageCache(sql::Database& db) : db_(db)
    {
        sql::Statement q(db, "PRAGMA cache_size");
        q.step();
        before_ = q.column_int(0);
        db_.exec("PRAGMA cache_size = -131072"); // KiB
    }
    ~LargerPageCache()
    {
        try {
            db_.exec("PRAGMA cache_size = " + std::to_string(before_));
        } catch (...) {
        }
    }
    LargerPageCache(const LargerPageCache&) = delete;
    LargerPageCache& operator=(const LargerPageCache&) = delete;

private:
    sql::Database& db_;
    long long before_ = 0;
};

} // namespace

DenseTagsMigration merge_legacy_tags(sql::Database& db)
{
    DenseTagsMigration result;
    LargerPageCache cache(db);
    // Subject by subject, every host at once; each subject's rows are read
    // in full before it is rewritten.
    const char* tag_keys = "((k.source = 'recipes' AND (k.key GLOB 'tag:*' OR k.key GLOB 'release:*')) "
                           "OR (k.source = 'mirrors' AND k.key GLOB 'tag:*'))";
    std::vector<std::pair<std::string, std::string>> subjects;
    {
        sql::Statement q(db, std::string("SELECT DISTINCT k.source, k.subject FROM fact_key k WHERE ") + tag_keys);
        while (q.step()) subjects.emplace_back(q.column_text(0), q.column_text(1));
    }
    sql::Statement rows(db, std::string("SELECT k.key, k.id, f.id, f.host_id, f.value, f.event_time, f.valid_from, "
                                        "f.valid_to FROM fact_key k JOIN fact f ON f.key_id = k.id "
                                        "WHERE k.source = ? AND k.subject = ? AND ") + tag_keys);
    sql::Statement remove(db, "DELETE FROM fact WHERE id = ?");
    sql::Statement insert(db, "INSERT INTO fact (host_id, key_id, value, event_time, valid_from, valid_to) "
                              "VALUES (?, ?, ?, ?, ?, ?)");
    std::set<long long> part_keys; // keys other than tag:N, gone once their facts are
    using Group = std::tuple<long long, std::string>; // host, tag name
    for (const auto& [source, subject] : subjects) {
        std::map<Group, std::vector<Piece>> groups;
        rows.bind(source).bind(subject);
        while (rows.step()) {
            auto key = rows.column_text(0), value = rows.column_text(4);
            auto legacy = legacy_tag_key(source, key, value); // its name is a view into `key`
            if (!legacy) continue; // already one fact a tag
            groups[{rows.column_int(3), std::string(legacy->name)}].push_back(
                Piece{rows.column_int(2), legacy->part, std::move(value), rows.column_optional_int(5),
                      rows.column_int(6), rows.column_optional_int(7), rows.column_int(1)});
        }
        rows.reset();
        for (auto& [group, pieces] : groups) {
            auto main = std::find_if(pieces.begin(), pieces.end(),
                                     [](const Piece& p) { return p.part == LegacyTagPart::commit; });
            if (main == pieces.end()) continue; // parts without their tag: left as they are
            auto main_key = main->key_id;
            auto intervals = merge(source, pieces);
            for (const auto& p : pieces) {
                remove.bind(p.id).run();
                remove.reset();
                if (p.part != LegacyTagPart::commit) part_keys.insert(p.key_id);
            }
            for (const auto& i : intervals) {
                insert.bind(std::get<0>(group)).bind(main_key).bind(i.tag.value).bind(i.tag.event_time).bind(i.from)
                    .bind(i.to).run();
                insert.reset();
            }
            ++result.tags;
            result.intervals_before += static_cast<long long>(pieces.size());
            result.intervals_after += static_cast<long long>(intervals.size());
        }
    }
    // The parts' keys: an observation of one is an observation of its tag.
    sql::Statement move_observed(db, "INSERT OR IGNORE INTO observed_key (snapshot_id, key_id) "
                                     "SELECT o.snapshot_id, t.id FROM observed_key o JOIN fact_key p ON p.id = o.key_id "
                                     "JOIN fact_key t ON t.source = p.source AND t.subject = p.subject "
                                     "AND t.key = 'tag:' || substr(p.key, instr(p.key, ':') + 1, "
                                     "CASE WHEN p.key GLOB 'release:*' THEN length(p.key) "
                                     "ELSE instr(substr(p.key, 5), ':') - 1 END) WHERE o.key_id = ?");
    sql::Statement unobserve(db, "DELETE FROM observed_key WHERE key_id = ?");
    sql::Statement drop_key(db, "DELETE FROM fact_key WHERE id = ? AND NOT EXISTS (SELECT 1 FROM fact WHERE key_id = ?)");
    for (auto key : part_keys) {
        move_observed.bind(key).run();
        move_observed.reset();
        unobserve.bind(key).run();
        unobserve.reset();
        drop_key.bind(key).bind(key).run();
        drop_key.reset();
    }
    return result;
}

void reseal_after_migration(sql::Database& db, int schema_version)
{
    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count();
    sql::Statement keep(db, "INSERT OR REPLACE INTO chain_reseal (host_id, resealed_at, schema_version, snapshot_id, "
                            "old_chain) SELECT s.host_id, ?, ?, s.id, e.chain FROM snapshot s "
                            "JOIN snapshot_seal e ON e.snapshot_id = s.id WHERE s.taken_at = "
                            "(SELECT max(taken_at) FROM snapshot t WHERE t.host_id = s.host_id)");
    keep.bind(static_cast<long long>(now)).bind(schema_version).run();
    rebuild_subject_digests(db);
    seal_snapshots(db);
}

std::vector<ChainReseal> chain_reseals(sql::Database& db)
{
    std::vector<ChainReseal> out;
    {
        // A store opened read-only is never migrated: an older one has no table.
        sql::Statement exists(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'chain_reseal'");
        if (!exists.step()) return out;
    }
    sql::Statement q(db, "SELECT h.name, r.resealed_at, r.schema_version, r.snapshot_id, lower(hex(r.old_chain)) "
                         "FROM chain_reseal r JOIN host h ON h.id = r.host_id ORDER BY h.name, r.schema_version");
    while (q.step())
        out.push_back(ChainReseal{q.column_text(0), q.column_int(1), static_cast<int>(q.column_int(2)),
                                  q.column_int(3), q.column_text(4)});
    return out;
}

} // namespace forensic::store
