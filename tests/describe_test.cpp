// describe derived from the tag scan must print exactly what
// `git describe --tags --long --abbrev=8` prints: checked on hand-made cases
// and on many generated histories (merges, clock skew, equal dates, several
// tags on one commit, lightweight and annotated, nested and renamed tags).
#include "support/git_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/git/ref_files.hpp"
#include "libforensic/git/ref_scan.hpp"
#include "libforensic/git/repository_describe.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <random>
#include <sstream>

using namespace forensic;
using forensic::test::GitRepo;
using forensic::test::TempDir;

namespace {

// Our describe of `rev` in the repository at `dir`; "" when no tag is reachable.
std::string ours(const std::filesystem::path& dir, const std::string& rev)
{
    auto repo = git::open_repository(dir);
    auto refs = git::scan_refs(repo.get(), git::read_ref_files(HostRoot("/"), git_repository_path(repo.get())));
    REQUIRE(refs.errors.empty());
    auto names = git::describe_names(refs.tags);
    git_oid oid;
    REQUIRE(git_oid_fromstr(&oid, rev.c_str()) == 0);
    return git::describe_long(repo.get(), oid, names).value_or("");
}

struct Line {
    GitRepo repo;
    std::vector<std::string> commits;
};

// c0 ← c1 ← ... ← c<n-1>, one minute apart.
Line line_of(const TempDir& tmp, int n)
{
    Line line{GitRepo::init(tmp / "line"), {}};
    for (int i = 0; i < n; ++i) line.commits.push_back(line.repo.commit("c" + std::to_string(i)));
    return line;
}

} // namespace

TEST_CASE("commits past the newest release tag: <tag>-<n>-g<8 hex>")
{
    TempDir tmp;
    auto line = line_of(tmp, 12);
    line.repo.annotated_tag("0.7.0+3.3.1", line.commits[2]);
    auto described = ours(line.repo.dir(), line.commits[11]);
    CHECK(described == "0.7.0+3.3.1-9-g" + line.commits[11].substr(0, 8));
    CHECK(described == forensic::test::git_describe(line.repo.dir(), line.commits[11]));
}

TEST_CASE("HEAD exactly on a tag is <tag>-0-g<8 hex>, and no reachable tag means no description")
{
    TempDir tmp;
    auto line = line_of(tmp, 4);
    CHECK(ours(line.repo.dir(), line.commits[3]).empty());
    line.repo.tag("light", line.commits[3]);
    CHECK(ours(line.repo.dir(), line.commits[3]) == "light-0-g" + line.commits[3].substr(0, 8));
    CHECK(ours(line.repo.dir(), line.commits[2]).empty());
    CHECK(forensic::test::git_describe(line.repo.dir(), line.commits[2]).empty());
}

TEST_CASE("on one commit an annotated tag beats a lightweight one, and the newer tagger date wins")
{
    TempDir tmp;
    auto line = line_of(tmp, 3);
    line.repo.tag("a-light", line.commits[1]);
    line.repo.at("2026-06-03T00:00:00Z").annotated_tag("z-newer", line.commits[1]);
    line.repo.at("2026-06-02T00:00:00Z").annotated_tag("m-older", line.commits[1]);
    auto described = ours(line.repo.dir(), line.commits[2]);
    CHECK(described.starts_with("z-newer-1-g"));
    CHECK(described == forensic::test::git_describe(line.repo.dir(), line.commits[2]));
}

TEST_CASE("a renamed annotated tag is described by its embedded name, as git does")
{
    TempDir tmp;
    auto line = line_of(tmp, 2);
    line.repo.annotated_tag("1.0.0+1", line.commits[0]);
    line.repo.git({"update-ref", "refs/tags/renamed", line.repo.rev("refs/tags/1.0.0+1")});
    line.repo.git({"tag", "-d", "1.0.0+1"});
    CHECK(ours(line.repo.dir(), line.commits[1]) == forensic::test::git_describe(line.repo.dir(), line.commits[1]));
    CHECK(ours(line.repo.dir(), line.commits[1]).starts_with("1.0.0+1-1-g"));
}

