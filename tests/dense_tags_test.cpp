// One fact per git tag (model/tag_fact.hpp): its value format, the joining of
// legacy tag facts on import, and the migration of a schema-7 store — whose
// result must be what writing the joined facts night by night gives.
#include "support/temp_dir.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_reader.hpp"
#include "libforensic/bundle/bundle_seal.hpp"
#include "libforensic/model/legacy_tag.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/store/maintenance.hpp"
#include "libforensic/store/schema.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/store.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <tuple>

using namespace forensic;
using forensic::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string C1 = "1111111111111111111111111111111111111111", C2 = "2222222222222222222222222222222222222222";
const std::string O1 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", O2 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const TimeNs june1 = *parse_rfc3339("2026-06-01T03:00:00Z");

// A tag as git has it on one night.
struct GitTag {
    std::string commit;
    std::optional<std::string> object; // annotated
    std::optional<TimeNs> tagger;
};

// The facts a forensic of schema 7 wrote for these tags, in a checkout or on a mirror.
std::vector<Fact> legacy_facts(const std::string& source, const std::map<std::string, GitTag>& tags)
{
    std::vector<Fact> out;
    for (const auto& [name, tag] : tags) {
        out.push_back({"r", "tag:" + name, tag.commit, {}});
        if (source == "mirrors") {
            if (tag.object) out.push_back({"r", "tag:" + name + ":object", *tag.object, {}});
            continue;
        }
        out.push_back({"r", "tag:" + name + ":annotated", tag.object ? "true" : "false", {}});
        if (tag.object) out.push_back({"r", "tag:" + name + ":object", *tag.object, {}});
        if (tag.object && tag.tagger) out.push_back({"r", "tag:" + name + ":tagger_date", format_rfc3339(*tag.tagger), tag.tagger});
        if (name.find('+') != std::string::npos) out.push_back({"r", "release:" + name, tag.commit, {}});
    }
    out.push_back({"r", "head.commit", tags.empty() ? C1 : tags.begin()->second.commit, {}});
    std::sort(out.begin(), out.end(), [](const Fact& a, const Fact& b) { return a.key < b.key; });
    return out;
}

// Writes `nights` as a schema-7 forensic stored them: plain intervals, one per
// value, closed when the value changed or went; then sealed as 7 sealed.
void write_schema7(const fs::path& file, const std::vector<std::map<std::string, std::vector<Fact>>>& nights)
{
    sql::Database db(file, sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
    store::migrate(db, 7);
    db.exec("INSERT INTO host (id, name) VALUES (1, 'ci')");
    std::map<std::tuple<std::string, std::string, std::string>, long long> keys;
    struct Open {
        long long row;
        std::string value;
        std::optional<TimeNs> event;
    };
    std::map<long long, Open> open; // by key id
    sql::Statement key_insert(db, "INSERT INTO fact_key (source, subject, key) VALUES (?, ?, ?)");
    sql::Statement fact_insert(db, "INSERT INTO fact (host_id, key_id, value, event_time, valid_from) VALUES (1, ?, ?, ?, ?)");
    sql::Statement close(db, "UPDATE fact SET valid_to = ? WHERE id = ?");
    for (std::size_t n = 0; n < nights.size(); ++n) {
        auto at = june1 + static_cast<TimeNs>(n) * ns_per_day;
        db.exec("INSERT INTO snapshot (id, host_id, taken_at, finished_at, tool_version, status, kind) VALUES (" +
                std::to_string(n + 1) + ", 1, " + std::to_string(at) + ", " + std::to_string(at + 1) + ", 'old', 'ok', 'snapshot')");
        std::set<long long> seen;
        for (const auto& [source, facts] : nights[n]) {
            db.exec("INSERT INTO collector_run (snapshot_id, collector, status) VALUES (" + std::to_string(n + 1) + ", '" +
                    source + "', 'ok')");
            for (const auto& f : facts) {
                auto k = keys.find({source, f.subject, f.key});
                if (k == keys.end()) {
                    key_insert.bind(source).bind(f.subject).bind(f.key).run();
                    k = keys.emplace(std::tuple{source, f.subject, f.key}, db.last_insert_id()).first;
                }
                seen.insert(k->second);
                auto o = open.find(k->second);
                if (o != open.end() && o->second.value == f.value && o->second.event == f.event_time) continue;
                if (o != open.end()) close.bind(at).bind(o->second.row).run();
                fact_insert.bind(k->second).bind(f.value).bind(f.event_time).bind(at).run();
                open[k->second] = Open{db.last_insert_id(), f.value, f.event_time};
            }
        }
        for (auto it = open.begin(); it != open.end();)
            if (!seen.contains(it->first)) {
                close.bind(at).bind(it->second.row).run();
                it = open.erase(it);
            } else {
                ++it;
            }
    }
    store::seal_snapshots(db);
}

// Every interval, as text, in one order.
std::vector<std::string> intervals(store::Store& s)
{
    std::vector<std::string> out;
    sql::Statement q(s.database(), "SELECT k.source, k.subject, k.key, f.value, coalesce(f.event_time, '-'), f.valid_from, "
                                   "coalesce(f.valid_to, '-') FROM fact f JOIN fact_key k ON k.id = f.key_id "
                                   "ORDER BY 1, 2, 3, 6");
    while (q.step())
        out.push_back(q.column_text(0) + " " + q.column_text(1) + " " + q.column_text(2) + " = " + q.column_text(3) +
                      " @" + q.column_text(4) + " [" + q.column_text(5) + ", " + q.column_text(6) + ")");
    return out;
}

} // namespace

