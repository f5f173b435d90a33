// What refs and tags finally name: symbolic refs resolved, tag objects
// followed (each read once).
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <optional>
#include <string>

namespace forensic::git {

// The object id a ref ends at, following symbolic refs; nullopt when a
// symbolic ref names a ref that does not exist.
std::optional<git_oid> ref_target(git_reference* ref);

// The same, or GitError naming the ref.
git_oid required_ref_target(git_reference* ref, const std::string& name);

struct Peeled {
    git_oid id{};
    git_object_t type = GIT_OBJECT_INVALID;
};

// The type of the object `id`, from its header only (no inflating of the body
// for undeltified objects). `what` names it in the error.
git_object_t object_type(git_odb* odb, const git_oid& id, const std::string& what);

// Follows `id` (of type `type`) through any tag objects to the first object
// that is not a tag. `what` names the ref in errors.
Peeled peel_tags(git_odb* odb, const git_oid& id, git_object_t type, const std::string& what);

} // namespace forensic::git
