#include "libforensic/store/schema.hpp"

#include "libforensic/store/dense_tags_migration.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/store_file.hpp"
#include "libforensic/store/subject_digests.hpp"
#include "libforensic/util/error.hpp"

#include <string>
#include <vector>

namespace forensic::store {
namespace {

// Renders an integer nanosecond column as RFC 3339 UTC text for the views.
std::string time_text(const std::string& column)
{
    return "CASE WHEN " + column + " IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%S', " + column +
           " / 1000000000, 'unixepoch') || CASE WHEN " + column +
           " % 1000000000 != 0 THEN '.' || substr('000000000' || (" + column +
           " % 1000000000), -9) ELSE '' END || 'Z' END";
}

std::string schema_v1()
{
    return R"sql(
CREATE TABLE host (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Times are integer nanoseconds since the Unix epoch, UTC.
CREATE TABLE snapshot (
    id           INTEGER PRIMARY KEY,
    host_id      INTEGER NOT NULL REFERENCES host(id),
    taken_at     INTEGER NOT NULL,
    finished_at  INTEGER NOT NULL,
    tool_version TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('ok', 'partial')),
    UNIQUE (host_id, taken_at)
);

CREATE TABLE collector_run (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    collector   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
    error       TEXT,
    opened      INTEGER NOT NULL DEFAULT 0,
    closed      INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (snapshot_id, collector)
) WITHOUT ROWID;

-- The identity of a fact, shared by every host and interval.
CREATE TABLE fact_key (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL,
    subject TEXT NOT NULL,
    key     TEXT NOT NULL,
    UNIQUE (source, subject, key)
);

-- One row per interval in which a key held one value: from the snapshot that
-- first saw it (valid_from = its taken_at) to the first that no longer did
-- (valid_to), NULL while current. An unchanged night touches no row here.
CREATE TABLE fact (
    id         INTEGER PRIMARY KEY,
    host_id    INTEGER NOT NULL REFERENCES host(id),
    key_id     INTEGER NOT NULL REFERENCES fact_key(id),
    value      TEXT NOT NULL,
    event_time INTEGER,
    valid_from INTEGER NOT NULL,
    valid_to   INTEGER,
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    FOREIGN KEY (host_id, valid_from) REFERENCES snapshot(host_id, taken_at),
    FOREIGN KEY (host_id, valid_to) REFERENCES snapshot(host_id, taken_at)
);

-- State at the newest snapshot, and the writer's comparison set.
CREATE INDEX fact_open ON fact(host_id, key_id) WHERE valid_to IS NULL;
-- Intervals that began in a range: changes between two snapshots, state at S.
CREATE INDEX fact_by_start ON fact(host_id, valid_from);
-- Intervals that ended in a range: removals and the other half of a change.
CREATE INDEX fact_by_end ON fact(host_id, valid_to);
-- The history of one key.
CREATE INDEX fact_by_key ON fact(key_id, host_id, valid_from);
)sql";
}

// `kind`: the column that says which kind of snapshot, or none before v6.
std::string snapshot_view(const std::string& kind)
{
    return "CREATE VIEW snapshot_v AS SELECT s.id AS snapshot_id, h.name AS host, " + time_text("s.taken_at") +
           " AS taken_at, " + time_text("s.finished_at") + " AS finished_at, s.status, s.tool_version" +
           (kind.empty() ? "" : ", " + kind + " AS kind") + " FROM snapshot s JOIN host h ON h.id = s.host_id;\n";
}

std::string views_v1()
{
    auto taken = time_text("s.taken_at");
    return snapshot_view("") +
           "CREATE VIEW fact_interval AS SELECT f.id AS fact_id, h.name AS host, k.source, k.subject, k.key, "
           "f.value, " + time_text("f.event_time") + " AS event_time, a.id AS first_snapshot, b.id AS "
           "until_snapshot, " + time_text("f.valid_from") + " AS valid_from, " + time_text("f.valid_to") +
           " AS valid_to FROM fact f JOIN fact_key k ON k.id = f.key_id JOIN host h ON h.id = f.host_id "
           "JOIN snapshot a ON a.host_id = f.host_id AND a.taken_at = f.valid_from "
           "LEFT JOIN snapshot b ON b.host_id = f.host_id AND b.taken_at = f.valid_to;\n"

           "CREATE VIEW fact_state AS SELECT s.id AS snapshot_id, h.name AS host, k.source, k.subject, k.key, "
           "f.value, " + time_text("f.event_time") + " AS event_time, f.id AS fact_id FROM snapshot s "
           "JOIN fact f ON f.host_id = s.host_id AND f.valid_from <= s.taken_at "
           "AND (f.valid_to IS NULL OR f.valid_to > s.taken_at) "
           "JOIN fact_key k ON k.id = f.key_id JOIN host h ON h.id = s.host_id;\n"

           "CREATE VIEW fact_change AS "
           "SELECT s.id AS snapshot_id, " + taken + " AS taken_at, h.name AS host, k.source, k.subject, k.key, "
           "CASE WHEN o.id IS NULL THEN 'added' ELSE 'changed' END AS change, o.value AS before, "
           "n.value AS after, " + time_text("o.event_time") + " AS before_event_time, " +
           time_text("n.event_time") + " AS after_event_time "
           "FROM snapshot s JOIN fact n ON n.host_id = s.host_id AND n.valid_from = s.taken_at "
           "LEFT JOIN fact o ON o.host_id = n.host_id AND o.key_id = n.key_id AND o.valid_to = s.taken_at "
           "JOIN fact_key k ON k.id = n.key_id JOIN host h ON h.id = s.host_id "
           "UNION ALL "
           "SELECT s.id, " + taken + ", h.name, k.source, k.subject, k.key, 'removed', o.value, NULL, " +
           time_text("o.event_time") + ", NULL "
           "FROM snapshot s JOIN fact o ON o.host_id = s.host_id AND o.valid_to = s.taken_at "
           "JOIN fact_key k ON k.id = o.key_id JOIN host h ON h.id = s.host_id "
           "WHERE NOT EXISTS (SELECT 1 FROM fact n WHERE n.host_id = o.host_id AND n.key_id = o.key_id "
           "AND n.valid_from = s.taken_at);\n";
}

// Version 2: facts by the time they carry, for timelines over long ranges.
std::string event_index_v2()
{
    return "CREATE INDEX fact_by_event ON fact(host_id, event_time) WHERE event_time IS NOT NULL;\n";
}

// Version 3: a digest of each subject's current facts, so an unchanged
// subject is recognised without reading its facts back (snapshot_writer.cpp).
// Filled for existing data by rebuild_subject_digests after the SQL runs.
std::string subject_digest_v3()
{
    return R"sql(
CREATE TABLE subject_digest (
    host_id INTEGER NOT NULL REFERENCES host(id),
    source  TEXT NOT NULL,
    subject TEXT NOT NULL,
    digest  BLOB NOT NULL,
    PRIMARY KEY (host_id, source, subject)
) WITHOUT ROWID;
)sql";
}

