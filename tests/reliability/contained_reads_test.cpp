// Reads stay under --root, down to git's own plumbing, and write nothing:
// each case plants one way out of the root (a link, an absolute path in a git
// file, a local-path remote), a file that is not a file (a FIFO), or a file
// far over its size cap, in a host snapshotted by the forensic binary with a
// time limit. Each is an error naming it, for that one item; what lies
// outside the root (a directory of its own, with recognisable contents) never
// reaches a fact; the rest of the host is still recorded.
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/recipe_fixture.hpp"
#include "support/shown_facts.hpp"
#include "support/temp_dir.hpp"
#include "support/tree_snapshot.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

using namespace forensic;
using namespace forensic::test;

namespace {

constexpr std::chrono::seconds bound{60};
const std::string recipes = RecipeHost::recipes_dir;
const std::string runs = "/var/lib/cc-ci-runs";

// What is not the host: a directory beside the fixture root, on this machine.
struct Outside {
    TempDir dir{"forensic-outside"};
    std::string path(const std::string& name) const { return (dir / name).string(); }
    // A file of this machine whose contents no fact may hold.
    std::string file(const std::string& name, const std::string& contents = "ANALYSIS-MACHINE-ONLY\n") const
    {
        std::ofstream(dir / name) << contents;
        return path(name);
    }
};

ProcessResult snapshot(const HostFixture& host, const std::string& db, std::vector<std::string> extra = {})
{
    std::vector<std::string> args = {"snapshot", "--db", db, "--root", host.root().string(), "--home",
                                     RecipeHost::home, "--at", "2026-06-10T06:00:00Z"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = forensic_run(args, {}, bound);
    INFO(r.out << r.err);
    CHECK_FALSE(r.timed_out);
    return r;
}

void make_fifo(const HostFixture& host, const std::string& host_path)
{
    std::filesystem::create_directories(host.real(host_path).parent_path());
    REQUIRE(::mkfifo(host.real(host_path).c_str(), 0600) == 0);
}

// A sparse file of `size` bytes: nothing written, nothing to read but zeros.
void sparse(const std::filesystem::path& file, long long size)
{
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file).close();
    std::filesystem::resize_file(file, static_cast<std::uintmax_t>(size));
}

// No fact holds what only the outside directory holds.
void check_nothing_from_outside(const std::map<std::string, std::string>& facts)
{
    for (const auto& fact : facts) { // not a structured binding: clang 14 cannot capture one in INFO
        INFO(fact.first << " = " << fact.second.substr(0, 300));
        CHECK(fact.second.find("ANALYSIS-MACHINE-ONLY") == std::string::npos);
        CHECK(fact.first.find("outside-only") == std::string::npos);
    }
}

// A recipe checkout of its own, released and pushed to its mirror.
GitRepo& released(RecipeHost& host, const std::string& name)
{
    auto& repo = host.recipe(name);
    repo.write("compose.yml", name + "\n").commit("init");
    repo.annotated_tag("0.1.0+1.0.0");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    return repo;
}

} // namespace

