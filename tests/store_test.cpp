// The temporal store: intervals, carry on failure, out-of-order splicing,
// crash consistency, schema versioning and the SQL views.
#include "support/temp_dir.hpp"

#include "libforensic/store/maintenance.hpp"
#include "libforensic/store/schema.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/snapshot_write.hpp"
#include "libforensic/store/sqlite.hpp"
#include "libforensic/store/staged_rows.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/store/subject_digests.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <functional>
#include <map>
#include <set>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace forensic;
using forensic::test::TempDir;

namespace {

constexpr TimeNs day = ns_per_day;
const TimeNs june1 = *parse_rfc3339("2026-06-01T06:00:00Z");

CollectorRun ok(const std::string& name, std::vector<Fact> facts)
{
    return CollectorRun{name, CollectorStatus::ok, {}, std::move(facts)};
}

CollectorRun failed(const std::string& name)
{
    return CollectorRun{name, CollectorStatus::failed, "daemon down", {}};
}

SnapshotInput snap(TimeNs t, std::vector<CollectorRun> runs)
{
    return SnapshotInput{"ci", t, t + 1000, "test", std::move(runs)};
}

long long count_rows(store::Store& db, const std::string& table)
{
    sql::Statement q(db.database(), "SELECT count(*) FROM " + table);
    q.step();
    return q.column_int(0);
}

// key "source subject key" → value (with event time when present)
using State = std::map<std::string, std::string>;

State state_of(store::Store& db, const SnapshotInfo& s)
{
    State out;
    for (const auto& f : db.state(s))
        out[f.source + " " + f.subject + " " + f.key] =
            f.value + (f.event_time ? "@" + std::to_string(*f.event_time) : "");
    return out;
}

State state_at(store::Store& db, TimeNs t)
{
    for (const auto& s : db.snapshots())
        if (s.taken_at == t) return state_of(db, s);
    FAIL("no snapshot at " << t);
    return {};
}

} // namespace

TEST_CASE("an unchanged snapshot adds a snapshot row and no fact rows")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    std::vector<Fact> facts = {{"generation/1", "store_path", "/nix/store/a", {}},
                               {"generation/1", "created", "2026-06-01T06:00:00Z", june1}};
    db.write(snap(june1, {ok("nix", facts)}));
    auto rows = count_rows(db, "fact");
    CHECK(rows == 2);
    auto summary = db.write(snap(june1 + day, {ok("nix", facts)}));
    CHECK(count_rows(db, "fact") == rows);
    CHECK(count_rows(db, "snapshot") == 2);
    REQUIRE(summary.collectors.size() == 1);
    CHECK(summary.collectors[0].unchanged == 2);
    CHECK(summary.collectors[0].opened == 0);
    CHECK(summary.collectors[0].closed == 0);
}

TEST_CASE("intervals open on a new value and close on change and removal")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    auto s1 = db.write(snap(june1, {ok("recipes", {{"discourse", "head", "aaa", {}}, {"discourse", "tag:1", "x", {}}})}));
    auto s2 = db.write(snap(june1 + day, {ok("recipes", {{"discourse", "head", "bbb", {}}, {"discourse", "tag:1", "x", {}}})}));
    auto s3 = db.write(snap(june1 + 2 * day, {ok("recipes", {{"discourse", "head", "bbb", {}}})}));
    CHECK(s2.snapshot.id > s1.snapshot.id);
    CHECK(s2.collectors[0].opened == 1);
    CHECK(s2.collectors[0].closed == 1);
    CHECK(s3.collectors[0].closed == 1);

    auto history = [&](const std::string& key) {
        std::vector<std::string> out;
        sql::Statement q(db.database(), "SELECT value, first_snapshot, coalesce(until_snapshot, 0) FROM fact_interval "
                                        "WHERE key = ? ORDER BY valid_from");
        q.bind(key);
        while (q.step())
            out.push_back(q.column_text(0) + " [" + std::to_string(q.column_int(1)) + "," +
                          std::to_string(q.column_int(2)) + ")");
        return out;
    };
    CHECK(history("head") == std::vector<std::string>{"aaa [1,2)", "bbb [2,0)"});
    CHECK(history("tag:1") == std::vector<std::string>{"x [1,3)"});
    CHECK(state_of(db, s1.snapshot) == State{{"recipes discourse head", "aaa"}, {"recipes discourse tag:1", "x"}});
    CHECK(state_of(db, s3.snapshot) == State{{"recipes discourse head", "bbb"}});
}

TEST_CASE("a failed collector closes none of its facts")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    db.write(snap(june1, {ok("swarm", {{"app", "stamp.commit", "7ae7b0f7", {}}}), ok("nix", {{"g/1", "p", "a", {}}})}));
    auto s2 = db.write(snap(june1 + day, {failed("swarm"), ok("nix", {{"g/1", "p", "a", {}}})}));
    CHECK(s2.snapshot.status == "partial");
    CHECK(s2.collectors[0].closed == 0);
    CHECK(state_of(db, s2.snapshot).at("swarm app stamp.commit") == "7ae7b0f7");
    auto runs = db.collector_runs(s2.snapshot.id);
    REQUIRE(runs.size() == 2);
    CHECK(runs[1].collector == "swarm");
    CHECK(runs[1].status == CollectorStatus::failed);
    CHECK(runs[1].error == "daemon down");
    // The next good run sees it gone: only then is it closed.
    auto s3 = db.write(snap(june1 + 2 * day, {ok("swarm", {}), ok("nix", {{"g/1", "p", "a", {}}})}));
    CHECK(state_of(db, s3.snapshot).count("swarm app stamp.commit") == 0);
}

