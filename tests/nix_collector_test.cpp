// The nix collector against fixture hosts, and against generations made by
// real Nix (Debian's nix-bin with a chroot store), with nix-env
// --list-generations as the oracle.
#include "support/host_fixture.hpp"
#include "support/real_nix.hpp"
#include "support/process.hpp"

#include "libforensic/collect/sources.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace forensic;
using forensic::test::HostFixture;

namespace {

std::map<std::string, std::string> collect_nix(const std::filesystem::path& root)
{
    collect::CollectOptions options{HostRoot(root)};
    std::map<std::string, std::string> out;
    for (const auto& f : collect::make_nix_collector()->collect(options)) out[f.subject + " " + f.key] = f.value;
    return out;
}

} // namespace

TEST_CASE("each generation records its store path, creation time and abra")
{
    HostFixture host;
    auto beta = host.abra_package("0.13.0-beta");
    auto old = host.abra_package("0.12.0");
    auto sys1 = host.system("cc-ci-24.05.1", old);
    auto sys2 = host.system("cc-ci-24.05.2", beta);
    auto sys3 = host.system("cc-ci-24.05.3", "");
    host.generation(1, "2026-05-20T10:00:00Z", sys1)
        .generation(2, "2026-06-01T06:00:00.25Z", sys2)
        .generation(3, "2026-06-09T06:00:00Z", sys3)
        .profile(2)
        .current_system(sys2);
    auto facts = collect_nix(host.root());
    CHECK(facts.at("generation/1 store_path") == sys1);
    CHECK(facts.at("generation/1 abra.version") == "0.12.0");
    CHECK(facts.at("generation/2 created") == "2026-06-01T06:00:00.25Z");
    CHECK(facts.at("generation/2 abra.path") == beta + "/bin/abra");
    CHECK(facts.at("generation/2 abra.store_path") == beta);
    CHECK(facts.at("generation/2 abra.version") == "0.13.0-beta");
    CHECK(facts.at("generation/2 target") == sys2);
    CHECK(facts.at("generation/3 abra.present") == "false");
    CHECK(facts.count("generation/3 error") == 0);
    CHECK(facts.at("profile generation") == "2");
    CHECK(facts.at("current-system store_path") == sys2);
    CHECK(facts.at("current-system generation") == "2");
}

TEST_CASE("the creation time is the link's own mtime and is the fact's event time")
{
    HostFixture host;
    auto sys = host.system("x-1", host.abra_package("1.0"));
    host.generation(4, "2026-06-01T06:00:00Z", sys);
    // Touching the target must not change the generation's time.
    forensic::test::set_mtime(host.real(sys), forensic::test::at("2027-01-01T00:00:00Z"));
    collect::CollectOptions options{HostRoot(host.root())};
    for (const auto& f : collect::make_nix_collector()->collect(options))
        if (f.key == "created") {
            CHECK(f.value == "2026-06-01T06:00:00Z");
            CHECK(f.event_time == forensic::test::at("2026-06-01T06:00:00Z"));
        }
}

TEST_CASE("a dangling generation link is an error fact naming the link")
{
    HostFixture host;
    host.symlink("/nix/var/nix/profiles/system-5-link", "/nix/store/00000000000000000000000000000000-nixos-system-gone",
                 "2026-06-02T00:00:00Z");
    auto sys = host.system("ok-1", host.abra_package("1.0"));
    // abra's link points into a store path that was garbage-collected.
    auto system_path = HostRoot(host.root()).resolve(sys + "/sw").host_path;
    host.symlink(system_path + "/bin/abra", "/nix/store/11111111111111111111111111111111-abra-2.0/bin/abra");
    host.generation(6, "2026-06-03T00:00:00Z", sys);
    auto facts = collect_nix(host.root());
    CHECK(facts.at("generation/5 error").find("/nix/var/nix/profiles/system-5-link") != std::string::npos);
    CHECK(facts.at("generation/5 target") == "/nix/store/00000000000000000000000000000000-nixos-system-gone");
    CHECK(facts.at("generation/5 created") == "2026-06-02T00:00:00Z");
    CHECK(facts.at("generation/6 error").find("dangling link") != std::string::npos);
    CHECK(facts.at("generation/6 error").find("11111111111111111111111111111111-abra-2.0") != std::string::npos);
}

