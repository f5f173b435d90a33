// The catalogue collector: abra's recipes.json and the catalogue checkout.
#include "support/recipe_fixture.hpp"

#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>

using namespace forensic;
using forensic::test::GitRepo;
using forensic::test::RecipeHost;

namespace {

const std::string catalogue_json = R"({
  "discourse": {
    "name": "discourse",
    "repository": "https://git.coopcloud.tech/coop-cloud/discourse.git",
    "default_branch": "main",
    "features": {"backups": "yes"},
    "versions": [
      {"0.6.0+3.2.0": {"app": {"image": "bitnami/discourse", "tag": "3.2.0", "digest": "sha256:aaa"},
                        "db": {"image": "postgres", "tag": "13", "digest": "sha256:bbb"}}},
      {"0.7.0+3.3.1": {"app": {"image": "bitnami/discourse", "tag": "3.3.1", "digest": "sha256:ccc"}}}
    ]
  },
  "keycloak": {"name": "keycloak", "repository": "https://git.coopcloud.tech/coop-cloud/keycloak.git",
               "default_branch": "master", "versions": []}
})";

constexpr const char* catalogue_file = "/home/ci/.abra/catalogue/recipes.json";

} // namespace

TEST_CASE("the catalogue lists each recipe's image refs per version, and its own git HEAD")
{
    RecipeHost host;
    host.host.file(catalogue_file, catalogue_json);
    auto repo = GitRepo::init(host.host.real("/home/ci/.abra/catalogue"));
    auto head = repo.at("2026-06-08T12:00:00Z").commit("catalogue update");

    auto facts = host.collect("catalogue");
    CHECK(facts.at("discourse version:0.6.0+3.2.0:app").value == "bitnami/discourse:3.2.0@sha256:aaa");
    CHECK(facts.at("discourse version:0.6.0+3.2.0:db").value == "postgres:13@sha256:bbb");
    CHECK(facts.at("discourse version:0.7.0+3.3.1:app").value == "bitnami/discourse:3.3.1@sha256:ccc");
    CHECK(facts.at("discourse repository").value == "https://git.coopcloud.tech/coop-cloud/discourse.git");
    CHECK(facts.at("discourse default_branch").value == "main");
    CHECK(facts.at("keycloak default_branch").value == "master");
    CHECK(facts.at("catalogue path").value == catalogue_file);
    CHECK(facts.at("catalogue head.commit").value == head);
    CHECK(facts.at("catalogue head.time").value == "2026-06-08T12:00:00Z");
    CHECK(facts.at("catalogue head.time").event_time == forensic::test::at("2026-06-08T12:00:00Z"));
    for (const auto& [key, fact] : facts) CHECK(fact.key != "error");
}

TEST_CASE("a catalogue that is not a git checkout has no HEAD facts and no error")
{
    RecipeHost host;
    host.host.file(catalogue_file, catalogue_json);
    auto facts = host.collect("catalogue");
    CHECK(facts.contains("discourse version:0.7.0+3.3.1:app"));
    CHECK_FALSE(facts.contains("catalogue head.commit"));
    CHECK_FALSE(facts.contains("catalogue error"));
}

TEST_CASE("malformed JSON fails the collector naming the file and position; other collectors are unaffected")
{
    RecipeHost host;
    host.recipe("discourse").commit("c");
    host.host.file(catalogue_file, "{\n  \"discourse\": {\n    \"versions\": [,]\n  }\n}\n");
    CHECK_THROWS_WITH_AS(host.collect("catalogue"),
                         doctest::Contains("/home/ci/.abra/catalogue/recipes.json: malformed JSON at line 3, column 18"),
                         CollectorError);
    auto snapshot = collect::collect_snapshot(host.options(), {{"catalogue", "recipes"}, {}}, "h", {});
    for (const auto& run : snapshot.collectors) {
        if (run.name == "catalogue") {
            CHECK(run.status == CollectorStatus::failed);
            CHECK(run.error.find(catalogue_file) != std::string::npos);
        }
        if (run.name == "recipes") CHECK(run.status == CollectorStatus::ok);
    }
}

