// The swarm collector at library level: saved `docker service inspect`
// arrays, the real docker client against a replay of the Engine API, abra app
// env files, and what a rollback between two snapshots leaves in the store.
#include "support/docker_replay.hpp"
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/swarm_fixture.hpp"

#include "libforensic/collect/service_json.hpp"
#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

#include <cctype>
#include <cstdio>
#include <doctest/doctest.h>
#include <map>
#include <sstream>

using namespace forensic;
using forensic::test::DockerReplay;
using forensic::test::HostFixture;
using forensic::test::ScopedEnv;
using forensic::test::abra_app_env;
using forensic::test::swarm_fixture;

namespace {

const std::string& stack = forensic::test::fixture_stack;
const std::string& app = forensic::test::fixture_app;
const std::string chaos_version_label = "spec.label:coop-cloud." + stack + ".chaos-version";

using Facts = std::map<std::string, Fact>; // "subject key" → fact

Facts by_key(const std::vector<Fact>& facts)
{
    Facts out;
    for (const auto& f : facts) {
        INFO(f.subject << " " << f.key);
        CHECK(out.emplace(f.subject + " " + f.key, f).second);
    }
    return out;
}

collect::CollectOptions options_for(const HostFixture& host)
{
    collect::CollectOptions options{HostRoot(host.root(), "/home/ci")};
    options.abra_dir = "~/.abra";
    options.docker_command = "docker"; // named: the fixture root is not this machine
    return options;
}

Facts collect_json(const HostFixture& host, const std::filesystem::path& file)
{
    auto options = options_for(host);
    options.docker_json = file.string();
    return by_key(collect::make_swarm_collector()->collect(options));
}

Facts collect_docker(const HostFixture& host, const DockerReplay& replay)
{
    ScopedEnv env(replay.env());
    return by_key(collect::make_swarm_collector()->collect(options_for(host)));
}

std::string value(const Facts& facts, const std::string& subject, const std::string& key)
{
    auto it = facts.find(subject + " " + key);
    return it == facts.end() ? "<absent>" : it->second.value;
}

void expect(const Facts& facts, const std::string& subject, const std::map<std::string, std::string>& expected)
{
    for (const auto& entry : expected) {
        const std::string& key = entry.first; // clang 14 cannot capture a structured binding (INFO)
        INFO(subject << " " << key);
        CHECK(value(facts, subject, key) == entry.second);
    }
}

std::string failure(const collect::CollectOptions& options)
{
    try {
        collect::make_swarm_collector()->collect(options);
    } catch (const Error& e) {
        return e.describe();
    }
    return "<no failure>";
}

} // namespace

TEST_CASE("an update in flight shows the new stamp in Spec and the old one in PreviousSpec")
{
    HostFixture host;
    auto facts = collect_json(host, swarm_fixture("updating.json"));
    expect(facts, app,
           {{"id", "kq1r0pgd4b7xv2m9h3ctjz8ew"},
            {"version_index", "1907"},
            {"stack", stack},
            {chaos_version_label, "7ae7b0f7+U"},
            {"stamp.chaos_version", "7ae7b0f7+U"},
            {"stamp.commit", "7ae7b0f7"},
            {"stamp.dirty", "true"},
            {"stamp.chaos", "true"},
            {"stamp.version", "0.9.0+3.5.0"},
            {"previous_spec.present", "true"},
            {"previous_spec.label:coop-cloud." + stack + ".chaos-version", "eb96de94+U"},
            {"previous_stamp.commit", "eb96de94"},
            {"previous_stamp.dirty", "true"},
            {"previous_stamp.version", "0.7.0+3.3.1"}});
    CHECK(value(facts, app, "spec.image").starts_with("discourse/discourse:3.5.0@sha256:"));
    CHECK(value(facts, app, "previous_spec.image").starts_with("discourse/discourse:3.3.1@sha256:"));
    // Every label of both specs, unknown coop-cloud ones and traefik's too.
    CHECK(value(facts, app, "spec.label:coop-cloud." + stack + ".timeout") == "900");
    CHECK(value(facts, app, "spec.label:traefik.enable") == "true");
    CHECK(value(facts, app, "previous_spec.label:traefik.enable") == "true");

    CHECK(value(facts, app, "update_status.state") == "updating");
    CHECK(value(facts, app, "update_status.message") == "update in progress");
    CHECK(facts.count(app + " update_status.completed_at") == 0);
    // Times as Docker printed them, to the nanosecond, and as event times.
    auto started = facts.at(app + " update_status.started_at");
    CHECK(started.value == "2026-06-10T14:03:12.123448121Z");
    CHECK(started.event_time == forensic::test::at("2026-06-10T14:03:12.123448121Z"));
    CHECK(facts.at(app + " updated_at").event_time == forensic::test::at("2026-06-10T14:03:12.123456789Z"));
    CHECK(facts.at(app + " created_at").value == "2026-06-10T13:58:02.108213077Z");

    expect(facts, app,
           {{"update_config.failure_action", "rollback"},
            {"update_config.order", "start-first"},
            {"update_config.monitor", "5s"},
            {"update_config.delay", "0s"},
            {"update_config.parallelism", "1"},
            {"update_config.max_failure_ratio", "0"},
            {"rollback_config.failure_action", "pause"},
            {"rollback_config.order", "stop-first"}});
}