TEST_CASE("absolute link targets are read inside the root, never on this machine")
{
    HostFixture host;
    // /bin/sh exists on this machine; under the root it does not.
    auto sys = "/nix/store/" + HostFixture::store_hash("s") + "-nixos-system-x-1";
    host.file(sys + "/marker", "");
    host.symlink(sys + "/sw", "/");
    host.symlink("/bin/abra", "/bin/sh");
    host.generation(1, "2026-06-01T00:00:00Z", sys);
    auto facts = collect_nix(host.root());
    CHECK(facts.at("generation/1 error").find("dangling link /bin/abra") != std::string::npos);
    CHECK(facts.count("generation/1 abra.path") == 0);
}

TEST_CASE("a link chain that climbs out of the root is an error fact")
{
    HostFixture host;
    host.symlink("/nix/var/nix/profiles/system-1-link", "../../../../../../../../etc", "2026-06-01T00:00:00Z");
    auto facts = collect_nix(host.root());
    CHECK(facts.at("generation/1 error").find("climbs out of the root") != std::string::npos);
}

// ---- Real Nix ----


TEST_CASE("generations made by real Nix agree with nix-env --list-generations")
{
    // (`nix-env --version` would open this machine's default store: only look.)
    if (forensic::test::run_process({"sh", "-c", "command -v nix-env"}).exit_code != 0)
        FAIL("nix-env is not installed: the README's set-up command installs nix-bin");
    forensic::test::RealNix nix;
    auto beta = nix.add_abra("0.13.0-beta");
    auto next = nix.add_abra("0.14.0");
    nix.set(nix.add_system("cc-ci-1", nix.add_abra("0.12.0")), "2026-05-20T10:00:00Z");
    nix.set(nix.add_system("cc-ci-2", beta), "2026-06-01T06:00:00Z");
    nix.set(nix.add_system("cc-ci-3", beta), "2026-06-05T06:00:00Z");
    nix.set(nix.add_system("cc-ci-4", ""), "2026-06-07T06:00:00Z");
    nix.set(nix.add_system("cc-ci-5", next), "2026-06-09T06:00:00Z");
    // Roll the profile back to generation 3, as `nixos-rebuild switch --rollback` would.
    forensic::test::run_checked(
        {"nix-env", "--store", nix.store(), "--profile", nix.profile(), "--switch-generation", "3"});

    auto oracle = forensic::test::run_checked(
        {"nix-env", "--store", nix.store(), "--profile", nix.profile(), "--list-generations"}, {{"TZ", "UTC"}});
    std::map<std::string, std::string> expected_created;
    std::string expected_current;
    std::regex line(R"(^\s*(\d+)\s+(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)\s*(\(current\))?\s*$)");
    std::istringstream lines(oracle);
    for (std::string text; std::getline(lines, text);) {
        std::smatch m;
        if (!std::regex_match(text, m, line)) continue;
        expected_created[m[1]] = m[2].str() + "T" + m[3].str() + "Z";
        if (m[4].matched) expected_current = m[1];
    }
    REQUIRE(expected_created.size() == 5);

    auto facts = collect_nix(nix.root);
    std::map<std::string, std::string> created;
    for (const auto& [k, v] : facts)
        if (k.ends_with(" created")) created[k.substr(11, k.find(' ') - 11)] = v;
    CHECK(created == expected_created);
    CHECK(facts.at("profile generation") == expected_current);
    CHECK(facts.at("generation/2 abra.store_path") == beta);
    CHECK(facts.at("generation/3 abra.store_path") == beta);
    CHECK(facts.at("generation/4 abra.present") == "false");
    CHECK(facts.at("generation/5 abra.version") == "0.14.0");
    CHECK(facts.at("generation/1 abra.version") == "0.12.0");
}