TEST_CASE("a recipe entry of the wrong shape is an error for that recipe only")
{
    RecipeHost host;
    host.host.file(catalogue_file, R"({"good": {"versions": [{"1.0.0+1": {"app": {"image": "x", "tag": "1"}}}]},
                                       "bad": {"versions": [{"1.0.0+1": "not services"}]}})");
    auto facts = host.collect("catalogue");
    CHECK(facts.at("good version:1.0.0+1:app").value == "x:1");
    CHECK(facts.at("bad error").value.find("recipe 'bad'.versions[0].1.0.0+1 is not an object") !=
          std::string::npos);
    CHECK_FALSE(facts.contains("good error"));
}

TEST_CASE("each value of the wrong shape is its recipe's error, and the recipe's other values are still read")
{
    RecipeHost host;
    host.host.file(catalogue_file, R"({"mixed": {"repository": 5, "default_branch": null, "features": {"deep": [[{}]]},
                                                 "versions": [{"1.0.0+1": {"app": {"image": "x", "tag": ["1"]},
                                                                           "db": {"image": "pg", "tag": "13"}}},
                                                              "2.0.0+1",
                                                              {"3.0.0+1": {"app": {"image": "y", "digest": "sha256:c"}}}]},
                                       "scalar": 7, "listed": [1, 2]})");
    auto facts = host.collect("catalogue");
    CHECK(facts.at("mixed default_branch").value == "");
    CHECK(facts.at("mixed version:1.0.0+1:db").value == "pg:13");
    CHECK(facts.at("mixed version:3.0.0+1:app").value == "y@sha256:c");
    CHECK_FALSE(facts.contains("mixed repository"));
    CHECK_FALSE(facts.contains("mixed version:1.0.0+1:app"));
    CHECK(facts.at("mixed error").value ==
          std::string(catalogue_file) + ": recipe 'mixed'.repository is not a string; " + catalogue_file +
              ": recipe 'mixed'.versions[0].1.0.0+1.app.tag is not a string; " + catalogue_file +
              ": recipe 'mixed'.versions[1] is not an object");
    CHECK(facts.at("scalar error").value == std::string(catalogue_file) + ": recipe 'scalar' is not an object");
    CHECK(facts.at("listed error").value == std::string(catalogue_file) + ": recipe 'listed' is not an object");
}

TEST_CASE("a catalogue may list its recipes, each naming itself anywhere in it, with versions as an object")
{
    RecipeHost host;
    host.host.file(catalogue_file, R"([{"versions": {"1.0.0+1": {"app": {"image": "x", "tag": "1"}}}, "name": "late"},
                                       {"repository": "https://example.org/unnamed.git"},
                                       "not a recipe",
                                       {"name": "bad", "versions": {"1.0.0+1": 3}}])");
    auto facts = host.collect("catalogue");
    CHECK(facts.at("late version:1.0.0+1:app").value == "x:1");
    CHECK(facts.at("bad error").value ==
          std::string(catalogue_file) + ": recipe 'bad'.versions.1.0.0+1 is not an object of services");
    for (const auto& [name, fact] : facts) CHECK(fact.value != "https://example.org/unnamed.git");
}

TEST_CASE("a catalogue that is neither an object nor a list of recipes fails the collector, naming what it is")
{
    RecipeHost host;
    host.host.file(catalogue_file, "\"recipes\"\n");
    CHECK_THROWS_WITH_AS(host.collect("catalogue"),
                         doctest::Contains("recipes.json: expected an object of recipes, found string"), CollectorError);
}

TEST_CASE("without a catalogue the collector fails, naming the file")
{
    RecipeHost host;
    CHECK_THROWS_WITH_AS(host.collect("catalogue"), doctest::Contains("/home/ci/.abra/catalogue/recipes.json does not exist"),
                         CollectorError);
}