TEST_CASE("/etc/hostname is read beneath the root: a link out, a FIFO, a secret's line are refused, never the name")
{
    Outside outside;
    TempDir dir("forensic-contained");
    auto db = (dir / "f.db").string();
    auto outside_file = outside.file("hostname");
    struct Case {
        const char* what;
        std::function<void(HostFixture&)> plant;
        const char* says;
    };
    std::vector<Case> cases = {
        {"a link climbing out", [&](HostFixture& h) { h.symlink("/etc/hostname", "../../../../../../../../../.." + outside_file); },
         "climbs out of the root"},
        {"an absolute link: the host's path, not this machine's",
         [&](HostFixture& h) { h.symlink("/etc/hostname", outside_file); }, "does not exist"},
        {"a FIFO", [&](HostFixture& h) { make_fifo(h, "/etc/hostname"); }, "is not a regular file (a FIFO)"},
        {"a link to the host's own /etc/shadow",
         [&](HostFixture& h) {
             h.file("/etc/shadow", "root:$6$S3CR3T-hash:19000:0:99999:7:::\n").symlink("/etc/hostname", "shadow");
         },
         "does not hold a host name"},
        {"a name of 5000 bytes", [&](HostFixture& h) { h.file("/etc/hostname", std::string(5000, 'h') + "\n"); },
         "over the 4 KiB read for a host name file"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        HostFixture host;
        host.file(runs + "/1/results.json", R"({"recipe": "good"})");
        c.plant(host);
        auto r = snapshot(host, db, {"--only", "runs", "--runs-dir", runs});
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("/etc/hostname") != std::string::npos);
        CHECK(r.err.find(c.says) != std::string::npos);
        CHECK(r.err.find("give --host") != std::string::npos);
        CHECK(r.out.find("ANALYSIS-MACHINE-ONLY") == std::string::npos);
        CHECK(r.out.find("S3CR3T") == std::string::npos);
    }
    // A plain one is the name; --host still overrides a bad one.
    HostFixture host;
    host.file("/etc/hostname", "cc-ci.example.org\n").file(runs + "/1/results.json", R"({"recipe": "good"})");
    CHECK(snapshot(host, db, {"--only", "runs", "--runs-dir", runs}).out.find("of cc-ci.example.org") !=
          std::string::npos);
    make_fifo(host, "/srv/fifo");
    host.symlink("/etc/hostname.new", "/srv/fifo");
    std::filesystem::rename(host.real("/etc/hostname.new"), host.real("/etc/hostname"));
    CHECK(snapshot(host, db, {"--only", "runs", "--runs-dir", runs, "--host", "given"}).exit_code == 0);
}

TEST_CASE("size caps: a file far over its kind's cap is that item's error, refused from its size; the rest is read")
{
    HostFixture host;
    TempDir dir("forensic-contained");
    auto db = (dir / "f.db").string();
    host.file(runs + "/ok/results.json", R"({"recipe": "good", "level": 5})");
    // A valid results.json a little over 16 MiB: one huge failure text.
    host.file(runs + "/huge-string/results.json",
              R"({"recipe": "big", "failures": {"upgrade": ")" + std::string(17 << 20, 'x') + "\"}}");
    // 2 GiB of nothing: were it read, the process would hold 2 GiB.
    sparse(host.real(runs + "/sparse/results.json"), 2LL << 30);
    sparse(host.real(runs + "/sparse-junit/upgrade__t.xml"), 2LL << 30);
    sparse(host.real("/opt/abra/huge"), 2LL << 30);
    host.file("/opt/abra/small", "#!/bin/sh\n");

    // /usr/bin/time reports the snapshot's peak memory.
    std::vector<std::string> args = {"/usr/bin/time", "-f", "peak-rss-kib %M", forensic_binary(), "snapshot", "--db",
                                     db, "--root", host.root().string(), "--host", "cc-ci", "--at",
                                     "2026-06-10T06:00:00Z", "--only", "runs,abra", "--runs-dir", runs,
                                     "--abra-path", "/opt/abra/huge,/opt/abra/small"};
    auto r = run_process(args, {}, {}, bound);
    INFO(r.out << r.err);
    REQUIRE_FALSE(r.timed_out);
    CHECK(r.exit_code == 3);
    auto rss = std::stoll(r.err.substr(r.err.rfind("peak-rss-kib ") + 13));
    MESSAGE("peak RSS " << rss / 1024 << " MiB");
    CHECK(rss < 256 * 1024); // the 2 GiB files were not read, the 17 MiB one not held

    auto facts = shown_facts(db);
    check_holds(facts, "runs run/ok level", "5");
    check_holds(facts, "runs run/huge-string error", runs + "/huge-string/results.json is 17.0 MiB, over the 16 MiB read "
                                                             "for a CI results file; not read");
    CHECK_FALSE(facts.contains("runs run/huge-string failure:upgrade"));
    check_holds(facts, "runs run/sparse error", "is 2 GiB, over the 16 MiB read for a CI results file");
    check_holds(facts, "runs run/sparse-junit error", "is 2 GiB, over the 64 MiB read for a JUnit report");
    check_holds(facts, "abra /opt/abra/huge error", "/opt/abra/huge is 2 GiB, over the 512 MiB read for an abra binary");
    CHECK_FALSE(facts.contains("abra /opt/abra/huge sha256"));
    check_holds(facts, "abra active candidate", "/opt/abra/small");
}

