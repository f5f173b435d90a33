// What tags finally name: tag objects followed, each read once.
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <string>

namespace forensic::git {

class TagMemo;

struct Peeled {
    git_oid id{};
    git_object_t type = GIT_OBJECT_INVALID;
};

// The type of the object `id`, from its header only (no inflating of the body
// for undeltified objects). `what` names it in the error.
git_object_t object_type(git_odb* odb, const git_oid& id, const std::string& what);

// Follows `id` (of type `type`) through any tag objects to the first object
// that is not a tag. `what` names the ref in errors.
Peeled peel_tags(git_odb* odb, const git_oid& id, git_object_t type, const std::string& what,
                 TagMemo* memo = nullptr);

} // namespace forensic::git
