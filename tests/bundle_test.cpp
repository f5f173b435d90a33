// Portable bundles: export → import round trips, idempotence, out-of-order
// import, and clear errors on malformed input.
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_rules.hpp"
#include "libforensic/store/maintenance.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <random>

using namespace forensic;
using forensic::test::TempDir;

namespace {

const TimeNs june1 = *parse_rfc3339("2026-06-01T06:00:00Z");

std::vector<SnapshotInput> history()
{
    std::vector<SnapshotInput> out;
    for (int i = 0; i < 6; ++i) {
        SnapshotInput s{"cc-ci", june1 + i * ns_per_day, june1 + i * ns_per_day + 5 * ns_per_second, "0.1.0", {}, {}};
        CollectorRun nix{"nix", CollectorStatus::ok, {}, {}};
        for (int g = 1; g <= 2 + i; ++g)
            nix.facts.push_back({"generation/" + std::to_string(g), "created", "t" + std::to_string(g),
                                 june1 + g * ns_per_second});
        s.collectors.push_back(nix);
        if (i == 3)
            s.collectors.push_back({"swarm", CollectorStatus::failed, "Cannot connect to the Docker daemon", {}});
        else
            s.collectors.push_back({"swarm", CollectorStatus::ok, {},
                                    {{"app", "stamp.commit", i < 4 ? "7ae7b0f7" : "eb96de94", {}},
                                     {"app", "label", "caf\xc3\xa9 \"quoted\"\nline", {}}}});
        out.push_back(s);
    }
    return out;
}

std::string dump_all(store::Store& db)
{
    std::string out;
    for (const auto& s : db.snapshots()) out += bundle::to_json(bundle::snapshot_as_input(db, s)).dump() + "\n";
    return out;
}

} // namespace

TEST_CASE("export then import, in any order, gives identical state")
{
    TempDir dir;
    store::Store original(dir / "a.db", store::Store::Access::write);
    for (const auto& s : history()) original.write(s);
    std::vector<std::filesystem::path> files;
    for (const auto& s : original.snapshots()) {
        auto file = dir / ("s" + std::to_string(s.id) + ".json");
        std::ofstream(file) << bundle::to_json(bundle::snapshot_as_input(original, s)).dump(1);
        files.push_back(file);
    }
    std::mt19937 rng(7);
    std::shuffle(files.begin(), files.end(), rng);
    store::Store copy(dir / "b.db", store::Store::Access::write);
    for (const auto& f : files) {
        auto result = bundle::import_snapshot(copy, bundle::read_bundle_file(f), f.string());
        CHECK(result.outcome == bundle::ImportOutcome::imported);
    }
    CHECK(dump_all(copy) == dump_all(original));
}

TEST_CASE("importing the same bundle twice changes nothing")
{
    TempDir dir;
    store::Store db(dir / "a.db", store::Store::Access::write);
    auto input = history()[0];
    auto first = bundle::import_snapshot(db, input, "x.json");
    auto second = bundle::import_snapshot(db, input, "x.json");
    CHECK(first.outcome == bundle::ImportOutcome::imported);
    CHECK(second.outcome == bundle::ImportOutcome::already_present);
    CHECK(second.snapshot.id == first.snapshot.id);
    CHECK(db.snapshots().size() == 1);
}

TEST_CASE("a different bundle for the same host and time is refused")
{
    TempDir dir;
    store::Store db(dir / "a.db", store::Store::Access::write);
    auto input = history()[0];
    bundle::import_snapshot(db, input, "a.json");
    input.collectors[0].facts[0].value = "changed";
    try {
        bundle::import_snapshot(db, input, "b.json");
        FAIL("accepted a conflicting bundle");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("b.json") != std::string::npos);
        CHECK(std::string(e.what()).find("already has a different snapshot") != std::string::npos);
    }
}

TEST_CASE("malformed bundles are refused naming the file and what is wrong")
{
    TempDir dir;
    auto check = [&](const std::string& text, const std::string& expected) {
        auto file = dir / "bad.json";
        std::ofstream(file) << text;
        try {
            bundle::read_bundle_file(file);
            FAIL("accepted " << text);
        } catch (const InputError& e) {
            std::string message = e.what();
            INFO(message);
            CHECK(message.find("bad.json") != std::string::npos);
            CHECK(message.find(expected) != std::string::npos);
        }
    };
    check("{\"format\": \"forensic-bundle\", ", "malformed JSON at line 1, column 30");
    check("[]", "expected a JSON object");
    check("{\"format\": \"other\"}", "not a forensic bundle");
    check(R"({"format":"forensic-bundle","version":99})", "newer than this forensic reads");
    check(R"({"format":"forensic-bundle","version":1,"host":"h","taken_at":"yesterday"})", "not an RFC 3339 time");
    check(R"({"format":"forensic-bundle","version":1,"host":"h","taken_at":"2026-06-01T00:00:00Z",
              "finished_at":"2026-06-01T00:00:00Z","tool_version":"x",
              "collectors":[{"name":"nix","status":"ok","facts":[{"subject":"a","key":"b","value":3}]}]})",
          "collectors[0].facts[0].value: expected a string");
    check(R"({"format":"forensic-bundle","version":1,"host":"h","taken_at":"2026-06-01T00:00:00Z",
              "finished_at":"2026-06-01T00:00:00Z","tool_version":"x",
              "collectors":[{"name":"nix","status":"maybe","facts":[]}]})",
          "collectors[0].status");
    // Repeats used to reach the store, which refused them with a store error
    // naming neither the file nor where (fuzz/bundle_fuzz.cpp holds to this).
    check(R"({"format":"forensic-bundle","version":1,"host":"h","taken_at":"2026-06-01T00:00:00Z",
              "finished_at":"2026-06-01T00:00:00Z","tool_version":"x",
              "collectors":[{"name":"nix","status":"ok","facts":[]},{"name":"nix","status":"failed","facts":[]}]})",
          "collectors: collector 'nix' appears twice");
    check(R"({"format":"forensic-bundle","version":1,"host":"h","taken_at":"2026-06-01T00:00:00Z",
              "finished_at":"2026-06-01T00:00:00Z","tool_version":"x",
              "collectors":[{"name":"nix","status":"ok","facts":[{"subject":"a","key":"b","value":"1"},
                                                                 {"subject":"a","key":"b","value":"2"}]}]})",
          "collector 'nix': fact a b appears twice");
    check("{\"format\": \"forensic-bundle\", \"host\": \"\xff\"}", "not UTF-8 text, so not a bundle");
    CHECK_THROWS_AS(bundle::read_bundle_file(dir / "missing.json"), InputError);
}

