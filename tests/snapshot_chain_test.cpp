// Tamper evidence (issue 19): every snapshot sealed and chained per host;
// verify recomputes the chain from the facts and names the first snapshot
// that no longer matches; writes in any order, splices and prunes reseal.
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/store/maintenance.hpp"
#include "libforensic/store/snapshot_chain.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

using namespace forensic;
using forensic::test::forensic_run;
using forensic::test::TempDir;

namespace {

const TimeNs june1 = *parse_rfc3339("2026-06-01T06:00:00Z");

SnapshotInput night(int n)
{
    SnapshotInput s{"cc-ci", june1 + n * ns_per_day, june1 + n * ns_per_day + 1, "test", {}, {}};
    CollectorRun recipes{"recipes", CollectorStatus::ok, {}, {}};
    for (int r = 0; r < 5; ++r)
        recipes.facts.push_back({"r" + std::to_string(r), "head", "v" + std::to_string((n + r) / 3), {}});
    recipes.facts.push_back({"stamp", "commit", n % 2 ? "eb96de94" : "7ae7b0f7", june1 + n});
    s.collectors.push_back(std::move(recipes));
    if (n % 4 == 3)
        s.collectors.push_back({"swarm", CollectorStatus::failed, "docker down", {}});
    else
        s.collectors.push_back({"swarm", CollectorStatus::ok, {}, {{"svc", "image", "app:" + std::to_string(n / 5), {}}}});
    return s;
}

std::string head_of(store::Store& db)
{
    auto report = store::verify(db);
    for (const auto& p : report.problems) MESSAGE(p);
    CHECK(report.ok());
    REQUIRE(report.heads.size() == 1);
    return report.heads[0].chain;
}

// Runs SQL on the file as a person with the sqlite3 shell would: behind the store's back.
void edit_behind_the_back(const std::filesystem::path& file, const std::string& sql)
{
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    sqlite3_close(raw);
    REQUIRE(rc == SQLITE_OK);
}

} // namespace

TEST_CASE("every snapshot is sealed, and the chain is the same whatever order the snapshots were written in")
{
    TempDir dir;
    std::string in_order, spliced;
    {
        store::Store db(dir / "a.db", store::Store::Access::write);
        for (int n = 0; n < 12; ++n) db.write(night(n));
        for (const auto& s : db.snapshots()) CHECK(store::stored_seal(db.database(), s.id).has_value());
        in_order = head_of(db);
    }
    {
        // Odd nights first, then the even ones spliced in between (import of older bundles).
        store::Store db(dir / "b.db", store::Store::Access::write);
        for (int n = 1; n < 12; n += 2) db.write(night(n));
        for (int n = 0; n < 12; n += 2) db.write(night(n));
        spliced = head_of(db);
    }
    CHECK(in_order.size() == 64);
    CHECK(spliced == in_order);
}

TEST_CASE("an edited historical value fails verify, naming the snapshot whose content changed")
{
    TempDir dir;
    auto file = dir / "f.db";
    long long fact_id = 0, snapshot_id = 0;
    TimeNs taken_at = 0;
    {
        store::Store db(file, store::Store::Access::write);
        for (int n = 0; n < 12; ++n) db.write(night(n));
        head_of(db);
        // A closed interval that began at a snapshot in the middle of the history.
        sql::Statement q(db.database(), "SELECT f.id, s.id, s.taken_at FROM fact f JOIN snapshot s "
                                        "ON s.host_id = f.host_id AND s.taken_at = f.valid_from "
                                        "WHERE f.valid_to IS NOT NULL AND s.id >= 5 ORDER BY s.taken_at, f.id LIMIT 1");
        REQUIRE(q.step());
        fact_id = q.column_int(0);
        snapshot_id = q.column_int(1);
        taken_at = q.column_int(2);
    }
    auto before = forensic_run({"verify", "--db", file.string()});
    CHECK(before.exit_code == 0);
    CHECK(before.out.find("chain head of cc-ci: ") != std::string::npos);

    edit_behind_the_back(file, "UPDATE fact SET value = 'forged' WHERE id = " + std::to_string(fact_id));
    auto expected = "seal: snapshot " + std::to_string(snapshot_id) + " (" + format_rfc3339(taken_at) +
                    ") of host cc-ci: its content no longer matches its seal";
    {
        store::Store db(file, store::Store::Access::read);
        auto report = store::verify(db);
        REQUIRE(report.problems.size() == 1); // the first snapshot only: the rest follows from it
        CHECK(report.problems[0].starts_with(expected));
    }
    auto after = forensic_run({"verify", "--db", file.string()});
    CHECK(after.exit_code == 1);
    CHECK(after.out.find(expected) != std::string::npos);
    // The head printed now is not the one printed before: a head kept elsewhere shows the edit too.
    CHECK(after.out.substr(0, after.out.find('\n')) != before.out.substr(0, before.out.find('\n')));
}

