// A small stamp-drift history as the collectors would record it, built
// straight through the store: four snapshots 06-05 → 06-11 with a new nix
// generation (same abra), a re-checkout, a Swarm update rolled back, a
// snapshot where the swarm collector failed, and CI runs before and after.
// Timeline and diff tests assert exact events against it.
#pragma once

#include "libforensic/store/store.hpp"

namespace forensic::test {

inline constexpr const char* case_service = "disc-ae10f0_ci_commoninternet_net_app";

// Writes the four snapshots (ids 1..4) into `store`; with `only_last`, only
// the 06-11 snapshot, as if forensic had first run the day after.
void write_case_history(store::Store& store, bool only_last = false);

} // namespace forensic::test