TEST_CASE("describe matches git on generated histories")
{
    constexpr int histories = 50;
    for (int seed = 1; seed <= histories; ++seed) {
        CAPTURE(seed);
        TempDir tmp;
        std::mt19937 rng(static_cast<unsigned>(seed));
        auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
        auto repo = GitRepo::init(tmp / "h.git", true);

        // The history, as a fast-import stream.
        int n = 15 + static_cast<int>(rng() % 45);
        std::ostringstream stream;
        long long base = 1780293600, date = base;
        std::vector<int> annotated_marks;
        for (int i = 1; i <= n; ++i) {
            bool root = i == 1 || chance(6);
            if (root) stream << "reset refs/heads/work\n";
            // Mostly forward in time; sometimes the same second, sometimes skewed back.
            if (chance(15)) {
            } else if (chance(15)) {
                date = base + static_cast<long long>(rng() % 3600) * 60 - 30 * 60;
            } else {
                date += 60 + static_cast<long long>(rng() % 600);
            }
            stream << "commit refs/heads/work\nmark :" << i << "\ncommitter C <c@x> " << date
                   << " +0000\ndata 0\n";
            if (!root) {
                int first = i - 1 - static_cast<int>(rng() % static_cast<unsigned>(std::min(i - 1, 6)));
                stream << "from :" << first << "\n";
                if (i > 2 && chance(25)) {
                    int second = 1 + static_cast<int>(rng() % static_cast<unsigned>(i - 1));
                    if (second != first) stream << "merge :" << second << "\n";
                }
            }
            stream << "M 644 inline f\ndata " << std::to_string(i).size() << "\n" << i << "\n";
            if (!chance(30)) continue;
            int tags = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < tags; ++k) {
                auto name = (chance(50) ? "0." + std::to_string(i) + "." + std::to_string(k) + "+1.0"
                                        : "t" + std::to_string(rng() % 1000));
                name += "-" + std::to_string(i) + std::to_string(k);
                if (chance(50)) {
                    // Few distinct tagger dates, so ties happen.
                    stream << "tag " << name << "\nfrom :" << i << "\ntagger T <t@x> "
                           << base + static_cast<long long>(rng() % 4) * 3600 << " +0000\ndata 0\n";
                    annotated_marks.push_back(i);
                } else {
                    stream << "reset refs/tags/" << name << "\nfrom :" << i << "\n";
                }
            }
        }
        auto stream_file = tmp / "stream";
        std::ofstream(stream_file) << stream.str();
        forensic::test::run_checked({"sh", "-c", "git -C '" + repo.dir().string() + "' fast-import --quiet < '" +
                                                     stream_file.string() + "'"},
                                    forensic::test::git_env("@1780293600 +0000"));

        // Tags git makes awkward: of tags, of trees, renamed; and packed or loose refs.
        auto tag_names = repo.git({"for-each-ref", "--format=%(refname:short) %(objecttype)", "refs/tags"});
        std::istringstream listed(tag_names);
        std::string tag, type;
        int extra = 0;
        while (listed >> tag >> type) {
            ++extra;
            if (chance(5)) repo.git({"update-ref", "refs/tags/tree-" + std::to_string(extra), tag + "^{tree}"});
            if (type == "tag" && chance(10)) repo.git({"tag", "-a", "-m", "n", "nested-" + std::to_string(extra), tag});
            if (type == "tag" && chance(10)) {
                repo.git({"update-ref", "refs/tags/renamed-" + std::to_string(extra), repo.rev("refs/tags/" + tag)});
                repo.git({"update-ref", "-d", "refs/tags/" + tag});
            }
        }
        if (chance(50)) repo.git({"pack-refs", "--all"});

        // Every commit, described by git in one run and by us one by one.
        auto all = repo.git({"rev-list", "--all"});
        std::vector<std::string> commits;
        std::istringstream revs(all);
        for (std::string c; revs >> c;) commits.push_back(c);
        std::vector<std::string> argv{"git", "-C", repo.dir().string(), "describe", "--tags", "--long",
                                      "--abbrev=8", "--always"};
        argv.insert(argv.end(), commits.begin(), commits.end());
        std::istringstream expected(forensic::test::run_checked(argv, forensic::test::git_env("@0 +0000")));
        for (const auto& commit : commits) {
            std::string line;
            REQUIRE(std::getline(expected, line));
            if (line.find("-g") == std::string::npos) line.clear(); // --always: no tag reachable
            CAPTURE(commit);
            CHECK(ours(repo.dir(), commit) == line);
        }
    }
}