TEST_CASE("a subject that reported an error keeps its unseen facts")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    db.write(snap(june1, {ok("recipes", {{"discourse", "head", "aaa", {}},
                                         {"discourse", "describe", "0.7.0-9-gaaa", {}},
                                         {"n8n", "head", "nnn", {}}})}));
    auto s2 = db.write(snap(june1 + day, {ok("recipes", {{"discourse", "error", "corrupt packed-refs", {}},
                                                         {"discourse", "head", "aaa", {}},
                                                         {"n8n", "head", "nnn", {}}})}));
    auto state = state_of(db, s2.snapshot);
    CHECK(state.at("recipes discourse describe") == "0.7.0-9-gaaa");
    CHECK(state.at("recipes discourse error") == "corrupt packed-refs");
    CHECK(s2.collectors[0].errors == 1);
    CHECK(s2.collectors[0].closed == 0);
}

TEST_CASE("an event time is part of a fact's value")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    db.write(snap(june1, {ok("nix", {{"g/1", "created", "x", june1}})}));
    auto s2 = db.write(snap(june1 + day, {ok("nix", {{"g/1", "created", "x", june1 + 5}})}));
    CHECK(s2.collectors[0].opened == 1);
    CHECK(s2.collectors[0].closed == 1);
}

TEST_CASE("the same host and time cannot be stored twice")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    db.write(snap(june1, {ok("nix", {})}));
    CHECK_THROWS_AS(db.write(snap(june1, {ok("nix", {})})), StoreError);
    CHECK(count_rows(db, "snapshot") == 1);
}

TEST_CASE("a fact reported twice in one snapshot is refused and nothing is stored")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    // A new subject (staged and inserted at once), then a known one (fact by fact).
    CHECK_THROWS_WITH_AS(db.write(snap(june1, {ok("nix", {{"a", "b", "1", {}}, {"a", "c", "1", {}}, {"a", "b", "2", {}}})})),
                         doctest::Contains("reported a b twice in one snapshot"), StoreError);
    CHECK(count_rows(db, "snapshot") == 0);
    CHECK(count_rows(db, "fact") == 0);
    CHECK(count_rows(db, "fact_key") == 0);
    db.write(snap(june1, {ok("nix", {{"a", "b", "1", {}}})}));
    CHECK_THROWS_WITH_AS(db.write(snap(june1 + day, {ok("nix", {{"a", "b", "1", {}}, {"a", "b", "2", {}}})})),
                         doctest::Contains("reported a b twice in one snapshot"), StoreError);
    CHECK(count_rows(db, "snapshot") == 1);
    CHECK(count_rows(db, "fact") == 1);
}

// The oracle for splicing: the state a sequence of snapshots means, computed
// directly in time order. A collector that failed carries the previous state;
// a subject with an error keeps its unseen keys.
std::vector<State> expected_states(const std::vector<SnapshotInput>& in_time_order)
{
    std::vector<State> out;
    State current;
    for (const auto& s : in_time_order) {
        for (const auto& run : s.collectors) {
            if (run.status != CollectorStatus::ok) continue;
            std::set<std::string> errored;
            for (const auto& f : run.facts)
                if (f.key == error_key) errored.insert(f.subject);
            std::set<std::string> observed(run.observed_subjects.begin(), run.observed_subjects.end());
            State next;
            for (const auto& [k, v] : current) {
                bool mine = k.starts_with(run.name + " ");
                if (!mine) {
                    next[k] = v;
                    continue;
                }
                auto subject = k.substr(run.name.size() + 1, k.find(' ', run.name.size() + 1) - run.name.size() - 1);
                // Carried: a subject in error, one a partial run did not name, anything an additive run did not report.
                if (errored.contains(subject) || run.coverage == Coverage::additive ||
                    (run.coverage == Coverage::subjects && !observed.contains(subject)))
                    next[k] = v;
            }
            for (const auto& f : run.facts)
                next[run.name + " " + f.subject + " " + f.key] =
                    f.value + (f.event_time ? "@" + std::to_string(*f.event_time) : "");
            current = std::move(next);
        }
        out.push_back(current);
    }
    return out;
}