TEST_CASE("a servers/* link that climbs out of the root is that server's error; the other servers' apps are read")
{
    HostFixture host;
    Outside outside;
    TempDir dir("forensic-contained");
    auto db = (dir / "f.db").string();
    outside.file("outside-only.example.org.env", "TYPE=outside-only\n");
    host.file("/home/ci/.abra/servers/cc-ci/good.example.org.env", "RECIPE=good:1.0.0\n");
    host.symlink("/home/ci/.abra/servers/escape", "../../../../../../../../.." + outside.dir.path().string());
    host.file("/srv/evidence/services.json", "[]");
    auto r = snapshot(host, db,
                      {"--host", "cc-ci", "--only", "swarm", "--docker-json", host.real("/srv/evidence/services.json")});
    CHECK(r.exit_code == 3); // an error fact, not a failed collector
    auto facts = shown_facts(db);
    check_holds(facts, "swarm app/good.example.org recipe", "good");
    check_holds(facts, "swarm server/escape error", "climbs out of the root");
    check_nothing_from_outside(facts);
}

TEST_CASE("git plumbing that points outside the root is an error of that recipe, never read")
{
    RecipeHost host;
    Outside outside;
    TempDir dir("forensic-contained");
    auto db = (dir / "f.db").string();
    // A repository of this machine, with a tag and a commit no host has.
    auto other = GitRepo::init(outside.dir / "repo");
    other.write("secret.txt", "ANALYSIS-MACHINE-ONLY\n").commit("outside-only commit");
    other.annotated_tag("outside-only-tag");
    other.git({"pack-refs", "--all"});
    other.git({"checkout", "-q", "--detach"}); // its HEAD: the outside-only commit
    auto other_git = (outside.dir / "repo/.git").string();
    auto climb = "../../../../../../../../../../.." + other_git;

    released(host, "good");
    released(host, "head-link");
    std::filesystem::remove(host.recipe("head-link").dir() / ".git/HEAD");
    host.host.symlink(recipes + "/head-link/.git/HEAD", other_git + "/HEAD"); // absolute: libgit2 followed it here
    released(host, "packed-link");
    host.host.symlink(recipes + "/packed-link/.git/packed-refs", climb + "/packed-refs");
    auto objects = GitRepo::clone(other_git, host.host.real(recipes + "/objects-link"));
    std::filesystem::remove_all(objects.dir() / ".git/objects");
    std::filesystem::create_directory_symlink(other_git + "/objects", objects.dir() / ".git/objects");
    auto shared = GitRepo::clone(other_git, host.host.real(recipes + "/alternates"));
    shared.write(".git/objects/info/alternates", other_git + "/objects\n");
    released(host, "commondir").write(".git/commondir", other_git + "\n");
    auto& included = released(host, "included");
    outside.file("outside.config", "[remote \"origin\"]\n\turl = " + RecipeHost::mirror_host_path("good") + "\n");
    included.git({"remote", "remove", "origin"});
    included.git({"config", "include.path", outside.path("outside.config")});
    released(host, "ignore-link");
    host.host.symlink(recipes + "/ignore-link/.gitignore", outside.file("ignore", "compose.yml\n"));
    // Remotes: a local path of this machine is not the host's; one under the root is.
    GitRepo::init(outside.dir / "mirror.git", true);
    other.git({"push", "-q", (outside.dir / "mirror.git").string(), "main", "--tags"});
    released(host, "local-outside").git({"remote", "set-url", "origin", (outside.dir / "mirror.git").string()});
    released(host, "relative-origin").git({"remote", "set-url", "origin", "../../../../../srv/mirrors/good.git"});

    auto r = snapshot(host.host, db, {"--host", "cc-ci", "--only", "recipes,mirrors"});
    CHECK(r.exit_code == 3);
    auto facts = shown_facts(db);
    check_holds(facts, "recipes good describe", "0.1.0+1.0.0-0-g");
    check_holds(facts, "mirrors good tag:0.1.0+1.0.0", host.recipe("good").rev("HEAD"));
    check_holds(facts, "recipes head-link error", recipes + "/head-link/.git/HEAD is a link that libgit2 would follow "
                                                            "on this machine, not under --root");
    check_holds(facts, "recipes packed-link error", "climbs out of the root");
    check_holds(facts, "recipes objects-link error", recipes + "/objects-link/.git/objects is a link that libgit2");
    check_holds(facts, "recipes alternates error",
                "alternate " + other_git + "/objects in " + recipes + "/alternates/.git/objects/info/alternates: an "
                                                                     "absolute path, which libgit2 would read on this machine");
    check_holds(facts, "recipes commondir error", "commondir " + other_git + " in " + recipes + "/commondir/.git/commondir");
    check_holds(facts, "recipes included error", "include.path = " + outside.path("outside.config"));
    check_holds(facts, "mirrors included error", "include.path = " + outside.path("outside.config"));
    CHECK_FALSE(facts.contains("mirrors included url")); // the outside config's URL was never contacted
    check_holds(facts, "recipes ignore-link error", recipes + "/ignore-link/.gitignore is a link");
    for (const auto* recipe :
         {"head-link", "packed-link", "objects-link", "alternates", "commondir", "included", "ignore-link"}) {
        INFO(recipe);
        CHECK_FALSE(facts.contains("recipes " + std::string(recipe) + " head.commit"));
    }
    check_holds(facts, "mirrors local-outside error", (outside.dir / "mirror.git").string() + " does not exist");
    CHECK_FALSE(facts.contains("mirrors local-outside tag:outside-only-tag"));
    check_holds(facts, "mirrors relative-origin tag:0.1.0+1.0.0", host.recipe("good").rev("HEAD"));
    check_nothing_from_outside(facts);
}

