// The refs a remote advertises, listed live (what `git ls-remote` shows)
// through a detached libgit2 remote, or for a repository of the host read
// directly (local_listing.hpp): nothing is written, nothing is fetched.
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::git {

struct AdvertisedTag {
    std::string name;              // after refs/tags/
    git_oid object{};              // what the tag ref points to
    std::optional<git_oid> peeled; // the ^{} line: set for annotated tags
};

struct AdvertisedBranch {
    std::string name; // after refs/heads/
    git_oid commit{};
};

struct RemoteListing {
    std::optional<git_oid> head;
    std::string head_ref; // the branch HEAD names, when the remote says
    std::vector<AdvertisedBranch> branches;
    std::vector<AdvertisedTag> tags;
};

// Lists `url` through libgit2's transport. Throws GitError when the remote
// cannot be reached or listed; its message may quote `url` as given,
// credentials and all, for the caller to scrub. A repository on the host is
// read directly instead, under the root (local_listing.hpp; the two agree,
// see the tests): libgit2 would read a local path on this machine.
RemoteListing list_remote_by_transport(const std::string& url);

} // namespace forensic::git
