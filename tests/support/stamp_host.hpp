// The seed case's host in miniature, for the attribution tests: discourse's
// checkout (a real git repository cloned from its mirror: the release tag
// 0.7.0+3.3.1 and the PR head three commits past it), abra's app env file,
// real Nix generations carrying abra, and CI results — collected with
// `forensic snapshot`; the Swarm side from a real engine (DockerEngine) or a
// saved dump. Times are the test's: the reflog is dated as the test moves the
// checkout, runs as the test says they ran.
#pragma once

#include "support/process.hpp"
#include "support/real_nix.hpp"
#include "support/recipe_fixture.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace forensic::test {

class StampHost {
public:
    StampHost();

    RecipeHost recipes;
    RealNix nix;
    std::string db;
    std::string base, head; // full commit ids: the release and the PR head

    static constexpr const char* recipe = "discourse";
    static constexpr const char* domain = "disc.ci.example";
    static constexpr const char* runs_dir = "/var/lib/cc-ci-runs";
    std::string stack() const { return "disc_ci_example"; }
    std::string service() const { return stack() + "_app"; }
    std::string stamp(const std::string& commit) const { return commit.substr(0, 8) + "+U"; }

    const std::filesystem::path& root() const { return recipes.host.root(); }
    GitRepo& checkout() { return recipes.recipe(recipe); }
    // git checkout `commit`, the reflog entry dated `when` (git keeps seconds).
    void move_checkout(const std::string& commit, TimeNs when);
    // A CI run's results.json: the upgrade tier passed, or failed HC1 having
    // seen `observed` where it expected the head.
    void run(const std::string& id, TimeNs started, TimeNs finished, std::optional<std::string> hc1_observed = {});
    // A new generation whose abra is `version`, created `when`, made current.
    int generation(const std::string& abra_version, TimeNs when);

    // forensic snapshot of the host (recipes offline unless `mirrors`), with
    // `extra` options and `env` (DOCKER_HOST for a live swarm).
    ProcessResult snapshot(const std::vector<std::string>& extra, const std::map<std::string, std::string>& env = {},
                           bool mirrors = false) const;
    // forensic attribute --json of run `id` (or with `extra` options).
    nlohmann::json attribute(const std::string& run_id, const std::vector<std::string>& extra = {}) const;
    // status of each hypothesis
    static std::map<std::string, std::string> statuses(const nlohmann::json& attribution);
    static const nlohmann::json& hypothesis(const nlohmann::json& attribution, const std::string& id);
};

} // namespace forensic::test
