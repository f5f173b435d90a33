// The swarm fixtures under tests/data/swarm: the discourse app of the seed
// case (stack disc-ae10f0_ci_commoninternet_net) in four moments — completed,
// updating (7ae7b0f7+U over eb96de94+U), rolled_back, paused — each with
// recognisable "S3CR3T" strings in every field that must never be stored.
#pragma once

#include "support/host_fixture.hpp"

#include <filesystem>
#include <string>

namespace forensic::test {

inline const std::string fixture_stack = "disc-ae10f0_ci_commoninternet_net";
inline const std::string fixture_app = fixture_stack + "_app";

// tests/data/swarm/<name> in the source tree.
std::filesystem::path swarm_fixture(const std::string& name);

// abra's env file for the app on server cc-ci (TYPE=discourse:0.9.0+3.5.0,
// mtime 2026-06-10T14:03:05.25Z), its other lines holding secrets.
void abra_app_env(HostFixture& host);

} // namespace forensic::test
