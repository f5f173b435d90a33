// describe against a real repository: commits read through libgit2 as the
// walk reaches them, the suffix abbreviated as git abbreviates it.
#pragma once

#include "libforensic/git/describe.hpp"

#include <optional>
#include <string>

namespace forensic::git {

// `commit` as `git describe --tags --long --abbrev=<abbrev>` prints it;
// nullopt when no tag is reachable. Throws GitError when a commit on the way
// cannot be read.
std::optional<std::string> describe_long(git_repository* repo, const git_oid& commit, const DescribeNames& names,
                                         std::size_t abbrev = 8);

// The shortest prefix of `oid`, at least `min_length` hex digits, that names
// no other object in the repository.
std::string unique_abbreviation(git_repository* repo, const git_oid& oid, std::size_t min_length);

} // namespace forensic::git
