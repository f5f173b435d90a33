// The abra collector: which binary the host would run, identified without
// running it.
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include "libforensic/collect/sources.hpp"

#include <doctest/doctest.h>
#include <map>

using namespace forensic;
using forensic::test::HostFixture;

namespace {

std::map<std::string, Fact> collect_abra(const HostFixture& host, std::vector<std::string> paths = {})
{
    collect::CollectOptions options{HostRoot(host.root(), "/home/ci")};
    if (!paths.empty()) options.abra_paths = paths;
    std::map<std::string, Fact> out;
    for (const auto& f : collect::make_abra_collector()->collect(options)) out[f.subject + " " + f.key] = f;
    return out;
}

} // namespace

TEST_CASE("the current system's abra wins and is identified by its sha256")
{
    HostFixture host;
    auto pkg = host.abra_package("0.13.0-beta", "abra binary bytes");
    host.current_system(host.system("cc-ci-1", pkg));
    host.file("/home/ci/.local/bin/abra", "a hand-installed abra", "2026-06-03T12:00:00Z");
    auto facts = collect_abra(host);
    const std::string sys = "/run/current-system/sw/bin/abra";
    CHECK(facts.at(sys + " resolved").value == pkg + "/bin/abra");
    CHECK(facts.at(sys + " version").value == "0.13.0-beta");
    CHECK(facts.at(sys + " size").value == "17");
    auto oracle = forensic::test::run_checked({"sha256sum", host.real(pkg + "/bin/abra").string()}).substr(0, 64);
    CHECK(facts.at(sys + " sha256").value == oracle);
    CHECK(facts.at("active candidate").value == sys);
    CHECK(facts.at("active sha256").value == oracle);
    // The user's copy is recorded too, with its mtime as an event.
    CHECK(facts.at("~/.local/bin/abra present").value == "true");
    CHECK(facts.at("~/.local/bin/abra mtime").value == "2026-06-03T12:00:00Z");
    CHECK(facts.at("~/.local/bin/abra mtime").event_time == forensic::test::at("2026-06-03T12:00:00Z"));
}

TEST_CASE("without a system abra the next candidate is active")
{
    HostFixture host;
    host.file("/home/ci/.local/bin/abra", "abra");
    auto facts = collect_abra(host);
    CHECK(facts.at("/run/current-system/sw/bin/abra present").value == "false");
    CHECK(facts.at("active candidate").value == "~/.local/bin/abra");
}

TEST_CASE("no abra anywhere is a fact, and a dangling one an error naming the link")
{
    HostFixture host;
    CHECK(collect_abra(host).at("active candidate").value == "none");
    host.symlink("/usr/bin/abra", "/nix/store/00000000000000000000000000000000-abra-1/bin/abra");
    auto facts = collect_abra(host, {"/usr/bin/abra"});
    CHECK(facts.at("/usr/bin/abra error").value.find("dangling link /usr/bin/abra") != std::string::npos);
    CHECK(facts.at("/usr/bin/abra present").value == "false");
}

TEST_CASE("the binary is never executed")
{
    HostFixture host;
    // Were it run, it would leave a file behind.
    auto marker = host.real("/ran");
    host.file("/home/ci/.local/bin/abra", "#!/bin/sh\ntouch " + marker.string() + "\n");
    std::filesystem::permissions(host.real("/home/ci/.local/bin/abra"), std::filesystem::perms::owner_all);
    collect_abra(host);
    CHECK_FALSE(std::filesystem::exists(marker));
}
