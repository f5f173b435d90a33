// The HEAD reflog: every checkout, commit and reset with its time, the best
// evidence of what was checked out when.
//
// Read from logs/HEAD directly, beneath the root (util/host_files.hpp), not
// through libgit2: git_reflog_read creates logs/HEAD (and logs/) when it is
// missing, a write in a checkout forensic only inspects, and fails without
// write access, losing the reflog facts.
#pragma once

#include "libforensic/git/libgit2.hpp"
#include "libforensic/util/host_root.hpp"
#include "libforensic/util/time.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace forensic::git {

struct ReflogEntry {
    git_oid old_id{};
    git_oid new_id{};
    std::string message;
    TimeNs time = 0;
};

// Oldest first, as the file lists them; empty when HEAD has no reflog.
// `git_dir` is a host path. Throws GitError naming the file and line when an
// entry is malformed, InputError or PathError when the file cannot be read.
std::vector<ReflogEntry> read_head_reflog(const HostRoot& root, const std::string& git_dir);

// The entries of a reflog's text, as libgit2 parses them: "<old> <new>
// <name> <<email>> <seconds> <zone>[\t<message>]" a line. `origin` names it in errors.
std::vector<ReflogEntry> parse_reflog(std::string_view text, const std::string& origin);

} // namespace forensic::git
