// The mirrors collector: refs each recipe's upstream advertises, listed live
// from real bare repositories (local paths) and, for failures, a closed
// loopback port. `git ls-remote` is the oracle.
#include "support/process.hpp"
#include "support/recipe_fixture.hpp"

#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/git/local_listing.hpp"
#include "libforensic/git/remote_listing.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <sstream>

using namespace forensic;
using forensic::test::GitRepo;
using forensic::test::RecipeHost;

namespace {

// A recipe released once and pushed to its mirror.
GitRepo& published_recipe(RecipeHost& host, const std::string& name)
{
    auto& repo = host.recipe(name);
    repo.write("compose.yml", "v1\n").commit("init");
    repo.annotated_tag("0.7.0+3.3.1");
    repo.tag("light");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    return repo;
}

// What `git ls-remote` prints for `ref` ("" when not advertised).
std::string ls_remote(const std::string& url, const std::string& ref)
{
    auto out = forensic::test::run_checked({"git", "ls-remote", url, ref}, forensic::test::git_env("@0 +0000"));
    return out.substr(0, out.find('\t'));
}

} // namespace

TEST_CASE("a tag moved on the mirror but not in the checkout shows in both collectors")
{
    RecipeHost host;
    auto& repo = published_recipe(host, "discourse");
    auto released = repo.rev("HEAD");
    // Upstream re-points the release to a new commit; the checkout does not fetch.
    auto& mirror = host.mirror("discourse");
    auto other = GitRepo::clone(host.mirror_path("discourse").string(), host.host.real("/tmp/work"));
    auto moved = other.write("compose.yml", "v2\n").commit("fix");
    other.git({"push", "-q", "origin", "main"});
    mirror.git({"tag", "-f", "-a", "-m", "re-release", "0.7.0+3.3.1", moved});

    auto mirrors = host.collect("mirrors");
    auto recipes = host.collect("recipes");
    auto url = host.mirror_path("discourse").string();
    CHECK(mirrors.at("discourse url").value == RecipeHost::mirror_host_path("discourse"));
    // "<peeled> <object>", as git ls-remote advertises them.
    CHECK(tag_commit(mirrors.at("discourse tag:0.7.0+3.3.1").value) == moved);
    CHECK(mirrors.at("discourse tag:0.7.0+3.3.1").value ==
          ls_remote(url, "refs/tags/0.7.0+3.3.1^{}") + " " + ls_remote(url, "refs/tags/0.7.0+3.3.1"));
    CHECK(tag_commit(recipes.at("discourse tag:0.7.0+3.3.1").value) == released);
    CHECK(mirrors.at("discourse tag:light").value == released + " -");
    CHECK_FALSE(mirrors.contains("discourse tag:0.7.0+3.3.1:object"));
    CHECK(mirrors.at("discourse branch:main").value == moved);
    CHECK(mirrors.at("discourse head").value == moved);
    CHECK(mirrors.at("discourse head.ref").value == "refs/heads/main");
    CHECK_FALSE(mirrors.contains("discourse error"));
}

TEST_CASE("--mirror-url lists {recipe} at the template instead of origin")
{
    RecipeHost host;
    published_recipe(host, "discourse");
    auto elsewhere = GitRepo::init(host.host.real("/srv/other/discourse.git"), true);
    auto options = host.options();
    options.mirror_url_template = host.host.real("/srv/other").string() + "/{recipe}.git";
    auto facts = host.collect("mirrors", options);
    CHECK(facts.at("discourse url").value == host.host.real("/srv/other/discourse.git").string());
    CHECK_FALSE(facts.contains("discourse tag:0.7.0+3.3.1")); // the empty mirror has none
    CHECK_FALSE(facts.contains("discourse error"));
}

TEST_CASE("origin's URL is libgit2's: the longest url.<base>.insteadOf prefix is rewritten")
{
    RecipeHost host;
    auto& repo = published_recipe(host, "discourse");
    repo.git({"config", "url./srv/mirrors/.insteadOf", "mirror:"});
    repo.git({"config", "url./nowhere/.insteadOf", "mirr"});
    repo.git({"remote", "set-url", "origin", "mirror:discourse.git"});
    auto facts = host.collect("mirrors");
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, host.host.real("/home/ci/.abra/recipes/discourse").c_str()) == 0);
    git::Repository checkout(raw);
    git_remote* remote = nullptr;
    REQUIRE(git_remote_lookup(&remote, checkout.get(), "origin") == 0);
    git::Remote origin(remote);
    CHECK(facts.at("discourse url").value == git_remote_url(origin.get()));
    CHECK(facts.at("discourse url").value == RecipeHost::mirror_host_path("discourse"));
    CHECK(facts.contains("discourse tag:0.7.0+3.3.1"));
    CHECK_FALSE(facts.contains("discourse error"));
}

