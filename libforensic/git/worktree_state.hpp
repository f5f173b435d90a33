// The work tree as abra folds it into a chaos stamp: tracked changes and
// untracked, not ignored files (abra's `+U`), kept apart because it is not
// settled which of them abra counts.
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <string>
#include <vector>

namespace forensic::git {

struct WorktreeState {
    bool modified = false;              // a tracked file modified, deleted or staged
    std::vector<std::string> untracked; // untracked, not ignored files, sorted
};

// Reads status without writing anything: the index is loaded, never
// refreshed on disk, and no lock file is taken.
WorktreeState read_worktree_state(git_repository* repo);

} // namespace forensic::git
