// attribute and blast-radius on histories built for each verdict: the swarm
// rollback of the seed case, a checkout really at another commit (the check
// keeps its teeth), abra changed in a new generation, a tag re-pointed on the
// mirror, and nothing that explains it; then one recipe of each blast status.
#include "support/golden.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/analyze/blast_radius.hpp"
#include "libforensic/analyze/run_history.hpp"
#include "libforensic/analyze/timeline.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/render/attribution_views.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

using namespace forensic;
using forensic::test::TempDir;

namespace {

TimeNs t(const char* text)
{
    return *parse_rfc3339(text);
}

const std::string E = "eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90";       // tag 0.7.0+3.3.1, the upgrade base
const std::string H = "7ae7b0f76efb1122334455667788990011223344";       // the PR head under test
const std::string OTHER = "1111111122222222333333334444444455555555"; // where a re-pointed tag was
const std::string TAG_OBJECT = "0f0e0d0c0b0a09080706050403020100f0e0d0c0"; // the annotated tag object of 0.7.0+3.3.1
const std::string SVC = "disc-ae10f0_ci_commoninternet_net_app";
const std::string ABRA_A = "/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta";
const std::string ABRA_B = "/nix/store/9g2kzqkb3l6yq2y0w1pxf4w6v9n0d8s1-abra-0.14.0";

// One snapshot's facts, per collector, edited case by case.
struct Night {
    const char* at;
    std::map<std::string, std::vector<Fact>> facts;
    void add(const std::string& source, Fact f) { facts[source].push_back(std::move(f)); }
};

struct Case {
    bool abra_changes = false;
    bool tag_repointed_on_mirror = false;
    bool checkout_reaches_head = true;
    bool swarm_rolls_back = true;
};

std::vector<Night> history(const Case& c)
{
    // Nightly snapshots at 03:00 on 06-05 (before the good run), 06:00 on 06-10
    // (the update in flight) and 06-11 (after the rollback).
    std::vector<Night> nights = {{"2026-06-05T03:00:00Z", {}}, {"2026-06-10T06:00:00Z", {}}, {"2026-06-11T06:00:00Z", {}}};
    for (std::size_t i = 0; i < nights.size(); ++i) {
        auto& n = nights[i];
        bool after_deploy = i > 0;
        // nix and abra: generation 10 throughout; 11 from 06-07 (another abra when it changes).
        n.add("nix", {"generation/10", "created", "2026-06-01T06:00:00Z", t("2026-06-01T06:00:00Z")});
        n.add("nix", {"generation/10", "abra.store_path", ABRA_A, t("2026-06-01T06:00:00Z")});
        if (after_deploy) {
            n.add("nix", {"generation/11", "created", "2026-06-07T09:00:00Z", t("2026-06-07T09:00:00Z")});
            n.add("nix", {"generation/11", "abra.store_path", c.abra_changes ? ABRA_B : ABRA_A, t("2026-06-07T09:00:00Z")});
        }
        n.add("abra", {"active", "sha256", after_deploy && c.abra_changes ? "b2" : "a1", {}});
        // The checkout.
        bool at_head = after_deploy && c.checkout_reaches_head;
        n.add("recipes", {"discourse", "head.commit", at_head ? H : E, {}});
        n.add("recipes", {"discourse", "tag:0.7.0+3.3.1",
                          checkout_tag_value({E, TAG_OBJECT, t("2026-05-20T10:00:00Z"), true}), t("2026-05-20T10:00:00Z")});
        n.add("recipes", {"discourse", "describe", at_head ? "0.7.0+3.3.1-9-g7ae7b0f7" : "0.7.0+3.3.1-0-geb96de94", {}});
        n.add("recipes", {"discourse", "worktree.untracked", after_deploy ? "true" : "false", {}});
        if (after_deploy) n.add("recipes", {"discourse", "worktree.untracked_paths", "compose.ccci.yml", {}});
        if (after_deploy)
            n.add("recipes", {"discourse", "reflog:2026-06-10T05:40:00Z#0",
                              c.checkout_reaches_head ? E + " " + H + " checkout: moving from eb96de94 to 7ae7b0f7"
                                                      : E + " " + E + " reset: moving to HEAD",
                              t("2026-06-10T05:40:00Z")});
        // The mirror.
        n.add("mirrors", {"discourse", "tag:0.7.0+3.3.1",
                          mirror_tag_value({c.tag_repointed_on_mirror && !after_deploy ? OTHER : E, TAG_OBJECT, {}, false}),
                          {}});
        // The app service.
        n.add("swarm", {SVC, "recipe", "discourse", {}});
        n.add("swarm", {SVC, "update_config.order", "start-first", {}});
        n.add("swarm", {SVC, "update_config.failure_action", "rollback", {}});
        n.add("swarm", {SVC, "update_config.monitor", "5s", {}});
        std::string stamp = "eb96de94+U", state = "completed";
        std::optional<std::string> previous;
        if (i == 1 && c.swarm_rolls_back) {
            stamp = "7ae7b0f7+U";
            previous = "eb96de94+U";
            state = "updating";
        } else if (i == 2 && c.swarm_rolls_back) {
            state = "rollback_completed";
        }
        n.add("swarm", {SVC, "stamp.chaos_version", stamp, {}});
        n.add("swarm", {SVC, "stamp.commit", stamp.substr(0, 8), {}});
        n.add("swarm", {SVC, "update_status.state", state, {}});
        n.add("swarm", {SVC, "previous_spec.present", previous ? "true" : "false", {}});
        if (previous) {
            n.add("swarm", {SVC, "previous_stamp.chaos_version", *previous, {}});
            n.add("swarm", {SVC, "previous_stamp.commit", previous->substr(0, 8), {}});
        }
        if (after_deploy)
            n.add("swarm", {SVC, "update_status.started_at", "2026-06-10T05:50:00Z", t("2026-06-10T05:50:00Z")});
        if (i == 2 && c.swarm_rolls_back) {
            n.add("swarm", {SVC, "update_status.completed_at", "2026-06-10T06:10:00Z", t("2026-06-10T06:10:00Z")});
            n.add("swarm", {SVC, "update_status.message", "rollback completed", {}});
        }
        // CI runs: 184 passed on 06-05; m2p failed HC1 on 06-10.
        auto run = [&](const std::string& id, const char* started, const char* finished, const char* upgrade) {
            auto fin = t(finished);
            n.add("runs", {"run/" + id, "recipe", "discourse", fin});
            n.add("runs", {"run/" + id, "started", started, t(started)});
            n.add("runs", {"run/" + id, "finished", finished, fin});
            n.add("runs", {"run/" + id, "tier:upgrade", upgrade, fin});
        };
        if (after_deploy) run("184", "2026-06-05T04:00:00Z", "2026-06-05T05:00:00Z", "pass");
        if (i == 2) {
            run("m2p", "2026-06-10T05:30:00Z", "2026-06-10T07:00:00Z", "fail");
            n.add("runs", {"run/m2p", "hc1.observed", "eb96de94+U", t("2026-06-10T07:00:00Z")});
            n.add("runs", {"run/m2p", "hc1.expected", "7ae7b0f76efb", t("2026-06-10T07:00:00Z")});
        }
    }
    return nights;
}

struct CaseStore {
    TempDir dir;
    std::string file = (dir / "case.db").string();
    store::Store db{file, store::Store::Access::write};
    explicit CaseStore(const Case& c)
    {
        for (const auto& night : history(c)) {
            SnapshotInput s{"cc-ci", t(night.at), t(night.at) + ns_per_second, "test", {}, {}};
            for (const auto& [source, facts] : night.facts)
                s.collectors.push_back(CollectorRun{source, CollectorStatus::ok, {}, facts});
            db.write(s);
        }
    }
};

analyze::Attribution attribute_run(store::Store& db, const std::string& run = "m2p")
{
    analyze::AttributeOptions o;
    o.recipe = "discourse";
    o.run = run;
    return analyze::attribute(db, o);
}

std::map<std::string, std::string> statuses(const analyze::Attribution& a)
{
    std::map<std::string, std::string> out;
    for (const auto& h : a.hypotheses) out[h.id] = to_string(h.status);
    return out;
}

const analyze::Hypothesis& hypothesis(const analyze::Attribution& a, const std::string& id)
{
    for (const auto& h : a.hypotheses)
        if (h.id == id) return h;
    throw std::runtime_error("no hypothesis " + id);
}

bool has_evidence(const analyze::Hypothesis& h, const std::string& key, const std::string& value)
{
    for (const auto& e : h.evidence)
        if (e.key == key && e.value == value) return true;
    return false;
}

} // namespace

