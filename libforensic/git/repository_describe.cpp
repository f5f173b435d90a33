#include "libforensic/git/repository_describe.hpp"

namespace forensic::git {

std::string unique_abbreviation(git_repository* repo, const git_oid& oid, std::size_t min_length)
{
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, repo), "cannot open the object database");
    Odb odb(raw);
    auto hex = to_hex(oid);
    for (auto length = min_length; length < hex.size(); ++length) {
        git_oid found;
        int rc = git_odb_exists_prefix(&found, odb.get(), &oid, length);
        if (rc == GIT_EAMBIGUOUS) continue;
        check(rc, "cannot abbreviate " + hex);
        return hex.substr(0, length);
    }
    return hex;
}

std::optional<std::string> describe_long(git_repository* repo, const git_oid& commit, const DescribeNames& names,
                                         std::size_t abbrev)
{
    CommitLoader load = [repo](const git_oid& oid) {
        git_commit* raw = nullptr;
        check(git_commit_lookup(&raw, repo, &oid), "cannot read commit " + to_hex(oid));
        Commit c(raw);
        CommitInfo info;
        info.time = git_commit_time(c.get());
        auto count = git_commit_parentcount(c.get());
        info.parents.reserve(count);
        for (unsigned i = 0; i < count; ++i) info.parents.push_back(*git_commit_parent_id(c.get(), i));
        return info;
    };
    auto description = describe(commit, names, load);
    if (!description) return std::nullopt;
    return format_long(*description, unique_abbreviation(repo, description->suffix_object, abbrev));
}

} // namespace forensic::git
