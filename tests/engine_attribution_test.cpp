// attribute against what a real Docker Engine in swarm mode does, each case
// built to fool a rule: a redeploy of the old version (not a rollback), a
// manual `docker service rollback` under failure_action: pause (not the
// policy), an update seen in flight and then torn down (not refuted), a
// checkout moved back after the deploy that stamped the base (judged at the
// deploy, not at the window's end), and a rollback of the stack's database
// service while the app service kept the head (not this cause: with the watch
// recording everything, the wrong stamp stays unexplained).
#include "support/background.hpp"
#include "support/docker_engine.hpp"
#include "support/stamp_host.hpp"

#include "libforensic/util/time.hpp"

#include <csignal>
#include <doctest/doctest.h>
#include <thread>

using namespace forensic;
using namespace forensic::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

using Statuses = std::map<std::string, std::string>;

// The host before the failing run: the last good run an hour ago, a nightly snapshot.
struct Before {
    StampHost host;
    DockerEngine& engine = DockerEngine::shared();
    TimeNs started = 0;
    bool read_events = true; // each snapshot backfills the daemon's events

    Before()
    {
        auto t = now();
        host.move_checkout(host.head, t - 3700 * ns_per_second);
        host.run("184", t - 3600 * ns_per_second, t - 3000 * ns_per_second);
        snapshot();
        started = now();
    }
    void snapshot(bool during_run = false)
    {
        std::vector<std::string> args = {"--docker", "docker"};
        if (during_run) args = {"--docker", "docker", "--only", "swarm,recipes,runs"};
        if (!read_events) args.insert(args.end(), {"--skip", "swarm-events"});
        auto r = host.snapshot(args, engine.env());
        REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    }
    std::string stack_file(const std::string& commit, const std::string& command, const std::string& action = "rollback",
                           const std::string& monitor = "5s", const std::string& extra = "")
    {
        return DockerEngine::abra_stack(host.stack(), host.recipe, host.stamp(commit), command, action, "start-first",
                                        monitor, extra);
    }
    // The run ends: torn down, its results written, the nightly after it.
    json finish(const std::string& observed)
    {
        engine.remove_stack(host.stack());
        auto finished = now();
        host.run("m2p", started, finished, observed);
        std::this_thread::sleep_for(100ms);
        snapshot();
        return host.attribute("m2p");
    }
};

} // namespace