TEST_CASE("snapshots stored in any order give the states they mean")
{
    std::mt19937 rng(20260605);
    int unique = 0;
    for (int trial = 0; trial < 60; ++trial) {
        // A random history: 8 snapshots, 2 collectors, 4 subjects x 3 keys,
        // values drawn from a small set so values recur and intervals merge.
        std::vector<SnapshotInput> history;
        for (int i = 0; i < 8; ++i) {
            SnapshotInput s = snap(june1 + i * day, {});
            // recipes: always whole; swarm: whole or, as a watch record, some
            // subjects; events: additive, values recurring.
            for (const std::string name : {"recipes", "swarm", "events"}) {
                if (rng() % 6 == 0) {
                    s.collectors.push_back(failed(name));
                    continue;
                }
                CollectorRun run = ok(name, {});
                if (name == "events") run.coverage = Coverage::additive;
                if (name == "swarm" && rng() % 3 == 0) {
                    run.coverage = Coverage::subjects;
                    for (int subject = 0; subject < 4; ++subject)
                        if (rng() % 2 == 0) run.observed_subjects.push_back("s" + std::to_string(subject));
                }
                for (int subject = 0; subject < 4; ++subject) {
                    if (run.coverage == Coverage::subjects &&
                        !std::count(run.observed_subjects.begin(), run.observed_subjects.end(), "s" + std::to_string(subject)))
                        continue;
                    bool error = run.coverage != Coverage::additive && rng() % 8 == 0;
                    if (error) run.facts.push_back({"s" + std::to_string(subject), "error", "unreadable", {}});
                    for (int key = 0; key < 3; ++key) {
                        if (rng() % 4 == 0) continue; // absent this time
                        std::optional<TimeNs> event;
                        if (key == 2) event = june1 + static_cast<TimeNs>(rng() % 2);
                        // A subject in error reports fresh values only: see snapshot_writer.cpp
                        // for the one case a splice cannot tell apart (an errored
                        // subject re-reporting an unchanged value).
                        auto value = error ? "e" + std::to_string(unique++) : "v" + std::to_string(rng() % 2);
                        run.facts.push_back({"s" + std::to_string(subject), "k" + std::to_string(key), value, event});
                    }
                }
                s.collectors.push_back(std::move(run));
            }
            history.push_back(std::move(s));
        }
        auto expected = expected_states(history);

        auto order = history;
        std::shuffle(order.begin(), order.end(), rng);
        TempDir dir;
        store::Store db(dir / "f.db", store::Store::Access::write);
        for (const auto& s : order) db.write(s);
        for (std::size_t i = 0; i < history.size(); ++i) {
            INFO("trial " << trial << " snapshot " << i);
            auto got = state_at(db, history[i].taken_at);
            if (got != expected[i]) {
                std::string diff;
                for (const auto& [k, v] : expected[i])
                    if (!got.count(k) || got[k] != v) diff += "expected " + k + "=" + v + " got " + (got.count(k) ? got[k] : "-") + "\n";
                for (const auto& [k, v] : got)
                    if (!expected[i].count(k)) diff += "unexpected " + k + "=" + v + "\n";
                MESSAGE(diff);
            }
            CHECK(got == expected[i]);
        }
        // No key ever holds two overlapping intervals.
        sql::Statement overlaps(db.database(),
                                "SELECT count(*) FROM fact a JOIN fact b ON a.key_id = b.key_id AND a.host_id = b.host_id "
                                "AND a.id < b.id AND a.valid_from < coalesce(b.valid_to, 9e18) "
                                "AND b.valid_from < coalesce(a.valid_to, 9e18)");
        overlaps.step();
        CHECK(overlaps.column_int(0) == 0);
        // Adjacent intervals of one key never hold the same value: they are merged.
        sql::Statement unmerged(db.database(),
                                "SELECT count(*) FROM fact a JOIN fact b ON a.key_id = b.key_id AND a.host_id = b.host_id "
                                "AND a.valid_to = b.valid_from AND a.value = b.value "
                                "AND a.event_time IS b.event_time");
        unmerged.step();
        CHECK(unmerged.column_int(0) == 0);
        // The digests the nightly writer trusts always match the current facts.
        CHECK(store::stale_subject_digests(db.database()).empty());
    }
}

TEST_CASE("in time order, the digest path and the fact-by-fact path agree")
{
    // Same random histories, written in order (the nightly path, digests
    // deciding what to read) and compared with the oracle.
    std::mt19937 rng(7);
    for (int trial = 0; trial < 30; ++trial) {
        std::vector<SnapshotInput> history;
        for (int i = 0; i < 10; ++i) {
            SnapshotInput s = snap(june1 + i * day, {});
            CollectorRun run = ok("recipes", {});
            for (int subject = 0; subject < 5; ++subject) {
                if (rng() % 7 == 0) continue; // the whole subject gone this time
                bool error = rng() % 9 == 0;
                if (error) run.facts.push_back({"s" + std::to_string(subject), "error", "unreadable", {}});
                for (int key = 0; key < 3; ++key)
                    if (rng() % 5 != 0)
                        run.facts.push_back({"s" + std::to_string(subject), "k" + std::to_string(key),
                                             "v" + std::to_string(rng() % (i % 3 == 0 ? 2 : 1)), {}});
            }
            s.collectors.push_back(rng() % 8 == 0 ? failed("recipes") : std::move(run));
            history.push_back(std::move(s));
        }
        auto expected = expected_states(history);
        TempDir dir;
        store::Store db(dir / "f.db", store::Store::Access::write);
        for (const auto& s : history) db.write(s);
        for (std::size_t i = 0; i < history.size(); ++i) {
            INFO("trial " << trial << " snapshot " << i);
            CHECK(state_at(db, history[i].taken_at) == expected[i]);
        }
        CHECK(store::stale_subject_digests(db.database()).empty());
    }
}

