// `git describe --tags` derived from an already scanned tag list: git's own
// algorithm (builtin/describe.c, git 2.39), not libgit2's git_describe_commit,
// which looks up and peels every tag again on each call.
#pragma once

#include "libforensic/git/ref_scan.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

namespace forensic::git {

// Per commit, the one tag describe may name there (git's replace_name: an
// annotated tag beats a lightweight one, a newer tagger date beats an older
// one, otherwise the first in ref-name order stays).
using DescribeNames = std::unordered_map<git_oid, const TagRef*, OidHash, OidEqual>;

// `tags` in ref-name order, as scan_refs returns them; the result points into it.
DescribeNames describe_names(const std::vector<TagRef>& tags);

struct CommitInfo {
    std::vector<git_oid> parents;
    std::int64_t time = 0; // committer date, seconds
};
using CommitLoader = std::function<CommitInfo(const git_oid&)>;

struct Description {
    const TagRef* tag = nullptr;
    unsigned depth = 0;
    // The object whose abbreviation follows "-g": the commit described, except
    // that git prints the tag's own target when the commit is exactly an
    // annotated tag (which differs from the commit for a tag of a tag).
    git_oid suffix_object{};

    // What describe prints before the suffix: the name inside the tag object
    // for annotated tags (git prints it even when the ref is named otherwise).
    const std::string& name() const;
};

// Describes `commit` as `git describe --tags` does; nullopt when no tag is
// reachable. `load` is asked for each commit walked, at most once each.
std::optional<Description> describe(const git_oid& commit, const DescribeNames& names, const CommitLoader& load);

// "<name>-<depth>-g<abbreviation>", as --long prints it.
std::string format_long(const Description& description, const std::string& abbreviation);

} // namespace forensic::git