TEST_CASE("a changed seal or an edited collector run fails verify at that snapshot")
{
    TempDir dir;
    auto file = dir / "f.db";
    {
        store::Store db(file, store::Store::Access::write);
        for (int n = 0; n < 8; ++n) db.write(night(n));
    }
    auto first_problem = [&]() {
        store::Store db(file, store::Store::Access::read);
        auto report = store::verify(db);
        return report.problems.empty() ? std::string() : report.problems[0];
    };
    SUBCASE("a seal recomputed for a forged content, the chain left")
    {
        edit_behind_the_back(file, "UPDATE snapshot_seal SET chain = zeroblob(32) WHERE snapshot_id = 4");
        CHECK(first_problem().find("snapshot 4 (") != std::string::npos);
        CHECK(first_problem().find("the chain breaks here") != std::string::npos);
    }
    SUBCASE("a collector run's status changed")
    {
        edit_behind_the_back(file, "UPDATE collector_run SET status = 'ok', error = NULL WHERE snapshot_id = 4 "
                                   "AND collector = 'swarm'");
        CHECK(first_problem().find("snapshot 4 (") != std::string::npos);
        CHECK(first_problem().find("content no longer matches") != std::string::npos);
    }
}

TEST_CASE("prune reseals: verify passes after it, the kept snapshots' content digests unchanged")
{
    TempDir dir;
    store::Store db(dir / "f.db", store::Store::Access::write);
    for (int n = 0; n < 40; ++n) db.write(night(n));
    auto newest = db.snapshots().back();
    auto before = store::stored_seal(db.database(), newest.id);
    store::prune(db, "cc-ci", {3, 1, 0}, false);
    head_of(db);
    // The newest began and ended the same intervals: the same content, a new chain.
    auto after = store::stored_seal(db.database(), newest.id);
    REQUIRE(after.has_value());
    CHECK(after->content == before->content);
    CHECK(after->chain != before->chain);
}

TEST_CASE("a bundle carries its snapshot's seal; verify --bundle finds an edit even when every seal was recomputed")
{
    TempDir dir;
    auto file = dir / "f.db";
    {
        store::Store db(file, store::Store::Access::write);
        for (int n = 0; n < 8; ++n) db.write(night(n));
    }
    auto bundle = (dir / "b6.json").string();
    REQUIRE(forensic_run({"export", "6", "--db", file.string(), "-o", bundle}).exit_code == 0);
    auto doc = nlohmann::json::parse(forensic::test::read_bytes(bundle));
    CHECK(doc["version"] == 3);
    CHECK(doc["seal"]["chain"].get<std::string>().size() == 64);
    auto ok = forensic_run({"verify", "--db", file.string(), "--bundle", bundle});
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK(ok.out.find(bundle + ": matches snapshot 6 of host cc-ci") != std::string::npos);
    // A sealed bundle imports as any other.
    CHECK(forensic_run({"import", "--db", (dir / "g.db").string(), bundle}).exit_code == 0);

    // Someone edits night 2's value and recomputes every seal: verify alone passes...
    edit_behind_the_back(file, "UPDATE fact SET value = 'forged' WHERE id = (SELECT f.id FROM fact f JOIN snapshot s "
                               "ON s.host_id = f.host_id AND s.taken_at = f.valid_from WHERE s.id = 3 LIMIT 1)");
    {
        store::Store db(file, store::Store::Access::write);
        sql::Transaction txn(db.database());
        store::seal_snapshots(db.database());
        txn.commit();
    }
    CHECK(forensic_run({"verify", "--db", file.string()}).exit_code == 0);
    // ...but not against the bundle handed over before.
    auto caught = forensic_run({"verify", "--db", file.string(), "--bundle", bundle});
    CHECK(caught.exit_code == 1);
    CHECK(caught.out.find(bundle + ": snapshot 6 (") != std::string::npos);
    CHECK(caught.out.find("the chain there differs from the bundle's seal") != std::string::npos);

    // A bundle of format 1 has no seal: its content is compared, and it says so.
    doc.erase("seal");
    doc["version"] = 1;
    auto old = (dir / "old.json").string();
    std::ofstream(old) << doc.dump();
    auto unsealed = forensic_run({"verify", "--db", file.string(), "--bundle", old});
    CHECK(unsealed.exit_code == 0);
    CHECK(unsealed.out.find("carries no seal") != std::string::npos);
}

TEST_CASE("the portable SHA-256 and the CPU's SHA extensions agree: seals written by one verify with the other")
{
    TempDir dir;
    auto file = dir / "f.db";
    {
        store::Store db(file, store::Store::Access::write); // this process: the SHA extensions where the CPU has them
        for (int n = 0; n < 6; ++n) db.write(night(n));
    }
    auto portable = forensic_run({"verify", "--db", file.string()}, {{"FORENSIC_NO_SHA_NI", "1"}});
    INFO(portable.out << portable.err);
    CHECK(portable.exit_code == 0);
    auto native = forensic_run({"verify", "--db", file.string()});
    CHECK(native.out == portable.out);
}

