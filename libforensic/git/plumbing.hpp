// libgit2 reads a repository's files by their paths on this machine: it
// follows every link there, honours absolute alternates, commondir and config
// includes, and opens a FIFO for a blocking read. So before libgit2 opens a
// repository of the host, everything of it libgit2 would read is checked here
// to be a regular file (or directory) that libgit2 reaches exactly where the
// --root resolution does (host_root.hpp), within the size cap of its kind. A
// repository that fails is an error naming the first offending entry; nothing
// of it is read. With --root / this machine is the host, and only the types
// and sizes are checked.
//
// Checked: HEAD, commondir, config and config.worktree (with every
// include.path and includeIf.*.path, recursively, and core.excludesFile and
// core.attributesFile), index, packed-refs, shallow, refs/, info/, objects/
// (objects/info/alternates followed as libgit2 follows them, to its depth of
// 5), the common directory commondir names; in the work tree, every
// .gitignore and .gitattributes. The reflog, FETCH_HEAD and ORIG_HEAD are
// not: forensic reads those itself, through util/host_files.hpp.
#pragma once

#include "libforensic/util/host_root.hpp"

#include <string>

namespace forensic::git {

// `git_dir`: the repository's git directory as a host path (a bare
// repository's own directory, or a checkout's .git). Throws GitError or
// PathError naming what would lead libgit2 astray.
void check_plumbing(const HostRoot& root, const std::string& git_dir);

// A config file libgit2 will parse on its own (git_config_open_ondisk), with
// everything it includes.
void check_config(const HostRoot& root, const std::string& config_path);

// The .gitignore and .gitattributes files git status reads in the work tree
// at `work_tree` (a host path), its .git left out.
void check_work_tree(const HostRoot& root, const std::string& work_tree);

} // namespace forensic::git