TEST_CASE("a tag's value holds its commit, object, tagger date and release, and reads back")
{
    auto tagger = *parse_rfc3339("2026-05-20T11:15:00Z");
    TagFact annotated{C1, O1, tagger, true};
    CHECK(checkout_tag_value(annotated) == C1 + " " + O1 + " 2026-05-20T11:15:00Z release");
    CHECK(mirror_tag_value(annotated) == C1 + " " + O1);
    CHECK(checkout_tag_value({C2, {}, {}, false}) == C2 + " - - -");
    auto back = parse_tag_value(checkout_tag_value(annotated));
    REQUIRE(back);
    CHECK(back->peeled == C1);
    CHECK(back->object == O1);
    CHECK(back->tagger_time == tagger);
    CHECK(back->release);
    CHECK(parse_tag_value(C2 + " -")->object == std::nullopt);
    CHECK(tag_commit(C1 + " - - -") == C1);
    CHECK(tag_commit(C1) == C1);
    // Not a tag value: readers then treat the tag as unknown.
    for (const auto& bad : {C1, C1 + " ", std::string("xyz -"), C1 + " - yesterday -", C1 + " - - maybe", C1 + " " + O1 + " -"})
        CHECK_FALSE(parse_tag_value(bad));
    CHECK(tag_name_of_key("tag:0.7.0+3.3.1") == "0.7.0+3.3.1");
    CHECK_FALSE(tag_name_of_key("tag:0.7.0+3.3.1:object"));
    CHECK_FALSE(tag_name_of_key("branch:main"));
}

TEST_CASE("legacy tag facts become one fact a tag, and nothing else changes")
{
    auto tagger = *parse_rfc3339("2026-05-20T11:15:00Z");
    std::map<std::string, GitTag> tags = {{"0.7.0+3.3.1", {C1, O1, tagger}}, {"ci-mark", {C2, {}, {}}}};
    auto checkout = with_dense_tags("recipes", legacy_facts("recipes", tags));
    CHECK(checkout == std::vector<Fact>{{"r", "head.commit", C1, {}},
                                        {"r", "tag:0.7.0+3.3.1", C1 + " " + O1 + " 2026-05-20T11:15:00Z release", tagger},
                                        {"r", "tag:ci-mark", C2 + " - - -", {}}});
    auto mirror = with_dense_tags("mirrors", legacy_facts("mirrors", tags));
    CHECK(mirror == std::vector<Fact>{{"r", "head.commit", C1, {}},
                                      {"r", "tag:0.7.0+3.3.1", C1 + " " + O1, {}},
                                      {"r", "tag:ci-mark", C2 + " -", {}}});
    // Already joined: unchanged; another source: unchanged; a part without its tag: kept.
    CHECK(with_dense_tags("recipes", checkout) == checkout);
    CHECK_FALSE(has_legacy_tags("recipes", checkout));
    std::vector<Fact> swarm = {{"svc", "tag:1", C1, {}}};
    CHECK(with_dense_tags("swarm", swarm) == swarm);
    std::vector<Fact> orphan = {{"r", "release:0.1.0+1", C1, {}}};
    CHECK(with_dense_tags("recipes", orphan) == orphan);
}

TEST_CASE("the embedded case's bundles as recorded before tags were one fact import to the same store as today's")
{
    auto source = fs::path(std::getenv("FORENSIC_SOURCE_ROOT"));
    TempDir dir;
    store::Store legacy(dir / "legacy.db", store::Store::Access::write), today(dir / "today.db", store::Store::Access::write);
    int imported = 0;
    for (const auto& e : fs::directory_iterator(source / "tests/data/legacy-bundles")) {
        bundle::import_snapshot(legacy, bundle::read_bundle_file(e.path()), e.path().string());
        auto now = source / "snapshots/dstamp" / e.path().filename();
        bundle::import_snapshot(today, bundle::read_bundle_file(now), now.string());
        ++imported;
    }
    CHECK(imported == 10);
    auto a = intervals(legacy), b = intervals(today);
    CHECK(a.size() == b.size());
    CHECK(a == b);
    int tags = 0;
    for (const auto& line : a) tags += line.find(" tag:") != std::string::npos;
    CHECK(tags > 10);
    for (const auto& line : a) CHECK(line.find(":object") == std::string::npos);
    // And a legacy bundle reads again as today's: importing it twice is "already present".
    auto first = source / "tests/data/legacy-bundles/01-2026-06-05T030000Z.json";
    CHECK(bundle::import_snapshot(today, bundle::read_bundle_file(first), first.string()).outcome ==
          bundle::ImportOutcome::already_present);
}

