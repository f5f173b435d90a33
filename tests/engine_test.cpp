// Against a real Docker Engine in swarm mode (tests/support/docker_engine.hpp):
// what the swarm collector, the event backfill and `forensic watch` record of
// states a real engine produces — a deploy, an automatic rollback (a task that
// exits 1 under failure_action: rollback, start-first, monitor 5s), a burst of
// updates with the watch killed in the middle, a daemon restart, Docker down,
// `docker stack rm` and an event buffer that no longer reaches back — checked
// against `docker service inspect` and `docker events` themselves.
#include "support/background.hpp"
#include "support/docker_engine.hpp"
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include "libforensic/util/time.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

using namespace forensic;
using namespace forensic::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

// An abra app of `recipe` deployed as `domain` (stack: dots to underscores),
// its version stamp labels as abra writes them on a chaos deploy.
struct App {
    std::string domain, recipe;
    std::string stack() const
    {
        auto s = domain;
        for (auto& c : s)
            if (c == '.') c = '_';
        return s;
    }
    std::string service() const { return stack() + "_app"; }

    std::string compose(const std::string& stamp, const std::string& version, const std::string& command,
                        const std::string& order = "start-first") const
    {
        auto label = "coop-cloud." + stack() + ".";
        return "version: \"3.8\"\nservices:\n  app:\n    image: " + std::string(DockerEngine::image) +
               "\n    command: [\"sh\", \"-c\", \"" + command + "\"]\n    stop_grace_period: 1s\n    deploy:\n"
               "      labels:\n        " + label + "recipe: \"" + recipe + "\"\n        " + label + "version: \"" +
               version + "\"\n        " + label + "chaos: \"true\"\n        " + label + "chaos-version: \"" + stamp +
               "\"\n      update_config: {failure_action: rollback, order: " + order + ", monitor: 5s}\n";
    }
};

const App disc{"disc.ci.example", "discourse"};

