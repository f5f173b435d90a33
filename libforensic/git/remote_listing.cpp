#include "libforensic/git/remote_listing.hpp"

#include <algorithm>
#include <map>

namespace forensic::git {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view heads_prefix = "refs/heads/";
constexpr std::string_view peeled_suffix = "^{}";

} // namespace

RemoteListing list_remote_by_transport(const std::string& url)
{
    ensure_initialised();
    git_remote* raw = nullptr;
    check(git_remote_create_detached(&raw, url.c_str()), "cannot use remote " + url);
    Remote remote(raw);
    git_remote_callbacks callbacks;
    check(git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION), "cannot prepare remote callbacks");
    check(git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr),
          "cannot reach " + url);
    const git_remote_head** heads = nullptr;
    std::size_t count = 0;
    check(git_remote_ls(&heads, &count, remote.get()), "cannot list refs of " + url);

    RemoteListing listing;
    std::map<std::string, AdvertisedTag> tags;
    for (std::size_t i = 0; i < count; ++i) {
        std::string_view name = heads[i]->name;
        const git_oid& id = heads[i]->oid;
        if (name == "HEAD") {
            listing.head = id;
            if (heads[i]->symref_target) listing.head_ref = heads[i]->symref_target;
        } else if (name.starts_with(heads_prefix)) {
            listing.branches.push_back({std::string(name.substr(heads_prefix.size())), id});
        } else if (name.starts_with(tags_prefix)) {
            auto tag = name.substr(tags_prefix.size());
            bool peeled = tag.ends_with(peeled_suffix);
            if (peeled) tag.remove_suffix(peeled_suffix.size());
            auto& entry = tags[std::string(tag)];
            entry.name = tag;
            if (peeled)
                entry.peeled = id;
            else
                entry.object = id;
        }
    }
    for (auto& [name, tag] : tags) listing.tags.push_back(std::move(tag));
    std::sort(listing.branches.begin(), listing.branches.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return listing;
}

} // namespace forensic::git
