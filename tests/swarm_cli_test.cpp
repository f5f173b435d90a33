// The swarm collector as an operator uses it: `forensic snapshot --docker` on
// the real docker client (against the Engine API replay) or --docker-json,
// then `forensic show` and `export` — including a rollback between two
// snapshots, a daemon that refuses, and secrets that must never come out.
#include "support/docker_replay.hpp"
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/swarm_fixture.hpp"

#include "libforensic/util/json_text.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>

using namespace forensic;
using namespace forensic::test;

namespace {

const std::string& stack = fixture_stack;
const std::string& app = fixture_app;

// `forensic snapshot` of the fixture host's swarm through the replay.
forensic::test::ProcessResult snapshot(const HostFixture& host, const std::string& db, const std::string& at,
                                       const DockerReplay& replay)
{
    return forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--home", "/home/ci", "--host",
                         "cc-ci", "--at", at, "--only", "swarm", "--docker", "docker"},
                        replay.env());
}

// key → fact of `subject` as `forensic show --json` prints them.
std::map<std::string, nlohmann::json> shown(const std::string& db, const std::string& snapshot,
                                            const std::string& subject)
{
    auto r = forensic_run({"show", snapshot, "--db", db, "--source", "swarm", "--subject", subject, "--json"});
    REQUIRE(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    std::map<std::string, nlohmann::json> out;
    for (const auto& f : doc["facts"]) out[f["key"].get<std::string>()] = f;
    return out;
}

bool has_line(const std::string& text, const std::string& key, const std::string& value)
{
    // show prints "    <key>  <padding>  <value>"
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        auto k = line.find_first_not_of(' ');
        if (k == std::string::npos || line.compare(k, key.size(), key) != 0) continue;
        auto v = line.find_first_not_of(' ', k + key.size());
        if (v != std::string::npos && line.substr(v) == value && v > k + key.size()) return true;
    }
    return false;
}

} // namespace

TEST_CASE("forensic snapshot --docker-json records a saved inspect array")
{
    HostFixture host;
    auto db = (host.root() / "f.db").string();
    auto r = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci", "--only",
                           "swarm", "--docker-json", swarm_fixture("rolled_back.json").string()});
    CHECK(r.exit_code == 0);
    auto show = forensic_run({"show", "--db", db, "--source", "swarm", "--subject", app});
    CHECK(has_line(show.out, "stamp.chaos_version", "eb96de94+U"));
    CHECK(has_line(show.out, "previous_spec.present", "false"));
    CHECK(has_line(show.out, "update_status.state", "rollback_completed"));
    CHECK(has_line(show.out, "update_config.monitor", "5s"));

    auto bad = host.real("/bad.json");
    host.file("/bad.json", "[{\"ID\": ");
    auto failed = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci", "--only",
                                "swarm", "--docker-json", bad.string()});
    CHECK(failed.exit_code == 3);
    CHECK(failed.out.find(bad.string() + ": malformed JSON at line 1, column") != std::string::npos);
}

TEST_CASE("a rollback between two snapshots shows in forensic show: stamp back, PreviousSpec gone, state why")
{
    HostFixture host;
    abra_app_env(host);
    auto db = (host.root() / "f.db").string();
    DockerReplay replay(swarm_fixture("updating.json"));
    REQUIRE(snapshot(host, db, "2026-06-10T14:03:20Z", replay).exit_code == 0);
    replay.serve(swarm_fixture("rolled_back.json"));
    REQUIRE(snapshot(host, db, "2026-06-10T14:05:00Z", replay).exit_code == 0);

    const std::string label = "spec.label:coop-cloud." + stack + ".chaos-version";
    const std::string previous_label = "previous_spec.label:coop-cloud." + stack + ".chaos-version";
    auto first = forensic_run({"show", "1", "--db", db, "--source", "swarm", "--subject", app});
    CHECK(has_line(first.out, label, "7ae7b0f7+U"));
    CHECK(has_line(first.out, "stamp.commit", "7ae7b0f7"));
    CHECK(has_line(first.out, previous_label, "eb96de94+U"));
    CHECK(has_line(first.out, "previous_spec.present", "true"));
    CHECK(has_line(first.out, "update_status.state", "updating"));
    CHECK(has_line(first.out, "app", "disc-ae10f0.ci.commoninternet.net"));
    CHECK(has_line(first.out, "recipe", "discourse"));

    auto second = forensic_run({"show", "2", "--db", db, "--source", "swarm", "--subject", app});
    CHECK(has_line(second.out, label, "eb96de94+U"));
    CHECK(has_line(second.out, "stamp.commit", "eb96de94"));
    CHECK(second.out.find(previous_label) == std::string::npos);
    CHECK(has_line(second.out, "previous_spec.present", "false"));
    CHECK(has_line(second.out, "update_status.state", "rollback_completed"));
    CHECK(has_line(second.out, "update_status.message", "rollback completed"));

    // As intervals: the new stamp lived exactly from snapshot 1 to 2.
    auto before = shown(db, "1", app), after = shown(db, "2", app);
    CHECK(before.at(label)["until_snapshot"] == 2);
    CHECK(before.at(previous_label)["until_snapshot"] == 2);
    CHECK(after.at(label)["first_snapshot"] == 2);
    CHECK(after.at(label)["until_snapshot"].is_null());
    CHECK(after.at("update_status.completed_at")["event_time"] == "2026-06-10T14:04:02.987641009Z");
    CHECK(after.count(previous_label) == 0);
}

