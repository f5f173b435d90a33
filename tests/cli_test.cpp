// The forensic command as a user runs it: exit codes, --json, --help taken
// from docs/cli.md, export/import through files.
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <regex>
#include <set>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace forensic;
using forensic::test::HostFixture;
using forensic::test::forensic_run;
using forensic::test::read_bytes;
using forensic::test::run_process;

namespace {

void small_host(HostFixture& host)
{
    auto sys = host.system("cc-ci-1", host.abra_package("0.13.0-beta"));
    host.generation(1, "2026-06-01T06:00:00Z", sys).profile(1).current_system(sys);
    // abra's state dir (~ is the test's $HOME, under the root, as HostRoot
    // takes it): no recipes yet.
    const char* home = std::getenv("HOME");
    std::string abra_dir = std::string(home ? home : "/root") + "/.abra";
    std::filesystem::create_directories(host.real(abra_dir + "/recipes"));
    host.file(abra_dir + "/catalogue/recipes.json", "{}");
}

} // namespace

TEST_CASE("snapshot stores the host, prints a per-collector summary and exits 0")
{
    HostFixture host;
    small_host(host);
    auto db = (host.root() / "forensic.db").string();
    auto first = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci",
                               "--at", "2026-06-05T06:00:00Z"});
    CHECK(first.exit_code == 0);
    CHECK(first.out.find("snapshot 1 of cc-ci taken 2026-06-05T06:00:00Z (ok)") != std::string::npos);
    CHECK(first.out.find("nix") != std::string::npos);
    auto second = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci",
                                "--at", "2026-06-06T06:00:00Z", "--json"});
    CHECK(second.exit_code == 0);
    auto summary = nlohmann::json::parse(second.out);
    CHECK(summary["snapshot"]["id"] == 2);
    for (const auto& c : summary["collectors"]) {
        CHECK(c["opened"] == 0);
        CHECK(c["closed"] == 0);
    }
    auto list = forensic_run({"list", "--db", db});
    CHECK(list.exit_code == 0);
    CHECK(list.out.find("2   cc-ci  2026-06-06T06:00:00Z") != std::string::npos);
}

TEST_CASE("snapshot exits 3 when a collector reports errors, and still stores")
{
    HostFixture host;
    small_host(host);
    host.symlink("/nix/var/nix/profiles/system-2-link", "/nix/store/00000000000000000000000000000000-gone");
    auto db = (host.root() / "f.db").string();
    auto r = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "h"});
    CHECK(r.exit_code == 3);
    auto show = forensic_run({"show", "--db", db, "--source", "nix", "--subject", "generation/2", "--json"});
    CHECK(show.exit_code == 0);
    auto doc = nlohmann::json::parse(show.out);
    bool has_error = false;
    for (const auto& f : doc["facts"]) has_error |= f["key"] == "error";
    CHECK(has_error);
}

TEST_CASE("--only and --skip select collectors; an unknown one is a usage error")
{
    HostFixture host;
    small_host(host);
    auto db = (host.root() / "f.db").string();
    auto r = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--only", "nix", "--json"});
    CHECK(r.exit_code == 0);
    auto doc = nlohmann::json::parse(r.out);
    for (const auto& c : doc["collectors"]) CHECK(c["status"] == (c["name"] == "nix" ? "ok" : "skipped"));
    auto bad = forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--only", "nope"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("unknown collector 'nope'") != std::string::npos);
    auto bad_option = forensic_run({"snapshot", "--db", db, "--frobnicate"});
    CHECK(bad_option.exit_code == 2);
    CHECK(bad_option.err.find("frobnicate") != std::string::npos);
    auto bad_time = forensic_run({"snapshot", "--db", db, "--at", "last tuesday"});
    CHECK(bad_time.exit_code == 2);
    CHECK(bad_time.err.find("--at: 'last tuesday'") != std::string::npos);
}