TEST_CASE("a swarm rollback is attributed, with abra, refs and checkout refuted and +U not causal")
{
    CaseStore c(Case{});
    auto a = attribute_run(c.db);
    CHECK(a.verdict == "swarm-rollback");
    CHECK(a.expected == "7ae7b0f76efb");
    CHECK(a.observed == "eb96de94+U");
    CHECK(a.observed_commit == "eb96de94");
    // A rollback by the updater: not one asked for (PreviousSpec dropped);
    // whether a deploy followed, only a capture after it could say.
    CHECK(statuses(a) == std::map<std::string, std::string>{{"abra-changed", "refuted"},
                                                            {"checkout-mismatch", "refuted"},
                                                            {"manual-rollback", "refuted"},
                                                            {"redeploy", "inconclusive"},
                                                            {"ref-moved", "refuted"},
                                                            {"swarm-rollback", "supported"},
                                                            {"untracked-files", "refuted"}});
    CHECK_FALSE(hypothesis(a, "redeploy").missing.empty());
    const auto& swarm = hypothesis(a, "swarm-rollback");
    CHECK(has_evidence(swarm, "update_status.state", "rollback_completed"));
    CHECK(has_evidence(swarm, "stamp.chaos_version", "7ae7b0f7+U"));           // in flight
    CHECK(has_evidence(swarm, "previous_stamp.chaos_version", "eb96de94+U")); // what it reverted to
    CHECK(has_evidence(swarm, "update_config.order", "start-first"));
    CHECK(a.observed_is.find("tag 0.7.0+3.3.1, a release, the newest release before the expected commit") !=
          std::string::npos);
    CHECK(a.observed_is.find("the upgrade base") != std::string::npos);
    const auto& untracked = hypothesis(a, "untracked-files");
    CHECK(untracked.summary.find("compose.ccci.yml") != std::string::npos);
    CHECK(untracked.summary.find("not causal") != std::string::npos);
    CHECK(untracked.summary.find("had none") != std::string::npos);
    REQUIRE(a.window.good);
    CHECK(*a.window.good == t("2026-06-05T05:00:00Z"));
    CHECK(*a.window.bad == t("2026-06-10T07:00:00Z"));
}