// Version 4: the subjects (services, apps, runs) of a recipe, found without
// reading every key of their source (Store::recipe_mappings); and the
// headers of annotated tag objects already read (git/tag_memo.hpp), by id:
// immutable, shared by every host, never part of a snapshot's facts.
std::string recipe_index_and_tag_objects_v4()
{
    return R"sql(
CREATE INDEX fact_key_recipe ON fact_key(source, subject) WHERE key = 'recipe';
CREATE TABLE tag_object (
    id          BLOB PRIMARY KEY,
    target      BLOB NOT NULL,
    target_type INTEGER NOT NULL,
    name        TEXT NOT NULL,
    tagger_time INTEGER
) WITHOUT ROWID;
)sql";
}

// Version 5: the time indexes carry the interval's other bound, so a diff or
// a timeline filters the intervals beginning or ending in its range inside
// the index and reads only the rows it keeps (a year's diff read 1.4 M rows to
// keep a tenth of them).
std::string covering_time_indexes_v5()
{
    return R"sql(
DROP INDEX fact_by_start;
CREATE INDEX fact_by_start ON fact(host_id, valid_from, valid_to);
DROP INDEX fact_by_end;
CREATE INDEX fact_by_end ON fact(host_id, valid_to, valid_from);
)sql";
}

// Version 6: watch records and partial observations. A snapshot is either a
// snapshot of every selected source or a watch record (forensic watch: the
// services one Docker event named). A collector run observed its whole source,
// some subjects of it (named in observed_subject), or only the facts it
// reported (additive: events from the daemon's buffer, keys in observed_key);
// what a run did not observe is carried, never closed.
std::string watch_records_v6()
{
    return R"sql(
ALTER TABLE snapshot ADD COLUMN kind TEXT NOT NULL DEFAULT 'snapshot' CHECK (kind IN ('snapshot', 'watch'));
ALTER TABLE collector_run ADD COLUMN coverage TEXT NOT NULL DEFAULT 'full'
    CHECK (coverage IN ('full', 'subjects', 'additive'));
CREATE TABLE observed_subject (
    snapshot_id INTEGER NOT NULL,
    collector   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, collector, subject),
    FOREIGN KEY (snapshot_id, collector) REFERENCES collector_run(snapshot_id, collector) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE observed_key (
    snapshot_id INTEGER NOT NULL REFERENCES snapshot(id) ON DELETE CASCADE,
    key_id      INTEGER NOT NULL REFERENCES fact_key(id),
    PRIMARY KEY (snapshot_id, key_id)
) WITHOUT ROWID;
DROP VIEW snapshot_v;
)sql" + snapshot_view("s.kind");
}

