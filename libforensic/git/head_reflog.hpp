// The HEAD reflog: every checkout, commit and reset with its time, the best
// evidence of what was checked out when.
#pragma once

#include "libforensic/git/libgit2.hpp"
#include "libforensic/util/time.hpp"

#include <string>
#include <vector>

namespace forensic::git {

struct ReflogEntry {
    git_oid old_id{};
    git_oid new_id{};
    std::string message;
    TimeNs time = 0;
};

// Oldest first; empty when HEAD has no reflog. Throws GitError when unreadable.
std::vector<ReflogEntry> read_head_reflog(git_repository* repo);

} // namespace forensic::git
