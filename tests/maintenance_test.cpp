// prune keeps what the kept snapshots see; verify finds broken rows.
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/store/maintenance.hpp"

#include <doctest/doctest.h>
#include <map>
#include <random>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace forensic;
using forensic::test::TempDir;

namespace {

const TimeNs jan1 = *parse_rfc3339("2026-01-01T03:00:00Z");

std::map<std::string, std::string> state_of(store::Store& db, const SnapshotInfo& s)
{
    std::map<std::string, std::string> out;
    for (const auto& f : db.state(s)) out[f.source + " " + f.subject + " " + f.key] = f.value;
    return out;
}

// 120 nightly snapshots; facts flip now and then, some back to old values, and
// one collector fails on some nights.
void write_history(store::Store& db)
{
    std::mt19937 rng(42);
    for (int night = 0; night < 120; ++night) {
        SnapshotInput s{"cc-ci", jan1 + night * ns_per_day, jan1 + night * ns_per_day + 1, "test", {}, {}};
        CollectorRun recipes{"recipes", CollectorStatus::ok, {}, {}};
        for (int r = 0; r < 20; ++r)
            for (int k = 0; k < 5; ++k)
                if (rng() % 50 != 0)
                    recipes.facts.push_back({"r" + std::to_string(r), "k" + std::to_string(k),
                                             "v" + std::to_string(rng() % 20 == 0 ? rng() % 3 : 0), {}});
        s.collectors.push_back(std::move(recipes));
        if (rng() % 10 == 0)
            s.collectors.push_back({"swarm", CollectorStatus::failed, "down", {}});
        else
            s.collectors.push_back({"swarm", CollectorStatus::ok, {}, {{"svc", "stamp", "s" + std::to_string(night / 30), {}}}});
        db.write(s);
    }
}

} // namespace

TEST_CASE("the policy keeps the newest snapshot of each recent day, week and month")
{
    std::vector<SnapshotInfo> snapshots;
    for (int i = 0; i < 120; ++i)
        for (int h : {3, 15}) snapshots.push_back(SnapshotInfo{i * 2 + (h == 15), "h", jan1 + i * ns_per_day + (h - 3) * 3600 * ns_per_second, 0, "", "ok"});
    auto kept = store::snapshots_to_keep(snapshots, {7, 4, 3});
    std::vector<std::string> days;
    for (const auto& s : kept) days.push_back(format_rfc3339(s.taken_at));
    // 7 days (the 15:00 one of each), 4 ISO weeks (Sundays), 3 months (their last day).
    CHECK(days == std::vector<std::string>{
                      "2026-02-28T15:00:00Z", "2026-03-31T15:00:00Z", "2026-04-12T15:00:00Z", "2026-04-19T15:00:00Z",
                      "2026-04-24T15:00:00Z", "2026-04-25T15:00:00Z", "2026-04-26T15:00:00Z", "2026-04-27T15:00:00Z",
                      "2026-04-28T15:00:00Z", "2026-04-29T15:00:00Z", "2026-04-30T15:00:00Z"});
    CHECK(store::snapshots_to_keep(snapshots, {0, 0, 0}).size() == 1); // the newest, always
}

TEST_CASE("prune removes snapshots without changing what the kept ones see, and reclaims space")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    write_history(db);
    store::PrunePolicy policy{7, 4, 2};
    auto kept = store::snapshots_to_keep(db.snapshots(), policy);
    std::map<long long, std::map<std::string, std::string>> before;
    for (const auto& s : kept) before[s.id] = state_of(db, s);
    sql::Statement count_facts(db.database(), "SELECT count(*) FROM fact");
    count_facts.step();
    auto facts_before = count_facts.column_int(0);
    count_facts.reset();

    auto result = store::prune(db, "cc-ci", policy, false);
    CHECK(result.kept.size() == kept.size());
    CHECK(result.removed.size() == 120 - kept.size());
    CHECK(db.snapshots().size() == kept.size());
    for (const auto& s : kept) {
        INFO("snapshot " << s.id);
        CHECK(state_of(db, *db.find_snapshot(s.id)) == before[s.id]);
    }
    count_facts.step();
    CHECK(count_facts.column_int(0) < facts_before);
    CHECK(result.bytes_after < result.bytes_before);
    auto report = store::verify(db);
    for (const auto& p : report.problems) MESSAGE(p);
    CHECK(report.ok());
}

