// Which facts can change a deployed version stamp. The timeline marks them;
// everything else is context (other stacks appearing, ids, counters).
#pragma once

#include <string_view>

namespace forensic::analyze {

// True for: the abra binary (store path, hash, version, per generation and
// active); a recipe's HEAD, tags, releases, describe, reflog and worktree
// state; mirror refs; catalogue versions; swarm version labels, stamps,
// PreviousSpec presence, UpdateStatus and update/rollback policy; an app's
// deployed version; HC1 results of CI runs.
bool stamp_relevant(std::string_view source, std::string_view subject, std::string_view key);

} // namespace forensic::analyze