TEST_CASE("a daemon that is not a swarm manager fails the collector, exit 3, and closes nothing")
{
    HostFixture host;
    auto db = (host.root() / "f.db").string();
    {
        DockerReplay replay(swarm_fixture("updating.json"));
        REQUIRE(snapshot(host, db, "2026-06-10T14:03:20Z", replay).exit_code == 0);
    }
    DockerReplay refusing(swarm_fixture("updating.json"),
                          {"--error", "503",
                           "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to "
                           "connect this node to swarm and try again."});
    auto r = snapshot(host, db, "2026-06-11T06:00:00Z", refusing);
    CHECK(r.exit_code == 3);
    // The summary's row of the swarm collector says it failed (the columns pad to the longest name).
    std::istringstream rows(r.out);
    bool swarm_failed = false;
    for (std::string row; std::getline(rows, row);) {
        row.erase(0, row.find_first_not_of(' '));
        swarm_failed = swarm_failed || (row.starts_with("swarm ") && row.find(" failed ") != std::string::npos);
    }
    INFO(r.out);
    CHECK(swarm_failed);
    CHECK(r.out.find("Error response from daemon: This node is not a swarm manager.") != std::string::npos);
    auto facts = shown(db, "2", app);
    CHECK(facts.at("stamp.chaos_version")["value"] == "7ae7b0f7+U");
    CHECK(facts.at("stamp.chaos_version")["until_snapshot"].is_null());
    auto show = forensic_run({"show", "2", "--db", db, "--source", "swarm", "--subject", app});
    CHECK(show.out.find("(carried: collector failed)") != std::string::npos);
}

TEST_CASE("no seeded secret reaches the database, its WAL, show, show --json or export")
{
    HostFixture host;
    abra_app_env(host);
    DockerReplay replay(swarm_fixture("updating.json"));
    // Registry credentials and an auth header the client sends with every request.
    const std::string auth = "Y2k6UzNDUjNULXJlZ2lzdHJ5LXBhc3N3b3Jk"; // base64 of ci:S3CR3T-registry-password
    std::ofstream(replay.config_dir() / "config.json")
        << R"({"auths": {"registry.example.org": {"auth": ")" << auth
        << R"(", "identitytoken": "S3CR3T-identity-token"}},
 "HttpHeaders": {"X-Registry-Auth": "S3CR3T-registry-auth-header"}})";
    auto db = (host.root() / "f.db").string();
    REQUIRE(snapshot(host, db, "2026-06-10T14:03:20Z", replay).exit_code == 0);
    replay.serve(swarm_fixture("rolled_back.json"));
    REQUIRE(snapshot(host, db, "2026-06-10T14:05:00Z", replay).exit_code == 0);
    auto saved = (host.root() / "saved.json").string();
    REQUIRE(forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--home", "/home/ci", "--host",
                          "cc-ci", "--at", "2026-06-10T15:00:00Z", "--only", "swarm", "--docker-json",
                          swarm_fixture("paused.json").string()})
                .exit_code == 0);

    std::map<std::string, std::string> outputs;
    for (const auto* snap : {"1", "2", "3"}) {
        outputs["show " + std::string(snap)] = forensic_run({"show", snap, "--db", db}).out;
        outputs["show --json " + std::string(snap)] = forensic_run({"show", snap, "--db", db, "--json"}).out;
        outputs["export " + std::string(snap)] = forensic_run({"export", snap, "--db", db}).out;
    }
    outputs["database"] = read_text_file(db, db);
    if (std::filesystem::exists(db + "-wal")) outputs["wal"] = read_text_file(db + "-wal", db + "-wal");
    // The outputs are real: they hold what was recorded.
    CHECK(outputs["show 1"].find("7ae7b0f7+U") != std::string::npos);
    CHECK(outputs["export 2"].find("rollback_completed") != std::string::npos);
    CHECK(outputs["database"].find("eb96de94+U") != std::string::npos);
    for (const auto& entry : outputs) {
        const auto& text = entry.second;
        INFO(entry.first);
        CHECK(text.find("S3CR3T") == std::string::npos);
        CHECK(text.find(auth) == std::string::npos);
        CHECK(text.find("SECRET_DB_PASSWORD_VERSION") == std::string::npos);
        CHECK(text.find("DISCOURSE_DB_PASSWORD") == std::string::npos);
    }
}
