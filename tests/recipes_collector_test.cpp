// The recipes collector against real checkouts built with the git CLI, which
// is also the oracle for describe, refs and the reflog.
#include "support/process.hpp"
#include "support/recipe_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/tree_snapshot.hpp"

#include "libforensic/capture/snapshot_session.hpp"
#include "libforensic/collect/collection.hpp"
#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/git/tag_memo.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/utf8.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>

using namespace forensic;
using forensic::test::GitRepo;
using forensic::test::RecipeHost;
using forensic::test::at;

namespace {

const std::string& value(const std::map<std::string, Fact>& facts, const std::string& key)
{
    auto it = facts.find(key);
    if (it == facts.end()) FAIL("no fact '" << key << "'");
    return it->second.value;
}

bool has(const std::map<std::string, Fact>& facts, const std::string& key)
{
    return facts.contains(key);
}

// A recipe with two releases and work past the newest one.
GitRepo& released_recipe(RecipeHost& host, const std::string& name)
{
    auto& repo = host.recipe(name);
    repo.at("2026-06-01T06:00:00Z").write("compose.yml", "version: 1\n").commit("init");
    repo.annotated_tag("0.6.0+3.2.0");
    repo.write("compose.yml", "version: 2\n").commit("bump");
    repo.annotated_tag("0.7.0+3.3.1");
    return repo;
}

} // namespace

TEST_CASE("lightweight and annotated tags are told apart; releases and describe come from them")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    repo.tag("ci-mark");
    auto facts = host.collect("recipes");
    auto tagged = repo.rev("0.7.0+3.3.1^{commit}");
    // One fact a tag: "<peeled> <object|-> <tagger date|-> <release|->", each
    // field as git itself prints it.
    auto tagger = repo.git({"for-each-ref", "--format=%(taggerdate:iso-strict)", "refs/tags/0.7.0+3.3.1"});
    auto annotated = parse_tag_value(value(facts, "discourse tag:0.7.0+3.3.1"));
    REQUIRE(annotated);
    CHECK(annotated->peeled == tagged);
    CHECK(annotated->object == repo.rev("refs/tags/0.7.0+3.3.1"));
    CHECK(annotated->tagger_time == at(tagger));
    CHECK(annotated->release);
    CHECK(value(facts, "discourse tag:0.7.0+3.3.1") ==
          tagged + " " + repo.rev("refs/tags/0.7.0+3.3.1") + " " + format_rfc3339(at(tagger)) + " release");
    CHECK(facts.at("discourse tag:0.7.0+3.3.1").event_time == at(tagger));
    // A lightweight tag has no object and no tagger; ci-mark is no release.
    CHECK(value(facts, "discourse tag:ci-mark") == tagged + " - - -");
    CHECK_FALSE(facts.at("discourse tag:ci-mark").event_time);
    CHECK(parse_tag_value(value(facts, "discourse tag:0.6.0+3.2.0"))->peeled == repo.rev("0.6.0+3.2.0^{commit}"));
    // Nothing else of a tag is a fact of its own any more.
    for (const auto& [name, fact] : facts)
        CHECK_FALSE((name.find("release:") != std::string::npos || name.ends_with(":object") ||
                     name.ends_with(":annotated") || name.ends_with(":tagger_date")));
    // HEAD on the tagged commit, which carries both: the annotated tag wins.
    CHECK(value(facts, "discourse describe") == forensic::test::git_describe(repo.dir()));
    CHECK(value(facts, "discourse describe") == "0.7.0+3.3.1-0-g" + tagged.substr(0, 8));
    CHECK(value(facts, "discourse head.ref") == "refs/heads/main");
    CHECK(value(facts, "discourse head.commit") == tagged);
    CHECK(value(facts, "discourse branch:main") == tagged);
    CHECK_FALSE(has(facts, "discourse error"));
}

