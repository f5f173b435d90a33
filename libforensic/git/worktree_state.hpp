// The work tree as abra folds it into a chaos stamp: tracked changes and
// untracked, not ignored files (abra's `+U`), kept apart because it is not
// settled which of them abra counts.
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::git {

struct WorktreeState {
    bool modified = false;              // a tracked file modified, deleted or staged
    std::vector<std::string> untracked; // untracked, not ignored files, sorted
};

// Reads status without writing anything: the index is loaded, never
// refreshed on disk, and no lock file is taken. `head` is the commit HEAD
// resolves to, already known from the ref scan (nullopt: unborn, compared
// with an empty tree), so libgit2 need not load the refs again.
WorktreeState read_worktree_state(git_repository* repo, const std::optional<git_oid>& head);

} // namespace forensic::git
