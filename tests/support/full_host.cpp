#include "support/full_host.hpp"

#include "support/swarm_fixture.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

namespace forensic::test {

namespace {

constexpr const char* hc1_failure =
    "AssertionError: upgrade deployed chaos commit 'eb96de94+U', not the intended PR-head '7ae7b0f76efb' (HC1); "
    "pushed to https://ci-bot:S3CR3T-results-url@git.example.org/discourse.git";

void nix_and_abra(HostFixture& host)
{
    // The binary's bytes are hashed, never stored.
    auto abra = host.abra_package("0.13.0-beta", "#!/bin/sh\n# S3CR3T-abra-binary\necho abra\n");
    auto first = host.system("cc-ci-1", abra);
    auto second = host.system("cc-ci-2", abra);
    host.generation(1, "2026-06-01T06:00:00Z", first).generation(2, "2026-06-09T05:44:00Z", second);
    host.profile(2).current_system(second);
}

void discourse_checkout(RecipeHost& recipes)
{
    auto& repo = recipes.recipe("discourse");
    repo.at("2026-06-01T06:00:00Z").write("compose.yml", "version: 1\n").commit("init");
    repo.annotated_tag("0.9.0+3.5.0");
    repo.git({"push", "-q", "origin", "main", "--tags"});
    auto next = repo.write("compose.yml", "version: 2\n").commit("next");
    repo.git({"pack-refs", "--all"});
    // The reflog and FETCH_HEAD quote URLs with credentials, as tools write them.
    repo.git({"update-ref", "-m", "reset: to https://ci-bot:S3CR3T-reflog@git.example.org/discourse.git", "HEAD",
              "HEAD~1"});
    repo.git({"update-ref", "-m", "pull: from https://ci-bot:S3CR3T-reflog@git.example.org/discourse.git", "HEAD",
              next});
    repo.git({"update-ref", "-m", "pull: from https://git.example.org/discourse.git?access_token=S3CR3T-reflog-query",
              "HEAD", next});
    std::ofstream(repo.dir() / ".git/FETCH_HEAD")
        << repo.rev("HEAD") << "\t\tbranch 'main' of https://ci-bot:S3CR3T-fetch-head@git.example.org/discourse.git\n"
        << repo.rev("HEAD") << "\tnot-for-merge\tbranch 'x' of https://git.example.org/d.git?private_token=S3CR3T-fetch-query\n";
    repo.git({"config", "http.extraHeader", "Authorization: Bearer S3CR3T-git-extraheader"});
    // abra's +U overlay (untracked) and a local edit (modified): paths only, never contents.
    repo.write("compose.ccci.yml", "token: S3CR3T-untracked-content\n");
    repo.write("compose.yml", "version: 2\npassword: S3CR3T-modified-content\n");
}

void n8n_checkout(RecipeHost& recipes)
{
    auto& repo = recipes.recipe("n8n");
    repo.write("compose.yml", "n8n\n").commit("init");
    // A mirror behind credentials, unreachable here: an error naming no password.
    repo.git({"remote", "set-url", "origin",
              "http://ci-bot:S3CR3T-mirror-url@127.0.0.1:1/n8n.git?private_token=S3CR3T-mirror-query"});
}

void catalogue(HostFixture& host)
{
    auto repo = GitRepo::init(host.real("/home/ci/.abra/catalogue"));
    repo.write("recipes.json", R"({"discourse": {"repository": "https://ci-bot:S3CR3T-catalogue-url@git.example.org/discourse.git",
  "default_branch": "main",
  "versions": [{"0.9.0+3.5.0": {"app": {"image": "discourse/discourse", "tag": "3.5.0", "digest": "sha256:9c2e"}}}]},
 "n8n": {"repository": "https://git.example.org/n8n.git?token=S3CR3T-catalogue-query", "versions": []}})");
    repo.commit("catalogue");
}

void swarm(HostFixture& host)
{
    abra_app_env(host);
    // The fixture's services (secrets in every ContainerSpec field), and a
    // label quoting a URL with credentials: labels are stored, credentials not.
    std::ifstream in(swarm_fixture("updating.json"));
    auto services = nlohmann::json::parse(in);
    auto& labels = services[0]["Spec"]["Labels"];
    labels["backup.url"] = "s3://ci-bot:S3CR3T-label-url@minio.example.org/backups";
    // Labels that say secret by name are recorded as there, never their values.
    labels["DB_PASSWORD"] = "S3CR3T-label-password";
    labels["com.example.apiToken"] = "S3CR3T-label-token";
    labels["backup.command"] = "PGPASSWORD=S3CR3T-label-assignment pg_dump";
    labels["webhook.url"] = "https://hooks.example.org/x?ref=main&access_token=S3CR3T-label-query";
    host.file(FullHost::docker_json, services.dump(1));
}

void runs(HostFixture& host)
{
    std::string dir = FullHost::runs_dir;
    host.file(dir + "/449/results.json", R"({"recipe": "discourse", "ref": "eb96de94ab12", "pr": "1", "level": 5,
 "tiers": {"install": "pass", "upgrade": "pass"}, "started": 1780900000.5, "finished": 1780900900.5})");
    nlohmann::json failing = {{"recipe", "discourse"},
                              {"ref", "7ae7b0f76efb"},
                              {"pr", "2"},
                              {"level", 1},
                              {"tiers", {{"install", "pass"}, {"upgrade", "fail"}}},
                              {"started", 1781110000.25},
                              {"finished", 1781110900.25},
                              {"failures", {{"upgrade", hc1_failure}}},
                              {"harness", {{"origin", "https://ci-bot:S3CR3T-results-extra@git.example.org/h.git"}}},
                              // Unknown fields: recorded by name, their values only when a number or boolean.
                              {"deploy_token", "S3CR3T-results-token"},
                              {"notes", "S3CR3T-results-unknown-string"},
                              {"attempt", 2}};
    host.file(dir + "/450/results.json", failing.dump());
    host.file(dir + "/450/upgrade__generic__test_upgrade.xml",
              R"(<testsuites><testsuite name="pytest" tests="1" failures="1" errors="0" skipped="0"/></testsuites>)");
}

} // namespace

FullHost::FullHost()
{
    auto& fixture = recipes.host;
    nix_and_abra(fixture);
    discourse_checkout(recipes);
    n8n_checkout(recipes);
    catalogue(fixture);
    swarm(fixture);
    runs(fixture);
}

std::string FullHost::docker_json_file() const
{
    return host().real(docker_json).string();
}

std::vector<std::string> FullHost::snapshot_args(const std::string& db, const std::string& at, bool saved) const
{
    std::vector<std::string> args = {"snapshot", "--db",     db,         "--root",     host().root().string(),
                                     "--home",   RecipeHost::home, "--host", "cc-ci", "--at",
                                     at,         "--runs-dir", runs_dir};
    if (saved) args.insert(args.end(), {"--docker-json", docker_json_file()});
    return args;
}

std::vector<std::string> FullHost::secrets()
{
    return {"S3CR3T", "SECRET_DB_PASSWORD_VERSION", "DISCOURSE_DB_PASSWORD",
            "Y2k6UzNDUjNULXJlZ2lzdHJ5LXBhc3N3b3Jk"}; // base64 of ci:S3CR3T-registry-password
}

} // namespace forensic::test