TEST_CASE("a FIFO in git's plumbing or the work tree's .gitignore is refused, not waited on")
{
    RecipeHost host;
    TempDir dir("forensic-contained");
    auto db = (dir / "f.db").string();
    released(host, "good");
    auto fifo_head = released(host, "fifo-refs").rev("HEAD"); // git itself would block on the FIFO
    host.recipe("fifo-refs").git({"pack-refs", "--all"});
    std::filesystem::remove(host.recipe("fifo-refs").dir() / ".git/packed-refs");
    make_fifo(host.host, recipes + "/fifo-refs/.git/packed-refs");
    released(host, "fifo-ignore");
    make_fifo(host.host, recipes + "/fifo-ignore/sub/.gitignore");
    auto r = snapshot(host.host, db, {"--host", "cc-ci", "--only", "recipes,mirrors"});
    CHECK(r.exit_code == 3);
    auto facts = shown_facts(db);
    check_holds(facts, "recipes good describe", "0.1.0+1.0.0-0-g");
    check_holds(facts, "recipes fifo-refs error", recipes + "/fifo-refs/.git/packed-refs is a FIFO, not a regular file");
    check_holds(facts, "recipes fifo-ignore error", recipes + "/fifo-ignore/sub/.gitignore is a FIFO");
    check_holds(facts, "mirrors fifo-refs tag:0.1.0+1.0.0", fifo_head);
}

TEST_CASE("a checkout without .git/logs gets none: the reflog is read, never created")
{
    RecipeHost host;
    TempDir dir("forensic-contained");
    auto db = (dir / "f.db").string();
    auto& repo = released(host, "discourse");
    std::filesystem::remove_all(repo.dir() / ".git/logs");
    auto before = tree_snapshot(host.host.root());
    auto r = snapshot(host.host, db, {"--host", "cc-ci", "--only", "recipes"});
    CHECK(r.exit_code == 0);
    CHECK(tree_snapshot(host.host.root()) == before);
    CHECK_FALSE(std::filesystem::exists(repo.dir() / ".git/logs"));
    auto facts = shown_facts(db);
    check_holds(facts, "recipes discourse head.commit", repo.rev("HEAD"));
    CHECK_FALSE(facts.contains("recipes discourse error"));
}