TEST_CASE("a checkout really at another commit with no rollback is checkout-mismatch, never swarm-rollback")
{
    Case teeth;
    teeth.checkout_reaches_head = false;
    teeth.swarm_rolls_back = false;
    CaseStore c(teeth);
    auto a = attribute_run(c.db);
    CHECK(a.verdict == "checkout-mismatch");
    CHECK(statuses(a).at("swarm-rollback") == "refuted");
    // HEAD at the deploy (UpdateStatus.StartedAt 05:50) was the stamped commit.
    CHECK(hypothesis(a, "checkout-mismatch").summary.find("eb96de94, the commit the stamp reports at the deploy") !=
          std::string::npos);
    // The stamp being an older release's commit alone is no evidence of a rollback.
    CHECK(a.observed_is.find("tag 0.7.0+3.3.1") != std::string::npos);
}

TEST_CASE("abra changed in a new generation between the good and bad runs")
{
    Case abra;
    abra.abra_changes = true;
    abra.swarm_rolls_back = false;
    CaseStore c(abra);
    auto a = attribute_run(c.db);
    CHECK(a.verdict == "abra-changed");
    const auto& h = hypothesis(a, "abra-changed");
    CHECK(h.status == analyze::HypothesisStatus::supported);
    CHECK(has_evidence(h, "abra.store_path", ABRA_B));
    CHECK(has_evidence(h, "sha256", "b2"));
}

TEST_CASE("a tag re-pointed on the mirror is ref-moved")
{
    Case moved;
    moved.tag_repointed_on_mirror = true;
    moved.swarm_rolls_back = false;
    CaseStore c(moved);
    auto a = attribute_run(c.db);
    CHECK(a.verdict == "ref-moved");
    const auto& h = hypothesis(a, "ref-moved");
    CHECK(has_evidence(h, "tag:0.7.0+3.3.1", OTHER + " " + TAG_OBJECT));
    CHECK(has_evidence(h, "tag:0.7.0+3.3.1", E + " " + TAG_OBJECT));
    CHECK(h.summary.find("mirrors tag 0.7.0+3.3.1") != std::string::npos);
}