TEST_CASE("commits past the newest tag describe as <tag>-9-g<8 hex>, as git prints it")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    for (int i = 0; i < 9; ++i) repo.write("f", std::to_string(i)).commit("work " + std::to_string(i));
    auto facts = host.collect("recipes");
    CHECK(value(facts, "discourse describe") == "0.7.0+3.3.1-9-g" + repo.rev("HEAD").substr(0, 8));
    CHECK(value(facts, "discourse describe") == forensic::test::git_describe(repo.dir()));
}

TEST_CASE("a detached HEAD is recorded as such, with its commit and describe")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    auto older = repo.rev("0.6.0+3.2.0^{commit}");
    repo.write("f", "x").commit("after");
    repo.git({"checkout", "-q", "--detach", older});
    auto facts = host.collect("recipes");
    CHECK(value(facts, "discourse head.ref") == "detached");
    CHECK(value(facts, "discourse head.commit") == older);
    CHECK(value(facts, "discourse describe") == forensic::test::git_describe(repo.dir()));
    CHECK(value(facts, "discourse describe").starts_with("0.6.0+3.2.0-0-g"));
}

TEST_CASE("no reachable tag means no describe fact, and an unborn branch no commit")
{
    RecipeHost host;
    host.recipe("fresh");
    host.recipe("untagged").commit("only");
    auto facts = host.collect("recipes");
    CHECK(value(facts, "fresh head.ref") == "refs/heads/main");
    CHECK_FALSE(has(facts, "fresh head.commit"));
    CHECK_FALSE(has(facts, "fresh error"));
    CHECK(has(facts, "untagged head.commit"));
    CHECK_FALSE(has(facts, "untagged describe"));
    CHECK_FALSE(has(facts, "untagged error"));
}

TEST_CASE("an untracked overlay file is abra's +U; a modified tracked file is recorded apart")
{
    RecipeHost host;
    auto& overlay = released_recipe(host, "overlay");
    overlay.write(".gitignore", "*.log\n").commit("ignore logs");
    overlay.write("compose.ccci.yml", "services: {}\n").write("ci.log", "ignored\n");
    auto& modified = released_recipe(host, "modified");
    modified.write("compose.yml", "version: 3\n");
    auto& staged = released_recipe(host, "staged");
    staged.write("new.yml", "x\n");
    staged.git({"add", "new.yml"});
    released_recipe(host, "clean");

    auto facts = host.collect("recipes");
    CHECK(value(facts, "overlay worktree.untracked") == "true");
    CHECK(value(facts, "overlay worktree.untracked_paths") == "compose.ccci.yml");
    CHECK(value(facts, "overlay worktree.modified") == "false");
    CHECK(value(facts, "modified worktree.modified") == "true");
    CHECK(value(facts, "modified worktree.untracked") == "false");
    CHECK_FALSE(has(facts, "modified worktree.untracked_paths"));
    CHECK(value(facts, "staged worktree.modified") == "true");
    CHECK(value(facts, "staged worktree.untracked") == "false");
    CHECK(value(facts, "clean worktree.modified") == "false");
    CHECK(value(facts, "clean worktree.untracked") == "false");
    // git agrees on what is untracked and not ignored.
    CHECK(overlay.git({"status", "--porcelain", "--untracked-files=all"}) == "?? compose.ccci.yml");
}

TEST_CASE("HEAD reflog entries carry their own times; entries within a second are counted")
{
    RecipeHost host;
    auto& repo = host.recipe("discourse");
    repo.at("2026-06-01T06:00:00Z");
    auto first = repo.commit("one");
    auto second = repo.commit("two");
    repo.at("2026-06-02T08:30:00Z");
    repo.git({"checkout", "-q", "--detach", first});
    repo.git({"checkout", "-q", "main"});
    auto facts = host.collect("recipes");
    std::vector<std::string> keys;
    for (const auto& [key, fact] : facts)
        if (fact.key.starts_with("reflog:")) keys.push_back(fact.key);
    CHECK(keys == std::vector<std::string>{"reflog:2026-06-01T06:00:00Z#0", "reflog:2026-06-01T06:01:00Z#0",
                                           "reflog:2026-06-02T08:30:00Z#0", "reflog:2026-06-02T08:30:00Z#1"});
    CHECK(value(facts, "discourse reflog:2026-06-02T08:30:00Z#0") ==
          second + " " + first + " checkout: moving from main to " + first);
    CHECK(facts.at("discourse reflog:2026-06-02T08:30:00Z#1").event_time == at("2026-06-02T08:30:00Z"));
    // The same entries, in the same order, as git shows them.
    auto oracle = repo.git({"log", "-g", "--format=%gs", "HEAD"});
    std::string ours;
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
        const auto& v = value(facts, "discourse " + *it);
        ours += (ours.empty() ? "" : "\n") + v.substr(82);
    }
    CHECK(ours == oracle);
}

