// The runs collector: CI run evidence (results.json, JUnit reports) under
// --runs-dir, HC1 stamp mismatches as structured facts, and errors that stay
// with the run they belong to.
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include "libforensic/collect/junit_counts.hpp"
#include "libforensic/collect/run_results.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <map>
#include <nlohmann/json.hpp>

using namespace forensic;
using forensic::test::HostFixture;

namespace {

const std::string runs = "/var/lib/cc-ci-runs";

const std::string hc1_failure =
    "AssertionError: upgrade deployed chaos commit 'eb96de94+U', not the intended PR-head '7ae7b0f76efb' \u2014 "
    "the re-checkout to the code under test failed, so the upgrade is not exercising the PR's changes (HC1)";

// Build 450 of the seed case: discourse back at level 5.
const std::string passing_run = R"({"recipe": "discourse", "ref": "7ae7b0f76efb", "pr": "2", "level": 5,
 "tiers": {"install": "pass", "upgrade": "pass", "backup": "pass", "restore": "pass", "custom": "pass"},
 "rungs": {"install": "pass", "upgrade": "pass", "backup_restore": "pass", "functional": "pass", "lint": "pass"},
 "clean_teardown": true, "no_secret_leak": true, "started": 1781198731.2, "finished": 1781199631.4})";

const std::string pytest_report = R"(<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="1"
 time="0.260" timestamp="2026-06-11T17:31:02.118364+00:00" hostname="cc-ci"><testcase
 classname="tests._generic.test_upgrade" name="test_upgrade_reconverges" time="0.260" /></testsuite></testsuites>
)";

nlohmann::json failing_run()
{
    return {{"recipe", "discourse"},
            {"ref", "7ae7b0f76efb"},
            {"pr", 2},
            {"level", 1},
            {"tiers", {{"install", "pass"}, {"upgrade", "fail"}}},
            {"rungs", {{"install", "pass"}, {"upgrade", "fail"}}},
            {"clean_teardown", true},
            {"no_secret_leak", true},
            {"finished", 1781110000.25},
            {"failures", {{"upgrade", hc1_failure}}},
            {"harness", {{"commit", "3bde76f"}, {"old_main", true}}}};
}

std::map<std::string, Fact> collect_runs(const HostFixture& host)
{
    collect::CollectOptions options{HostRoot(host.root(), "/home/ci")};
    options.runs_dir = runs;
    std::map<std::string, Fact> out;
    for (const auto& f : collect::make_runs_collector()->collect(options)) {
        INFO(f.subject << " " << f.key);
        CHECK(out.emplace(f.subject + " " + f.key, f).second);
    }
    return out;
}

std::string value(const std::map<std::string, Fact>& facts, const std::string& key)
{
    auto it = facts.find(key);
    return it == facts.end() ? "<absent>" : it->second.value;
}

} // namespace

TEST_CASE("a run's results.json and JUnit reports become facts of run/<id>")
{
    HostFixture host;
    host.file(runs + "/450/results.json", passing_run);
    host.file(runs + "/450/upgrade__generic__test_upgrade.xml", pytest_report);
    host.file(runs + "/450/screenshot.png", "\x89PNG");
    host.file(runs + "/dstamp-repro4.console.log", "a console log, not a run");
    std::filesystem::create_directories(host.real(runs + "/lost+found"));
    auto facts = collect_runs(host);

    for (const auto& entry : std::map<std::string, std::string>{
             {"recipe", "discourse"}, {"ref", "7ae7b0f76efb"}, {"pr", "2"}, {"level", "5"},
             {"tier:install", "pass"}, {"tier:custom", "pass"}, {"rung:backup_restore", "pass"},
             {"rung:lint", "pass"}, {"clean_teardown", "true"}, {"no_secret_leak", "true"},
             {"started", "2026-06-11T17:25:31.2Z"}, {"finished", "2026-06-11T17:40:31.4Z"},
             {"junit:upgrade__generic__test_upgrade.xml", "tests=1 failures=0 errors=0 skipped=0"}}) {
        const std::string& key = entry.first; // clang 14 cannot capture a structured binding (INFO)
        INFO(key);
        CHECK(value(facts, "run/450 " + key) == entry.second);
    }
    CHECK(facts.at("run/450 finished").event_time == forensic::test::at("2026-06-11T17:40:31.4Z"));
    CHECK(facts.at("run/450 started").event_time == forensic::test::at("2026-06-11T17:25:31.2Z"));
    // A finished run's results are dated by its finish.
    CHECK(facts.at("run/450 level").event_time == forensic::test::at("2026-06-11T17:40:31.4Z"));
    CHECK(facts.at("run/450 tier:upgrade").event_time == forensic::test::at("2026-06-11T17:40:31.4Z"));
    CHECK(facts.count("run/450 error") == 0);
    // Neither a stray file nor an empty directory is a run.
    for (const auto& [key, f] : facts) CHECK(f.subject == "run/450");
}

