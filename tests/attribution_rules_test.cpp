// The rules of attribute that need no Swarm, each against a real host tree
// built to fool it: real git repositories (a renovate branch on the mirror, a
// fetch moving unrelated remote-tracking refs), real Nix generations (a new
// abra made just before the good run; one made by nixos-rebuild boot and
// never switched to), and the newest of two failing runs with one stamp.
#include "support/stamp_host.hpp"

#include "libforensic/util/time.hpp"

#include <doctest/doctest.h>

using namespace forensic;
using namespace forensic::test;
using nlohmann::json;

namespace {

TimeNs t(const char* text)
{
    return at(text);
}

// The checkout at the head well before the window, the last good run on
// 06-05, the failing one on 06-10 (HC1 saw the base), nightly snapshots
// around; `between` runs after the good run, before the bad one's snapshot.
json attribute_around(StampHost& h, const std::function<void()>& before_good, const std::function<void()>& between)
{
    h.move_checkout(h.head, t("2026-06-04T12:00:00Z"));
    auto first = h.snapshot({"--at", "2026-06-05T03:00:00Z"}, {}, true);
    REQUIRE_MESSAGE(first.exit_code == 0, first.out << first.err);
    before_good();
    h.run("184", t("2026-06-05T04:00:00Z"), t("2026-06-05T05:00:00Z"));
    between();
    h.run("m2p", t("2026-06-10T05:30:00Z"), t("2026-06-10T07:00:00Z"), h.stamp(h.base));
    auto r = h.snapshot({"--at", "2026-06-11T03:00:00Z"}, {}, true);
    REQUIRE_MESSAGE(r.exit_code == 0, r.out << r.err);
    return h.attribute("m2p");
}

} // namespace

TEST_CASE("a renovate branch on the mirror and a fetch of unrelated refs are context, not ref-moved; the real abra "
          "change is the verdict")
{
    StampHost h;
    auto a = attribute_around(h, [] {}, [&] {
        // Renovate pushes a branch to the mirror; a fetch brings it into the checkout.
        auto& mirror = h.recipes.mirror(StampHost::recipe);
        (void)mirror;
        auto scratch = GitRepo::clone(h.recipes.mirror_path(StampHost::recipe).string(), h.root() / "scratch");
        scratch.at("2026-06-07T08:00:00Z").git({"checkout", "-q", "-b", "renovate/redis-7.4"});
        scratch.write("compose.yml", "version: \"3.8\"\n# redis 7.4\n").commit("chore(deps): update redis to 7.4");
        scratch.git({"push", "-q", "origin", "renovate/redis-7.4"});
        h.checkout().at("2026-06-07T09:00:00Z").git({"fetch", "-q", "origin"});
        // And a new generation with another abra, switched to on 06-08.
        h.generation("0.14.0", t("2026-06-08T07:30:00Z"));
    });
    INFO(a.dump(2));
    auto refs = StampHost::hypothesis(a, "ref-moved");
    CHECK(refs["status"] == "refuted");
    auto summary = refs["summary"].get<std::string>();
    CHECK(summary.find("branch renovate/redis-7.4") != std::string::npos); // listed as context
    CHECK(summary.find("remote-tracking origin/renovate/redis-7.4") != std::string::npos);
    for (const auto& e : refs["evidence"]) CHECK(e["key"].get<std::string>().find("renovate") == std::string::npos);
    CHECK(StampHost::hypothesis(a, "abra-changed")["status"] == "supported");
    CHECK(a["verdict"] == "abra-changed");
}

TEST_CASE("an abra changed in a generation made before the good run is not a change inside the window")
{
    StampHost h;
    auto a = attribute_around(h, [&] {
        // Switched to at 03:30 on 06-05: after the snapshot before the good run, before the run itself.
        h.generation("0.14.0", t("2026-06-05T03:30:00Z"));
    }, [] {});
    INFO(a.dump(2));
    auto abra = StampHost::hypothesis(a, "abra-changed");
    CHECK(abra["status"] == "refuted");
    // The sha256 did change between those snapshots, and the generation's creation places it.
    CHECK(abra["summary"].get<std::string>().find("before the good time") != std::string::npos);
    CHECK(a["verdict"] != "abra-changed");
}

TEST_CASE("a generation made by nixos-rebuild boot and never switched to did not change the running abra")
{
    StampHost h;
    std::string running;
    auto a = attribute_around(h, [] {}, [&] {
        auto abra = h.nix.add_abra("0.14.0");
        auto system = h.nix.add_system("cc-ci-boot", abra);
        h.nix.set(system, "2026-06-08T07:30:00Z"); // the newest generation, but /run/current-system stays
    });
    INFO(a.dump(2));
    auto abra = StampHost::hypothesis(a, "abra-changed");
    CHECK(abra["status"] == "refuted");
    bool current_system_read = false;
    for (const auto& e : abra["evidence"])
        current_system_read = current_system_read || e["meaning"].get<std::string>().find("current-system") != std::string::npos;
    CHECK(current_system_read);
}

TEST_CASE("given --expected and --observed, the newest failing run with that stamp sets the window")
{
    StampHost h;
    h.move_checkout(h.head, t("2026-06-04T12:00:00Z"));
    h.run("184", t("2026-06-05T04:00:00Z"), t("2026-06-05T05:00:00Z"));
    h.run("old-failure", t("2026-06-06T04:00:00Z"), t("2026-06-06T05:00:00Z"), h.stamp(h.base));
    h.run("190", t("2026-06-08T04:00:00Z"), t("2026-06-08T05:00:00Z"));
    h.run("m2p", t("2026-06-10T05:30:00Z"), t("2026-06-10T07:00:00Z"), h.stamp(h.base));
    REQUIRE(h.snapshot({"--at", "2026-06-11T03:00:00Z"}).exit_code == 0);
    auto a = h.attribute("", {"--expected", h.head.substr(0, 12), "--observed", h.stamp(h.base)});
    CHECK(a["window"]["bad"] == "2026-06-10T07:00:00Z");
    CHECK(a["window"]["good"] == "2026-06-08T05:00:00Z");
}