TEST_CASE("import applies verify's rules before it writes: no collectors, facts of a failed run, finished before taken")
{
    TempDir dir;
    store::Store db(dir / "a.db", store::Store::Access::write);
    auto refused = [&](SnapshotInput input, const std::string& expected) {
        try {
            bundle::import_snapshot(db, input, "x.json");
            FAIL("imported a bundle that breaks a rule: " << expected);
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).starts_with("x.json: "));
            CHECK(std::string(e.what()).find(expected) != std::string::npos);
        }
        CHECK(db.snapshots().empty()); // nothing written
    };
    auto input = history()[0];
    auto none = input;
    none.collectors.clear();
    refused(none, "has no collector statuses");
    auto failed_with_facts = input;
    failed_with_facts.collectors[0].status = CollectorStatus::failed;
    failed_with_facts.collectors[0].error = "down";
    refused(failed_with_facts, "is failed but carries");
    auto backwards = input;
    backwards.finished_at = backwards.taken_at - 1;
    refused(backwards, "is before taken_at");
    CHECK(store::verify(db).ok());
}

TEST_CASE("a bundle with a failed collector imported twice changes nothing the second time")
{
    TempDir dir;
    store::Store db(dir / "a.db", store::Store::Access::write);
    auto all = history();
    auto input = all[1];
    input.collectors[0].status = CollectorStatus::failed;
    input.collectors[0].error = "docker down";
    input.collectors[0].facts.clear();
    bundle::import_snapshot(db, all[0], "0.json");
    bundle::import_snapshot(db, all[2], "2.json");
    auto first = bundle::import_snapshot(db, input, "1.json"); // spliced between the two
    auto head = store::verify(db).heads.at(0).chain;
    auto second = bundle::import_snapshot(db, input, "1.json");
    CHECK(first.outcome == bundle::ImportOutcome::imported);
    CHECK(second.outcome == bundle::ImportOutcome::already_present);
    CHECK(store::verify(db).ok());
    CHECK(store::verify(db).heads.at(0).chain == head);
    // As exported, then imported again: the same.
    auto exported = bundle::snapshot_as_input(db, first.snapshot);
    CHECK(bundle::import_snapshot(db, exported, "1-again.json").outcome == bundle::ImportOutcome::already_present);
}

TEST_CASE("a bundle dated after the importing clock is imported with a warning; an older one spliced in is not warned of")
{
    TempDir dir;
    store::Store db(dir / "a.db", store::Store::Access::write);
    auto all = history();
    auto now = all[1].taken_at;
    CHECK(bundle::import_snapshot(db, all[0], "0.json", now).warnings.empty());
    auto future = all[2];
    future.taken_at = *parse_rfc3339("2100-01-01T00:00:00Z");
    future.finished_at = future.taken_at + 1;
    auto result = bundle::import_snapshot(db, future, "2100.json", now);
    CHECK(result.outcome == bundle::ImportOutcome::imported);
    REQUIRE(result.warnings.size() == 1);
    CHECK(result.warnings[0].find("2100.json: dated 2100-01-01T00:00:00Z, after this machine's clock") != std::string::npos);
    // An older nightly between the two: normal, no word.
    CHECK(bundle::import_snapshot(db, all[1], "1.json", now).warnings.empty());
    // Within the margin of the clock: no word either (skew between hosts).
    auto skewed = all[3];
    skewed.taken_at = now + bundle::future_margin / 2;
    skewed.finished_at = skewed.taken_at + 1;
    CHECK(bundle::import_snapshot(db, skewed, "skew.json", now).warnings.empty());
}

TEST_CASE("forensic import warns on stderr of a bundle dated 2100 and still imports it, exit 0")
{
    TempDir dir;
    auto input = history()[0];
    input.taken_at = *parse_rfc3339("2100-01-01T00:00:00Z");
    input.finished_at = input.taken_at + 1;
    auto file = dir / "b.json";
    std::ofstream(file) << bundle::to_json(input).dump();
    auto db = (dir / "a.db").string();
    auto r = forensic::test::forensic_run({"import", "--db", db, file.string()});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("warning: " + file.string() + ": dated 2100-01-01T00:00:00Z") != std::string::npos);
    CHECK(r.out.find("imported ") != std::string::npos);
}