TEST_CASE("reading a missing database exits 4 naming the file")
{
    auto r = forensic_run({"show", "--db", "/nonexistent/dir/f.db"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("/nonexistent/dir/f.db") != std::string::npos);
}

TEST_CASE("export and import move snapshots between databases")
{
    HostFixture host;
    small_host(host);
    auto db = (host.root() / "a.db").string();
    REQUIRE(forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "h", "--at",
                          "2026-06-05T06:00:00Z"})
                .exit_code == 0);
    auto bundle = (host.root() / "s.json").string();
    REQUIRE(forensic_run({"export", "1", "--db", db, "-o", bundle}).exit_code == 0);
    auto bad = (host.root() / "bad.json").string();
    std::ofstream(bad) << "{not json";
    auto other = (host.root() / "b.db").string();
    auto r = forensic_run({"import", "--db", other, bad, bundle, bundle});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("bad.json: malformed JSON") != std::string::npos);
    CHECK(r.out.find("imported " + bundle + " as snapshot 1") != std::string::npos);
    CHECK(r.out.find("already present " + bundle) != std::string::npos);
    auto a = forensic_run({"show", "--db", db, "--json"});
    auto b = forensic_run({"show", "--db", other, "--json"});
    CHECK(nlohmann::json::parse(a.out)["facts"] == nlohmann::json::parse(b.out)["facts"]);
}

TEST_CASE("every command's --help is its section of docs/cli.md")
{
    auto manual = read_bytes(std::filesystem::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "docs/cli.md");
    auto overview = forensic_run({"--help"});
    CHECK(overview.exit_code == 0);
    CHECK(manual.find(overview.out.substr(0, 200).substr(9)) != std::string::npos);
    for (const std::string command : {"snapshot", "list", "show", "diff", "timeline", "attribute", "blast-radius", "export", "import", "collectors", "verify", "prune"}) {
        INFO(command);
        auto help = forensic_run({command, "--help"});
        CHECK(help.exit_code == 0);
        CHECK(help.out.starts_with("forensic " + command + "\n"));
        auto body = help.out.substr(help.out.find('\n') + 1);
        CHECK(manual.find(body.substr(0, body.size() - 1)) != std::string::npos);
        // The overview lists the command.
        CHECK(overview.out.find("  " + command + " ") != std::string::npos);
    }
    CHECK(forensic_run({}).exit_code == 2);
    CHECK(forensic_run({"frobnicate"}).exit_code == 2);
}

TEST_CASE("every option a command accepts is documented in its section of docs/cli.md")
{
    namespace fs = std::filesystem;
    fs::path root = std::getenv("FORENSIC_SOURCE_ROOT");
    auto manual = read_bytes(root / "docs/cli.md");
    auto section = [&](const std::string& command) {
        auto start = manual.find("## forensic " + command + "\n");
        REQUIRE_MESSAGE(start != std::string::npos, "no section for " << command);
        auto end = manual.find("\n## ", start + 1);
        return manual.substr(start, end == std::string::npos ? std::string::npos : end - start);
    };
    // Positional arguments are declared as options too; they are named in the usage line instead.
    const std::set<std::string> positional = {"snapshot", "snapshots", "files"};
    std::regex declared(R"re(\)\s*\("([a-z][a-z-]*)(,[a-z])?",)re");
    int checked = 0;
    for (const auto& entry : fs::directory_iterator(root / "tools")) {
        auto name = entry.path().filename().string();
        if (!name.starts_with("cmd_") || entry.path().extension() != ".cpp") continue;
        std::string commands_text;
        auto source = read_bytes(entry.path());
        // The command names a file implements: its parse("name", ...) calls.
        std::regex parse_call(R"re(parse\("([a-z-]+)")re");
        for (std::sregex_iterator it(source.begin(), source.end(), parse_call), end; it != end; ++it)
            commands_text += section((*it)[1].str());
        for (std::sregex_iterator it(source.begin(), source.end(), declared), end; it != end; ++it) {
            auto option = (*it)[1].str();
            if (positional.contains(option)) continue;
            INFO(name << ": --" << option);
            CHECK(commands_text.find("--" + option) != std::string::npos);
            ++checked;
        }
    }
    CHECK(checked > 40);
}
