#include "libforensic/git/worktree_state.hpp"

#include <algorithm>

namespace forensic::git {

WorktreeState read_worktree_state(git_repository* repo, const std::optional<git_oid>& head)
{
    Tree baseline;
    if (head) {
        git_commit* raw_commit = nullptr;
        check(git_commit_lookup(&raw_commit, repo, &*head), "cannot read HEAD's commit " + to_hex(*head));
        Commit commit(raw_commit);
        git_tree* raw_tree = nullptr;
        check(git_commit_tree(&raw_tree, commit.get()), "cannot read the tree of HEAD's commit " + to_hex(*head));
        baseline.reset(raw_tree);
    }
    git_status_options options;
    check(git_status_options_init(&options, GIT_STATUS_OPTIONS_VERSION), "cannot prepare status");
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    // Deliberately without GIT_STATUS_OPT_UPDATE_INDEX: that would write the
    // refreshed index (and take index.lock) in a checkout we only inspect.
    options.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
    options.baseline = baseline.get();
    git_status_list* raw = nullptr;
    check(git_status_list_new(&raw, repo, &options), "cannot read the work tree status");
    StatusList list(raw);

    WorktreeState state;
    auto count = git_status_list_entrycount(list.get());
    for (std::size_t i = 0; i < count; ++i) {
        const git_status_entry* e = git_status_byindex(list.get(), i);
        if (e->status & GIT_STATUS_WT_NEW) {
            state.untracked.emplace_back(e->index_to_workdir->new_file.path);
        } else if (e->status != GIT_STATUS_CURRENT && !(e->status & GIT_STATUS_IGNORED)) {
            state.modified = true;
        }
    }
    std::sort(state.untracked.begin(), state.untracked.end());
    return state;
}

} // namespace forensic::git