TEST_CASE("intervals_differing holds exactly the keys whose value differs between two times")
{
    // Random histories of two hosts, one a snapshot a day, the other between
    // them; for every pair of times the intervals that diff reads give the
    // difference of the two states, no more and no less.
    std::mt19937 rng(21);
    for (int trial = 0; trial < 20; ++trial) {
        TempDir dir;
        store::Store db(dir / "f.db", store::Store::Access::write);
        for (int i = 0; i < 9; ++i) {
            for (const std::string host : {"ci", "other"}) {
                SnapshotInput s = snap(june1 + i * day + (host == "ci" ? 0 : day / 2), {});
                s.host = host;
                CollectorRun run = ok("recipes", {});
                for (int subject = 0; subject < 4; ++subject)
                    for (int key = 0; key < 3; ++key)
                        if (rng() % 4 != 0)
                            run.facts.push_back({"s" + std::to_string(subject), "k" + std::to_string(key),
                                                 "v" + std::to_string(rng() % 2), {}});
                s.collectors.push_back(rng() % 8 == 0 ? failed("recipes") : std::move(run));
                db.write(s);
            }
        }
        auto snapshots = db.snapshots("ci");
        for (std::size_t a = 0; a < snapshots.size(); ++a)
            for (std::size_t b = a; b < snapshots.size(); ++b) {
                INFO("trial " << trial << " snapshots " << a << " and " << b);
                auto before = state_of(db, snapshots[a]), after = state_of(db, snapshots[b]);
                std::set<std::string> expected;
                for (const auto& entry : before)
                    if (!after.count(entry.first) || after.at(entry.first) != entry.second) expected.insert(entry.first);
                for (const auto& entry : after)
                    if (!before.count(entry.first)) expected.insert(entry.first);
                auto lo = snapshots[a].taken_at, hi = snapshots[b].taken_at;
                std::map<std::string, std::pair<std::string, std::string>> read; // key → (value at lo, at hi)
                for (const auto& i : db.intervals_differing("ci", lo, hi)) {
                    CHECK(((i.valid_from <= lo && i.valid_to && *i.valid_to > lo && *i.valid_to <= hi) ||
                           (i.valid_from > lo && i.valid_from <= hi && (!i.valid_to || *i.valid_to > hi))));
                    auto& values = read[i.source + " " + i.subject + " " + i.key];
                    (i.valid_from <= lo ? values.first : values.second) = i.value;
                }
                std::set<std::string> got;
                for (const auto& entry : read)
                    if (entry.second.first != entry.second.second) got.insert(entry.first);
                CHECK(got == expected);
            }
    }
}

namespace {

// Writes `input` in a child process that is killed once its first collector
// is written (half the snapshot), `prepare` run on its store first.
void kill_mid_write(const std::filesystem::path& file, const SnapshotInput& input,
                    const std::function<void(store::Store&)>& prepare = {})
{
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::close(ready[0]);
        store::Store db(file, store::Store::Access::write);
        if (prepare) prepare(db);
        store::WriteHooks hooks;
        hooks.after_collector = [&](const std::string&) {
            // Half the snapshot is written: tell the parent, then wait to be killed.
            char byte = 1;
            if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
            ::pause();
        };
        db.write(input, hooks);
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
}

} // namespace

TEST_CASE("a snapshot killed mid-write leaves the previous state")
{
    TempDir dir;
    auto file = dir / "f.db";
    std::vector<Fact> before;
    for (int i = 0; i < 50; ++i) before.push_back({"generation/" + std::to_string(i), "store_path", "/nix/store/a", {}});
    {
        store::Store db(file, store::Store::Access::write);
        db.write(snap(june1, {ok("nix", before), ok("abra", {{"active", "sha256", "old", {}}})}));
    }
    std::vector<Fact> after;
    for (int i = 0; i < 50; ++i) after.push_back({"generation/" + std::to_string(i), "store_path", "/nix/store/b", {}});
    kill_mid_write(file, snap(june1 + day, {ok("nix", after), ok("abra", {{"active", "sha256", "new", {}}})}));

    store::Store db(file, store::Store::Access::write);
    auto snapshots = db.snapshots();
    REQUIRE(snapshots.size() == 1);
    auto state = state_of(db, snapshots[0]);
    CHECK(state.at("nix generation/7 store_path") == "/nix/store/a");
    CHECK(state.at("abra active sha256") == "old");
    sql::Statement check(db.database(), "PRAGMA integrity_check");
    check.step();
    CHECK(check.column_text(0) == "ok");
    // And the store still takes the next snapshot.
    db.write(snap(june1 + 2 * day, {ok("nix", before)}));
    CHECK(db.snapshots().size() == 2);
}

TEST_CASE("a database from a newer forensic is refused with its version named")
{
    TempDir dir;
    {
        store::Store db(dir / "f.db", store::Store::Access::write);
        db.database().exec("PRAGMA user_version = 999");
    }
    try {
        store::Store db(dir / "f.db", store::Store::Access::read);
        FAIL("opened a newer database");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("schema version 999") != std::string::npos);
    }
}

TEST_CASE("reading a database that does not exist names the file")
{
    TempDir dir;
    try {
        store::Store db(dir / "missing.db", store::Store::Access::read);
        FAIL("opened a missing database");
    } catch (const StoreError& e) {
        CHECK(std::string(e.what()).find("missing.db") != std::string::npos);
    }
}

TEST_CASE("SNAPSHOT resolves ids, latest and dates")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    db.write(snap(june1, {ok("nix", {})}));
    db.write(snap(june1 + day, {ok("nix", {})}));
    CHECK(db.resolve("latest").taken_at == june1 + day);
    CHECK(db.resolve("1").taken_at == june1);
    CHECK(db.resolve("2026-06-01").taken_at == june1);
    CHECK(db.resolve("2026-06-02T05:59:59Z").taken_at == june1);
    CHECK(db.resolve("2026-06-02T08:00:00+02:00").taken_at == june1 + day);
    CHECK_THROWS_AS(db.resolve("2026-05-31"), UsageError);
    CHECK_THROWS_AS(db.resolve("17"), UsageError);
    CHECK_THROWS_AS(db.resolve("yesterday"), UsageError);
}