TEST_CASE("after an automatic rollback Spec carries the old stamp and PreviousSpec is recorded absent")
{
    HostFixture host;
    auto facts = collect_json(host, swarm_fixture("rolled_back.json"));
    CHECK(value(facts, app, "stamp.chaos_version") == "eb96de94+U");
    CHECK(value(facts, app, "stamp.commit") == "eb96de94");
    CHECK(value(facts, app, "previous_spec.present") == "false");
    for (const auto& [k, f] : facts) CHECK_FALSE(f.key.starts_with("previous_spec.label:"));
    CHECK(facts.count(app + " previous_stamp.commit") == 0);
    CHECK(value(facts, app, "update_status.state") == "rollback_completed");
    CHECK(value(facts, app, "update_status.message") == "rollback completed");
    CHECK(facts.at(app + " update_status.completed_at").event_time ==
          forensic::test::at("2026-06-10T14:04:02.987641009Z"));
}

TEST_CASE("a paused update, a completed one, and services without abra labels")
{
    HostFixture host;
    auto paused = collect_json(host, swarm_fixture("paused.json"));
    CHECK(value(paused, app, "update_status.state") == "paused");
    CHECK(value(paused, app, "update_status.message").starts_with("update paused due to failure"));
    CHECK(value(paused, app, "stamp.commit") == "7ae7b0f7");
    CHECK(value(paused, app, "stamp.dirty") == "false");
    CHECK(value(paused, app, "update_config.monitor") == "1m30s");
    CHECK(value(paused, app, "update_config.delay") == "10s");
    CHECK(value(paused, app, "update_config.max_failure_ratio") == "0.2");

    auto completed = collect_json(host, swarm_fixture("completed.json"));
    CHECK(value(completed, app, "update_status.state") == "completed");
    CHECK(value(completed, app, "stamp.version") == "0.9.0+3.5.0");
    CHECK(value(completed, app, "stamp.chaos") == "false");
    CHECK(completed.count(app + " stamp.chaos_version") == 0);
    CHECK(value(completed, app, "previous_stamp.version") == "0.7.0+3.3.1");

    // A stack service with no abra labels: stack, no stamp, never updated.
    auto db = stack + "_db";
    CHECK(value(completed, db, "stack") == stack);
    CHECK(value(completed, db, "previous_spec.present") == "false");
    CHECK(completed.count(db + " stamp.commit") == 0);
    CHECK(completed.count(db + " update_status.state") == 0);
    // A hand-made service with no labels at all.
    CHECK(value(completed, "registry-mirror", "id") == "xz9w8v7u6t5s4r3q2p1o0n9m8");
    CHECK(completed.count("registry-mirror stack") == 0);
    CHECK(value(completed, "registry-mirror", "spec.image").starts_with("registry:2@sha256:"));
    for (const auto& [k, f] : completed) CHECK_FALSE((f.subject == "registry-mirror" && f.key.starts_with("spec.label:")));
}