// Version 7: each snapshot sealed, its content digest chained to the one
// before of its host (snapshot_chain.hpp, docs/tamper-evidence.md), and the
// subject digests made SHA-256 (util/digest.hpp). Both filled for existing
// data after the SQL runs.

// Version 8: one fact per git tag (dense_tags_migration.hpp).

// Index i holds the migration from version i to i + 1. Never edit a released
// one: add the next.
const std::vector<std::string>& migrations()
{
    static const std::vector<std::string> all = {schema_v1() + views_v1(), event_index_v2(), subject_digest_v3(),
                                                    recipe_index_and_tag_objects_v4(), covering_time_indexes_v5(),
                                                    watch_records_v6(), snapshot_seal_schema(), dense_tags_schema()};
    return all;
}

} // namespace

int current_schema_version()
{
    return static_cast<int>(migrations().size());
}

int schema_version(sql::Database& db)
{
    sql::Statement query(db, "PRAGMA user_version");
    query.step();
    return static_cast<int>(query.column_int(0));
}

void migrate(sql::Database& db, int target)
{
    int version = schema_version(db);
    if (version > current_schema_version())
        throw StoreError("database '" + db.file().string() + "' has schema version " + std::to_string(version) +
                         ", newer than this forensic understands (" + std::to_string(current_schema_version()) +
                         "); use a newer forensic");
    while (version < target) {
        sql::Transaction txn(db);
        // Another process may have migrated while we waited for the lock.
        version = schema_version(db);
        if (version >= target) break;
        db.exec(migrations()[static_cast<std::size_t>(version)]);
        if (version + 1 == 3) rebuild_subject_digests(db);
        if (migrations()[static_cast<std::size_t>(version)] == snapshot_seal_schema()) {
            rebuild_subject_digests(db); // SHA-256 now (util/digest.hpp)
            seal_snapshots(db);
        }
        if (migrations()[static_cast<std::size_t>(version)] == dense_tags_schema()) {
            merge_legacy_tags(db);
            reseal_after_migration(db, version + 1);
        }
        db.exec("PRAGMA user_version = " + std::to_string(version + 1));
        txn.commit();
        ++version;
    }
    // Marks the file as a forensic store (store_file.hpp), once.
    sql::Statement id(db, "PRAGMA application_id");
    id.step();
    if (id.column_int(0) != store_application_id)
        db.exec("PRAGMA application_id = " + std::to_string(store_application_id));
}

} // namespace forensic::store