TEST_CASE("nothing supported is unexplained")
{
    Case none;
    none.swarm_rolls_back = false;
    CaseStore c(none);
    auto a = attribute_run(c.db);
    CHECK(a.verdict == "unexplained");
    for (const auto& h : a.hypotheses) CHECK(h.status != analyze::HypothesisStatus::supported);
}

TEST_CASE("attribute takes the symptom from arguments or a run, and says what is missing")
{
    CaseStore c(Case{});
    analyze::AttributeOptions o;
    o.recipe = "discourse";
    o.expected = "7ae7b0f76efb";
    o.observed = "eb96de94+U";
    auto by_args = analyze::attribute(c.db, o);
    CHECK(by_args.verdict == "swarm-rollback");
    CHECK(render::attribution_json(by_args) == render::attribution_json(attribute_run(c.db)));
    o.observed.reset();
    CHECK_THROWS_AS(analyze::attribute(c.db, o), UsageError);
    CHECK_THROWS_AS(attribute_run(c.db, "999"), UsageError);
    CHECK_THROWS_AS(attribute_run(c.db, "184"), UsageError); // passed: no HC1 mismatch recorded
    o.observed = "eb96de94+U";
    o.recipe = "n8n";
    CHECK_THROWS_AS(analyze::attribute(c.db, o), UsageError); // no runs to bound the window
    o.good = t("2026-06-05T00:00:00Z");
    o.bad = t("2026-06-10T23:00:00Z");
    CHECK(analyze::attribute(c.db, o).verdict == "unexplained");
}

TEST_CASE("attribute --json is byte-identical across runs and matches its golden file")
{
    CaseStore c(Case{});
    auto first = forensic::test::forensic_run({"attribute", "--db", c.file, "--recipe", "discourse", "--run", "m2p", "--json"});
    auto second = forensic::test::forensic_run({"attribute", "--db", c.file, "--recipe", "discourse", "--run", "m2p", "--json"});
    REQUIRE(first.exit_code == 0);
    CHECK(first.out == second.out);
    forensic::test::check_golden("attribute.json", first.out);
    auto text = forensic::test::forensic_run({"attribute", "--db", c.file, "--recipe", "discourse", "--run", "m2p"});
    forensic::test::check_golden("attribute.txt", text.out);
    auto doc = nlohmann::ordered_json::parse(first.out);
    std::vector<std::string> fields;
    for (const auto& [k, v] : doc.items()) fields.push_back(k);
    CHECK(fields == std::vector<std::string>{"recipe", "expected", "observed", "observed_commit", "observed_is", "verdict",
                                             "verdict_reason", "hypotheses", "window"});
    auto both = forensic::test::forensic_run({"attribute", "--db", c.file, "--recipe", "discourse", "--run", "m2p",
                                              "--observed", "x"});
    CHECK(both.exit_code == 2);
}

// ---- blast radius ----

