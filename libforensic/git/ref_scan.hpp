// One pass over a repository's refs: HEAD, every tag with what it peels to
// (each tag object read once), every local branch and remote-tracking ref.
// Everything else (describe, release tags, facts) is derived from this scan.
#pragma once

#include "libforensic/git/head.hpp"
#include "libforensic/git/libgit2.hpp"
#include "libforensic/util/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::git {

class TagMemo;

struct TagRef {
    std::string name;                   // after refs/tags/
    git_oid target{};                   // what the ref points to (the tag object when annotated)
    git_oid peeled{};                   // the object at the end of the tag chain
    git_object_t peeled_type = GIT_OBJECT_INVALID;
    bool annotated = false;
    // Annotated tags only:
    git_oid tagged{};                   // the tag object's own target (another tag when nested)
    std::string embedded_name;          // the name written inside the tag object
    std::optional<TimeNs> tagger_time;  // absent when the tag has no tagger line
};

struct BranchRef {
    std::string name; // after refs/heads/ or refs/remotes/
    git_oid commit{};
};

struct RefScan {
    HeadState head;
    std::vector<TagRef> tags;        // sorted by ref name, bytewise (git's ref iteration order)
    std::vector<BranchRef> branches; // refs/heads/*
    std::vector<BranchRef> remotes;  // refs/remotes/*, symbolic ones resolved
    std::vector<std::string> errors; // refs that could not be read, each naming the ref
};

struct RefFiles;

// The refs of `files` (read_ref_files, ref_files.hpp) with the objects they
// name read from `repo`; a single unreadable ref is reported in `errors`.
// A memo (tag_memo.hpp) spares reading tag objects read before.
RefScan scan_refs(git_repository* repo, RefFiles files, TagMemo* memo = nullptr);

} // namespace forensic::git
