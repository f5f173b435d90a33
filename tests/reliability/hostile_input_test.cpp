// Hostile and broken input, end to end: one host where every source holds
// something broken — dangling, looping and escaping links (nix generations,
// abra paths, recipe and run directories), a recipe directory linking out of
// the tree, a cut packed-refs, a tag of a missing object, ref names and
// labels that are not UTF-8, a 10 MB label, malformed JSON and XML, JSON
// nested a million deep, a FIFO where a results.json should be — snapshotted
// by the forensic binary with a time limit. Each broken thing is an error fact
// (or failed collector) naming it, or correct facts; everything else on the
// host is still recorded; every output is valid UTF-8; nothing hangs.
#include "support/process.hpp"
#include "support/recipe_fixture.hpp"
#include "support/shown_facts.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/store/store.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sys/stat.h>

using namespace forensic;
using namespace forensic::test;

namespace {

constexpr std::chrono::seconds bound{120};
const std::string profiles = HostFixture::profiles;
const std::string recipes = RecipeHost::recipes_dir;
const std::string runs = "/var/lib/cc-ci-runs";
const std::string huge_label(10 * 1024 * 1024, 'L');

void hostile_nix(HostFixture& host)
{
    auto abra = host.abra_package("0.13.0-beta");
    auto good = host.system("cc-ci-good", abra);
    host.generation(1, "2026-06-01T06:00:00Z", good);
    host.generation(2, "2026-06-02T06:00:00Z", "/nix/store/" + HostFixture::store_hash("gone") + "-nixos-system-gone");
    host.symlink(profiles + "/loop-a", "loop-b").symlink(profiles + "/loop-b", "loop-a");
    host.generation(3, "2026-06-03T06:00:00Z", "loop-a");
    host.generation(4, "2026-06-04T06:00:00Z", "../../../../../../../../etc");
    // A system whose sw/bin/abra points at a package that is not there.
    host.generation(5, "2026-06-05T06:00:00Z",
                    host.system("cc-ci-no-abra", "/nix/store/" + HostFixture::store_hash("none") + "-abra-9.9.9"));
    host.profile(1).current_system(good);
    host.symlink("/opt/abra/loop", "/opt/abra/loop");
    host.symlink("/opt/abra/dangling", "/opt/abra/nothing");
    host.symlink("/opt/abra/escape", "../../../../../../../bin/sh");
}

void hostile_recipes(RecipeHost& host)
{
    auto& good = host.recipe("good");
    good.write("compose.yml", "v1\n").commit("init");
    good.annotated_tag("0.1.0+1.0.0");
    good.git({"tag", "caf\xe9-\xff", "HEAD"});
    good.git({"push", "-q", "origin", "main", "--tags"});

    auto outside = GitRepo::init(host.host.real("/srv/elsewhere"));
    outside.commit("outside the recipes directory");
    host.host.symlink(recipes + "/outside", "/srv/elsewhere");
    host.host.symlink(recipes + "/dangling", "/srv/gone");
    host.host.symlink(recipes + "/loop", "loop");
    host.host.symlink(recipes + "/escape", "../../../../../../../..");

    auto& truncated = host.recipe("truncated");
    truncated.commit("init");
    truncated.annotated_tag("0.2.0+1.0.0");
    truncated.git({"pack-refs", "--all"});
    auto packed = truncated.dir() / ".git/packed-refs";
    std::filesystem::resize_file(packed, std::filesystem::file_size(packed) - 30);

    auto& ghost = host.recipe("ghost");
    ghost.commit("init");
    ghost.write(".git/refs/tags/ghost", "0123456789abcdef0123456789abcdef01234567\n");
}

void hostile_catalogue(HostFixture& host)
{
    host.file("/home/ci/.abra/catalogue/recipes.json", "{\"good\": {\"versions\": [\n  {\"1.0\": \xff\xfe}]}}\n");
}

// A saved inspect array: one service with a 10 MB label, one whose label key
// and value hold bytes that are not UTF-8 (Docker's own JSON never would).
std::string hostile_services()
{
    auto service = [](const std::string& id, const std::string& name, const std::string& labels) {
        return "{\"ID\": \"" + id + "\", \"Version\": {\"Index\": 7}, \"Spec\": {\"Name\": \"" + name +
               "\", \"Labels\": {\"com.docker.stack.namespace\": \"hostile\"" + labels +
               "}, \"TaskTemplate\": {\"ContainerSpec\": {\"Image\": \"x:1\", \"Env\": [\"PASSWORD=S3CR3T-env\"]}}}}";
    };
    return "[" + service("aaaa1111", "hostile_big", ", \"huge\": \"" + huge_label + "\"") + ",\n" +
           service("bbbb2222", "hostile_bytes", ", \"caf\xe9\": \"v\xff\xfe-end\"") + "]";
}

void hostile_swarm(HostFixture& host)
{
    host.file("/srv/evidence/services.json", hostile_services());
    host.file("/srv/evidence/truncated.json", hostile_services().substr(0, 4000));
    host.file("/home/ci/.abra/servers/cc-ci/hostile.example.org.env", "TYPE=caf\xe9:1.0\xff\nDOMAIN=hostile.example.org\n");
    host.symlink("/home/ci/.abra/servers/cc-ci/dangling.example.org.env", "/srv/gone.env");
    host.symlink("/home/ci/.abra/servers/cc-ci/loop.example.org.env", "loop.example.org.env");
}

void hostile_runs(HostFixture& host)
{
    host.file(runs + "/ok/results.json", R"({"recipe": "good", "level": 5, "finished": 1781199631.4})");
    host.file(runs + "/ok/upgrade__generic__t.xml", R"(<testsuite tests="2" failures="1"/>)");
    host.file(runs + "/malformed/results.json", "{\"recipe\": \"good\",\n \"level\": }");
    host.file(runs + "/badxml/results.json", R"({"recipe": "good"})");
    host.file(runs + "/badxml/upgrade__generic__t.xml", "<testsuite tests=\"-1\"");
    host.file(runs + "/bytes/results.json", "{\"recipe\": \"good\", \"failures\": {\"upgrade\": \"bad \xff\xfe bytes\"}}");
    host.file(runs + "/deep/results.json", "{\"recipe\": \"good\", \"x\": " + std::string(1000000, '[') + "}");
    host.file(runs + "/huge-number/results.json", R"({"recipe": "good", "started": 1e400})");
    host.symlink(runs + "/dangling", "/var/lib/gone");
    host.symlink(runs + "/loop", "loop");
    host.symlink(runs + "/escape", "../../../../../../..");
    // Links inside a run: an absolute target read under the root, a climbing one refused.
    host.file("/srv/evidence/results.json", R"({"recipe": "linked"})");
    host.symlink(runs + "/linked/results.json", "/srv/evidence/results.json");
    host.symlink(runs + "/climbing/results.json", "../../../../../../../../etc/passwd");
    std::filesystem::create_directories(host.real(runs + "/fifo"));
    REQUIRE(::mkfifo(host.real(runs + "/fifo/results.json").c_str(), 0600) == 0);
}

std::vector<std::string> snapshot_args(const RecipeHost& host, const std::string& db, const std::string& at,
                                       const std::string& docker_json)
{
    return {"snapshot", "--db", db, "--root", host.host.root().string(), "--home", RecipeHost::home, "--host", "cc-ci",
            "--at", at, "--runs-dir", runs, "--docker-json", host.host.real(docker_json).string(), "--abra-path",
            "/run/current-system/sw/bin/abra,/opt/abra/loop,/opt/abra/dangling,/opt/abra/escape", "--offline"};
}

ProcessResult bounded(const std::vector<std::string>& args)
{
    auto r = forensic_run(args, {}, bound);
    CHECK_FALSE(r.timed_out);
    CHECK(is_valid_utf8(r.out));
    CHECK(is_valid_utf8(r.err));
    return r;
}

} // namespace

