// What a repository on this machine would advertise to `git ls-remote`
// (HEAD, branches, tags with their peeled ids), read directly and read-only.
//
// Why not libgit2's local transport: it looks every ref up again and reads
// every tag object to peel it, ~17 ms for a mirror of 300 tags, where
// packed-refs already records the peeled ids (as upload-pack uses them).
#pragma once

#include "libforensic/git/remote_listing.hpp"

#include <optional>
#include <string>

namespace forensic::git {

// The local path a URL names ("/srv/x.git", "file:///srv/x.git"); nullopt
// for URLs that need a transport (https://, ssh://, git@host:path, ...).
std::optional<std::string> local_path_of(const std::string& url);

// Throws GitError when the repository cannot be opened or its refs read.
RemoteListing list_local_repository(const std::string& path);

} // namespace forensic::git