TEST_CASE("an unreachable mirror is an error for that recipe only")
{
    RecipeHost host;
    published_recipe(host, "good");
    auto& gone = published_recipe(host, "gone");
    gone.git({"remote", "set-url", "origin", "/srv/mirrors/nowhere.git"});
    auto& refused = published_recipe(host, "refused");
    refused.git({"remote", "set-url", "origin", "http://127.0.0.1:1/refused.git"});
    auto& no_origin = published_recipe(host, "no-origin");
    no_origin.git({"remote", "remove", "origin"});

    auto facts = host.collect("mirrors");
    CHECK(facts.contains("good tag:0.7.0+3.3.1"));
    CHECK_FALSE(facts.contains("good error"));
    CHECK(facts.at("gone error").value.find("/srv/mirrors/nowhere.git") != std::string::npos);
    CHECK(facts.at("refused error").value.find("http://127.0.0.1:1/refused.git") != std::string::npos);
    CHECK(facts.at("refused url").value == "http://127.0.0.1:1/refused.git");
    CHECK(facts.at("no-origin error").value.find("no usable remote 'origin'") != std::string::npos);
}

TEST_CASE("credentials in a mirror URL are neither stored nor in the error")
{
    RecipeHost host;
    auto& repo = published_recipe(host, "discourse");
    repo.git({"remote", "set-url", "origin", "http://ci-bot:hunter2-s3cret@127.0.0.1:1/discourse.git"});
    auto facts = host.collect("mirrors");
    CHECK(facts.at("discourse url").value == "http://127.0.0.1:1/discourse.git");
    REQUIRE(facts.contains("discourse error"));
    for (const auto& [key, fact] : facts) {
        CHECK(fact.value.find("hunter2") == std::string::npos);
        CHECK(fact.value.find("ci-bot") == std::string::npos);
    }
}

TEST_CASE("--offline skips the mirrors collector")
{
    RecipeHost host;
    published_recipe(host, "discourse");
    auto options = host.options();
    options.offline = true;
    CHECK_THROWS_AS(host.collect("mirrors", options), CollectorSkipped);
    auto snapshot = collect::collect_snapshot(options, collect::Selection{{"mirrors", "recipes"}, {}}, "h", {});
    for (const auto& run : snapshot.collectors) {
        if (run.name == "mirrors") CHECK(run.status == CollectorStatus::skipped);
        if (run.name == "recipes") CHECK(run.status == CollectorStatus::ok);
    }
}

TEST_CASE("a mirror on this machine is listed as libgit2's transport and git ls-remote list it")
{
    RecipeHost host;
    auto& repo = published_recipe(host, "discourse");
    repo.git({"tag", "-a", "-m", "nested", "nested", "0.7.0+3.3.1"});
    repo.write("f", "2").commit("second");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    auto url = host.mirror_path("discourse").string();
    host.mirror("discourse").git({"pack-refs", "--all"});
    repo.annotated_tag("loose-annotated").tag("loose-light");
    repo.git({"push", "-q", "origin", "--tags"}); // these stay loose in the mirror

    auto describe = [](const git::RemoteListing& l) {
        std::string out = "HEAD " + (l.head ? git::to_hex(*l.head) : "-") + " " + l.head_ref + "\n";
        for (const auto& b : l.branches) out += "refs/heads/" + b.name + " " + git::to_hex(b.commit) + "\n";
        for (const auto& t : l.tags) {
            out += "refs/tags/" + t.name + " " + git::to_hex(t.object) + "\n";
            if (t.peeled) out += "refs/tags/" + t.name + "^{} " + git::to_hex(*t.peeled) + "\n";
        }
        return out;
    };
    auto direct = describe(git::list_local_repository(HostRoot("/"), url));
    CHECK(direct == describe(git::list_remote_by_transport(url)));
    CHECK(direct == describe(git::list_remote_by_transport("file://" + url)));
    // git ls-remote prints the same refs (tab-separated, id first).
    std::string oracle;
    std::istringstream lines(forensic::test::run_checked({"git", "ls-remote", url}, forensic::test::git_env("@0 +0000")));
    for (std::string line; std::getline(lines, line);) {
        auto tab = line.find('\t');
        auto name = line.substr(tab + 1);
        if (name == "HEAD") continue;
        oracle += name + " " + line.substr(0, tab) + "\n";
    }
    CHECK(direct.substr(direct.find('\n') + 1) == oracle);
    CHECK(direct.starts_with("HEAD " + repo.rev("main") + " refs/heads/main\n"));
}