TEST_CASE("one hostile host: each broken thing an error naming it, the rest recorded, valid output, no hang")
{
    RecipeHost host;
    hostile_nix(host.host);
    hostile_recipes(host);
    hostile_catalogue(host.host);
    hostile_swarm(host.host);
    hostile_runs(host.host);
    TempDir dir("forensic-hostile");
    auto db = (dir / "f.db").string();

    auto first = bounded(snapshot_args(host, db, "2026-06-10T06:00:00Z", "/srv/evidence/services.json"));
    INFO(first.out << first.err);
    CHECK(first.exit_code == 3);
    auto facts = shown_facts(db, "1");

    // nix: the good generation is whole; each broken one names its link.
    check_holds(facts, "nix generation/1 abra.version", "0.13.0-beta");
    check_holds(facts, "nix generation/2 error", "dangling link " + profiles + "/system-2-link");
    check_holds(facts, "nix generation/3 error", "too many levels of symbolic links");
    check_holds(facts, "nix generation/3 error", profiles + "/system-3-link");
    check_holds(facts, "nix generation/4 error", "climbs out of the root");
    check_holds(facts, "nix generation/5 error", "-abra-9.9.9 does not exist");
    check_holds(facts, "nix generation/5 store_path", "-nixos-system-cc-ci-no-abra");
    check_holds(facts, "nix current-system generation", "1");
    // abra: the working candidate is active; the others are errors naming them.
    check_holds(facts, "abra active candidate", "/run/current-system/sw/bin/abra");
    check_holds(facts, "abra /opt/abra/loop error", "too many levels of symbolic links resolving '/opt/abra/loop'");
    check_holds(facts, "abra /opt/abra/dangling error", "dangling link /opt/abra/dangling");
    check_holds(facts, "abra /opt/abra/escape error", "climbs out of the root");
    // recipes: the good checkout with its non-UTF-8 tag escaped; each broken one named.
    check_holds(facts, "recipes good describe", "0.1.0+1.0.0-0-g");
    check_holds(facts, "recipes good tag:caf\\xe9-\\xff", host.recipe("good").rev("HEAD"));
    check_holds(facts, "recipes outside error", "outside " + recipes);
    CHECK_FALSE(facts.contains("recipes outside head.commit"));
    check_holds(facts, "recipes dangling error", "/srv/gone does not exist");
    check_holds(facts, "recipes loop error", "too many levels of symbolic links");
    check_holds(facts, "recipes escape error", "climbs out of the root");
    check_holds(facts, "recipes truncated error", recipes + "/truncated/.git/packed-refs is cut short");
    CHECK(std::count_if(facts.begin(), facts.end(), [](const auto& f) { return f.first.starts_with("recipes truncated "); }) > 1);
    check_holds(facts, "recipes ghost error", "refs/tags/ghost");
    check_holds(facts, "recipes ghost error", "0123456789abcdef0123456789abcdef01234567");
    check_holds(facts, "recipes ghost head.commit", host.recipe("ghost").rev("HEAD"));
    // swarm: the 10 MB label whole, the bytes escaped, Env nowhere; env files.
    CHECK(facts["swarm hostile_big spec.label:huge"] == huge_label);
    check_holds(facts, "swarm hostile_bytes spec.label:caf\\xe9", "v\\xff\\xfe-end");
    check_holds(facts, "swarm app/hostile.example.org recipe", "caf\\xe9");
    check_holds(facts, "swarm app/hostile.example.org version", "1.0\\xff");
    check_holds(facts, "swarm app/dangling.example.org error", "/srv/gone.env does not exist");
    check_holds(facts, "swarm app/loop.example.org error", "too many levels of symbolic links");
    // runs: good runs recorded, each broken one an error naming its file.
    check_holds(facts, "runs run/ok level", "5");
    check_holds(facts, "runs run/ok junit:upgrade__generic__t.xml", "tests=2 failures=1");
    check_holds(facts, "runs run/malformed error", runs + "/malformed/results.json: malformed JSON at line 2, column");
    check_holds(facts, "runs run/badxml recipe", "good");
    check_holds(facts, "runs run/badxml error", runs + "/badxml/upgrade__generic__t.xml");
    check_holds(facts, "runs run/bytes failure:upgrade", "bad \\xff\\xfe bytes");
    check_holds(facts, "runs run/deep error", runs + "/deep/results.json: nested deeper than 512 levels");
    check_holds(facts, "runs run/huge-number error", runs + "/huge-number/results.json: malformed JSON");
    check_holds(facts, "runs run/dangling error", "dangling link " + runs + "/dangling");
    check_holds(facts, "runs run/loop error", "too many levels of symbolic links");
    check_holds(facts, "runs run/escape error", "climbs out of the root");
    check_holds(facts, "runs run/linked recipe", "linked");
    check_holds(facts, "runs run/climbing error", "climbs out of the root");
    check_holds(facts, "runs run/fifo error", runs + "/fifo/results.json is not a regular file");
    for (const auto& entry : facts) {
        INFO(entry.first);
        CHECK(entry.second.find("S3CR3T") == std::string::npos);
        CHECK(entry.second.find(host.host.root().string()) == std::string::npos); // host paths only
    }

    // The catalogue fails as a whole, naming the file and where.
    auto show = bounded({"show", "1", "--db", db});
    CHECK(show.out.find("collector catalogue failed: /home/ci/.abra/catalogue/recipes.json: malformed JSON at line 2") !=
          std::string::npos);

    // A truncated inspect array the next day: swarm fails, its facts are carried.
    auto second = bounded(snapshot_args(host, db, "2026-06-11T06:00:00Z", "/srv/evidence/truncated.json"));
    CHECK(second.exit_code == 3);
    CHECK(second.out.find("/srv/evidence/truncated.json: malformed JSON at line 1") != std::string::npos);
    auto carried = shown_facts(db, "2");
    CHECK(carried["swarm hostile_big spec.label:huge"] == huge_label);

    // Every output format of every report is valid UTF-8 (JSON that parses).
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"show", "2", "--db", db},
             {"diff", "1", "2", "--db", db},
             {"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30"},
             {"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30", "--format", "md"},
             {"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30", "--format", "html"},
             {"blast-radius", "--db", db}}) {
        INFO(args.front());
        CHECK(bounded(args).exit_code == 0);
    }
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"diff", "1", "2", "--db", db, "--json"},
             {"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30", "--json"},
             {"blast-radius", "--db", db, "--json"},
             {"list", "--db", db, "--json"}}) {
        INFO(args.front());
        auto r = bounded(args);
        CHECK(r.exit_code == 0);
        CHECK(nlohmann::json::accept(r.out));
    }
}

