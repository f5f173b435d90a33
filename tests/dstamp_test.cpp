// The embedded dstamp case (snapshots/dstamp): its bundles give the timeline,
// verdict and blast radius the README promises, and generate.py rebuilds
// them byte for byte, so the demo can never silently rot.
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/analyze/blast_radius.hpp"
#include "libforensic/analyze/timeline.hpp"
#include "libforensic/bundle/bundle.hpp"

#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace forensic;
namespace fs = std::filesystem;

namespace {

fs::path case_dir()
{
    return fs::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "snapshots/dstamp";
}

std::vector<fs::path> bundles(const fs::path& dir)
{
    std::vector<fs::path> out;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".json") out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

struct CaseStore {
    forensic::test::TempDir dir;
    store::Store db{dir / "dstamp.db", store::Store::Access::write};
    CaseStore()
    {
        for (const auto& file : bundles(case_dir()))
            bundle::import_snapshot(db, bundle::read_bundle_file(file), file.string());
    }
};

std::string slurp(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("the dstamp bundles import into ten snapshots of cc-ci")
{
    CaseStore c;
    auto snapshots = c.db.snapshots();
    REQUIRE(snapshots.size() == 10);
    CHECK(snapshots.front().host == "cc-ci");
    CHECK(format_rfc3339(snapshots.front().taken_at) == "2026-06-05T03:00:00Z");
}

TEST_CASE("the 06-05 → 06-10 timeline shows the re-checkout, the rollback and HC1, and no abra or ref change")
{
    CaseStore c;
    analyze::TimelineOptions o;
    o.from = parse_time_argument("2026-06-05", "--from");
    o.to = parse_time_argument("2026-06-10", "--to", true);
    o.recipe = "discourse";
    auto t = analyze::build_timeline(c.db, o);
    auto has = [&](const std::string& source, const std::string& key, const std::string& after,
                   std::optional<std::string> before = {}) {
        return std::any_of(t.events.begin(), t.events.end(), [&](const analyze::TimelineEvent& e) {
            return e.source == source && e.key == key && e.after.value_or("") == after &&
                   (!before || e.before.value_or("") == *before);
        });
    };
    CHECK(has("recipes", "reflog:2026-06-10T05:45:00Z#0",
              "771a611f49dad8e307da3bf454ea1098d6b2e104 aa3005d39d73fae86ea8998488753074bd4f965c checkout: moving "
              "from 771a611f49dad8e307da3bf454ea1098d6b2e104 to aa3005d39d73fae86ea8998488753074bd4f965c"));
    CHECK(has("swarm", "stamp.chaos_version", "aa3005d3+U"));                      // the update in flight
    CHECK(has("swarm", "stamp.chaos_version", "771a611f+U", "aa3005d3+U"));        // and back
    CHECK(has("swarm", "update_status.state", "rollback_completed", "updating"));
    CHECK(has("swarm", "update_status.completed_at", "2026-06-10T05:50:12.390118227Z"));
    CHECK(has("runs", "hc1.observed", "771a611f+U"));
    CHECK(has("recipes", "worktree.untracked_paths", "compose.ccci.yml"));
    for (const auto& e : t.events) {
        INFO(e.source << " " << e.subject << " " << e.key);
        // New generations carried the same abra: none of their abra facts is stamp-relevant.
        if (e.source == "nix" && e.subject.starts_with("generation/") && e.key.starts_with("abra.")) CHECK_FALSE(e.stamp_relevant);
        CHECK_FALSE((e.source == "recipes" && e.key.starts_with("tag:")));
        CHECK(e.source != "mirrors");
    }
}

TEST_CASE("discourse's wrong stamp is a swarm rollback; abra, refs and checkout refuted; +U not causal")
{
    CaseStore c;
    analyze::AttributeOptions o;
    o.recipe = "discourse";
    o.run = "m2p-discourse";
    auto a = analyze::attribute(c.db, o);
    CHECK(a.verdict == "swarm-rollback");
    CHECK(a.observed == "771a611f+U");
    CHECK(a.expected == "aa3005d39d73");
    std::map<std::string, analyze::HypothesisStatus> status;
    for (const auto& h : a.hypotheses) status[h.id] = h.status;
    CHECK(status.at("swarm-rollback") == analyze::HypothesisStatus::supported);
    CHECK(status.at("manual-rollback") == analyze::HypothesisStatus::refuted); // PreviousSpec dropped
    CHECK(status.at("abra-changed") == analyze::HypothesisStatus::refuted);
    CHECK(status.at("ref-moved") == analyze::HypothesisStatus::refuted);
    CHECK(status.at("checkout-mismatch") == analyze::HypothesisStatus::refuted);
    CHECK(status.at("untracked-files") == analyze::HypothesisStatus::refuted);
    for (const auto& h : a.hypotheses)
        if (h.id == "untracked-files") {
            CHECK(h.summary.find("compose.ccci.yml") != std::string::npos);
            CHECK(h.summary.find("not causal") != std::string::npos);
        }
    CHECK(a.observed_is.find("tag 0.7.0+3.3.1") != std::string::npos);
    CHECK(a.observed_is.find("the upgrade base") != std::string::npos);
    // The A/B run on the old harness: no one captured its services, so the
    // rollback has no positive evidence and is not guessed from the stamp;
    // and without the deploy's time, a checkout that moved during the run
    // decides nothing. Each says what would have recorded it.
    o.run = "ab-discourse-7ae7b0f-oldmain";
    auto ab = analyze::attribute(c.db, o);
    CHECK(ab.verdict == "unexplained");
    const std::set<std::string> uncaptured = {"swarm-rollback", "manual-rollback", "redeploy", "checkout-mismatch"};
    for (const auto& h : ab.hypotheses) {
        INFO(h.id << ": " << h.summary);
        CHECK(h.status == (uncaptured.contains(h.id) ? analyze::HypothesisStatus::inconclusive
                                                      : analyze::HypothesisStatus::refuted));
        if (uncaptured.contains(h.id)) CHECK(h.missing.find("forensic watch") != std::string::npos);
    }
}

TEST_CASE("blast radius: discourse affected before the fix, n8n and keycloak exposed; discourse only exposed after")
{
    CaseStore c;
    auto statuses = [&](std::optional<std::string> as_of) {
        analyze::BlastOptions o;
        o.recipes = {"discourse", "n8n", "keycloak"};
        o.as_of = as_of;
        std::map<std::string, std::string> out;
        for (const auto& r : analyze::blast_radius(c.db, o).rows) out[r.recipe] = to_string(r.status);
        return out;
    };
    CHECK(statuses("2026-06-11T12:00:00Z") ==
          std::map<std::string, std::string>{{"discourse", "affected"}, {"keycloak", "exposed"}, {"n8n", "exposed"}});
    // After the fix (stop-first, failure_action: rollback kept), the upgrade passed
    // and Swarm may still roll discourse back silently: exposed, not clean.
    CHECK(statuses(std::nullopt) ==
          std::map<std::string, std::string>{{"discourse", "exposed"}, {"keycloak", "exposed"}, {"n8n", "exposed"}});
}

TEST_CASE("generate.py rebuilds the committed bundles byte for byte")
{
    forensic::test::TempDir out;
    auto script = (case_dir() / "generate.py").string();
    auto r = forensic::test::run_process({"python3", script, forensic::test::forensic_binary(), out.path().string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto committed = bundles(case_dir()), rebuilt = bundles(out.path());
    REQUIRE(committed.size() == rebuilt.size());
    for (std::size_t i = 0; i < committed.size(); ++i) {
        INFO(committed[i].filename().string() << " (regenerate: python3 snapshots/dstamp/generate.py)");
        CHECK(committed[i].filename() == rebuilt[i].filename());
        CHECK(slurp(committed[i]) == slurp(rebuilt[i]));
    }
}

// ---- The nightly-only variant (snapshots/dstamp-nightly) ----

namespace {

fs::path variant_dir()
{
    return fs::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "snapshots/dstamp-nightly";
}

analyze::Attribution attribute_variant(const std::vector<fs::path>& files)
{
    forensic::test::TempDir dir;
    store::Store db{dir / "v.db", store::Store::Access::write};
    for (const auto& file : files) bundle::import_snapshot(db, bundle::read_bundle_file(file), file.string());
    analyze::AttributeOptions o;
    o.recipe = "discourse";
    o.run = "m2p-discourse";
    return analyze::attribute(db, o);
}

std::string status_of(const analyze::Attribution& a, const std::string& id)
{
    for (const auto& h : a.hypotheses)
        if (h.id == id) return to_string(h.status);
    return "missing";
}

} // namespace

TEST_CASE("the nightly timer alone cannot see the run's rollback; its watch records or the next night's backfill can")
{
    auto nightly = bundles(variant_dir() / "nightly");
    REQUIRE(nightly.size() == 6);
    auto alone = attribute_variant(nightly);
    CHECK(alone.verdict == "unexplained");
    CHECK(status_of(alone, "swarm-rollback") == "inconclusive");

    auto with_watch = nightly;
    for (const auto& f : bundles(variant_dir() / "watch")) with_watch.push_back(f);
    auto watched = attribute_variant(with_watch);
    CHECK(watched.verdict == "swarm-rollback");
    CHECK(status_of(watched, "manual-rollback") == "refuted"); // the watch saw PreviousSpec dropped
    bool in_flight = false;
    for (const auto& h : watched.hypotheses)
        for (const auto& e : h.evidence)
            in_flight = in_flight || (e.key == "previous_stamp.chaos_version" && e.value == "771a611f+U");
    CHECK(in_flight);

    std::vector<fs::path> with_backfill;
    for (const auto& f : nightly)
        if (f.filename().string().find("2026-06-11T030000Z") == std::string::npos) with_backfill.push_back(f);
    for (const auto& f : bundles(variant_dir() / "backfill")) with_backfill.push_back(f);
    auto backfilled = attribute_variant(with_backfill);
    CHECK(backfilled.verdict == "swarm-rollback");
    // From events alone: what they do not show is said.
    for (const auto& h : backfilled.hypotheses)
        if (h.id == "swarm-rollback") CHECK(h.summary.find("events carry no labels") != std::string::npos);
}

TEST_CASE("the nightly-only variant's generate.py (the real forensic watch against a replay) rebuilds its bundles byte "
          "for byte")
{
    forensic::test::TempDir out;
    auto script = (variant_dir() / "generate.py").string();
    auto r = forensic::test::run_process({"python3", script, forensic::test::forensic_binary(), out.path().string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    for (const char* part : {"nightly", "watch", "backfill"}) {
        auto committed = bundles(variant_dir() / part), rebuilt = bundles(out.path() / part);
        REQUIRE(committed.size() == rebuilt.size());
        for (std::size_t i = 0; i < committed.size(); ++i) {
            INFO(part << "/" << committed[i].filename().string()
                      << " (regenerate: python3 snapshots/dstamp-nightly/generate.py)");
            CHECK(committed[i].filename() == rebuilt[i].filename());
            CHECK(slurp(committed[i]) == slurp(rebuilt[i]));
        }
    }
}
