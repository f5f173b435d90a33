// What `forensic import` checks of a bundle before it writes anything: the
// rules of `verify` that one snapshot can break, and a date that would make
// it the host's `latest` by a wrong clock.
#pragma once

#include "libforensic/model/fact.hpp"

#include <string>
#include <vector>

namespace forensic::bundle {

// How far past the importing machine's clock a bundle may be dated before
// import warns (clock skew between hosts is normal; 2100 is not).
inline constexpr TimeNs future_margin = 3600 * ns_per_second;

// Throws InputError naming `origin` for a bundle the store would hold but
// verify reject or a re-import see as different: no collector statuses (a
// snapshot needs each collector's status), facts under a collector that did
// not succeed (the store keeps none of them, so the same bundle imported
// again would not match what was stored), finished before it was taken.
void check_bundle(const SnapshotInput& snapshot, const std::string& origin);

// Warnings that do not stop the import: dated more than future_margin after
// `now`, so it would become the host's latest snapshot.
std::vector<std::string> bundle_warnings(const SnapshotInput& snapshot, const std::string& origin, TimeNs now);

} // namespace forensic::bundle