TEST_CASE("FETCH_HEAD and ORIG_HEAD: contents and mtimes; no credentials there or in reflog messages")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    repo.git({"fetch", "-q", "origin"});
    auto fetched = repo.git({"rev-parse", "FETCH_HEAD"});
    repo.git({"reset", "-q", "--hard", "HEAD~1"});
    auto fetch_head = repo.dir() / ".git/FETCH_HEAD";
    {
        std::ofstream out(fetch_head, std::ios::app);
        out << fetched << "\tnot-for-merge\tbranch 'x' of https://ci:s3cr3t-t0ken@git.example.org/recipes/discourse\n";
    }
    forensic::test::set_mtime(fetch_head, at("2026-06-09T23:00:00Z"));
    {
        // Another tool's reflog entry quoting the URL it cloned from.
        std::ofstream log(repo.dir() / ".git/logs/HEAD", std::ios::app);
        log << fetched << " " << fetched << " CI <ci@example.org> 1781000000 +0000\tclone: from "
            << "https://ci:s3cr3t-t0ken@git.example.org/recipes/discourse\n";
    }
    forensic::test::set_mtime(repo.dir() / ".git/ORIG_HEAD", at("2026-06-10T01:00:00Z"));

    auto facts = host.collect("recipes");
    const auto& contents = value(facts, "discourse fetch_head");
    CHECK(contents.starts_with(fetched + "\t\tbranch 'main' of "));
    CHECK(contents.find("https://git.example.org/recipes/discourse") != std::string::npos);
    CHECK(contents.find("s3cr3t") == std::string::npos);
    CHECK(value(facts, "discourse fetch_head.mtime") == "2026-06-09T23:00:00Z");
    CHECK(facts.at("discourse fetch_head.mtime").event_time == at("2026-06-09T23:00:00Z"));
    CHECK(value(facts, "discourse orig_head") == fetched);
    CHECK(value(facts, "discourse reflog:" + format_rfc3339(1781000000 * ns_per_second) + "#0") ==
          fetched + " " + fetched + " clone: from https://git.example.org/recipes/discourse");
    CHECK(value(facts, "discourse orig_head.mtime") == "2026-06-10T01:00:00Z");
}

TEST_CASE("local branches and remote-tracking refs are recorded with their commits")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    repo.git({"push", "-q", "origin", "main"});
    repo.git({"branch", "feature", "HEAD~1"});
    repo.git({"remote", "set-head", "origin", "main"});
    auto facts = host.collect("recipes");
    CHECK(value(facts, "discourse branch:feature") == repo.rev("HEAD~1"));
    CHECK(value(facts, "discourse remote:origin/main") == repo.rev("origin/main"));
    CHECK(value(facts, "discourse remote:origin/HEAD") == repo.rev("origin/main"));
}