TEST_CASE("malformed bundles are refused one by one, naming each file; the good one is imported")
{
    HostFixture host;
    host.file("/srv/run/a/results.json", R"({"recipe": "good", "finished": 1781199631.4})");
    TempDir dir("forensic-bundles");
    auto db = (dir / "f.db").string();
    REQUIRE(bounded({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci", "--only", "runs",
                     "--runs-dir", "/srv/run", "--at", "2026-06-10T06:00:00Z"})
                .exit_code == 0);
    auto good = (dir / "good.json").string();
    REQUIRE(bounded({"export", "--db", db, "-o", good}).exit_code == 0);
    auto text = read_bytes(good);
    auto repeated = nlohmann::json::parse(text);
    repeated["collectors"].push_back(repeated["collectors"][0]);
    std::map<std::string, std::string> bad = {
        {"cut.json", text.substr(0, text.size() / 2)},
        {"bytes.json", "{\"format\": \"forensic-bundle\", \"host\": \"\xff\xfe\"}"},
        {"deep.json", std::string(100000, '[')},
        {"repeated.json", repeated.dump()}};
    std::vector<std::string> args = {"import", "--db", (dir / "other.db").string(), "--json", good};
    for (const auto& [name, bytes] : bad) {
        std::ofstream(dir / name, std::ios::binary) << bytes;
        args.push_back((dir / name).string());
    }
    auto r = bounded(args);
    CHECK(r.exit_code == 3);
    auto report = nlohmann::json::parse(r.out)["bundles"];
    REQUIRE(report.size() == 5);
    CHECK(report[0]["outcome"] == "imported");
    for (std::size_t i = 1; i < report.size(); ++i) {
        INFO(report[i].dump());
        CHECK(report[i]["outcome"] == "rejected");
        CHECK(report[i]["error"].get<std::string>().starts_with(report[i]["file"].get<std::string>() + ": "));
    }
}