TEST_CASE("attribute and report warn on stderr when a snapshot in their window no longer matches its seal")
{
    TempDir dir;
    auto file = dir / "f.db";
    {
        store::Store db(file, store::Store::Access::write);
        for (int n = 0; n < 6; ++n) db.write(night(n));
    }
    std::vector<std::string> args{"attribute", "--recipe", "r1", "--expected", "v1", "--observed", "v0",
                                  "--good", "2026-06-02T00:00:00Z", "--bad", "2026-06-06T12:00:00Z",
                                  "--db", file.string()};
    auto clean = forensic_run(args);
    INFO(clean.out << clean.err);
    CHECK(clean.exit_code == 0);
    CHECK(clean.err.find("warning:") == std::string::npos);
    edit_behind_the_back(file, "UPDATE fact SET value = 'forged' WHERE id = (SELECT f.id FROM fact f JOIN snapshot s "
                               "ON s.host_id = f.host_id AND s.taken_at = f.valid_from WHERE s.id = 4 LIMIT 1)");
    auto tampered = forensic_run(args);
    INFO(tampered.err);
    CHECK(tampered.exit_code == clean.exit_code);
    CHECK(tampered.err.find("warning: snapshot 4 (") != std::string::npos);
    CHECK(tampered.err.find("no longer matches its seal") != std::string::npos);
    // report, which gives the same verdict, says the same.
    auto report_args = args;
    report_args[0] = "report";
    report_args.push_back("-o");
    report_args.push_back((dir / "r.html").string());
    auto report = forensic_run(report_args);
    INFO(report.err);
    CHECK(report.exit_code == 0);
    CHECK(report.err.find("warning: snapshot 4 (") != std::string::npos);
}

TEST_CASE("a host's first snapshot, sealed from its input, seals exactly what the store then holds")
{
    // Everything a seal covers, in orders the writer does not sort by: runs
    // out of name order, facts out of subject and key order, a failed and a
    // skipped run (their facts are not stored), a run in error, observed
    // subjects (one with no facts), an additive run, event times, bytes that
    // sort differently signed and unsigned, a NUL inside a value.
    auto first_of = [](const std::string& host, TimeNs at) {
        SnapshotInput s{host, at, at + 7, "test", {}, SnapshotKind::watch};
        s.collectors.push_back({"swarm", CollectorStatus::ok, {}, {
            {"svc/web", "label:chaos-version", "7ae7b0f7", {}},
            {"svc/db", "image", "postgres:16", at - 5},
            {"svc/web", "image", "app:2", {}},
            {"svc/\xc3\xa9t\xc3\xa9", "image", std::string("x\0y", 3), {}},
            {"svc/Zed", "error", "inspect failed", {}},
        }, Coverage::subjects, {"svc/Zed", "svc/db", "svc/gone", "svc/web", "svc/\xc3\xa9t\xc3\xa9"}});
        s.collectors.push_back({"nix", CollectorStatus::failed, "no profile", {{"generation/1", "store_path", "/x", {}}}});
        s.collectors.push_back({"abra", CollectorStatus::skipped, {}, {}});
        s.collectors.push_back({"swarm-events", CollectorStatus::ok, {}, {
            {"event/2", "action", "rollback", at - 1},
            {"event/10", "action", "update", at - 2},
        }, Coverage::additive});
        s.collectors.push_back({"recipes", CollectorStatus::ok, {}, {
            {"r/b", "head", "v2", {}}, {"r/a", "tag:1.0", "c0ffee", at - 100}, {"r/a", "head", "v1", {}},
        }});
        return s;
    };
    TempDir dir;
    store::Store db(dir / "first.db", store::Store::Access::write);
    // Two hosts: the second's keys already exist (fact_key is shared), its intervals do not.
    for (const auto& host : {std::string("cc-ci"), std::string("other-ci")}) {
        auto input = first_of(host, june1);
        auto summary = db.write(input);
        auto id = summary.snapshot.id;
        CAPTURE(host);
        auto stored = store::stored_seal(db.database(), id);
        REQUIRE(stored);
        auto from_store = store::hex(store::content_digest(db.database(), id));
        CHECK(stored->content == from_store);
        CHECK(store::hex(store::first_snapshot_digest(input, summary.snapshot.status)) == from_store);
    }
    // And the next snapshot of a host is sealed from the store, chained to the first.
    db.write(first_of("cc-ci", june1 + ns_per_day));
    auto report = store::verify(db);
    for (const auto& p : report.problems) MESSAGE(p);
    CHECK(report.ok());
    CHECK(report.heads.size() == 2);
}