TEST_CASE("services map to their abra app, recipe and server through the app env files")
{
    HostFixture host;
    abra_app_env(host);
    // Newer abra: RECIPE= wins over TYPE=; a long name is cut as abra cuts stack names.
    host.file("/home/ci/.abra/servers/other/a-very-long-application-name.ci.commoninternet.net.env",
              "RECIPE=\"n8n\"  \nTYPE=ignored\nexport DOMAIN=a-very-long-application-name.ci.commoninternet.net # main\n");
    auto facts = collect_json(host, swarm_fixture("updating.json"));
    const std::string subject = "app/disc-ae10f0.ci.commoninternet.net";
    CHECK(value(facts, subject, "server") == "cc-ci");
    CHECK(value(facts, subject, "recipe") == "discourse");
    CHECK(value(facts, subject, "version") == "0.9.0+3.5.0");
    CHECK(value(facts, subject, "domain") == "disc-ae10f0.ci.commoninternet.net");
    CHECK(value(facts, subject, "stack") == stack);
    CHECK(facts.at(subject + " env.mtime").value == "2026-06-10T14:03:05.25Z");
    CHECK(facts.at(subject + " env.mtime").event_time == forensic::test::at("2026-06-10T14:03:05.25Z"));
    CHECK(value(facts, app, "app") == "disc-ae10f0.ci.commoninternet.net");
    CHECK(value(facts, app, "recipe") == "discourse");
    CHECK(value(facts, app, "server") == "cc-ci");
    CHECK(value(facts, stack + "_db", "recipe") == "discourse");
    CHECK(facts.count("registry-mirror app") == 0);

    const std::string other = "app/a-very-long-application-name.ci.commoninternet.net";
    CHECK(value(facts, other, "recipe") == "n8n");
    CHECK(facts.count(other + " version") == 0);
    CHECK(value(facts, other, "domain") == "a-very-long-application-name.ci.commoninternet.net");
    CHECK(value(facts, other, "stack") == "a-very-long-application-name_ci_commoninterne");
    for (const auto& entry : facts) {
        const auto& f = entry.second;
        INFO(entry.first);
        CHECK(f.value.find("S3CR3T") == std::string::npos);
        CHECK(f.value != "v1");
    }
}

TEST_CASE("the parsed services hold nothing of ContainerSpec but the image")
{
    for (const auto* name : {"completed.json", "updating.json", "rolled_back.json", "paused.json"}) {
        INFO(name);
        auto text = read_text_file(swarm_fixture(name), name);
        REQUIRE(text.find("S3CR3T-env-db") != std::string::npos); // the fixture does seed them
        auto services = collect::parse_service_array(text, name);
        CHECK(services.dump().find("S3CR3T") == std::string::npos);
        CHECK(services.dump().find("Env") == std::string::npos);
        CHECK(services[0]["Spec"]["TaskTemplate"]["ContainerSpec"].size() == 1);
    }
}

TEST_CASE("the real docker client reads the same services as the saved array")
{
    HostFixture host;
    abra_app_env(host);
    DockerReplay replay(swarm_fixture("updating.json"));
    auto live = collect_docker(host, replay);
    CHECK(live == collect_json(host, swarm_fixture("updating.json")));
    // What the client asked: a version ping, the listing, one inspect per id.
    auto requests = replay.requests();
    REQUIRE(requests.size() >= 4);
    CHECK(requests[0] == "HEAD /_ping");
    CHECK(requests[1] == "GET /v1.47/services");
    CHECK(replay.count("GET /v1.47/services/") == 3);
    CHECK(replay.count("HEAD /_ping") == 2); // two docker runs: ls, one inspect batch
}

