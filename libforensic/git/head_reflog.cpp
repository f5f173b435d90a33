#include "libforensic/git/head_reflog.hpp"

namespace forensic::git {

std::vector<ReflogEntry> read_head_reflog(git_repository* repo)
{
    git_reflog* raw = nullptr;
    check(git_reflog_read(&raw, repo, "HEAD"), "cannot read the HEAD reflog");
    Reflog reflog(raw);
    auto count = git_reflog_entrycount(reflog.get());
    std::vector<ReflogEntry> entries;
    entries.reserve(count);
    // libgit2 indexes newest first.
    for (auto i = count; i-- > 0;) {
        const git_reflog_entry* e = git_reflog_entry_byindex(reflog.get(), i);
        const char* message = git_reflog_entry_message(e);
        const git_signature* who = git_reflog_entry_committer(e);
        entries.push_back({*git_reflog_entry_id_old(e), *git_reflog_entry_id_new(e), message ? message : "",
                           static_cast<TimeNs>(who->when.time) * ns_per_second});
    }
    return entries;
}

} // namespace forensic::git
