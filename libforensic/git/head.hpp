// What HEAD is: a branch (symbolic) or a detached commit.
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <optional>
#include <string>

namespace forensic::git {

struct HeadState {
    std::string ref;               // "refs/heads/<branch>", or "detached"
    std::optional<git_oid> commit; // absent on an unborn branch
};

// Throws GitError when HEAD is missing or unreadable.
HeadState read_head(git_repository* repo);

} // namespace forensic::git