TEST_CASE("prune thins snapshots but keeps every watch record, and what each shows")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    write_history(db);
    // A CI run's service between two nights, seen only by the watch: deployed, then removed.
    auto watch = [&](TimeNs at, std::vector<Fact> facts) {
        SnapshotInput w{"cc-ci", at, at + 1, "test", {}, SnapshotKind::watch};
        w.collectors.push_back(CollectorRun{"swarm", CollectorStatus::ok, {}, std::move(facts), Coverage::subjects, {"run_app"}});
        db.write(w);
    };
    auto night = jan1 + 30 * ns_per_day;
    watch(night + 3600 * ns_per_second, {{"run_app", "stamp.commit", "7ae7b0f7", {}}});
    watch(night + 3700 * ns_per_second, {{"run_app", "stamp.commit", "eb96de94", {}}});
    watch(night + 7200 * ns_per_second, {});
    std::map<long long, std::map<std::string, std::string>> before;
    for (const auto& s : db.snapshots())
        if (s.kind == SnapshotKind::watch) before[s.id] = state_of(db, s);
    auto result = store::prune(db, "cc-ci", {7, 4, 2}, false);
    std::size_t watch_kept = 0;
    for (const auto& s : result.kept) watch_kept += s.kind == SnapshotKind::watch;
    CHECK(watch_kept == 3);
    for (const auto& s : result.removed) CHECK(s.kind == SnapshotKind::snapshot);
    for (const auto& record : before) {
        INFO("watch record " << record.first);
        CHECK(state_of(db, *db.find_snapshot(record.first)) == record.second);
    }
    CHECK(before.begin()->second.at("swarm run_app stamp.commit") == "7ae7b0f7");
    CHECK(store::verify(db).ok());
}

TEST_CASE("prune --dry-run changes nothing")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    write_history(db);
    auto result = store::prune(db, "cc-ci", {3, 0, 0}, true);
    CHECK(result.removed.size() == 117);
    CHECK(db.snapshots().size() == 120);
}

TEST_CASE("verify names broken rows and forensic verify exits 1")
{
    TempDir dir;
    auto file = (dir / "f.db").string();
    {
        store::Store db(file, store::Store::Access::write);
        write_history(db);
        CHECK(store::verify(db).ok());
        // Break it behind the store's back: an interval overlapping another,
        // and one bounded by a time no snapshot has.
        db.database().exec("PRAGMA foreign_keys = OFF");
        db.database().exec("INSERT INTO fact (host_id, key_id, value, valid_from, valid_to) "
                           "SELECT host_id, key_id, 'forged', valid_from, valid_to FROM fact WHERE id = 1");
        db.database().exec("UPDATE fact SET valid_to = valid_from + 5 WHERE id = 2");
        auto report = store::verify(db);
        CHECK_FALSE(report.ok());
        bool overlap = false, unbounded = false;
        for (const auto& p : report.problems) {
            overlap |= p.starts_with("overlapping intervals: fact 1 (recipes ");
            unbounded |= p.starts_with("interval not bounded by snapshots: fact 2");
        }
        CHECK(overlap);
        CHECK(unbounded);
    }
    auto r = forensic::test::forensic_run({"verify", "--db", file});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("problems in " + file) != std::string::npos);
}

namespace {

// `days` days of two snapshots, 03:00 and 15:00: each of 20 keys holds "a" in
// the morning and "b" in the afternoon, so keeping each day's newest joins
// every key's afternoon intervals into one chain as long as the history.
void write_flipping(store::Store& db, int days)
{
    for (int day = 0; day < days; ++day)
        for (int half = 0; half < 2; ++half) {
            TimeNs at = jan1 + day * ns_per_day + half * 12 * 3600 * ns_per_second;
            SnapshotInput s{"cc-ci", at, at + 1, "test", {}, {}};
            CollectorRun recipes{"recipes", CollectorStatus::ok, {}, {}};
            for (int k = 0; k < 20; ++k) recipes.facts.push_back({"r" + std::to_string(k), "head", half ? "b" : "a", {}});
            s.collectors.push_back(std::move(recipes));
            db.write(s);
        }
}

int count_progress(void* counter)
{
    ++*static_cast<long long*>(counter);
    return 0;
}

// SQLite virtual machine instructions (in tens) that prune runs: its work,
// whatever the machine's speed.
long long prune_work(int days)
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    write_flipping(db, days);
    long long ticks = 0;
    sqlite3_progress_handler(db.database().handle(), 10, count_progress, &ticks);
    store::PruneOptions options;
    options.vacuum = false;
    auto result = store::prune(db, "cc-ci", {days, 0, 0}, options);
    sqlite3_progress_handler(db.database().handle(), 0, nullptr, nullptr);
    CHECK(result.removed.size() == static_cast<std::size_t>(days));
    sql::Statement facts(db.database(), "SELECT count(*) FROM fact");
    facts.step();
    CHECK(facts.column_int(0) == 20); // each key's chain joined into one interval
    CHECK(store::verify(db).ok());
    return ticks;
}

} // namespace

