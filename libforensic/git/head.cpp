#include "libforensic/git/head.hpp"

namespace forensic::git {

HeadState read_head(git_repository* repo)
{
    git_reference* raw = nullptr;
    check(git_reference_lookup(&raw, repo, "HEAD"), "cannot read HEAD");
    Reference head(raw);
    if (git_reference_type(head.get()) == GIT_REFERENCE_DIRECT)
        return {"detached", *git_reference_target(head.get())};
    HeadState state{git_reference_symbolic_target(head.get()), std::nullopt};
    git_reference* resolved = nullptr;
    int rc = git_reference_resolve(&resolved, head.get());
    if (rc == GIT_ENOTFOUND) return state; // unborn branch: nothing committed yet
    check(rc, "cannot resolve HEAD (" + state.ref + ")");
    Reference owned(resolved);
    state.commit = *git_reference_target(owned.get());
    return state;
}

} // namespace forensic::git
