#include "libforensic/git/local_listing.hpp"

#include "libforensic/git/peel.hpp"
#include "libforensic/git/plumbing.hpp"
#include "libforensic/git/ref_files.hpp"
#include "libforensic/util/error.hpp"

#include <sys/stat.h>

namespace forensic::git {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view heads_prefix = "refs/heads/";

AdvertisedTag read_tag(git_odb* odb, const std::string& name, const git_oid& object, const RefRecord& ref)
{
    AdvertisedTag tag{name.substr(tags_prefix.size()), object, ref.peeled};
    if (tag.peeled) return tag;
    auto type = object_type(odb, tag.object, name);
    if (type == GIT_OBJECT_TAG) tag.peeled = peel_tags(odb, tag.object, type, name).id;
    return tag;
}

} // namespace

std::optional<std::string> local_path_of(const std::string& url, const std::string& base)
{
    if (url.starts_with("file://")) return url.substr(7);
    if (url.starts_with("/")) return url;
    if (url.empty() || url.find("://") != std::string::npos) return std::nullopt;
    // git's rule: "host:path" is scp-like ssh when no '/' comes before the ':'.
    auto colon = url.find(':');
    if (colon != std::string::npos && url.substr(0, colon).find('/') == std::string::npos) return std::nullopt;
    return host_join(base, url);
}

RemoteListing list_local_repository(const HostRoot& root, const std::string& path)
{
    auto resolved = root.resolve(path);
    if (!resolved.exists) throw GitError(path + " does not exist");
    auto git_dir = resolved.host_path;
    struct stat st{};
    if (::lstat(root.real(git_dir + "/.git").c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode)) throw GitError(path + "/.git is not a directory (a gitfile or link); not followed");
        git_dir += "/.git";
    }
    check_plumbing(root, git_dir);
    auto repo = open_repository(root.real(git_dir));
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo.get()), "cannot open the object database of " + path);
    Odb odb(raw_odb);
    auto files = read_ref_files(root, git_dir);
    // upload-pack would fail on what the scan could not read, so do we.
    if (!files.errors.empty()) throw GitError(path + ": " + files.errors.front());

    RemoteListing listing;
    listing.head = files.resolve(files.head);
    if (!files.head.target) listing.head_ref = files.head.symbolic;
    for (const auto& [name, ref] : files.refs) {
        auto target = files.resolve(ref);
        if (!target) continue; // a dangling symbolic ref is not advertised
        if (name.starts_with(heads_prefix))
            listing.branches.push_back({name.substr(heads_prefix.size()), *target});
        else if (name.starts_with(tags_prefix))
            listing.tags.push_back(read_tag(odb.get(), name, *target, ref));
    }
    return listing; // in ref-name order, as ls-remote lists them
}

} // namespace forensic::git
