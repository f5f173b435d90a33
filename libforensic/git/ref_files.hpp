// A repository's refs read from the files git keeps them in: HEAD, then
// packed-refs (with the peeled ids it records), then the loose refs under
// refs/, which win over packed ones of the same name.
//
// Why not libgit2's ref iterator: loading packed-refs through it cost ~1.4M
// instructions per repository of 300 tags (an allocation, a hash insert and a
// slow hex parse per line), as much as a quarter of reading a checkout.
#pragma once

#include "libforensic/git/libgit2.hpp"
#include "libforensic/util/host_root.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forensic::git {

struct RefRecord {
    std::optional<git_oid> target; // a direct ref
    std::string symbolic;          // a symbolic ref: the name it points to
    std::optional<git_oid> peeled; // packed-refs' "^" line: set for annotated tags
};

struct RefFiles {
    RefRecord head;
    std::map<std::string, RefRecord> refs; // by full name, bytewise (git's order)
    std::vector<std::string> errors;       // loose refs that could not be read, each named

    // Follows symbolic refs to an object id; nullopt when one names a ref
    // that does not exist (an unborn branch, a remote's stale HEAD).
    std::optional<git_oid> resolve(const RefRecord& ref) const;
};

// `git_dir` is a host path, every file read beneath `root`
// (util/host_files.hpp). Throws GitError naming the file when packed-refs
// is malformed or cut short, InputError or PathError when HEAD is missing,
// unreadable or not a regular file inside the root.
RefFiles read_ref_files(const HostRoot& root, const std::string& git_dir);

} // namespace forensic::git