TEST_CASE("an HC1 stamp mismatch is parsed out of the failure text; unknown fields are recorded by name")
{
    HostFixture host;
    host.file(runs + "/m2p-discourse/results.json", failing_run().dump(1));
    auto facts = collect_runs(host);
    const std::string run = "run/m2p-discourse ";
    CHECK(value(facts, run + "failure:upgrade") == hc1_failure);
    CHECK(value(facts, run + "hc1.observed") == "eb96de94+U");
    CHECK(value(facts, run + "hc1.observed_commit") == "eb96de94");
    CHECK(value(facts, run + "hc1.observed_dirty") == "true");
    CHECK(value(facts, run + "hc1.expected") == "7ae7b0f76efb");
    CHECK(value(facts, run + "tier:upgrade") == "fail");
    CHECK(value(facts, run + "pr") == "2");
    CHECK(value(facts, run + "level") == "1");
    CHECK(value(facts, run + "finished") == "2026-06-10T16:46:40.25Z");
    CHECK(facts.count("run/m2p-discourse started") == 0); // older runs lack fields: nothing invented
    CHECK(value(facts, run + "extra:harness") == "(withheld: an object)");
}

TEST_CASE("HC1 recorded as fields is read beside the English message; the fields win, a disagreement is named")
{
    HostFixture host;
    auto doc = failing_run();
    doc.erase("failures");
    doc["hc1"] = {{"expected", "7ae7b0f76efb"}, {"observed", "eb96de94+U"}};
    host.file(runs + "/fields/results.json", doc.dump(1));
    auto both = failing_run();
    both["hc1"] = {{"expected", "7ae7b0f76efb"}, {"observed", "0badc0de"}};
    host.file(runs + "/both/results.json", both.dump(1));
    auto bad = failing_run();
    bad["hc1"] = {{"expected", 7}};
    host.file(runs + "/bad/results.json", bad.dump(1));
    auto facts = collect_runs(host);
    CHECK(value(facts, "run/fields hc1.observed") == "eb96de94+U");
    CHECK(value(facts, "run/fields hc1.expected") == "7ae7b0f76efb");
    CHECK(value(facts, "run/fields hc1.from") == "fields");
    CHECK(facts.count("run/fields extra:hc1") == 0);
    CHECK(value(facts, "run/both hc1.observed") == "0badc0de");
    CHECK(value(facts, "run/both error").find("'hc1' says 0badc0de") != std::string::npos);
    // Fields of the wrong shape: the message still counts, and the run says what was wrong.
    CHECK(value(facts, "run/bad hc1.observed") == "eb96de94+U");
    CHECK(value(facts, "run/bad hc1.from") == "message");
    CHECK(value(facts, "run/bad error").find("'hc1' is not an object with strings") != std::string::npos);
}

TEST_CASE("HC1 texts are recognised only in their exact form")
{
    auto found = collect::find_hc1_mismatch(hc1_failure);
    REQUIRE(found);
    CHECK(found->observed == "eb96de94+U");
    CHECK(found->expected == "7ae7b0f76efb");
    CHECK(collect::find_hc1_mismatch("upgrade deployed chaos commit '7ae7b0f7', not the intended PR-head "
                                     "'7ae7b0f76efb'")
              ->observed == "7ae7b0f7");
    CHECK_FALSE(collect::find_hc1_mismatch("AssertionError: timeout waiting for healthy"));
    CHECK_FALSE(collect::find_hc1_mismatch("upgrade deployed chaos commit 'eb96de94+U' and then"));
    CHECK_FALSE(collect::find_hc1_mismatch("upgrade deployed chaos commit 'eb96de94+U', not the intended PR-head '7a"));
}

TEST_CASE("unreadable or malformed results are an error of that run only, naming the file and position")
{
    HostFixture host;
    host.file(runs + "/450/results.json", passing_run);
    host.file(runs + "/451/results.json", "{\"recipe\": \"discourse\",\n \"level\": 5,,\n}");
    host.file(runs + "/452/results.json", R"({"recipe": "n8n", "tiers": ["install"], "finished": "soon"})");
    host.file(runs + "/453/results.json", R"({"recipe": "keycloak", "level": 4})");
    host.file(runs + "/453/install__generic__test_install.xml", "<html>not a report</html>");
    host.file(runs + "/454/results.json", "[1, 2]");
    auto facts = collect_runs(host);
    CHECK(value(facts, "run/450 level") == "5");
    CHECK(value(facts, "run/451 error") == runs + "/451/results.json: malformed JSON at line 2, column 13 (byte 37)");
    CHECK(facts.count("run/451 recipe") == 0);
    // Fields of the wrong type are errors; the others are still recorded.
    CHECK(value(facts, "run/452 recipe") == "n8n");
    CHECK(value(facts, "run/452 error") == runs + "/452/results.json: 'finished' is not a time (epoch seconds or RFC "
                                               "3339); " + runs + "/452/results.json: 'tiers' is not an object");
    CHECK(value(facts, "run/453 level") == "4");
    CHECK(value(facts, "run/453 error") == runs + "/453/install__generic__test_install.xml: no <testsuite> element");
    CHECK(value(facts, "run/454 error") == runs + "/454/results.json: expected a JSON object");
}