TEST_CASE("a runs directory of 10,000 entries is recorded whole, in bounded time")
{
    HostFixture host;
    auto dir = host.real(runs);
    std::filesystem::create_directories(dir);
    constexpr int count = 10000;
    for (int i = 0; i < count; ++i) {
        auto run = dir / ("run-" + std::to_string(i));
        std::filesystem::create_directory(run);
        std::ofstream(run / "results.json") << R"({"recipe": "r)" << i % 200 << R"(", "level": )" << i % 6
                                            << R"(, "tiers": {"install": "pass"}, "finished": )" << 1781000000 + i << "}";
    }
    TempDir tmp("forensic-runs");
    auto db = (tmp / "f.db").string();
    auto started = std::chrono::steady_clock::now();
    auto r = bounded({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci", "--only", "runs",
                      "--runs-dir", runs, "--at", "2026-06-10T06:00:00Z"});
    MESSAGE("10,000 runs snapshotted in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
            << " ms");
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);

    store::Store store(db, store::Store::Access::read);
    auto state = store.state(store.snapshots().back(), store::FactFilter{"runs", {}});
    std::set<std::string> subjects;
    for (const auto& f : state) subjects.insert(f.subject);
    CHECK(subjects.size() == count);
    CHECK(state.size() == std::size_t(count) * 4); // recipe, level, tier:install, finished
    CHECK(std::all_of(state.begin(), state.end(), [](const StoredFact& f) { return f.event_time.has_value(); }));
}
