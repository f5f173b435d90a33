// A complete fixture host for the reliability suite: every collector has
// something real to read — Nix generations with abra, recipe checkouts (tags,
// reflog, FETCH_HEAD, an untracked overlay and a modified tracked file) with
// their bare mirrors, a catalogue checkout, swarm services as a saved inspect
// array with abra's app env files, and CI runs (JUnit included). A
// recognisable secret ("S3CR3T-<where>") sits in every field that
// docs/collectors.md says is never stored: credentials in URLs' user-info
// and query strings, secret-named labels and NAME=value assignments, unknown
// results.json fields.
#pragma once

#include "support/recipe_fixture.hpp"

#include <string>
#include <vector>

namespace forensic::test {

class FullHost {
public:
    static constexpr const char* runs_dir = "/var/lib/cc-ci-runs";
    static constexpr const char* docker_json = "/srv/evidence/services.json"; // an evidence input, not a host path

    FullHost();

    RecipeHost recipes; // its `host` is the fixture root
    const HostFixture& host() const { return recipes.host; }

    // The saved inspect array on this machine (under the fixture root).
    std::string docker_json_file() const;

    // `forensic snapshot` of every collector at `at`; swarm from the saved
    // array unless `docker_json` is false (then the caller names --docker).
    std::vector<std::string> snapshot_args(const std::string& db, const std::string& at, bool docker_json = true) const;

    // Secrets planted without the S3CR3T mark (a registry auth as base64, an
    // env variable's name): with "S3CR3T", everything no output may hold.
    static std::vector<std::string> secrets();
};

} // namespace forensic::test
