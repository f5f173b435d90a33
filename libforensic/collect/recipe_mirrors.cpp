// `mirrors`: what each recipe's upstream advertises right now, listed live
// with libgit2 (as `git ls-remote` would), so a tag moved upstream but not in
// the checkout shows. The checkout is only read for its origin URL; the
// listing (git/remote_listing.hpp) writes nowhere. --offline: skipped.
#include "libforensic/collect/recipe_dirs.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/collect/subject_facts.hpp"
#include "libforensic/git/local_listing.hpp"
#include "libforensic/git/plumbing.hpp"
#include "libforensic/git/remote_listing.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/url_credentials.hpp"

#include <optional>
#include <utility>
#include <vector>

namespace forensic::collect {
namespace {

// The checkout's config entries that decide origin's URL.
struct OriginConfig {
    std::optional<std::string> url;                            // the last remote.origin.url
    bool push_url = false;                                     // a remote.origin.pushurl: the remote exists
    std::vector<std::pair<std::string, std::string>> instead_of; // url.<base>.insteadOf: (prefix, base)
};

int read_origin_entry(const git_config_entry* entry, void* payload)
{
    auto& config = *static_cast<OriginConfig*>(payload);
    std::string_view name = entry->name;
    constexpr std::string_view prefix = "url.", suffix = ".insteadof";
    if (name == "remote.origin.url")
        config.url = entry->value;
    else if (name == "remote.origin.pushurl")
        config.push_url = true;
    else if (name.size() > prefix.size() + suffix.size() && name.starts_with(prefix) && name.ends_with(suffix))
        config.instead_of.emplace_back(entry->value,
                                       name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
    return 0;
}

// origin's URL as git_remote_lookup gives it (the longest matching
// url.<base>.insteadOf prefix replaced by <base>), read from the config entries
// directly: libgit2 1.5.1's lookup matches every entry against a regex and,
// with PCRE2 10.42, leaks 20 KiB per entry that does not match (fixed upstream
// by libgit2#6382) — 49 MB over 200 recipes.
std::string origin_url(const HostRoot& root, const RecipeDir& recipe)
{
    if (!recipe.error.empty()) throw GitError(recipe.error);
    // The checkout's own config file alone: opening the repository as well
    // (its objects, refs and worktree) cost a tenth of this collector. Plain
    // include.path is followed; an includeIf condition needs the repository
    // and is not. Either is checked to stay inside the root first.
    auto config_path = checkout_git_dir(recipe.host_path, recipe.real_path) / "config";
    git::check_config(root, recipe.host_path + "/.git/config");
    git::ensure_initialised();
    git_config* raw = nullptr;
    git::check(git_config_open_ondisk(&raw, config_path.c_str()), recipe.host_path + ": no usable remote 'origin'");
    git::Config config(raw);
    OriginConfig origin;
    git::check(git_config_foreach(config.get(), read_origin_entry, &origin),
               recipe.host_path + ": no usable remote 'origin'");
    if (!origin.url && !origin.push_url)
        throw GitError(recipe.host_path + ": no usable remote 'origin': remote 'origin' does not exist");
    if (!origin.url || origin.url->empty()) throw GitError(recipe.host_path + ": remote 'origin' has no URL");
    std::size_t matched = 0;
    std::string url = *origin.url;
    for (const auto& [prefix, base] : origin.instead_of)
        if (prefix.size() > matched && origin.url->starts_with(prefix)) {
            matched = prefix.size();
            url = base + origin.url->substr(prefix.size());
        }
    return url;
}

std::string mirror_url(const std::string& url_template, const std::string& recipe)
{
    std::string url = url_template;
    const std::string placeholder = "{recipe}";
    for (auto pos = url.find(placeholder); pos != std::string::npos; pos = url.find(placeholder, pos + recipe.size()))
        url.replace(pos, placeholder.size(), recipe);
    return url;
}

void add_listing(const git::RemoteListing& listing, SubjectFacts& out)
{
    out.reserve(listing.tags.size() + listing.branches.size() + 2);
    if (listing.head) out.add("head", git::to_hex(*listing.head));
    if (!listing.head_ref.empty()) out.add("head.ref", listing.head_ref);
    for (const auto& branch : listing.branches) out.add("branch:" + branch.name, git::to_hex(branch.commit));
    for (const auto& tag : listing.tags) {
        // A peeled entry ("^{}") is an annotated tag: `object` is the tag's own.
        TagFact fact{git::to_hex(tag.peeled ? *tag.peeled : tag.object),
                     tag.peeled ? std::optional(git::to_hex(tag.object)) : std::nullopt, std::nullopt, false};
        out.add(std::string(tag_key_prefix) + tag.name, mirror_tag_value(fact));
    }
}

// origin's URL is the host's: a local path names a repository of the host,
// read under the root (relative to the checkout, as git takes it). The
// --mirror-url template is the operator's: a local path there is one of this
// machine.
git::RemoteListing list_mirror(const HostRoot& root, const RecipeDir& recipe, const std::string& url, bool from_origin)
{
    if (from_origin) {
        if (auto path = git::local_path_of(url, recipe.host_path)) return git::list_local_repository(root, *path);
    } else if (auto path = git::local_path_of(url, std::filesystem::current_path().string())) {
        return git::list_local_repository(HostRoot("/"), *path);
    }
    return git::list_remote_by_transport(url);
}

std::vector<Fact> mirror_facts(const HostRoot& root, const RecipeDir& recipe, const std::string& url_template)
{
    SubjectFacts out(recipe.name, {});
    std::string url;
    out.part([&] { url = url_template.empty() ? origin_url(root, recipe) : mirror_url(url_template, recipe.name); });
    if (url.empty()) return out.finish(root);
    out.add("url", strip_url_credentials(url));
    try {
        add_listing(list_mirror(root, recipe, url, url_template.empty()), out);
    } catch (const Error& e) {
        out.error(scrub_credentials(e.what(), url));
    }
    return out.finish(root);
}

class RecipeMirrors final : public Collector {
public:
    std::string_view name() const override { return "mirrors"; }
    std::string_view summary() const override
    {
        return "refs each recipe's origin (or --mirror-url) advertises, listed live; skipped with --offline";
    }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        if (options.offline) throw CollectorSkipped("--offline: mirrors are not listed");
        return facts_per_recipe(list_recipe_dirs(options.root, options.abra_dir), [&](const RecipeDir& dir) {
            return mirror_facts(options.root, dir, options.mirror_url_template);
        });
    }
};

} // namespace

std::unique_ptr<Collector> make_mirrors_collector()
{
    return std::make_unique<RecipeMirrors>();
}

} // namespace forensic::collect