TEST_CASE("the views answer state-at and changes-at with plain SQL")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    db.write(snap(june1, {ok("swarm", {{"app", "stamp.commit", "eb96de94", {}}, {"app", "previous_spec.present", "true", {}}})}));
    db.write(snap(june1 + day, {ok("swarm", {{"app", "stamp.commit", "7ae7b0f7", {}}, {"app", "extra", "1", {}}})}));

    sql::Statement state(db.database(), "SELECT key, value FROM fact_state WHERE snapshot_id = 2 ORDER BY key");
    std::vector<std::string> rows;
    while (state.step()) rows.push_back(state.column_text(0) + "=" + state.column_text(1));
    CHECK(rows == std::vector<std::string>{"extra=1", "stamp.commit=7ae7b0f7"});

    sql::Statement changes(db.database(),
                           "SELECT key, change, coalesce(before, '-'), coalesce(after, '-'), taken_at FROM fact_change "
                           "WHERE snapshot_id = 2 ORDER BY key");
    rows.clear();
    while (changes.step())
        rows.push_back(changes.column_text(0) + " " + changes.column_text(1) + " " + changes.column_text(2) + " " +
                       changes.column_text(3) + " " + changes.column_text(4));
    CHECK(rows == std::vector<std::string>{"extra added - 1 2026-06-02T06:00:00Z",
                                           "previous_spec.present removed true - 2026-06-02T06:00:00Z",
                                           "stamp.commit changed eb96de94 7ae7b0f7 2026-06-02T06:00:00Z"});
}