TEST_CASE("a redeploy of the old version after a completed upgrade is redeploy, not a rollback")
{
    Before b;
    auto& h = b.host;
    b.engine.deploy(h.stack(), b.stack_file(h.base, "sleep 3600"));
    b.engine.wait_until(h.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    b.snapshot(true);
    b.engine.deploy(h.stack(), b.stack_file(h.head, "sleep 3601"));
    auto upgraded = b.engine.wait_until(h.service(), [](const json& s) { return DockerEngine::update_state(s) == "completed"; });
    b.snapshot(true);
    // A racing job (or a hand `abra app deploy`) deploys the base again.
    b.engine.deploy(h.stack(), b.stack_file(h.base, "sleep 3600"));
    auto again = b.engine.wait_until(h.service(), [&](const json& s) {
        return DockerEngine::update_state(s) == "completed" &&
               s["UpdateStatus"]["StartedAt"] != upgraded["UpdateStatus"]["StartedAt"];
    });
    CHECK(again["UpdateStatus"]["Message"] == "update completed");
    CHECK(again.contains("PreviousSpec")); // holding the head's spec
    b.snapshot(true);
    auto a = b.finish(h.stamp(h.base));
    INFO(a.dump(2));
    CHECK(a["verdict"] == "redeploy");
    auto statuses = StampHost::statuses(a);
    CHECK(statuses["swarm-rollback"] == "refuted");
    CHECK(statuses["redeploy"] == "supported");
    CHECK(statuses["checkout-mismatch"] == "refuted"); // HEAD was the head at every deploy after 06:00
    auto summary = StampHost::hypothesis(a, "redeploy")["summary"].get<std::string>();
    CHECK(summary.find("not a rollback") != std::string::npos);
    // The same host swept: the stale stamp is another failure, not the seed's cause.
    auto r = forensic_run({"blast-radius", "--db", h.db, "--recipes", "discourse", "--json"});
    REQUIRE(r.exit_code == 0);
    auto row = json::parse(r.out)["recipes"][0];
    CHECK(row["status"] == "other-failure");
    CHECK(row["signature"].get<std::string>().find("no rollback of the app service is established") != std::string::npos);
}

TEST_CASE("a manual docker service rollback under failure_action pause is manual-rollback, not the policy")
{
    Before b;
    auto& h = b.host;
    b.engine.deploy(h.stack(), b.stack_file(h.base, "sleep 3600", "pause"));
    b.engine.wait_until(h.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    b.snapshot(true);
    b.engine.deploy(h.stack(), b.stack_file(h.head, "sleep 3601", "pause"));
    b.engine.wait_until(h.service(), [](const json& s) { return DockerEngine::update_state(s) == "completed"; });
    b.snapshot(true);
    b.engine.run_docker({"service", "rollback", "--detach", h.service()});
    auto rolling = b.engine.wait_until(h.service(), [](const json& s) { return DockerEngine::update_state(s) == "rollback_started"; });
    CHECK(rolling["UpdateStatus"]["Message"] == "manually requested rollback");
    b.snapshot(true);
    auto back = b.engine.wait_until(h.service(), [](const json& s) { return DockerEngine::update_state(s) == "rollback_completed"; });
    CHECK(back.contains("PreviousSpec")); // a manual rollback swaps, it does not drop
    b.snapshot(true);
    auto a = b.finish(h.stamp(h.base));
    INFO(a.dump(2));
    CHECK(a["verdict"] == "manual-rollback");
    auto statuses = StampHost::statuses(a);
    CHECK(statuses["manual-rollback"] == "supported");
    CHECK(statuses["swarm-rollback"] == "refuted");
    // Evidence states only what was checked: PreviousSpec kept, never "dropped".
    for (const auto& e : StampHost::hypothesis(a, "manual-rollback")["evidence"])
        if (e["key"] == "previous_spec.present") {
            CHECK(e["value"] == "true");
            CHECK(e["meaning"].get<std::string>().find("dropped") == std::string::npos);
        }
}

TEST_CASE("an update seen in flight and then torn down leaves the rollback inconclusive, naming the capture that would "
          "have seen it")
{
    Before b;
    auto& h = b.host;
    b.read_events = false; // only the snapshots: no event record of the run
    b.engine.deploy(h.stack(), b.stack_file(h.base, "sleep 3600", "rollback", "30s"));
    b.engine.wait_until(h.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    b.snapshot(true);
    // Monitored for 30 s: in flight long enough for a snapshot, then the run tears it down.
    b.engine.deploy(h.stack(), b.stack_file(h.head, "sleep 3601", "rollback", "30s"));
    b.engine.wait_until(h.service(), [](const json& s) { return DockerEngine::update_state(s) == "updating"; });
    b.snapshot(true);
    auto a = b.finish(h.stamp(h.base));
    INFO(a.dump(2));
    auto rollback = StampHost::hypothesis(a, "swarm-rollback");
    CHECK(rollback["status"] == "inconclusive");
    CHECK(rollback["missing"].get<std::string>().find("forensic watch") != std::string::npos);
    CHECK(StampHost::hypothesis(a, "manual-rollback")["status"] == "inconclusive");
    CHECK(a["verdict"] == "unexplained");
    // The next snapshot backfills the daemon's events since the last capture:
    // complete, they show the update removed with the stack, never rolled back.
    b.read_events = true;
    b.snapshot();
    auto later = h.attribute("m2p");
    INFO(later.dump(2));
    CHECK(StampHost::hypothesis(later, "swarm-rollback")["status"] == "refuted");
    CHECK(StampHost::hypothesis(later, "swarm-rollback")["summary"].get<std::string>().find("events") != std::string::npos);
}

TEST_CASE("the checkout is judged at the deploy: at the base when the deploy stamped it, back at the head only after")
{
    Before b;
    auto& h = b.host;
    // 05:35 the checkout goes to the base, 05:40 the deploy, 05:45 back to the head.
    h.move_checkout(h.base, now());
    std::this_thread::sleep_for(2s);
    b.engine.deploy(h.stack(), b.stack_file(h.base, "sleep 3600"));
    b.engine.wait_until(h.service(), [](const json& s) { return s.contains("UpdatedAt"); });
    std::this_thread::sleep_for(2s);
    h.move_checkout(h.head, now());
    b.snapshot(true);
    auto a = b.finish(h.stamp(h.base));
    INFO(a.dump(2));
    CHECK(a["verdict"] == "checkout-mismatch");
    auto checkout = StampHost::hypothesis(a, "checkout-mismatch");
    CHECK(checkout["status"] == "supported");
    CHECK(checkout["summary"].get<std::string>().find("the commit the stamp reports at the deploy") != std::string::npos);
}

TEST_CASE("a rollback of the stack's database service is not this cause: with the watch recording all, a wrong stamp "
          "on an app service that kept the head is unexplained")
{
    Before b;
    auto& h = b.host;
    std::vector<std::string> watch_args = {forensic_binary(), "watch", "--db", h.db, "--root", h.root().string(),
                                           "--home", RecipeHost::home, "--docker", "docker"};
    Background watch(watch_args, b.engine.env(), h.root() / "watch.out", h.root() / "watch.err");
    REQUIRE(watch.wait_for_output("following service events"));
    auto db_service = [](const std::string& command) {
        return "  db:\n    image: " + std::string(DockerEngine::image) + "\n    command: [\"sh\", \"-c\", \"" + command +
               "\"]\n    stop_grace_period: 1s\n    deploy:\n      update_config: {failure_action: rollback, "
               "order: start-first, monitor: 5s}\n";
    };
    b.engine.deploy(h.stack(), b.stack_file(h.base, "sleep 3600", "rollback", "5s", db_service("sleep 3600")));
    b.engine.wait_until(h.stack() + "_db", [](const json& s) { return s.contains("UpdatedAt"); });
    std::this_thread::sleep_for(2s);
    // The upgrade: the app takes the head and keeps it; the database's new task fails and Swarm rolls it back.
    b.engine.deploy(h.stack(), b.stack_file(h.head, "sleep 3601", "rollback", "5s", db_service("exit 1")));
    b.engine.wait_until(h.stack() + "_db", [](const json& s) { return DockerEngine::update_state(s) == "rollback_completed"; });
    b.engine.wait_until(h.service(), [](const json& s) { return DockerEngine::update_state(s) == "completed"; });
    std::this_thread::sleep_for(1s);
    // HC1 "saw" the base: a wrong stamp nothing here explains.
    auto a = b.finish(h.stamp(h.base));
    watch.signal(SIGTERM);
    CHECK(watch.wait() == 0);
    a = h.attribute("m2p");
    INFO(a.dump(2));
    CHECK(a["verdict"] == "unexplained");
    auto statuses = StampHost::statuses(a);
    for (const auto& entry : statuses) CHECK_MESSAGE(entry.second != "supported", entry.first);
    // The database service rolled back, but it carries no stamp: never the evidence.
    for (const auto& e : StampHost::hypothesis(a, "swarm-rollback")["evidence"]) CHECK(e["subject"] != h.stack() + "_db");
    // With every event recorded, each look-alike is ruled out, not left open.
    CHECK(statuses["swarm-rollback"] == "refuted");
    CHECK(statuses["manual-rollback"] == "refuted");
    CHECK(statuses["redeploy"] == "refuted");
    CHECK(statuses["checkout-mismatch"] == "refuted");
}
