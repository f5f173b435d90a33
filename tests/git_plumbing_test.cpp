// git's own files as forensic reads them itself: the config scan against
// `git config --list --no-includes` (the oracle), the reflog parser against
// libgit2's, and the plumbing check on what it must let through — relative
// alternates and includes that stay inside the root, and absolute ones when
// the root is this machine.
#include "support/git_fixture.hpp"
#include "support/process.hpp"
#include "support/recipe_fixture.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/git/config_scan.hpp"
#include "libforensic/git/head_reflog.hpp"
#include "libforensic/git/plumbing.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace forensic;
using namespace forensic::test;

TEST_CASE("the config scan finds every variable git finds, named and valued as git names and values them")
{
    TempDir dir;
    auto file = dir / "config";
    std::ofstream(file) << "\xEF\xBB\xBF[core]\n\tbare = false ; a comment\n"
                           "[remote \"Origin \\\"x\\\"\"]\n\turl = \"https://h/x.git\" # another\n"
                           "\tfetch = +refs/heads/*:refs/remotes/origin/*\n"
                           "[Include]\n\tPath = a.config\n"
                           "[includeIf \"gitdir:/srv/\"]\n\tpath = \"/abs/b.config\"\n"
                           "[section.Sub] key = same line\n"
                           "[long]\n\tvalue = one \\\n  two \\\n  three\n"
                           "[quoted]\n\tv = \"a;b#c\" tail\n\tescaped = x\\ty\\\\z\n\tbare\n"
                           "; whole-line comment\n# another\n\n[core]\n\teditor = vi\n";
    auto listed = run_checked({"git", "config", "--file", file.string(), "--list", "--no-includes"}, git_env("@0 +0000"));
    std::string ours;
    for (const auto& v : git::scan_config(read_bytes(file), file.string()))
        ours += v.name + (v.value ? "=" + *v.value : "") + "\n";
    // (A tab in a continued value would differ: git writes it as a space,
    // libgit2, whose reading this follows, keeps it.)
    CHECK(ours == listed);
    CHECK(ours.find("include.path=a.config\n") != std::string::npos);
    CHECK(ours.find("includeif.gitdir:/srv/.path=/abs/b.config\n") != std::string::npos);
}

TEST_CASE("a config libgit2 would refuse is an error naming the file and line")
{
    CHECK_THROWS_WITH_AS(git::scan_config("[core\n", "cfg"), doctest::Contains("missing ']' in section header (in cfg:1)"),
                         GitError);
    CHECK_THROWS_WITH_AS(git::scan_config("[a]\n\tok = 1\n\tbad key = 2\n", "cfg"),
                         doctest::Contains("invalid configuration key (in cfg:3)"), GitError);
    CHECK_THROWS_WITH_AS(git::scan_config("[a]\n\tv = x\\q\n", "cfg"), doctest::Contains("invalid escape"), GitError);
    CHECK_THROWS_WITH_AS(git::scan_config("[a \"b\" c]\n", "cfg"), doctest::Contains("unexpected text after closing quotes"),
                         GitError);
}