namespace {

void write_blast_host(store::Store& db)
{
    auto at = t("2026-06-11T06:00:00Z");
    std::vector<Fact> recipes, runs, swarm;
    auto recipe = [&](const std::string& name, const std::string& release_commit) {
        recipes.push_back({name, "head.commit", H, {}});
        recipes.push_back({name, "tag:1.0.0+1", checkout_tag_value({release_commit, {}, {}, true}), {}});
    };
    auto run = [&](const std::string& id, const std::string& name, const char* started, const char* finished,
                   const char* upgrade) {
        runs.push_back({"run/" + id, "recipe", name, t(finished)});
        runs.push_back({"run/" + id, "started", started, t(started)});
        runs.push_back({"run/" + id, "finished", finished, t(finished)});
        runs.push_back({"run/" + id, "tier:upgrade", upgrade, t(finished)});
    };
    // As docker service inspect shows it: after an update that completed, or
    // after the updater's own rollback (rollback_completed, no PreviousSpec,
    // StartedAt of the failed update).
    auto service = [&](const std::string& name, const std::string& recipe_name, const char* action, const char* order,
                       const char* state, const char* started, const std::string& stamp) {
        swarm.push_back({name, "recipe", recipe_name, {}});
        swarm.push_back({name, "stamp.chaos_version", stamp + "+U", {}});
        swarm.push_back({name, "stamp.commit", stamp, {}});
        swarm.push_back({name, "update_config.failure_action", action, {}});
        swarm.push_back({name, "update_config.order", order, {}});
        swarm.push_back({name, "update_status.state", state, {}});
        swarm.push_back({name, "update_status.started_at", started, t(started)});
        swarm.push_back({name, "previous_spec.present", std::string(state) == "completed" ? "true" : "false", {}});
    };
    // discourse: the seed case — HC1 saw the base, the updater rolled back.
    recipe("discourse", E);
    run("m2p", "discourse", "2026-06-10T05:30:00Z", "2026-06-10T07:00:00Z", "fail");
    runs.push_back({"run/m2p", "hc1.observed", "eb96de94+U", t("2026-06-10T07:00:00Z")});
    runs.push_back({"run/m2p", "hc1.expected", "7ae7b0f76efb", t("2026-06-10T07:00:00Z")});
    run("184", "discourse", "2026-06-05T04:00:00Z", "2026-06-05T05:00:00Z", "pass");
    service("discourse_app", "discourse", "rollback", "start-first", "rollback_completed", "2026-06-10T05:50:00Z",
            "eb96de94");
    // mailu: the same look (an older release's commit stamped), no rollback: another failure.
    recipe("mailu", E);
    run("172", "mailu", "2026-06-09T10:00:00Z", "2026-06-09T11:00:00Z", "fail");
    runs.push_back({"run/172", "hc1.observed", "eb96de94+U", t("2026-06-09T11:00:00Z")});
    runs.push_back({"run/172", "hc1.expected", "7ae7b0f76efb", t("2026-06-09T11:00:00Z")});
    service("mailu_app", "mailu", "rollback", "stop-first", "completed", "2026-06-09T10:20:00Z", "eb96de94");
    // lasuite: its upgrade passed, and the updater rolled it back all the same.
    recipe("lasuite", OTHER);
    run("170", "lasuite", "2026-06-09T08:00:00Z", "2026-06-09T09:00:00Z", "pass");
    service("lasuite_app", "lasuite", "rollback", "stop-first", "rollback_completed", "2026-06-09T08:30:00Z", "11111111");
    // n8n: rollback with start-first (the seed's risk); gitea: rollback, stop-first; kuma: pause.
    recipe("n8n", OTHER);
    run("162", "n8n", "2026-06-10T08:00:00Z", "2026-06-10T09:00:00Z", "pass");
    service("n8n_app", "n8n", "rollback", "start-first", "completed", "2026-06-10T08:20:00Z", "22222222");
    recipe("gitea", OTHER);
    run("174", "gitea", "2026-06-10T08:00:00Z", "2026-06-10T09:30:00Z", "pass");
    service("gitea_app", "gitea", "rollback", "stop-first", "completed", "2026-06-10T08:20:00Z", "33333333");
    recipe("kuma", OTHER);
    run("171", "kuma", "2026-06-09T09:30:00Z", "2026-06-09T10:00:00Z", "pass");
    service("kuma_app", "kuma", "pause", "stop-first", "completed", "2026-06-09T09:40:00Z", "44444444");
    recipe("drone", OTHER);
    db.write(SnapshotInput{"cc-ci", at, at + 1, "test",
                           {CollectorRun{"recipes", CollectorStatus::ok, {}, recipes},
                            CollectorRun{"runs", CollectorStatus::ok, {}, runs},
                            CollectorRun{"swarm", CollectorStatus::ok, {}, swarm}},
                           {}});
}

} // namespace