TEST_CASE("migrating a schema-7 store joins each tag's histories into what writing the joined facts gives")
{
    for (unsigned seed = 1; seed <= 12; ++seed) {
        CAPTURE(seed);
        std::mt19937 random(seed);
        auto chance = [&](int percent) { return static_cast<int>(random() % 100) < percent; };
        // Tags appear, move, become annotated or lightweight, are re-tagged at
        // the same commit (a new object and tagger date) and are deleted.
        std::map<std::string, GitTag> tags;
        const std::vector<std::string> names = {"0.1.0+1", "0.2.0+1", "ci-mark", "1.0.0+2.0", "v2"};
        const std::vector<std::string> commits = {C1, C2, "3333333333333333333333333333333333333333"};
        const std::vector<std::string> objects = {O1, O2, "cccccccccccccccccccccccccccccccccccccccc"};
        std::vector<std::map<std::string, std::vector<Fact>>> legacy;
        for (int night = 0; night < 20; ++night) {
            for (const auto& name : names) {
                if (!chance(35)) continue;
                if (tags.contains(name) && chance(30)) {
                    tags.erase(name);
                    continue;
                }
                GitTag t{commits[random() % commits.size()], {}, {}};
                if (chance(60)) {
                    t.object = objects[random() % objects.size()];
                    if (chance(80)) t.tagger = june1 - static_cast<TimeNs>(random() % 1000) * ns_per_second;
                }
                tags[name] = t;
            }
            legacy.push_back({{"recipes", legacy_facts("recipes", tags)}, {"mirrors", legacy_facts("mirrors", tags)}});
        }
        TempDir dir;
        write_schema7(dir / "old.db", legacy);
        std::string head_before;
        store::StoredSeal last_seal;
        {
            sql::Database old(dir / "old.db", sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
            last_seal = *store::stored_seal(old, static_cast<long long>(legacy.size()));
            head_before = last_seal.chain;
        }
        store::Store migrated(dir / "old.db", store::Store::Access::write);
        CHECK(migrated.schema_before() == 7);
        store::Store written(dir / "new.db", store::Store::Access::write);
        for (std::size_t n = 0; n < legacy.size(); ++n) {
            SnapshotInput input{"ci", june1 + static_cast<TimeNs>(n) * ns_per_day,
                                june1 + static_cast<TimeNs>(n) * ns_per_day + 1, "old", {}};
            for (const auto& [source, facts] : legacy[n])
                input.collectors.push_back(CollectorRun{source, CollectorStatus::ok, {}, with_dense_tags(source, facts)});
            written.write(input);
        }
        CHECK(intervals(migrated) == intervals(written));
        // The store verifies: digests, invariants and the chain resealed;
        // the head before is kept; no key of the old shape is left.
        auto report = store::verify(migrated);
        CHECK(report.problems == std::vector<std::string>{});
        REQUIRE(report.reseals.size() == 1);
        CHECK(report.reseals[0].old_chain == head_before);
        CHECK(report.reseals[0].snapshot_id == static_cast<long long>(legacy.size()));
        CHECK(report.reseals[0].schema_version == 8);
        sql::Statement left(migrated.database(), "SELECT count(*) FROM fact_key WHERE key GLOB 'release:*' OR key GLOB 'tag:*:*'");
        left.step();
        CHECK(left.column_int(0) == 0);
        // The last night's bundle as schema 7 exported it, sealed: its content
        // still matches the migrated store; its seal, older than the
        // reseal, is not held against it.
        nlohmann::ordered_json doc = {{"format", "forensic-bundle"}, {"version", 3}, {"host", "ci"},
                                      {"taken_at", format_rfc3339(june1 + static_cast<TimeNs>(legacy.size() - 1) * ns_per_day)},
                                      {"finished_at", format_rfc3339(june1 + static_cast<TimeNs>(legacy.size() - 1) * ns_per_day + 1)},
                                      {"tool_version", "old"}, {"collectors", nlohmann::ordered_json::array()}};
        for (const auto& [source, facts] : legacy.back()) {
            auto run = nlohmann::ordered_json{{"name", source}, {"status", "ok"}, {"facts", nlohmann::ordered_json::array()}};
            for (const auto& f : facts) {
                nlohmann::ordered_json fact = {{"subject", f.subject}, {"key", f.key}, {"value", f.value}};
                if (f.event_time) fact["event_time"] = format_rfc3339(*f.event_time);
                run["facts"].push_back(fact);
            }
            doc["collectors"].push_back(run);
        }
        doc["seal"] = {{"content", last_seal.content}, {"chain", last_seal.chain}};
        auto parsed = bundle::parse_bundle(doc.dump(1), "old.json", bundle::NonUtf8::refuse);
        CHECK(parsed.legacy_tags);
        auto check = bundle::check_against_store(migrated, report.recomputed, parsed, "old.json");
        CHECK(check.problems == std::vector<std::string>{});
        REQUIRE(check.notes.size() == 1);
        CHECK(check.notes[0].find("sealed before tags were one fact each") != std::string::npos);
    }
}