TEST_CASE("without --runs-dir the collector is skipped; a runs dir that is not there fails it")
{
    HostFixture host;
    collect::CollectOptions options{HostRoot(host.root(), "/home/ci")};
    CHECK_THROWS_WITH_AS(collect::make_runs_collector()->collect(options), "no --runs-dir given", CollectorSkipped);
    options.runs_dir = "/var/lib/nowhere";
    CHECK_THROWS_WITH_AS(collect::make_runs_collector()->collect(options),
                         doctest::Contains("runs directory /var/lib/nowhere is not a directory under"),
                         CollectorError);
}

TEST_CASE("JUnit counts: suites are summed, nesting counted once, comments and CDATA skipped")
{
    using collect::format_junit_counts;
    using collect::read_junit_counts;
    CHECK(format_junit_counts(read_junit_counts(pytest_report, "r.xml")) == "tests=1 failures=0 errors=0 skipped=0");
    auto two = R"(<testsuites>
  <!-- <testsuite tests="100"> in a comment -->
  <testsuite name='a' tests='3' failures='1' errors='0'>
    <testsuite name="inner" tests="3" failures="1"/>
    <system-out><![CDATA[<testsuite tests="50">]]></system-out>
  </testsuite>
  <testsuite name="b" tests="2" skipped="2" errors="1"/>
</testsuites>)";
    CHECK(format_junit_counts(read_junit_counts(two, "two.xml")) == "tests=5 failures=1 errors=1 skipped=2");
    CHECK(format_junit_counts(read_junit_counts(R"(<testsuites tests="4" failures="2"></testsuites>)", "root.xml")) ==
          "tests=4 failures=2 errors=0 skipped=0");
    CHECK(format_junit_counts(read_junit_counts("<testsuite>", "bare.xml")) == "tests=0 failures=0 errors=0 skipped=0");
    CHECK_THROWS_WITH_AS(read_junit_counts("<testsuites/>", "empty.xml"), "empty.xml: no <testsuite> element",
                         InputError);
    CHECK_THROWS_WITH_AS(read_junit_counts("<a/>\n<testsuite tests=\"many\"/>", "bad.xml"),
                         "bad.xml: <testsuite> at line 2: tests=\"many\" is not a count", InputError);
    // Counts that add up beyond a long long are refused, not overflowed.
    CHECK_THROWS_WITH_AS(read_junit_counts("<testsuite tests=\"9223372036854775807\"/><testsuite tests=\"1\"/>", "big.xml"),
                         "big.xml: <testsuite> at line 1: tests=\"1\" makes the total too large", InputError);
}

TEST_CASE("through the CLI: runs are recorded, and a run that turns unreadable keeps its facts")
{
    HostFixture host;
    host.file(runs + "/m2p-discourse/results.json", failing_run().dump());
    auto db = (host.root() / "f.db").string();
    auto snapshot = [&](const std::string& at) {
        return forensic::test::run_process({forensic::test::forensic_binary(), "snapshot", "--db", db, "--root",
                                            host.root().string(), "--host", "cc-ci", "--at", at, "--only", "runs",
                                            "--runs-dir", runs});
    };
    auto first = snapshot("2026-06-11T12:00:00Z");
    CHECK(first.exit_code == 0);
    auto show = forensic::test::run_process(
        {forensic::test::forensic_binary(), "show", "--db", db, "--source", "runs", "--subject", "run/m2p-discourse"});
    CHECK(show.out.find("hc1.observed         eb96de94+U") != std::string::npos);
    CHECK(show.out.find("hc1.expected         7ae7b0f76efb") != std::string::npos);

    host.file(runs + "/m2p-discourse/results.json", "{\"recipe\": ");
    auto second = snapshot("2026-06-11T13:00:00Z");
    CHECK(second.exit_code == 3); // stored, with an error reported
    auto json = nlohmann::json::parse(forensic::test::run_process({forensic::test::forensic_binary(), "show", "--db",
                                                                   db, "--source", "runs", "--json"})
                                          .out);
    std::map<std::string, std::string> state;
    for (const auto& f : json["facts"]) state[f["key"].get<std::string>()] = f["value"].get<std::string>();
    CHECK(state.at("error").find("results.json: malformed JSON") != std::string::npos);
    CHECK(state.at("hc1.observed") == "eb96de94+U"); // carried, not closed

    // Without --runs-dir: skipped, nothing closed.
    auto third = forensic::test::run_process({forensic::test::forensic_binary(), "snapshot", "--db", db, "--root",
                                              host.root().string(), "--host", "cc-ci", "--at", "2026-06-11T14:00:00Z",
                                              "--only", "runs", "--json"});
    CHECK(third.exit_code == 0);
    auto summary = nlohmann::json::parse(third.out);
    for (const auto& c : summary["collectors"])
        if (c["name"] == "runs") {
            CHECK(c["status"] == "skipped");
            CHECK(c["error"] == "no --runs-dir given");
        }
    auto after_skip = forensic::test::run_process(
        {forensic::test::forensic_binary(), "show", "--db", db, "--source", "runs", "--subject", "run/m2p-discourse"});
    CHECK(after_skip.out.find("hc1.expected         7ae7b0f76efb") != std::string::npos);
}