TEST_CASE("an older database is migrated forward, its digests computed from its facts")
{
    TempDir dir;
    {
        // A file as a forensic of schema version 2 left it, rows and all.
        sql::Database old(dir / "f.db", sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
        store::migrate(old, 2);
        old.exec("INSERT INTO host (id, name) VALUES (1, 'ci');"
                 "INSERT INTO snapshot (id, host_id, taken_at, finished_at, tool_version, status) VALUES (1, 1, " +
                 std::to_string(june1) + ", " + std::to_string(june1 + 1) + ", 'old', 'ok');"
                 "INSERT INTO collector_run (snapshot_id, collector, status) VALUES (1, 'nix', 'ok');"
                 "INSERT INTO fact_key (id, source, subject, key) VALUES (1, 'nix', 'g/1', 'p'), (2, 'nix', 'g/2', 'p');"
                 "INSERT INTO fact (host_id, key_id, value, valid_from) VALUES (1, 1, 'a', " + std::to_string(june1) +
                 "), (1, 2, 'b', " + std::to_string(june1) + ");");
    }
    // A read refuses it (tests/store_file_test.cpp); a write migrates it.
    store::Store db(dir / "f.db", store::Store::Access::write);
    CHECK(db.schema_before() == 2);
    CHECK(store::schema_version(db.database()) == store::current_schema_version());
    CHECK(store::stale_subject_digests(db.database()).empty());
    CHECK(store::check_chain(db.database()).problems.empty()); // sealed by the migration
    CHECK(store::stored_seal(db.database(), 1).has_value());
    sql::Statement rows(db.database(), "SELECT count(*) FROM subject_digest");
    rows.step();
    CHECK(rows.column_int(0) == 2);
    // And the next night is recognised as unchanged.
    auto s2 = db.write(snap(june1 + day, {ok("nix", {{"g/1", "p", "a", {}}, {"g/2", "p", "b", {}}})}));
    CHECK(s2.collectors[0].unchanged == 2);
    // Version 4's index and table are there and used.
    CHECK(db.recipe_mappings("ci", "nix", std::nullopt).empty());
    CHECK(db.tag_objects().empty());
    // Version 6: the old snapshot is a snapshot, its run observed all of nix.
    auto all = db.snapshots();
    REQUIRE(all.size() == 2);
    CHECK(all[0].kind == SnapshotKind::snapshot);
    CHECK(db.collector_runs(all[0].id).at(0).coverage == Coverage::full);
    sql::Statement view(db.database(), "SELECT kind FROM snapshot_v WHERE snapshot_id = 1");
    REQUIRE(view.step());
    CHECK(view.column_text(0) == "snapshot");
}

TEST_CASE("a watch record names the subjects it observed: only they change, in order or spliced in")
{
    auto watch = [](std::vector<std::string> subjects, std::vector<Fact> facts) {
        CollectorRun run = ok("swarm", std::move(facts));
        run.coverage = Coverage::subjects;
        run.observed_subjects = std::move(subjects);
        return run;
    };
    auto nightly = [](const std::string& a_stamp) {
        return ok("swarm", {{"a", "stamp", a_stamp, {}}, {"b", "stamp", "b1", {}}, {"c", "stamp", "c1", {}}});
    };
    // In flight at noon (a changed, c seen removed), rolled back by 13:00; b never named.
    auto records = std::vector<SnapshotInput>{
        snap(june1, {nightly("a1")}),
        snap(june1 + day / 4, {watch({"a", "c"}, {{"a", "stamp", "a2", {}}})}),
        snap(june1 + day / 3, {watch({"a"}, {{"a", "stamp", "a1", {}}})}),
        snap(june1 + day, {nightly("a1")}),
    };
    auto expected = expected_states(records);
    CHECK(expected[1] == State{{"swarm a stamp", "a2"}, {"swarm b stamp", "b1"}});
    CHECK(expected[3] == State{{"swarm a stamp", "a1"}, {"swarm b stamp", "b1"}, {"swarm c stamp", "c1"}});
    std::vector<std::size_t> order = {0, 1, 2, 3};
    do {
        TempDir dir;
        store::Store db(dir / "f.db", store::Store::Access::write);
        for (auto i : order) db.write(records[i]);
        for (std::size_t i = 0; i < records.size(); ++i) {
            INFO("order " << order[0] << order[1] << order[2] << order[3] << ", snapshot " << i);
            CHECK(state_at(db, records[i].taken_at) == expected[i]);
        }
        CHECK(store::stale_subject_digests(db.database()).empty());
        auto partial = db.coverage("ci").at(1).partial;
        REQUIRE(partial.size() == 1);
        CHECK(partial[0].second == std::vector<std::string>{"a", "c"});
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("an additive run adds facts and closes none, also spliced in before what it reported")
{
    auto events = [](std::vector<Fact> facts) {
        CollectorRun run = ok("swarm-events", std::move(facts));
        run.coverage = Coverage::additive;
        return run;
    };
    auto records = std::vector<SnapshotInput>{
        snap(june1, {events({{"a", "event:1", "update", june1 - 5}})}),
        snap(june1 + day, {events({{"a", "event:2", "update", june1 + 5}})}),
        // The buffer still holds event 1: reported again, unchanged.
        snap(june1 + 2 * day, {events({{"a", "event:1", "update", june1 - 5}, {"b", "event:3", "remove", june1 + day}})}),
    };
    auto expected = expected_states(records);
    CHECK(expected[2].size() == 3);
    std::vector<std::size_t> order = {0, 1, 2};
    do {
        TempDir dir;
        store::Store db(dir / "f.db", store::Store::Access::write);
        for (auto i : order) db.write(records[i]);
        for (std::size_t i = 0; i < records.size(); ++i) {
            INFO("order " << order[0] << order[1] << order[2] << ", snapshot " << i);
            CHECK(state_at(db, records[i].taken_at) == expected[i]);
        }
        // What each run reported is what it observed, for export.
        auto third = db.snapshots().at(2);
        CHECK(db.observed_keys(third.id, "swarm-events") ==
              std::vector<std::pair<std::string, std::string>>{{"a", "event:1"}, {"b", "event:3"}});
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST_CASE("a cached statement is prepared once, starts each use afresh, and a use inside another gets its own")
{
    TempDir dir;
    sql::Database db(dir.path() / "cache.db", sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
    db.exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3), (4), (5)");
    const std::string text = "SELECT x FROM t WHERE x > ? ORDER BY x";
    auto read_all = [](sql::Statement& q) {
        std::vector<long long> out;
        while (q.step()) out.push_back(q.column_int(0));
        return out;
    };
    const sql::Statement* first = nullptr;
    auto before_first = db.vm_steps();
    {
        auto q = db.cached(text);
        first = &*q;
        q->bind(2);
        CHECK(read_all(*q) == std::vector<long long>{3, 4, 5});
    }
    auto steps_first = db.vm_steps() - before_first; // counted when the use ends, not at the connection's close
    CHECK(steps_first > 0);
    {
        auto q = db.cached(text);
        CHECK(&*q == first); // the same prepared statement again
        q->bind(4);          // its first parameter again: the bindings were cleared
        CHECK(q->step());
        CHECK(q->column_int(0) == 5);
        // Used again while this use is open: a statement of its own, from the start.
        {
            auto inner = db.cached(text);
            CHECK(&*inner != first);
            inner->bind(0);
            CHECK(read_all(*inner) == std::vector<long long>{1, 2, 3, 4, 5});
        }
        CHECK_FALSE(q->step()); // the outer use went on where it was
    }
    // A use left half read is rewound when it goes.
    {
        auto q = db.cached(text);
        q->bind(0);
        CHECK(q->step());
    }
    auto before = db.vm_steps();
    {
        auto q = db.cached(text);
        CHECK(&*q == first);
        q->bind(2);
        CHECK(read_all(*q) == std::vector<long long>{3, 4, 5});
    }
    CHECK(db.vm_steps() - before == steps_first); // the same rows, the same cost
}

namespace {

std::string journal_mode(sql::Database& db)
{
    sql::Statement q(db, "PRAGMA journal_mode");
    q.step();
    return q.column_text(0);
}

std::vector<Fact> many_facts(int n, const std::string& value)
{
    std::vector<Fact> out;
    for (int i = 0; i < n; ++i)
        out.push_back({"generation/" + std::to_string(i), "store_path", value + std::to_string(i), june1 + i});
    return out;
}

} // namespace

TEST_CASE("a store's first write takes the rollback journal when it has the file alone, then goes back to WAL")
{
    TempDir dir;
    auto file = dir / "new.db";
    store::Store db(file, store::Store::Access::write);
    auto& sql = db.database();
    CHECK(journal_mode(sql) == "wal");
    {
        sql::Statement q(sql, "PRAGMA page_size");
        q.step();
        CHECK(q.column_int(0) == 16384); // a file this forensic created
    }
    {
        sql::RollbackJournal journal(sql);
        CHECK(journal.active());
        CHECK(journal_mode(sql) == "delete");
    }
    CHECK(journal_mode(sql) == "wal");

    // Through Store::write: the first snapshot; the next is written in WAL.
    db.write(snap(june1, {ok("nix", many_facts(2000, "/nix/store/a"))}));
    CHECK(journal_mode(sql) == "wal");
    CHECK_FALSE(std::filesystem::exists(file.string() + "-journal"));
    db.write(snap(june1 + day, {ok("nix", many_facts(2000, "/nix/store/b"))}));
    CHECK(journal_mode(sql) == "wal");
    CHECK(std::filesystem::exists(file.string() + "-wal"));
    CHECK(state_at(db, june1 + day).at("nix generation/7 store_path") == "/nix/store/b7@" + std::to_string(june1 + 7));
    CHECK(store::verify(db).ok());
}

TEST_CASE("with another connection on the file, a store's first write stays in WAL and readers see it whole")
{
    TempDir dir;
    auto file = dir / "shared.db";
    store::Store db(file, store::Store::Access::write);
    sql::Database other(file, sql::Database::Mode::read_only, std::chrono::milliseconds(1000));
    {
        sql::Statement q(other, "SELECT count(*) FROM snapshot"); // holds the file open, as a reader does
        q.step();
        CHECK(q.column_int(0) == 0);
    }
    {
        sql::RollbackJournal journal(db.database());
        CHECK_FALSE(journal.active()); // leaving WAL needs the file alone
        CHECK(journal_mode(db.database()) == "wal");
    }
    db.write(snap(june1, {ok("nix", many_facts(500, "/nix/store/a"))}));
    CHECK(journal_mode(db.database()) == "wal");
    sql::Statement q(other, "SELECT count(*) FROM fact");
    q.step();
    CHECK(q.column_int(0) == 500);
}

TEST_CASE("a first snapshot killed in the rollback journal leaves an empty store: a read names the journal, a writer rolls it back")
{
    TempDir dir;
    auto file = dir / "first.db";
    { store::Store created(file, store::Store::Access::write); } // the schema, no snapshot
    // A cache of a few pages: the first collector's rows are in the file
    // before the second is written, the old pages kept in the journal.
    kill_mid_write(file, snap(june1, {ok("nix", many_facts(5000, "/nix/store/a")), ok("abra", {{"active", "sha256", "x", {}}})}),
                   [](store::Store& db) { db.database().exec("PRAGMA cache_size = 4"); });
    REQUIRE(std::filesystem::exists(file.string() + "-journal")); // a hot journal: the crash this is about

    // A read cannot roll it back; it says so, naming the journal and what does.
    try {
        store::Store reader(file, store::Store::Access::read);
        reader.snapshots();
        FAIL("a read of a store with a hot journal succeeded");
    } catch (const StoreError& e) {
        std::string message = e.what();
        CAPTURE(message);
        CHECK(message.find(file.string() + "-journal") != std::string::npos);
        CHECK(message.find("interrupted") != std::string::npos);
        CHECK(message.find("forensic migrate") != std::string::npos);
        CHECK(message.find("not a forensic store") == std::string::npos);
    }

    store::Store db(file, store::Store::Access::write);
    CHECK(db.snapshots().empty());
    CHECK(count_rows(db, "fact") == 0);
    CHECK(count_rows(db, "fact_key") == 0);
    CHECK(journal_mode(db.database()) == "wal");
    CHECK_FALSE(std::filesystem::exists(file.string() + "-journal"));
    sql::Statement check(db.database(), "PRAGMA integrity_check");
    check.step();
    CHECK(check.column_text(0) == "ok");
    db.write(snap(june1, {ok("nix", many_facts(10, "/nix/store/c"))}));
    CHECK(db.snapshots().size() == 1);
    CHECK(store::verify(db).ok());
}

TEST_CASE("staged_rows(?) reads the rows bound to it, in order and in full, and nothing without them")
{
    TempDir dir;
    sql::Database db(dir.path() / "staged.db", sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
    store::register_staged_rows(db);
    std::string with_nul("a\0b", 3);
    std::vector<store::StagedRow> rows{{7, "generation/1", "store_path", "/nix/store/x", june1},
                                       {8, "generation/1", "\xc3\xa9", with_nul, std::nullopt},
                                       {3, "s", "k", "", -5}};
    sql::Statement q(db, "SELECT key_id, subject, key, value, event_time, length(CAST(value AS BLOB)) FROM staged_rows(?)");
    store::bind_staged_rows(q, rows);
    for (const auto& row : rows) {
        REQUIRE(q.step());
        CHECK(q.column_int(0) == row.key_id);
        CHECK(q.column_view(1) == row.subject);
        CHECK(q.column_view(2) == row.key);
        CHECK(q.column_view(3) == row.value);
        CHECK(q.column_optional_int(4) == row.event_time);
        CHECK(q.column_int(5) == static_cast<long long>(row.value.size()));
    }
    CHECK_FALSE(q.step());

    // Without its argument, or with anything but the rows pointer, it is empty.
    sql::Statement bare(db, "SELECT count(*) FROM staged_rows");
    REQUIRE(bare.step());
    CHECK(bare.column_int(0) == 0);
    sql::Statement text(db, "SELECT count(*) FROM staged_rows(?)");
    text.bind("not a pointer");
    REQUIRE(text.step());
    CHECK(text.column_int(0) == 0);
    // It is read, never written.
    CHECK_THROWS_AS(db.exec("INSERT INTO staged_rows (key_id) VALUES (1)"), StoreError);
}

TEST_CASE("a reader holding the file as the first write ends leaves it in rollback mode, and the next writer sets WAL")
{
    TempDir dir;
    auto file = dir / "held.db";
    {
        store::Store db(file, store::Store::Access::write, std::chrono::milliseconds(30000));
        std::optional<sql::RollbackJournal> journal;
        journal.emplace(db.database());
        REQUIRE(journal->active());
        db.database().exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)");
        // Opened after the commit, and mid-read (a shared lock) when the journal goes.
        sql::Database reader(file, sql::Database::Mode::read_only, std::chrono::milliseconds(1000));
        sql::Statement reading(reader, "SELECT x FROM t");
        REQUIRE(reading.step());
        auto before = std::chrono::steady_clock::now();
        journal.reset(); // as at the end of Store::write
        // Not the 30 s this writer waits for locks: its write was already committed.
        CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(5));
        CHECK(journal_mode(db.database()) == "delete");
        CHECK(reading.step()); // the reader read on
    }
    store::Store db(file, store::Store::Access::write);
    CHECK(journal_mode(db.database()) == "wal");
}

TEST_CASE("foreign keys checked at the commit refuse a row the per-row checks would, and the per-row checks come back")
{
    TempDir dir;
    store::Store db(dir / "checked.db", store::Store::Access::write);
    auto& sql = db.database();
    auto foreign_keys_on = [&] {
        sql::Statement q(sql, "PRAGMA foreign_keys");
        q.step();
        return q.column_int(0) == 1;
    };
    REQUIRE(foreign_keys_on());
    // A fact of a snapshot that does not exist: refused before the commit, nothing kept.
    const std::string orphan = "INSERT INTO host (id, name) VALUES (1, 'h'); "
                               "INSERT INTO fact_key (id, source, subject, key) VALUES (1, 'nix', 's', 'k'); "
                               "INSERT INTO fact (host_id, key_id, value, valid_from) VALUES (1, 1, 'v', 42)";
    {
        sql::ForeignKeysCheckedAtCommit checked(sql);
        CHECK_FALSE(foreign_keys_on());
        sql::Transaction txn(sql);
        sql.exec(orphan); // no per-row check
        try {
            checked.check();
            FAIL("a fact without its snapshot passed the check");
        } catch (const StoreError& e) {
            std::string message = e.what();
            CAPTURE(message);
            CHECK(message.find("of table fact refers to a row of snapshot") != std::string::npos);
            CHECK(message.find("checked.db") != std::string::npos);
        }
    } // the transaction rolls back, then the per-row checks return
    CHECK(foreign_keys_on());
    CHECK(count_rows(db, "fact") == 0);
    CHECK(count_rows(db, "host") == 0);
    {
        sql::Transaction txn(sql);
        CHECK_THROWS_AS(sql.exec(orphan), StoreError); // refused at the row again
    }
    // A store's first write goes through the check and passes it; per-row checks after it.
    db.write(snap(june1, {ok("nix", many_facts(100, "/nix/store/a"))}));
    CHECK(foreign_keys_on());
    CHECK(count_rows(db, "fact") == 100);
    CHECK(store::verify(db).ok());
}

TEST_CASE("a snapshot written run by run and given up before its commit leaves the previous state, first or not")
{
    TempDir dir;
    auto file = dir / "f.db";
    std::vector<Fact> before;
    for (int i = 0; i < 20; ++i) before.push_back({"generation/" + std::to_string(i), "store_path", "/nix/store/a", {}});
    auto first = snap(june1, {ok("nix", before), ok("abra", {{"active", "sha256", "old", {}}})});
    store::Store db(file, store::Store::Access::write);
    // Given up in the store's first write (the bulk load): the store stays empty.
    {
        store::SnapshotWrite write(db, first);
        write.add(first.collectors[0]);
    }
    CHECK(db.snapshots().empty());
    CHECK(count_rows(db, "fact_key") == 0);
    // Then written whole, run by run, in another order than the snapshot's.
    {
        store::SnapshotWrite write(db, first);
        write.add(first.collectors[1]);
        write.all_collected(first);
        write.add(first.collectors[0]);
        auto summary = write.finish(first);
        REQUIRE(summary.collectors.size() == 2);
        CHECK(summary.collectors[0].collector == "nix"); // listed in the snapshot's order
        CHECK(summary.collectors[0].opened == 20);
    }
    // Given up in a later write: the first state is still the state.
    std::vector<Fact> after;
    for (int i = 0; i < 20; ++i) after.push_back({"generation/" + std::to_string(i), "store_path", "/nix/store/b", {}});
    auto next = snap(june1 + day, {ok("nix", after), ok("abra", {{"active", "sha256", "new", {}}})});
    {
        store::SnapshotWrite write(db, next);
        write.add(next.collectors[0]);
        write.add(next.collectors[1]);
    }
    auto snapshots = db.snapshots();
    REQUIRE(snapshots.size() == 1);
    auto state = state_of(db, snapshots[0]);
    CHECK(state.at("nix generation/7 store_path") == "/nix/store/a");
    CHECK(state.at("abra active sha256") == "old");
    // A run added twice is refused, and the store still takes the snapshot after.
    {
        store::SnapshotWrite write(db, next);
        write.add(next.collectors[0]);
        CHECK_THROWS_AS(write.add(next.collectors[0]), StoreError);
    }
    db.write(next);
    CHECK(state_at(db, june1 + day).at("abra active sha256") == "new");
}