TEST_CASE("a corrupt repository gets an error fact and the other recipes are still collected")
{
    RecipeHost host;
    released_recipe(host, "good");
    auto& bad_object = released_recipe(host, "bad-object");
    auto& truncated = released_recipe(host, "truncated-refs");
    auto& headless = released_recipe(host, "headless");

    // A loose commit object overwritten with garbage.
    auto head = bad_object.rev("HEAD");
    bad_object.git({"tag", "-d", "0.7.0+3.3.1"});
    bad_object.write("f", "y").commit("loose");
    auto loose = bad_object.rev("HEAD");
    auto object = bad_object.dir() / ".git/objects" / loose.substr(0, 2) / loose.substr(2);
    std::filesystem::permissions(object, std::filesystem::perms::owner_all);
    std::ofstream(object, std::ios::binary | std::ios::trunc) << "not zlib at all";
    // packed-refs cut in the middle of a line.
    truncated.git({"pack-refs", "--all"});
    auto packed = truncated.dir() / ".git/packed-refs";
    auto size = std::filesystem::file_size(packed);
    std::filesystem::resize_file(packed, size - 30);
    // No HEAD at all.
    std::filesystem::remove(headless.dir() / ".git/HEAD");

    auto facts = host.collect("recipes");
    CHECK_FALSE(has(facts, "good error"));
    CHECK(value(facts, "good describe").starts_with("0.7.0+3.3.1-0-g"));
    for (const std::string name : {"bad-object", "truncated-refs", "headless"}) {
        CAPTURE(name);
        REQUIRE(has(facts, name + " error"));
        // Host paths only: the --root prefix never shows.
        CHECK(value(facts, name + " error").find(host.host.root().string()) == std::string::npos);
    }
    CHECK(value(facts, "bad-object error").find(loose) != std::string::npos);
    CHECK(value(facts, "bad-object head.commit") == loose); // what could be read still is
    CHECK(head != loose);
    CHECK(value(facts, "truncated-refs error").find("/home/ci/.abra/recipes/truncated-refs") != std::string::npos);
    CHECK(value(facts, "truncated-refs error").find(".git/packed-refs is cut short") != std::string::npos);
    CHECK(value(facts, "headless error").find("/home/ci/.abra/recipes/headless") != std::string::npos);
}

TEST_CASE("a recipe directory may not lead outside the recipes directory")
{
    RecipeHost host;
    released_recipe(host, "good");
    auto elsewhere = GitRepo::init(host.host.real("/srv/elsewhere"));
    elsewhere.commit("outside");
    host.host.symlink(std::string(RecipeHost::recipes_dir) + "/escapes", "/srv/elsewhere");
    host.host.symlink(std::string(RecipeHost::recipes_dir) + "/climbs", "../../../../../../..");
    host.host.symlink(std::string(RecipeHost::recipes_dir) + "/dangling", "/srv/gone");
    host.host.symlink(std::string(RecipeHost::recipes_dir) + "/alias", "good");
    host.host.file(std::string(RecipeHost::recipes_dir) + "/README", "not a recipe");

    auto facts = host.collect("recipes");
    CHECK(value(facts, "escapes error").find("outside /home/ci/.abra/recipes") != std::string::npos);
    CHECK_FALSE(has(facts, "escapes head.commit"));
    CHECK(value(facts, "climbs error").find("climbs out of the root") != std::string::npos);
    CHECK(value(facts, "dangling error").find("/srv/gone does not exist") != std::string::npos);
    CHECK(value(facts, "alias head.commit") == value(facts, "good head.commit"));
    CHECK_FALSE(has(facts, "README error"));
    CHECK_FALSE(has(facts, "README head.ref"));
}

TEST_CASE("collecting is read-only: every byte and mtime of the checkout, .git included, stays")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    repo.git({"fetch", "-q", "origin"});
    repo.git({"pack-refs", "--all"});
    // Same bytes, new mtime: a status that refreshed the index would rewrite it.
    repo.write("f", "stat-dirty").commit("f");
    repo.write("compose.ccci.yml", "overlay\n").write("compose.yml", "version: 9\n");
    forensic::test::set_mtime(repo.dir() / "f", at("2026-06-11T00:00:00Z"));
    auto before = forensic::test::tree_snapshot(repo.dir());
    auto mirror_before = forensic::test::tree_snapshot(host.mirror_path("discourse"));

    auto facts = host.collect("recipes");
    REQUIRE(value(facts, "discourse worktree.modified") == "true");
    auto mirror_facts = host.collect("mirrors");
    REQUIRE(has(mirror_facts, "discourse tag:0.7.0+3.3.1"));

    CHECK(forensic::test::tree_snapshot(repo.dir()) == before);
    CHECK(forensic::test::tree_snapshot(host.mirror_path("discourse")) == mirror_before);
    // git itself would have refreshed the index: the check above can fail.
    repo.git({"status", "--porcelain"});
    CHECK(forensic::test::tree_snapshot(repo.dir()) != before);
}

