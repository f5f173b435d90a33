// Refs read from git's files must be the refs git itself lists: loose refs
// over packed ones, symbolic refs resolved, lock files ignored.
#include "support/git_fixture.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/git/ref_files.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <sstream>

using namespace forensic;
using forensic::test::GitRepo;
using forensic::test::TempDir;

namespace {

// A repository with every kind of ref, packed and loose.
GitRepo mixed_repository(const TempDir& tmp)
{
    auto repo = GitRepo::init(tmp / "r");
    auto first = repo.commit("one");
    repo.annotated_tag("0.1.0+1").tag("light").git({"tag", "-a", "-m", "n", "nested", "0.1.0+1"});
    repo.git({"branch", "feature"});
    repo.git({"update-ref", "refs/remotes/origin/main", first});
    repo.git({"pack-refs", "--all"});
    auto second = repo.commit("two");
    repo.git({"update-ref", "refs/heads/feature", second}); // loose, over the packed copy
    repo.annotated_tag("0.2.0+1").git({"branch", "team/x"});
    repo.git({"symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main"});
    repo.write(".git/refs/heads/wip.lock", first + "\n"); // a writer's leftover
    return repo;
}

} // namespace

TEST_CASE("refs read from the files are the refs git for-each-ref lists")
{
    TempDir tmp;
    auto repo = mixed_repository(tmp);
    auto files = git::read_ref_files(HostRoot("/"), (repo.dir() / ".git").string());
    CHECK(files.errors.empty());
    CHECK(files.head.symbolic == "refs/heads/main");
    CHECK(git::to_hex(*files.resolve(files.head)) == repo.rev("HEAD"));

    // name → <object, fully peeled object for annotated tags>, as git lists them.
    std::istringstream listed(repo.git({"for-each-ref", "--format=%(refname) %(objectname) %(objecttype)"}));
    std::map<std::string, std::pair<std::string, std::string>> oracle;
    for (std::string name, object, type; listed >> name >> object >> type;)
        oracle[name] = {object, type == "tag" ? repo.rev(name + "^{}") : ""};
    std::map<std::string, std::pair<std::string, std::string>> ours;
    for (const auto& [name, ref] : files.refs) {
        auto target = files.resolve(ref);
        REQUIRE(target);
        // Only packed-refs records peeled ids; where it does, they are git's.
        auto peeled = ref.peeled ? git::to_hex(*ref.peeled) : oracle[name].second;
        ours[name] = {git::to_hex(*target), peeled};
    }
    CHECK(ours == oracle);
    CHECK_FALSE(files.refs.contains("refs/heads/wip.lock"));
    CHECK(files.refs.at("refs/tags/0.1.0+1").peeled);                       // packed, annotated
    CHECK_FALSE(files.refs.at("refs/tags/0.2.0+1").peeled);                 // loose: peel unknown
    CHECK(files.refs.at("refs/remotes/origin/HEAD").symbolic == "refs/remotes/origin/main");
    CHECK(git::to_hex(*files.refs.at("refs/heads/feature").target) == repo.rev("feature"));
}

TEST_CASE("a detached HEAD, and a dangling symbolic ref, resolve as git resolves them")
{
    TempDir tmp;
    auto repo = GitRepo::init(tmp / "r");
    auto first = repo.commit("one");
    repo.git({"checkout", "-q", "--detach", first});
    repo.git({"symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/gone"});
    auto files = git::read_ref_files(HostRoot("/"), (repo.dir() / ".git").string());
    CHECK(files.head.symbolic.empty());
    CHECK(git::to_hex(*files.head.target) == first);
    CHECK_FALSE(files.resolve(files.refs.at("refs/remotes/origin/HEAD")));
}

TEST_CASE("a malformed or cut packed-refs is an error naming the file; a broken loose ref is listed")
{
    TempDir tmp;
    auto repo = mixed_repository(tmp);
    auto packed = repo.dir() / ".git/packed-refs";
    std::string text;
    {
        std::ifstream in(packed);
        std::stringstream s;
        s << in.rdbuf();
        text = s.str();
    }
    std::ofstream(packed, std::ios::trunc) << text.substr(0, text.size() - 5);
    CHECK_THROWS_WITH_AS(git::read_ref_files(HostRoot("/"), (repo.dir() / ".git").string()), doctest::Contains("packed-refs is cut short"),
                         GitError);
    std::ofstream(packed, std::ios::trunc) << text << "not a ref line\n";
    CHECK_THROWS_WITH_AS(git::read_ref_files(HostRoot("/"), (repo.dir() / ".git").string()), doctest::Contains("packed-refs: line"), GitError);

    std::ofstream(packed, std::ios::trunc) << text;
    repo.write(".git/refs/heads/broken", "not an id\n");
    auto files = git::read_ref_files(HostRoot("/"), (repo.dir() / ".git").string());
    REQUIRE(files.errors.size() == 1);
    CHECK(files.errors.front() == "broken loose ref refs/heads/broken");
    CHECK(files.refs.contains("refs/heads/feature"));
}