TEST_CASE("a saved dump printed by the docker client reads like the API's own JSON")
{
    HostFixture host;
    DockerReplay replay(swarm_fixture("updating.json"));
    auto env = replay.env();
    auto ids = forensic::test::run_checked({"docker", "service", "ls", "-q"}, env);
    std::vector<std::string> argv = {"docker", "service", "inspect"};
    std::istringstream lines(ids);
    for (std::string id; std::getline(lines, id);) argv.push_back(id);
    auto saved = host.real("/evidence/services.json");
    host.file("/evidence/services.json", forensic::test::run_checked(argv, env));
    CHECK(collect_json(host, saved) == collect_json(host, swarm_fixture("updating.json")));
}

TEST_CASE("more than a batch of services is inspected in several docker runs, not one per service")
{
    HostFixture host;
    // 250 copies of the app service, each with its own id and name.
    auto base = nlohmann::json::parse(read_text_file(swarm_fixture("updating.json"), "updating.json"))[0];
    auto many = nlohmann::json::array();
    for (int i = 0; i < 250; ++i) {
        auto service = base;
        char id[32];
        std::snprintf(id, sizeof id, "%012x%013d", 0xa00000 + i, i);
        service["ID"] = id;
        service["Spec"]["Name"] = "svc" + std::to_string(i) + "_app";
        many.push_back(service);
    }
    host.file("/fixtures/many.json", many.dump());
    DockerReplay replay(host.real("/fixtures/many.json"));
    auto facts = collect_docker(host, replay);
    CHECK(value(facts, "svc0_app", "stamp.commit") == "7ae7b0f7");
    CHECK(value(facts, "svc249_app", "id") == many[249]["ID"]);
    std::size_t services = 0;
    for (const auto& [k, f] : facts) services += f.key == "id";
    CHECK(services == 250);
    CHECK(replay.count("GET /v1.47/services/") == 250);
    CHECK(replay.count("HEAD /_ping") == 4); // ls, then inspect runs of 100, 100 and 50 ids
}

TEST_CASE("a service removed between the listing and its inspection is left out")
{
    HostFixture host;
    DockerReplay replay(swarm_fixture("completed.json"), {"--vanish", "7vyq3k0s2n5m8p1r4t6w9z0bc"});
    auto facts = collect_docker(host, replay);
    CHECK(value(facts, app, "stamp.version") == "0.9.0+3.5.0");
    CHECK(facts.count(stack + "_db id") == 0);
}

TEST_CASE("docker failures fail the collector with docker's own message")
{
    HostFixture host;
    auto options = options_for(host);
    SUBCASE("not a swarm manager")
    {
        const std::string message = "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm "
                                    "join\" to connect this node to swarm and try again.";
        DockerReplay replay(swarm_fixture("completed.json"), {"--error", "503", message});
        ScopedEnv env(replay.env());
        auto error = failure(options);
        CHECK(error.find("'docker service ls -q' failed (exit status 1)") != std::string::npos);
        CHECK(error.find("Error response from daemon: " + message) != std::string::npos);
    }
    SUBCASE("no daemon listening")
    {
        ScopedEnv env({{"DOCKER_HOST", "unix://" + host.real("/run/docker.sock").string()},
                       {"DOCKER_CONFIG", host.real("/docker-config").string()}});
        auto error = failure(options);
        CHECK(error.find("Cannot connect to the Docker daemon at unix://" + host.real("/run/docker.sock").string()) !=
              std::string::npos);
    }
    SUBCASE("no docker client")
    {
        options.docker_command = host.real("/usr/bin/docker").string();
        auto error = failure(options);
        CHECK(error.find("cannot run '" + options.docker_command + "': No such file or directory") !=
              std::string::npos);
    }
}

TEST_CASE("under another --root, the local daemon is not asked unless a docker client is named")
{
    HostFixture host;
    collect::CollectOptions options{HostRoot(host.root(), "/home/ci")};
    CHECK_THROWS_WITH_AS(collect::make_swarm_collector()->collect(options),
                         doctest::Contains("this machine's docker daemon is not that host's"), CollectorSkipped);
}