TEST_CASE("ref names that are not UTF-8 do not stop collection and are stored escaped")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    repo.git({"tag", "caf\xe9-\xff", "HEAD~1"});
    auto facts = host.collect("recipes");
    CHECK(tag_commit(value(facts, "discourse tag:caf\xe9-\xff")) == repo.rev("HEAD~1"));

    collect::Selection only{{"recipes"}, {}};
    auto snapshot = collect::collect_snapshot(host.options(), only, "h", std::nullopt);
    bool found = false;
    for (const auto& run : snapshot.collectors)
        for (const auto& fact : run.facts) {
            CHECK(is_valid_utf8(fact.key));
            found |= fact.key == "tag:caf\\xe9-\\xff";
        }
    CHECK(found);
}

TEST_CASE("without a recipes directory the collector fails, naming it")
{
    RecipeHost host;
    CHECK_THROWS_WITH_AS(host.collect("recipes"), doctest::Contains("/home/ci/.abra/recipes does not exist"),
                         CollectorError);
}

TEST_CASE("release tags are <dotted recipe version>+<upstream version>")
{
    RecipeHost host;
    auto& repo = host.recipe("r");
    repo.commit("c");
    for (const std::string tag : {"0.7.0+3.3.1", "1.2+v2.0-rc1", "10.0.0+2024.01", "v1.0.0+2", "1.0.0", "1+2",
                                  "1.0.0+", "latest"})
        repo.tag(tag);
    auto facts = host.collect("recipes");
    for (const std::string release : {"0.7.0+3.3.1", "1.2+v2.0-rc1", "10.0.0+2024.01"})
        CHECK(parse_tag_value(value(facts, "r tag:" + release))->release);
    for (const std::string other : {"v1.0.0+2", "1.0.0", "1+2", "1.0.0+", "latest"})
        CHECK_FALSE(parse_tag_value(value(facts, "r tag:" + other))->release);
}

TEST_CASE("tag objects read once are remembered: the next snapshot gives the same facts without reading them")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    repo.git({"tag", "-a", "-m", "a tag of a tag", "nested", "0.7.0+3.3.1"});
    repo.tag("ci-mark");
    auto cold = host.collect("recipes");

    // First snapshot: every annotated tag object is read and learned.
    git::TagMemo first;
    auto options = host.options();
    options.tag_memo = &first;
    CHECK(host.collect("recipes", options) == cold);
    auto learned = first.learned();
    // 0.6.0, 0.7.0 and nested, once each though nested's peel reads 0.7.0 again (ci-mark is lightweight).
    CHECK(learned.size() == 3);

    // Next snapshot: the memo answers for them, facts byte for byte the same.
    git::TagMemo second(learned);
    options.tag_memo = &second;
    CHECK(host.collect("recipes", options) == cold);
    CHECK(second.learned().empty());
    git_oid id{};
    REQUIRE(git_oid_fromstr(&id, repo.rev("refs/tags/0.7.0+3.3.1").c_str()) == 0);
    const auto* known = second.find(id);
    REQUIRE(known);
    CHECK(known->name == "0.7.0+3.3.1");
    CHECK(git::to_hex(known->target) == repo.rev("0.7.0+3.3.1^{commit}"));

    // A new tag is read and learned; the known ones are not.
    repo.annotated_tag("0.8.0+3.4.0");
    git::TagMemo third(learned);
    options.tag_memo = &third;
    auto later = host.collect("recipes", options);
    CHECK(parse_tag_value(value(later, "discourse tag:0.8.0+3.4.0"))->object == repo.rev("refs/tags/0.8.0+3.4.0"));
    REQUIRE(third.learned().size() == 1);
    CHECK(third.learned()[0].name == "0.8.0+3.4.0");

    // A remembered object that is gone from the repository is still an error.
    auto gone = repo.rev("refs/tags/0.6.0+3.2.0");
    auto object = repo.dir() / ".git/objects" / gone.substr(0, 2) / gone.substr(2);
    REQUIRE(std::filesystem::exists(object));
    std::filesystem::remove(object);
    git::TagMemo fourth(learned);
    options.tag_memo = &fourth;
    auto broken = host.collect("recipes", options);
    REQUIRE(has(broken, "discourse error"));
    CHECK(value(broken, "discourse error").find(gone) != std::string::npos);
}