TEST_CASE("blast-radius classifies one recipe of each status, sorted by status then name")
{
    TempDir dir;
    store::Store db(dir / "b.db", store::Store::Access::write);
    write_blast_host(db);
    auto radius = analyze::blast_radius(db, {});
    std::vector<std::string> rows;
    for (const auto& r : radius.rows) rows.push_back(std::string(to_string(r.status)) + " " + r.recipe);
    CHECK(rows == std::vector<std::string>{"affected discourse", "affected lasuite", "exposed gitea", "exposed n8n",
                                           "other-failure mailu", "clean kuma", "no-evidence drone"});
    INFO(radius.rows[0].signature);
    CHECK(radius.rows[0].signature.starts_with("the same cause, in run m2p: Swarm's updater rolled discourse_app back"));
    CHECK(radius.rows[1].signature.find("the run's upgrade passed all the same") != std::string::npos);
    // A stale stamp alone is not the cause: it says why it is another failure.
    CHECK(radius.rows[4].signature.find("older release 1.0.0+1") != std::string::npos);
    CHECK(radius.rows[4].signature.find("no rollback of the app service is established") != std::string::npos);
    // Exposed: any service Swarm may roll back; start-first named where it is set.
    CHECK(radius.rows[2].signature.find("start-first") == std::string::npos);
    CHECK(radius.rows[3].signature.find("Order=start-first raises the risk") != std::string::npos);
    REQUIRE(radius.rows[3].latest);
    CHECK(radius.rows[3].latest->run == "162");

    analyze::BlastOptions only;
    only.recipes = {"kuma", "n8n"};
    CHECK(analyze::blast_radius(db, only).rows.size() == 2);
    analyze::BlastOptions since;
    since.since = t("2026-06-10T08:00:00Z"); // only n8n's and gitea's runs are that recent
    for (const auto& r : analyze::blast_radius(db, since).rows) {
        if (r.recipe == "kuma") CHECK(r.status == analyze::BlastStatus::no_evidence);
        if (r.recipe == "mailu") CHECK(r.status == analyze::BlastStatus::exposed); // its service, whatever the runs
    }

    forensic::test::check_golden("blast-radius.txt", render::blast_radius_text(radius));
    forensic::test::check_golden("blast-radius.json", render::blast_radius_json(radius).dump(2) + "\n");
}

TEST_CASE("blast-radius reads an enrolment file and names a bad line")
{
    TempDir dir;
    auto file = dir / "enrolled";
    std::ofstream(file) << "# enrolled recipes\ndiscourse\n\n  n8n  # the automation one\n";
    CHECK(analyze::read_enrolled(file.string()) == std::vector<std::string>{"discourse", "n8n"});
    std::ofstream(file) << "discourse\nnot a name\n";
    try {
        analyze::read_enrolled(file.string());
        FAIL("accepted a bad line");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("enrolled:2") != std::string::npos);
    }
}

TEST_CASE("services torn down after their run are judged by what was recorded of that run; a newer run supersedes it")
{
    TempDir dir;
    store::Store db(dir / "b.db", store::Store::Access::write);
    write_blast_host(db);
    auto night = [&](const char* at, std::vector<CollectorRun> runs) {
        db.write(SnapshotInput{"cc-ci", t(at), t(at) + 1, "test", std::move(runs)});
    };
    night("2026-06-12T03:00:00Z", {CollectorRun{"swarm", CollectorStatus::ok, {}, {}}}); // every app torn down
    auto status_of = [&](const std::string& recipe) {
        for (const auto& r : analyze::blast_radius(db, {}).rows)
            if (r.recipe == recipe) return std::string(to_string(r.status));
        return std::string("missing");
    };
    CHECK(status_of("n8n") == "exposed");
    CHECK(status_of("lasuite") == "affected");
    // A later run of lasuite, its new deployment kept by Swarm: that is its latest upgrade now.
    std::vector<Fact> runs = {{"run/175", "recipe", "lasuite", t("2026-06-13T02:00:00Z")},
                              {"run/175", "started", "2026-06-13T01:00:00Z", t("2026-06-13T01:00:00Z")},
                              {"run/175", "finished", "2026-06-13T02:00:00Z", t("2026-06-13T02:00:00Z")},
                              {"run/175", "tier:upgrade", "pass", t("2026-06-13T02:00:00Z")}};
    // (The runs collector still sees the earlier runs' results.)
    for (const auto& r : analyze::load_recipe_runs(db, "cc-ci", "lasuite")) (void)r;
    night("2026-06-13T03:00:00Z", {CollectorRun{"swarm", CollectorStatus::ok, {},
                                                {{"lasuite2_app", "recipe", "lasuite", {}},
                                                 {"lasuite2_app", "update_config.failure_action", "pause", {}},
                                                 {"lasuite2_app", "update_config.order", "stop-first", {}},
                                                 {"lasuite2_app", "update_status.state", "completed", {}}}},
                                   CollectorRun{"runs", CollectorStatus::ok, {}, runs}});
    CHECK(status_of("lasuite") == "clean");
    // As of before that run, it was affected.
    analyze::BlastOptions earlier;
    earlier.as_of = "2026-06-12";
    for (const auto& r : analyze::blast_radius(db, earlier).rows)
        if (r.recipe == "lasuite") CHECK(r.status == analyze::BlastStatus::affected);
}