TEST_CASE("a malformed saved array fails naming the file and position, quoting nothing of it")
{
    HostFixture host;
    auto options = options_for(host);
    host.file("/evidence/bad.json", "[{\"ID\": \"x\",\n \"Spec\": {\"Env\": [\"PASSWORD=S3CR3T-near-the-error\" oops]}}]");
    options.docker_json = host.real("/evidence/bad.json").string();
    auto error = failure(options);
    CHECK(error.find(options.docker_json + ": malformed JSON at line 2, column") != std::string::npos);
    CHECK(error.find("S3CR3T") == std::string::npos);

    host.file("/evidence/object.json", "{\"ID\": \"x\"}");
    options.docker_json = host.real("/evidence/object.json").string();
    CHECK(failure(options).find("expected a JSON array of services") != std::string::npos);

    options.docker_json = host.real("/evidence/missing.json").string();
    CHECK(failure(options).find(options.docker_json + ": cannot be read") != std::string::npos);
}

TEST_CASE("a rollback between two snapshots: the stamp goes back, PreviousSpec goes, the state says why")
{
    HostFixture host;
    abra_app_env(host);
    DockerReplay replay(swarm_fixture("updating.json"));
    ScopedEnv env(replay.env());
    auto db_file = host.root() / "forensic.db";
    store::Store db(db_file, store::Store::Access::write);
    auto options = options_for(host);
    collect::Selection only_swarm{{"swarm"}, {}};
    auto first = db.write(collect::collect_snapshot(options, only_swarm, "cc-ci", forensic::test::at("2026-06-10T14:03:20Z")));
    replay.serve(swarm_fixture("rolled_back.json"));
    auto second = db.write(collect::collect_snapshot(options, only_swarm, "cc-ci", forensic::test::at("2026-06-10T14:05:00Z")));

    auto state = [&](const SnapshotInfo& s) {
        std::map<std::string, std::string> out;
        for (const auto& f : db.state(s, {std::string("swarm"), app})) out[f.key] = f.value;
        return out;
    };
    auto before = state(first.snapshot), after = state(second.snapshot);
    CHECK(before.at("stamp.chaos_version") == "7ae7b0f7+U");
    CHECK(after.at("stamp.chaos_version") == "eb96de94+U");
    CHECK(before.at(chaos_version_label) == "7ae7b0f7+U");
    CHECK(after.at(chaos_version_label) == "eb96de94+U");
    CHECK(before.at("previous_spec.present") == "true");
    CHECK(after.at("previous_spec.present") == "false");
    CHECK(before.count("previous_spec.label:coop-cloud." + stack + ".chaos-version") == 1);
    CHECK(after.count("previous_spec.label:coop-cloud." + stack + ".chaos-version") == 0);
    CHECK(before.at("update_status.state") == "updating");
    CHECK(after.at("update_status.state") == "rollback_completed");

    // While the store is open its newest pages live in the -wal file: no
    // secret seeded anywhere in the fixtures or env file is in either.
    auto wal = std::filesystem::path(db_file.string() + "-wal");
    REQUIRE(std::filesystem::exists(wal));
    CHECK(read_text_file(wal, "wal").find("eb96de94+U") != std::string::npos); // the check below sees data
    for (const auto& file : {db_file, wal}) {
        INFO(file);
        auto bytes = read_text_file(file, file.string());
        CHECK(bytes.find("S3CR3T") == std::string::npos);
        CHECK(bytes.find("SECRET_DB_PASSWORD_VERSION") == std::string::npos);
    }
}

TEST_CASE("the docker client driven by these tests")
{
    DockerReplay replay(swarm_fixture("completed.json"));
    auto version = forensic::test::run_checked({"docker", "version", "--format", "{{.Client.Version}}"}, replay.env());
    MESSAGE("docker client version: " << version);
    CHECK(!version.empty());
    CHECK(std::isdigit(static_cast<unsigned char>(version[0])));
}
