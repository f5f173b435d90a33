// What a repository on this machine would advertise to `git ls-remote`
// (HEAD, branches, tags with their peeled ids), read directly and read-only.
//
// Why not libgit2's local transport: it looks every ref up again and reads
// every tag object to peel it, ~17 ms for a mirror of 300 tags, where
// packed-refs already records the peeled ids (as upload-pack uses them).
#pragma once

#include "libforensic/git/remote_listing.hpp"
#include "libforensic/util/host_root.hpp"

#include <optional>
#include <string>

namespace forensic::git {

// The local path a URL names ("/srv/x.git", "file:///srv/x.git", or a
// relative path, taken from `base` as git takes it from the directory it runs
// in); nullopt for URLs that need a transport (https://, ssh://,
// git@host:path, ...).
std::optional<std::string> local_path_of(const std::string& url, const std::string& base);

// The repository at host path `path` under `root` (bare, or a checkout whose
// .git is a directory), its plumbing checked first (plumbing.hpp) and its refs
// read beneath the root. Throws GitError (or PathError) when it cannot be
// opened, points outside the root, or its refs cannot be read.
RemoteListing list_local_repository(const HostRoot& root, const std::string& path);

} // namespace forensic::git