TEST_CASE("attribute, blast-radius and a recipe's timeline cost what they read of it, not the age of the database")
{
    // Cost in SQLite virtual machine steps: rows visited, whatever the machine.
    CaseStore c(Case{});
    auto steps = [&](auto&& work) {
        auto before = c.db.database().vm_steps();
        work();
        return c.db.database().vm_steps() - before;
    };
    analyze::Attribution attributed;
    analyze::BlastRadius swept;
    auto attribute_steps = [&] { return steps([&] { attributed = attribute_run(c.db); }); };
    auto blast_steps = [&] { return steps([&] { swept = analyze::blast_radius(c.db, {}); }); };
    analyze::TimelineOptions whole_range;
    whole_range.from = t("2026-06-01T00:00:00Z");
    whole_range.to = t("2026-09-01T00:00:00Z");
    whole_range.recipe = "discourse";
    std::size_t events = 0;
    auto timeline_steps = [&] { return steps([&] { events = analyze::build_timeline(c.db, whole_range).events.size(); }); };
    auto attribute_before = attribute_steps(), blast_before = blast_steps(), timeline_before = timeline_steps();
    auto events_before = events;
    auto verdict = attributed.verdict;
    auto discourse_row = swept.rows.at(0);

    // Two busy months elsewhere on the host: 40 other recipes of 50 tags, one
    // tag of each re-pointed every night, and 5 runs of other recipes a night.
    auto last = history(Case{}).back();
    std::vector<Fact> runs;
    constexpr int nights = 60, recipes = 40, tags = 50;
    long long intervals_added = 0;
    for (int night = 1; night <= nights; ++night) {
        auto facts = last.facts;
        for (int r = 0; r < recipes; ++r)
            for (int tag = 0; tag < tags; ++tag)
                facts["recipes"].push_back({"other" + std::to_string(r), "tag:1." + std::to_string(tag),
                                            tag == night % tags ? "night " + std::to_string(night) : "release", {}});
        auto at = t("2026-06-12T03:00:00Z") + (night - 1) * 86400 * ns_per_second;
        for (int n = 0; n < 5; ++n) {
            auto id = "run/other-" + std::to_string(night) + "-" + std::to_string(n);
            for (const char* key : {"recipe", "started", "finished", "tier:upgrade", "level"})
                runs.push_back({id, key, std::string(key) == "recipe" ? "other" + std::to_string(n) : "pass", at - 3600 * ns_per_second});
        }
        facts["runs"].insert(facts["runs"].end(), runs.begin(), runs.end());
        intervals_added += night == 1 ? recipes * tags : 2 * recipes;
        intervals_added += 5 * 5;
        SnapshotInput s{"cc-ci", at, at + ns_per_second, "test", {}, {}};
        for (const auto& [source, list] : facts) s.collectors.push_back(CollectorRun{source, CollectorStatus::ok, {}, list});
        c.db.write(s);
    }
    auto attribute_after = attribute_steps(), blast_after = blast_steps(), timeline_after = timeline_steps();
    CHECK(events == events_before); // nothing of discourse changed after 06-11
    CHECK(attributed.verdict == verdict);
    // The same judgement; its evidence now points at the newest snapshot that saw it.
    CHECK(swept.rows.at(0).recipe == discourse_row.recipe);
    CHECK(swept.rows.at(0).status == discourse_row.status);
    CHECK(swept.rows.at(0).signature == discourse_row.signature);
    MESSAGE("attribute: " << attribute_before << " -> " << attribute_after << " steps; blast-radius: " << blast_before
                          << " -> " << blast_after << " steps; " << intervals_added << " intervals added");
    // What grows is read on purpose: the list of snapshots and which recipe
    // each run is of (an index entry and a row per run). The yardstick: one
    // pass over the facts, as a query that scanned the history would make (the
    // first version of attribute made nine).
    auto one_scan = steps([&] {
        sql::Statement scan(c.db.database(), "SELECT count(*) FROM fact WHERE value <> ''");
        scan.step();
    });
    MESSAGE("one pass over the facts: " << one_scan << " steps");
    CHECK(attribute_after - attribute_before < one_scan / 2);
    // blast-radius judges the 40 new recipes too: their latest run and releases.
    CHECK(blast_after - blast_before < one_scan);
    // The timeline of one recipe reads that recipe's subjects, not every change on the host.
    MESSAGE("timeline --recipe: " << timeline_before << " -> " << timeline_after << " steps");
    CHECK(timeline_after - timeline_before < one_scan / 2);
}