TEST_CASE("the reflog read from logs/HEAD is libgit2's, entry for entry")
{
    TempDir dir;
    auto repo = GitRepo::init(dir / "r");
    auto first = repo.commit("init");
    repo.git({"checkout", "-q", "-b", "topic"});
    repo.commit("on topic\twith a tab");
    repo.git({"checkout", "-q", "main"});
    repo.git({"update-ref", "-m", "reset: moving to " + first, "HEAD", first});
    repo.git({"checkout", "-q", "--detach"});

    auto ours = git::read_head_reflog(HostRoot("/"), (repo.dir() / ".git").string());
    auto libgit2_repo = git::open_repository(repo.dir());
    git_reflog* raw_log = nullptr;
    REQUIRE(git_reflog_read(&raw_log, libgit2_repo.get(), "HEAD") == 0);
    git::Reflog theirs(raw_log);
    auto count = git_reflog_entrycount(theirs.get());
    REQUIRE(ours.size() == count);
    REQUIRE(count >= 5);
    for (std::size_t i = 0; i < count; ++i) {
        const auto* e = git_reflog_entry_byindex(theirs.get(), count - 1 - i); // libgit2: newest first
        INFO(i);
        CHECK(git::to_hex(ours[i].old_id) == git::to_hex(*git_reflog_entry_id_old(e)));
        CHECK(git::to_hex(ours[i].new_id) == git::to_hex(*git_reflog_entry_id_new(e)));
        CHECK(ours[i].message == std::string(git_reflog_entry_message(e) ? git_reflog_entry_message(e) : ""));
        CHECK(ours[i].time == git_reflog_entry_committer(e)->when.time * ns_per_second);
    }
    CHECK(git::read_head_reflog(HostRoot("/"), (dir / "nowhere").string()).empty());
}

TEST_CASE("a malformed reflog line, or a time that does not fit, is an error naming the file and line")
{
    const std::string ids = "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 ";
    CHECK_THROWS_WITH_AS(git::parse_reflog(ids + "CI <c@i> 1781000000 +0000\tok\nnot a line\n", "logs/HEAD"),
                         doctest::Contains("logs/HEAD: line 2 is not a reflog entry"), GitError);
    CHECK_THROWS_WITH_AS(git::parse_reflog(ids + "CI <c@i> 99999999999999999 +0000\tx\n", "logs/HEAD"),
                         doctest::Contains("out of range"), GitError);
    auto entries = git::parse_reflog(ids + "CI <c@i> 1781000000 +0200\n\n" + ids + "CI <c@i> 1781000001 +0000\tlast",
                                     "logs/HEAD");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].message.empty());
    CHECK(entries[1].message == "last");
}

TEST_CASE("the plumbing check lets through what stays inside the root: relative alternates and includes")
{
    RecipeHost host;
    auto& shared = host.recipe("shared");
    shared.write("compose.yml", "v1\n").commit("init");
    auto borrowed = GitRepo::clone(shared.dir().string(), host.host.real(std::string(RecipeHost::recipes_dir) + "/borrowed"));
    // The objects of `shared`, by a path relative to borrowed's objects directory.
    borrowed.write(".git/objects/info/alternates", "../../../shared/.git/objects\n");
    borrowed.write(".git/extra.config", "[user]\n\tname = CI\n");
    borrowed.git({"config", "include.path", "extra.config"});
    auto git_dir = std::string(RecipeHost::recipes_dir) + "/borrowed/.git";
    HostRoot root(host.host.root());
    CHECK_NOTHROW(git::check_plumbing(root, git_dir));
    CHECK_NOTHROW(git::check_config(root, git_dir + "/config"));
    CHECK_NOTHROW(git::check_work_tree(root, std::string(RecipeHost::recipes_dir) + "/borrowed"));
    auto facts = host.collect("recipes");
    CHECK(facts.at("borrowed head.commit").value == shared.rev("HEAD"));
    CHECK_FALSE(facts.contains("borrowed error"));

    // With --root / this machine is the host: an absolute alternate is its own.
    borrowed.write(".git/objects/info/alternates", (shared.dir() / ".git/objects").string() + "\n");
    CHECK_NOTHROW(git::check_plumbing(HostRoot("/"), (borrowed.dir() / ".git").string()));
    CHECK_THROWS_WITH_AS(git::check_plumbing(root, git_dir), doctest::Contains("an absolute path"), GitError);
    // A relative alternate that climbs out of the root is refused either way.
    borrowed.write(".git/objects/info/alternates", "../../../../../../../../../../../../tmp\n");
    CHECK_THROWS_WITH_AS(git::check_plumbing(root, git_dir), doctest::Contains("climbs out of the root"), PathError);
}
