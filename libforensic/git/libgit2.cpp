#include "libforensic/git/libgit2.hpp"

#include "libforensic/util/error.hpp"

#include <mutex>

namespace forensic::git {

void ensure_initialised()
{
    static std::once_flag once;
    std::call_once(once, [] {
        // Never shut down: other threads may still hold repositories at exit.
        if (git_libgit2_init() < 0) throw GitError("cannot initialise libgit2: " + last_error_message());
        // forensic reads checkouts owned by the CI user, typically as another
        // user; it only reads, and libgit2 runs no hooks or config commands.
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
        // Re-hashing every object read cost ~5% of a scan; git does not
        // re-hash on read either, and a corrupt object still fails to inflate
        // or parse.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // Every object is read once (see ref_scan.cpp): caching them only
        // costs inserting and freeing.
        git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
        // The config of the machine running forensic (its ~/.gitconfig,
        // /etc/gitconfig) must not change what a host's repositories look like
        // (an excludesFile would hide untracked files): only each repository's
        // own config counts.
        for (auto level : {GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM, GIT_CONFIG_LEVEL_XDG,
                           GIT_CONFIG_LEVEL_GLOBAL})
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, "");
    });
}

std::string last_error_message()
{
    const git_error* e = git_error_last();
    return e && e->message ? std::string(e->message) : std::string("unknown error");
}

void check(int rc, std::string_view context)
{
    if (rc < 0) throw GitError(std::string(context) + ": " + last_error_message());
}

std::string to_hex(const git_oid& oid)
{
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
}

Repository open_repository(const std::filesystem::path& path)
{
    ensure_initialised();
    git_repository* raw = nullptr;
    check(git_repository_open_ext(&raw, path.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr),
          "cannot open repository " + path.string());
    return Repository(raw);
}

Repository open_checkout(const std::filesystem::path& workdir)
{
    auto repo = open_repository(workdir);
    const char* opened = git_repository_workdir(repo.get());
    if (!opened) throw GitError(workdir.string() + " is a bare repository, not a checkout");
    std::error_code ec;
    if (!std::filesystem::equivalent(opened, workdir, ec))
        throw GitError(workdir.string() + ": its work tree is configured elsewhere (" + opened + ")");
    return repo;
}

} // namespace forensic::git
