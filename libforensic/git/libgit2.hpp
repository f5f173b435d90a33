// A thin RAII layer over libgit2: owned handles that free themselves, errors
// as GitError with context, and the process-wide setup done exactly once.
// libgit2 objects are not shared across threads: each thread opens its own
// repository and keeps everything it reads from it on that thread.
#pragma once

#include <git2.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace forensic::git {

// Initialises libgit2 once per process (safe from any thread) and pins the
// global settings every reader here relies on; see libgit2.cpp for why.
void ensure_initialised();

// Throws GitError "<context>: <libgit2's message>" when `rc` is an error code.
void check(int rc, std::string_view context);

// libgit2's last error message on this thread ("unknown error" when none).
std::string last_error_message();

template <typename T, void (*Free)(T*)>
struct Free_ {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Free_<T, Free>>;

using Repository = Handle<git_repository, git_repository_free>;
using Reference = Handle<git_reference, git_reference_free>;
using ReferenceIterator = Handle<git_reference_iterator, git_reference_iterator_free>;
using Object = Handle<git_object, git_object_free>;
using Tag = Handle<git_tag, git_tag_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Reflog = Handle<git_reflog, git_reflog_free>;
using StatusList = Handle<git_status_list, git_status_list_free>;
using Remote = Handle<git_remote, git_remote_free>;
using Config = Handle<git_config, git_config_free>;
using Odb = Handle<git_odb, git_odb_free>;

// Full 40-hex id.
std::string to_hex(const git_oid& oid);

// Opens the git checkout whose work tree is `workdir` (a path on this
// machine), for reading: no search upwards, no environment (GIT_DIR), and the
// work tree must be `workdir` itself (core.worktree elsewhere is refused).
Repository open_checkout(const std::filesystem::path& workdir);

// Opens a repository at `path` as it is (bare or not), without search.
Repository open_repository(const std::filesystem::path& path);

struct OidHash {
    std::size_t operator()(const git_oid& oid) const noexcept
    {
        std::size_t h = 0;
        std::memcpy(&h, oid.id, sizeof h); // ids are uniformly distributed already
        return h;
    }
};

struct OidEqual {
    bool operator()(const git_oid& a, const git_oid& b) const noexcept { return git_oid_equal(&a, &b) != 0; }
};

} // namespace forensic::git