// The host tree abra's app env files live in; the services come from the engine.
struct Host {
    HostFixture fixture;
    std::string db = (fixture.root() / "forensic.db").string();
    Host()
    {
        fixture.file("/etc/hostname", "cc-ci\n");
        for (const auto* app : {&disc})
            fixture.file("/home/ci/.abra/servers/ci.example/" + app->domain + ".env",
                         "TYPE=" + app->recipe + ":0.7.0+3.3.1\nDOMAIN=" + app->domain + "\nSECRET_X=never-stored\n");
    }
    std::vector<std::string> collection() const
    {
        return {"--db", db, "--root", fixture.root().string(), "--home", "/home/ci", "--docker", "docker"};
    }
    ProcessResult snapshot(const std::vector<std::string>& extra = {}) const
    {
        std::vector<std::string> args = {"snapshot"};
        auto c = collection();
        args.insert(args.end(), c.begin(), c.end());
        args.insert(args.end(), {"--only", "swarm"});
        args.insert(args.end(), extra.begin(), extra.end());
        return forensic_run(args, DockerEngine::shared().env(), 120s);
    }
    std::unique_ptr<Background> watch(const std::string& name) const
    {
        std::vector<std::string> argv = {forensic_binary(), "watch"};
        auto c = collection();
        argv.insert(argv.end(), c.begin(), c.end());
        return std::make_unique<Background>(argv, DockerEngine::shared().env(), fixture.root() / (name + ".out"),
                                            fixture.root() / (name + ".err"));
    }
    json show(const std::string& snapshot, const std::string& source) const
    {
        auto r = forensic_run({"show", snapshot, "--db", db, "--source", source, "--json"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return json::parse(r.out);
    }
    // The facts array alone, by value: a range-for over a member of a temporary would dangle.
    json facts(const std::string& snapshot, const std::string& source) const
    {
        return show(snapshot, source)["facts"];
    }
    json list() const
    {
        auto r = forensic_run({"list", "--db", db, "--json"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        return json::parse(r.out)["snapshots"];
    }
};

// key → value of one subject in `forensic show --json` output.
std::map<std::string, std::string> facts_of(const json& shown, const std::string& subject)
{
    std::map<std::string, std::string> out;
    for (const auto& f : shown["facts"])
        if (f["subject"] == subject) out[f["key"].get<std::string>()] = f["value"].get<std::string>();
    return out;
}

TimeNs time_of(const json& text)
{
    auto t = parse_rfc3339(text.get<std::string>());
    REQUIRE(t);
    return *t;
}

void stop(Background& watch)
{
    watch.signal(SIGTERM);
    CHECK_MESSAGE(watch.wait(30s) == 0, watch.err());
}

// The service events the daemon itself reports for `service` since `since`.
std::vector<json> daemon_events(const std::string& service, TimeNs since)
{
    auto out = DockerEngine::shared().run_docker({"events", "--since", std::to_string(since / ns_per_second), "--until",
                                                  std::to_string(now() / ns_per_second + 1), "--filter",
                                                  "type=service", "--filter", "service=" + service, "--format",
                                                  "{{json .}}"});
    std::vector<json> events;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) events.push_back(json::parse(line));
    return events;
}

// Every swarm-events fact key recorded for `service`.
std::set<std::string> recorded_event_times(const Host& host, const std::string& service)
{
    std::set<std::string> keys;
    for (const auto& f : host.facts("latest", "swarm-events"))
        if (f["subject"] == service && f["key"].get<std::string>().starts_with("event:")) keys.insert(f["event_time"]);
    return keys;
}

} // namespace

TEST_CASE("the swarm collector's facts are what docker service inspect shows of a real service")
{
    auto& engine = DockerEngine::shared();
    Host host;
    engine.deploy(disc.stack(), disc.compose("eb96de94+U", "0.7.0+3.3.1", "sleep 3600"));
    auto real = engine.wait_until(disc.service(), [](const json&) { return true; });
    auto r = host.snapshot();
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    auto facts = facts_of(host.show("latest", "swarm"), disc.service());
    CHECK(facts.at("id") == real["ID"]);
    CHECK(facts.at("version_index") == std::to_string(real["Version"]["Index"].get<long long>()));
    CHECK(*parse_rfc3339(facts.at("created_at")) == time_of(real["CreatedAt"]));
    CHECK(*parse_rfc3339(facts.at("updated_at")) == time_of(real["UpdatedAt"]));
    for (const auto& [label, value] : real["Spec"]["Labels"].items()) CHECK(facts.at("spec.label:" + label) == value);
    CHECK(facts.at("spec.image") == real["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"]);
    CHECK(facts.at("previous_spec.present") == (real.contains("PreviousSpec") ? "true" : "false"));
    CHECK(facts.at("stamp.chaos_version") == "eb96de94+U");
    CHECK(facts.at("stamp.commit") == "eb96de94");
    CHECK(facts.at("update_config.order") == real["Spec"]["UpdateConfig"]["Order"]);
    CHECK(facts.at("update_config.failure_action") == real["Spec"]["UpdateConfig"]["FailureAction"]);
    CHECK(facts.at("update_config.monitor") == "5s");
    // Mapped to its recipe through abra's app env file; no secret of it stored.
    CHECK(facts.at("recipe") == "discourse");
    CHECK(facts.at("app") == disc.domain);
    CHECK(read_bytes(host.db).find("never-stored") == std::string::npos);
    engine.remove_stack(disc.stack());
}

TEST_CASE("forensic watch records a real automatic rollback: in flight, rolled back at its own time, and removed")
{
    auto& engine = DockerEngine::shared();
    Host host;
    auto watch = host.watch("watch");
    REQUIRE(watch->wait_for_output("following service events"));
    auto started = now();
    engine.deploy(disc.stack(), disc.compose("eb96de94+U", "0.7.0+3.3.1", "sleep 3600"));
    engine.wait_until(disc.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    std::this_thread::sleep_for(3s); // running before the upgrade
    // The upgrade to the head: its task exits 1, Swarm rolls back by itself.
    engine.deploy(disc.stack(), disc.compose("7ae7b0f7+U", "0.9.0+3.5.0", "exit 1"));
    auto rolled_back = engine.wait_until(disc.service(), [](const json& s) {
        return DockerEngine::update_state(s) == "rollback_completed";
    });
    std::this_thread::sleep_for(1s);
    engine.remove_stack(disc.stack());
    std::this_thread::sleep_for(1s);
    stop(*watch);
    INFO(watch->out() << watch->err());

    // Each state the service passed through is a watch record dated by that state.
    bool in_flight = false, back = false, gone = false;
    for (const auto& s : host.list()) {
        if (s["kind"] != "watch") continue;
        auto shown = host.show(std::to_string(s["id"].get<long long>()), "swarm");
        auto facts = facts_of(shown, disc.service());
        bool named = false;
        for (const auto& c : shown["collectors"])
            if (c["name"] == "swarm" && c.contains("subjects"))
                for (const auto& subject : c["subjects"]) named = named || subject == disc.service();
        if (!named) continue;
        if (facts.empty()) gone = true;
        if (facts.count("update_status.state") && facts["update_status.state"] == "updating" &&
            facts["stamp.chaos_version"] == "7ae7b0f7+U" && facts["previous_stamp.chaos_version"] == "eb96de94+U")
            in_flight = true;
        if (facts.count("update_status.state") && facts["update_status.state"] == "rollback_completed") {
            back = true;
            // As docker service inspect showed it, at the time it shows.
            CHECK(time_of(s["taken_at"]) == time_of(rolled_back["UpdatedAt"]));
            CHECK(facts["stamp.chaos_version"] == "eb96de94+U");
            CHECK(facts["previous_spec.present"] == "false");
            CHECK(facts["update_status.message"] == rolled_back["UpdateStatus"]["Message"]);
            CHECK(*parse_rfc3339(facts["update_status.completed_at"]) ==
                  time_of(rolled_back["UpdateStatus"]["CompletedAt"]));
            CHECK(facts["recipe"] == "discourse");
        }
    }
    CHECK(in_flight);
    CHECK(back);
    CHECK(gone);
    // Every service event the daemon reports is a fact, at its own time.
    auto recorded = recorded_event_times(host, disc.service());
    auto reported = daemon_events(disc.service(), started - ns_per_second);
    CHECK(reported.size() >= 5);
    for (const auto& e : reported)
        CHECK(recorded.contains(format_rfc3339(e["timeNano"].get<TimeNs>())));
    std::vector<std::string> transitions;
    for (const auto& f : host.facts("latest", "swarm-events"))
        if (f["subject"] == disc.service() && f["value"].get<std::string>().find("updatestate.new=rollback_started updatestate.old=updating") != std::string::npos)
            transitions.push_back(f["key"]);
    CHECK(transitions.size() == 1);
    auto verify = forensic_run({"verify", "--db", host.db});
    CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
}

TEST_CASE("killed with SIGKILL in the middle of a burst, the watch loses only what it had not committed and the next "
          "start fills it in from the daemon's buffer")
{
    auto& engine = DockerEngine::shared();
    Host host;
    const App burst{"burst.ci.example", "burst"};
    engine.deploy(burst.stack(), burst.compose("0000aaaa", "1.0.0+1", "sleep 3600"));
    engine.wait_until(burst.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    auto started = now();
    auto first = host.watch("first");
    REQUIRE(first->wait_for_output("following service events"));
    // Label changes: an update event each, no rolling update.
    constexpr int updates = 40;
    for (int i = 0; i < updates; ++i) {
        engine.run_docker({"service", "update", "--detach", "--label-add", "n=" + std::to_string(i), burst.service()});
        if (i == updates / 2) {
            first->signal(SIGKILL);
            CHECK(first->wait(10s) == -SIGKILL);
        }
    }
    auto second = host.watch("second");
    REQUIRE(second->wait_for_output("following service events"));
    std::this_thread::sleep_for(2s);
    stop(*second);
    auto recorded = recorded_event_times(host, burst.service());
    auto reported = daemon_events(burst.service(), started);
    CHECK(reported.size() >= updates);
    std::size_t missing = 0;
    for (const auto& e : reported) missing += !recorded.contains(format_rfc3339(e["timeNano"].get<TimeNs>()));
    INFO("recorded " << recorded.size() << (recorded.empty() ? "" : ", e.g. " + *recorded.begin()) << "; reported "
                     << reported.size() << ", e.g. " << format_rfc3339(reported.at(0)["timeNano"].get<TimeNs>()));
    INFO(first->out() << first->err() << second->out() << second->err());
    CHECK(missing == 0);
    // The last label is in the service's last recorded state.
    auto facts = facts_of(host.show("latest", "swarm"), burst.service());
    CHECK(facts["spec.label:n"] == std::to_string(updates - 1));
    auto verify = forensic_run({"verify", "--db", host.db});
    CHECK_MESSAGE(verify.exit_code == 0, verify.out << verify.err);
    engine.remove_stack(burst.stack());
}

TEST_CASE("the watch says when Docker is down, keeps trying, and carries on after the daemon restarts, "
          "recording where the restarted buffer may have lost events")
{
    auto& engine = DockerEngine::shared();
    Host host;
    const App later{"later.ci.example", "later"};
    auto watch = host.watch("watch");
    REQUIRE(watch->wait_for_output("following service events"));
    engine.stop_daemon();
    REQUIRE(watch->wait_for_output("retrying in", 30s));
    // Down: nothing it had recorded is made to look removed.
    auto before = host.list().size();
    std::this_thread::sleep_for(2s);
    CHECK(host.list().size() == before);
    CHECK(watch->running());
    engine.start_daemon();
    REQUIRE(watch->wait_for_output("following service events", 90s));
    engine.deploy(later.stack(), later.compose("1111bbbb", "1.0.0+1", "sleep 3600"));
    engine.wait_until(later.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    REQUIRE(watch->wait_for_output("recorded", 30s));
    std::this_thread::sleep_for(1s);
    stop(*watch);
    INFO(watch->out() << watch->err());
    CHECK(watch->err().find("Cannot connect to the Docker daemon") != std::string::npos);
    auto facts = facts_of(host.show("latest", "swarm"), later.service());
    CHECK(facts["stamp.chaos_version"] == "1111bbbb");
    engine.remove_stack(later.stack());
}

TEST_CASE("a snapshot backfills the service events of a stack no snapshot saw, and names the gap when the daemon's "
          "buffer no longer reaches back")
{
    auto& engine = DockerEngine::shared();
    Host host;
    REQUIRE(host.snapshot().exit_code == 0); // the previous capture
    const App brief{"brief.ci.example", "brief"};
    engine.deploy(brief.stack(), brief.compose("2222cccc", "1.0.0+1", "sleep 3600"));
    engine.wait_until(brief.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    engine.remove_stack(brief.stack());
    auto r = host.snapshot();
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    std::set<std::string> actions;
    for (const auto& f : host.facts("latest", "swarm-events"))
        if (f["subject"] == brief.service()) actions.insert(f["value"].get<std::string>().substr(0, 6));
    CHECK(actions.contains("create"));
    CHECK(actions.contains("remove"));
    CHECK(facts_of(host.show("latest", "swarm"), brief.service()).empty()); // never seen by a snapshot
    for (const auto& f : host.facts("latest", "swarm-events")) CHECK(f["subject"] != "daemon/events");

    // 300 volume events push every older event out of the 256 the daemon keeps.
    // (Straight to the Engine API with curl: 300 docker client runs take half a minute.)
    auto socket = engine.env().at("DOCKER_HOST").substr(std::string("unix://").size());
    auto script = engine.dir() / "volume-events.sh";
    std::ofstream(script) << "for i in $(seq 150); do\n"
                             "  curl -sf --unix-socket \"$1\" -X POST -H 'Content-Type: application/json' "
                             "-d \"{\\\"Name\\\": \\\"v$i\\\"}\" http://engine/v1.41/volumes/create >/dev/null\n"
                             "  curl -sf --unix-socket \"$1\" -X DELETE http://engine/v1.41/volumes/v$i >/dev/null\n"
                             "done\n";
    run_checked({"sh", script.string(), socket});
    r = host.snapshot();
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    bool gap = false;
    for (const auto& f : host.facts("latest", "swarm-events"))
        if (f["subject"] == "daemon/events" && f["key"].get<std::string>().starts_with("gap:"))
            gap = f["value"].get<std::string>().find("may be lost") != std::string::npos;
    CHECK(gap);
}