namespace {

// A store's whole account of its last snapshot, as text to compare.
std::vector<std::string> stored_account(store::Store& store)
{
    std::vector<std::string> out;
    auto latest = store.snapshots().back();
    for (const auto& fact : store.state(latest))
        out.push_back(fact.source + "|" + fact.subject + "|" + fact.key + "|" + fact.value + "|" +
                      (fact.event_time ? std::to_string(*fact.event_time) : "-") + "|" +
                      std::to_string(fact.first_snapshot));
    for (const auto& run : store.collector_runs(latest.id))
        out.push_back("run " + run.collector + " " + std::to_string(static_cast<int>(run.status)) + " " + run.error +
                      " opened " + std::to_string(run.opened) + " closed " + std::to_string(run.closed) +
                      " unchanged " + std::to_string(run.unchanged) + " errors " + std::to_string(run.errors));
    for (const auto& tag : store.tag_objects()) {
        std::ostringstream target;
        for (unsigned byte : tag.target) target << std::hex << (byte >> 4) << (byte & 15);
        out.push_back("tag object " + tag.name + " -> " + target.str());
    }
    return out;
}

} // namespace

TEST_CASE("a first snapshot written run by run while it is collected, and the next one written whole, store what collecting then writing does")
{
    RecipeHost host;
    auto& repo = released_recipe(host, "discourse");
    auto& other = host.recipe("wordpress");
    other.at("2026-06-02T06:00:00Z").write("compose.yml", "wordpress: 1\n").commit("init");
    other.annotated_tag("1.0.0+6.5.0").tag("ci-mark");
    auto options = host.options();
    options.offline = true; // no live listing of the mirrors

    // The runs come in write order: recipes, the largest, last.
    {
        collect::Collection collection(options, {}, "h", at("2026-07-01T00:00:00Z"));
        std::vector<std::string> order;
        while (const auto* run = collection.next()) order.push_back(run->name);
        CHECK(collection.done());
        REQUIRE_FALSE(order.empty());
        CHECK(order.back() == "recipes");
        CHECK(std::count(order.begin(), order.end(), "recipes") == 1);
    }

    forensic::test::TempDir dir;
    store::Store pipelined(dir / "pipelined.db", store::Store::Access::write);
    store::Store whole(dir / "whole.db", store::Store::Access::write);
    auto snapshot_both = [&](const std::string& when) {
        capture::take_snapshot(pipelined, {options, {}, "h", at(when)});
        // The oracle: collected to the end, then written in one call.
        git::TagMemo memo(whole.tag_objects());
        auto oracle_options = options;
        oracle_options.tag_memo = &memo;
        auto input = collect::collect_snapshot(oracle_options, {}, "h", at(when));
        whole.write(input, {}, memo.learned());
        auto account = stored_account(whole);
        CHECK(stored_account(pipelined) == account);
        return account;
    };
    // The first snapshot (a bulk load into the empty store), then one that changes some facts.
    auto first = snapshot_both("2026-07-01T00:00:00Z");
    CHECK(std::count_if(first.begin(), first.end(), [](const auto& line) { return line.starts_with("tag object "); }) == 3);
    repo.annotated_tag("0.8.0+3.4.0");
    host.recipe("wordpress").git({"tag", "-d", "ci-mark"});
    auto second = snapshot_both("2026-07-02T00:00:00Z");
    CHECK(second != first);
    CHECK(std::count_if(second.begin(), second.end(), [](const auto& line) { return line.starts_with("tag object "); }) == 4);
}
