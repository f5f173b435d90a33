#include "libforensic/git/local_listing.hpp"

#include "libforensic/git/peel.hpp"

#include <algorithm>

namespace forensic::git {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view heads_prefix = "refs/heads/";

void read_head(git_repository* repo, RemoteListing& listing)
{
    git_reference* raw = nullptr;
    if (git_reference_lookup(&raw, repo, "HEAD") < 0) return; // upload-pack advertises no HEAD then
    Reference head(raw);
    if (git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC)
        listing.head_ref = git_reference_symbolic_target(head.get());
    listing.head = ref_target(head.get());
}

AdvertisedTag read_tag(git_odb* odb, git_reference* ref, const std::string& name)
{
    AdvertisedTag tag{name.substr(tags_prefix.size()), required_ref_target(ref, name), std::nullopt};
    if (const git_oid* peeled = git_reference_target_peel(ref)) {
        tag.peeled = *peeled;
        return tag;
    }
    auto type = object_type(odb, tag.object, name);
    if (type == GIT_OBJECT_TAG) tag.peeled = peel_tags(odb, tag.object, type, name).id;
    return tag;
}

} // namespace

std::optional<std::string> local_path_of(const std::string& url)
{
    if (url.starts_with("file://")) return url.substr(7);
    if (url.starts_with("/")) return url;
    return std::nullopt;
}

RemoteListing list_local_repository(const std::string& path)
{
    auto repo = open_repository(path);
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo.get()), "cannot open the object database of " + path);
    Odb odb(raw_odb);
    git_reference_iterator* raw_iter = nullptr;
    check(git_reference_iterator_new(&raw_iter, repo.get()), "cannot list refs of " + path);
    ReferenceIterator iter(raw_iter);

    RemoteListing listing;
    read_head(repo.get(), listing);
    for (;;) {
        git_reference* raw_ref = nullptr;
        int rc = git_reference_next(&raw_ref, iter.get());
        if (rc == GIT_ITEROVER) break;
        check(rc, "cannot list refs of " + path);
        Reference ref(raw_ref);
        std::string name = git_reference_name(ref.get());
        if (name.starts_with(heads_prefix)) {
            if (auto target = ref_target(ref.get()))
                listing.branches.push_back({name.substr(heads_prefix.size()), *target});
        } else if (name.starts_with(tags_prefix)) {
            listing.tags.push_back(read_tag(odb.get(), ref.get(), name));
        }
    }
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(listing.branches.begin(), listing.branches.end(), by_name);
    std::sort(listing.tags.begin(), listing.tags.end(), by_name);
    return listing;
}

} // namespace forensic::git