TEST_CASE("prune's work is linear in the intervals it joins: twice the history, twice the work")
{
    // The old prune joined one link of every chain per pass over the whole
    // table: 4x the work for twice the history (1,000 -> 0.3 s, 8,000 -> 20.7 s).
    auto small = prune_work(100);
    auto large = prune_work(200);
    auto larger = prune_work(400);
    MESSAGE("VM instructions / 10: " << small << ", " << large << ", " << larger);
    CHECK(large < small * 5 / 2);
    CHECK(larger < large * 5 / 2);
}

namespace {

// write_history, and what the snapshots a {7, 4, 2} policy keeps show before a prune.
struct KeptStates {
    TempDir dir;
    store::Store db{dir / "f.db", store::Store::Access::write};
    store::PrunePolicy policy{7, 4, 2};
    std::vector<SnapshotInfo> kept;
    std::map<long long, std::map<std::string, std::string>> before;

    KeptStates()
    {
        write_history(db);
        kept = store::snapshots_to_keep(db.snapshots(), policy);
        for (const auto& s : kept) before[s.id] = state_of(db, s);
    }
    void check_unchanged()
    {
        for (const auto& s : kept) {
            INFO("snapshot " << s.id);
            CHECK(state_of(db, *db.find_snapshot(s.id)) == before[s.id]);
        }
    }
};

// One run of removed snapshots per chunk, no pause: the most chunks, at once.
store::PruneOptions one_run_per_chunk()
{
    store::PruneOptions options;
    options.chunk_time = std::chrono::milliseconds(0);
    options.pause = std::chrono::milliseconds(0);
    return options;
}

} // namespace

TEST_CASE("prune commits in chunks: another writer gets the lock between them, each chunk consistent")
{
    KeptStates history;
    auto options = one_run_per_chunk();
    int writes = 0;
    options.after_chunk = [&](int chunk) {
        if (chunk != 2) return;
        // Another process's nightly snapshot, which waits not at all.
        store::Store other(history.dir / "f.db", store::Store::Access::write, std::chrono::milliseconds(0));
        SnapshotInput s{"cc-ci", jan1 + 200 * ns_per_day, jan1 + 200 * ns_per_day + 1, "test", {}, {}};
        s.collectors.push_back({"swarm", CollectorStatus::ok, {}, {{"svc", "stamp", "s9", {}}}});
        other.write(s);
        ++writes;
        auto report = store::verify(other);
        for (const auto& p : report.problems) MESSAGE(p);
        CHECK(report.ok());
    };
    auto result = store::prune(history.db, "cc-ci", history.policy, options);
    CHECK(writes == 1);
    CHECK(result.transactions >= 4); // a run of removed snapshots (at most 64) per chunk
    history.check_unchanged();
    CHECK(history.db.snapshots().size() == history.kept.size() + 1);
    CHECK(store::verify(history.db).ok());
}

TEST_CASE("a prune stopped mid-way leaves a consistent store, and a second prune finishes the job")
{
    KeptStates history;
    auto& db = history.db;
    auto& kept = history.kept;
    auto& policy = history.policy;
    auto options = one_run_per_chunk();
    options.after_chunk = [](int chunk) {
        if (chunk == 3) throw std::runtime_error("killed");
    };
    CHECK_THROWS_WITH(store::prune(db, "cc-ci", policy, options), "killed");
    auto left = db.snapshots().size();
    CHECK(left < 120);
    CHECK(left > kept.size());
    auto report = store::verify(db);
    for (const auto& p : report.problems) MESSAGE(p);
    CHECK(report.ok());
    history.check_unchanged();

    auto rest = store::prune(db, "cc-ci", policy, false);
    CHECK(db.snapshots().size() == kept.size());
    CHECK(rest.removed.size() == left - kept.size());
    history.check_unchanged();
    CHECK(store::verify(db).ok());
}
