#include "support/stamp_host.hpp"

#include "support/host_fixture.hpp"

#include "libforensic/util/time.hpp"

#include <fstream>
#include <stdexcept>

namespace forensic::test {

StampHost::StampHost() : nix(recipes.host.root()), db((recipes.host.root() / "forensic.db").string())
{
    auto& host = recipes.host;
    host.file("/etc/hostname", "cc-ci\n");
    auto& repo = checkout();
    repo.at("2026-05-20T10:00:00Z").write("compose.yml", "version: \"3.8\"\n");
    base = repo.commit("chore: publish 0.7.0+3.3.1 release");
    repo.annotated_tag("0.7.0+3.3.1");
    for (const char* message : {"fix: healthcheck", "feat: backupbot labels", "chore: upgrade to 0.9.0+3.5.0"})
        head = repo.write("README.md", std::string(message) + "\n").commit(message);
    repo.git({"push", "-q", "origin", "HEAD:refs/heads/main", "--tags"});
    host.file("/home/ci/.abra/servers/ci.example/" + std::string(domain) + ".env",
              "TYPE=discourse:0.7.0+3.3.1\nDOMAIN=" + std::string(domain) + "\nSMTP_PASSWORD=never-stored\n");
    auto catalogue = GitRepo::init(host.real("/home/ci/.abra/catalogue"));
    catalogue.write("recipes.json", "[{\"name\": \"discourse\", \"repository\": \"https://git.example.org/discourse.git\", "
                                    "\"default_branch\": \"main\", \"versions\": [{\"0.7.0+3.3.1\": {\"app\": "
                                    "{\"image\": \"bitnami/discourse\", \"tag\": \"3.3.1\"}}}]}]\n");
    catalogue.commit("chore: regenerate catalogue");
    generation("0.13.0-beta", at("2026-05-18T10:40:00Z"));
    std::filesystem::create_directories(host.real(runs_dir)); // the CI's, before any run
}

void StampHost::move_checkout(const std::string& commit, TimeNs when)
{
    checkout().at(format_rfc3339(when / ns_per_second * ns_per_second)).git({"checkout", "-q", commit});
}

void StampHost::run(const std::string& id, TimeNs started, TimeNs finished, std::optional<std::string> hc1_observed)
{
    auto seconds = [](TimeNs t) { return std::to_string(static_cast<double>(t) / 1e9); };
    std::string upgrade = hc1_observed ? "fail" : "pass";
    std::string results = "{\"recipe\": \"discourse\", \"ref\": \"" + head.substr(0, 12) + "\", \"level\": " +
                          (hc1_observed ? "1" : "4") + ", \"tiers\": {\"install\": \"pass\", \"upgrade\": \"" + upgrade +
                          "\"}, \"started\": " + seconds(started) + ", \"finished\": " + seconds(finished);
    if (hc1_observed)
        results += ", \"failures\": {\"upgrade\": \"AssertionError: upgrade deployed chaos commit '" + *hc1_observed +
                   "', not the intended PR-head '" + head.substr(0, 12) + "' — the re-checkout to the code under test "
                   "failed (HC1)\"}";
    recipes.host.file(std::string(runs_dir) + "/" + id + "/results.json", results + "}\n");
}

int StampHost::generation(const std::string& abra_version, TimeNs when)
{
    auto abra = nix.add_abra(abra_version);
    auto system = nix.add_system("cc-ci-" + std::to_string(when), abra);
    auto n = nix.set(system, format_rfc3339(when));
    nix.current_system(system);
    return n;
}

ProcessResult StampHost::snapshot(const std::vector<std::string>& extra, const std::map<std::string, std::string>& env,
                                  bool mirrors) const
{
    std::vector<std::string> args = {"snapshot", "--db", db, "--root", root().string(), "--home", RecipeHost::home,
                                     "--runs-dir", runs_dir};
    if (!mirrors) args.push_back("--offline");
    args.insert(args.end(), extra.begin(), extra.end());
    return forensic_run(args, env, std::chrono::seconds(120));
}

nlohmann::json StampHost::attribute(const std::string& run_id, const std::vector<std::string>& extra) const
{
    std::vector<std::string> args = {"attribute", "--db", db, "--recipe", recipe, "--json"};
    if (!run_id.empty()) args.insert(args.end(), {"--run", run_id});
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = forensic_run(args);
    if (r.exit_code != 0) throw std::runtime_error("forensic attribute failed (" + std::to_string(r.exit_code) + "): " + r.err);
    return nlohmann::json::parse(r.out);
}

std::map<std::string, std::string> StampHost::statuses(const nlohmann::json& a)
{
    std::map<std::string, std::string> out;
    for (const auto& h : a["hypotheses"]) out[h["id"]] = h["status"];
    return out;
}

const nlohmann::json& StampHost::hypothesis(const nlohmann::json& a, const std::string& id)
{
    for (const auto& h : a["hypotheses"])
        if (h["id"] == id) return h;
    throw std::runtime_error("no hypothesis " + id);
}

} // namespace forensic::test
