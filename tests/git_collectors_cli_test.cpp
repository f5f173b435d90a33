// The git collectors through the forensic binary and the store: what a user
// runs on the CI host, and what ends up in the database file.
#include "support/process.hpp"
#include "support/recipe_fixture.hpp"

#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/store/store.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace forensic;
using forensic::test::GitRepo;
using forensic::test::RecipeHost;

namespace {

std::vector<std::string> snapshot_args(const RecipeHost& host, const std::string& db, const std::string& at)
{
    return {"snapshot", "--db",   db,        "--root", host.host.root().string(), "--home", RecipeHost::home,
            "--host",   "cc-ci",  "--at",    at,       "--abra-dir",              "~/.abra", "--only",
            "recipes,mirrors,catalogue"};
}

} // namespace

TEST_CASE("forensic snapshot stores the git collectors; a re-pointed tag shows as old → new")
{
    RecipeHost host;
    auto& repo = host.recipe("discourse");
    repo.write("compose.yml", "v1\n").commit("init");
    repo.annotated_tag("0.7.0+3.3.1");
    auto first = repo.rev("HEAD");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    host.host.file("/home/ci/.abra/catalogue/recipes.json", R"({"discourse": {"versions": []}})");
    auto db = (host.host.root() / "forensic.db").string();

    auto one = forensic::test::forensic_run(snapshot_args(host, db, "2026-06-09T06:00:00Z"));
    CHECK(one.exit_code == 0);
    CHECK(one.out.find("recipes") != std::string::npos);
    // The release is re-tagged on a new commit in the checkout.
    auto second = repo.write("compose.yml", "v2\n").commit("fix");
    repo.git({"tag", "-f", "-a", "-m", "again", "0.7.0+3.3.1", second});
    auto two = forensic::test::forensic_run(snapshot_args(host, db, "2026-06-10T06:00:00Z"));
    CHECK(two.exit_code == 0);

    store::Store store(db, store::Store::Access::read);
    sql::Statement change(store.database(),
                          "SELECT change, before, after FROM fact_change WHERE source = 'recipes' AND "
                          "subject = 'discourse' AND key = 'tag:0.7.0+3.3.1' AND snapshot_id = 2");
    REQUIRE(change.step());
    CHECK(change.column_text(0) == "changed");
    CHECK(tag_commit(change.column_text(1)) == first);
    CHECK(tag_commit(change.column_text(2)) == second);

    auto show = forensic::test::forensic_run({"show", "--db", db, "--source", "recipes", "--subject", "discourse", "--json"});
    REQUIRE(show.exit_code == 0);
    std::map<std::string, std::string> facts;
    auto doc = nlohmann::json::parse(show.out);
    for (const auto& f : doc["facts"]) facts[f["key"].get<std::string>()] = f["value"].get<std::string>();
    CHECK(tag_commit(facts.at("tag:0.7.0+3.3.1")) == second);
    CHECK(facts.at("describe") == forensic::test::git_describe(repo.dir()));
    // The mirror still advertises the old target.
    auto mirror = forensic::test::forensic_run({"show", "--db", db, "--source", "mirrors", "--subject", "discourse", "--json"});
    CHECK(mirror.out.find("\"tag:0.7.0+3.3.1\"") != std::string::npos);
    CHECK(mirror.out.find(first) != std::string::npos);
}

TEST_CASE("a password in a mirror or fetch URL appears nowhere in the database files or any output")
{
    const std::string password = "hunter2-Zq9";
    RecipeHost host;
    auto& repo = host.recipe("discourse");
    repo.commit("init");
    repo.git({"remote", "set-url", "origin", "http://ci-bot:" + password + "@127.0.0.1:1/discourse.git"});
    {
        std::ofstream fetch_head(repo.dir() / ".git/FETCH_HEAD");
        fetch_head << repo.rev("HEAD") << "\t\tbranch 'main' of http://ci-bot:" << password
                   << "@127.0.0.1:1/discourse\n";
    }
    host.host.file("/home/ci/.abra/catalogue/recipes.json", "{}");
    auto db = (host.host.root() / "forensic.db").string();

    std::vector<forensic::test::ProcessResult> runs;
    runs.push_back(forensic::test::forensic_run(snapshot_args(host, db, "2026-06-09T06:00:00Z")));
    CHECK(runs.back().exit_code == 3); // the unreachable mirror is an error fact
    runs.push_back(forensic::test::forensic_run(snapshot_args(host, db, "2026-06-10T06:00:00Z")));
    runs.push_back(forensic::test::forensic_run({"show", "--db", db}));
    runs.push_back(forensic::test::forensic_run({"show", "--db", db, "--json"}));
    runs.push_back(forensic::test::forensic_run({"export", "--db", db}));
    CHECK(runs.at(2).out.find("http://127.0.0.1:1/discourse.git") != std::string::npos);
    for (const auto& run : runs) {
        CHECK(run.out.find(password) == std::string::npos);
        CHECK(run.err.find(password) == std::string::npos);
    }
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(host.host.root())) {
        if (!entry.path().filename().string().starts_with("forensic.db")) continue;
        ++files;
        CAPTURE(entry.path().string());
        CHECK(forensic::test::read_bytes(entry.path()).find(password) == std::string::npos);
    }
    CHECK(files >= 1);

    // And while a writer still has the database open, its WAL holds the new
    // pages: the password is not there either. (A reader is open too, so the
    // first snapshot is written through the WAL, not the rollback journal a
    // store's first write takes when it has the file alone: sqlite.hpp.)
    auto live_db = host.host.root() / "live.db";
    {
        store::Store store(live_db, store::Store::Access::write);
        store::Store reader(live_db, store::Store::Access::read);
        store.write(collect::collect_snapshot(host.options(), {{"recipes", "mirrors"}, {}}, "cc-ci", std::nullopt));
        auto wal = std::filesystem::path(live_db.string() + "-wal");
        REQUIRE(std::filesystem::exists(wal));
        CHECK(forensic::test::read_bytes(wal).find("127.0.0.1:1/discourse") != std::string::npos);
        CHECK(forensic::test::read_bytes(wal).find(password) == std::string::npos);
        CHECK(forensic::test::read_bytes(live_db).find(password) == std::string::npos);
    }
}
