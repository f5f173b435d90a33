// `mirrors`: what each recipe's upstream advertises right now, listed live
// with libgit2 (as `git ls-remote` would), so a tag moved upstream but not in
// the checkout shows. The checkout is only read for its origin URL; the
// listing (git/remote_listing.hpp) writes nowhere. --offline: skipped.
#include "libforensic/collect/recipe_dirs.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/collect/subject_facts.hpp"
#include "libforensic/git/remote_listing.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/url_credentials.hpp"

namespace forensic::collect {
namespace {

std::string origin_url(const RecipeDir& recipe)
{
    if (!recipe.error.empty()) throw GitError(recipe.error);
    auto repo = open_host_checkout(recipe.host_path, recipe.real_path);
    git_remote* raw = nullptr;
    git::check(git_remote_lookup(&raw, repo.get(), "origin"), recipe.host_path + ": no usable remote 'origin'");
    git::Remote remote(raw);
    const char* url = git_remote_url(remote.get());
    if (!url || !*url) throw GitError(recipe.host_path + ": remote 'origin' has no URL");
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
    out.reserve(listing.tags.size() * 2 + listing.branches.size() + 2);
    if (listing.head) out.add("head", git::to_hex(*listing.head));
    if (!listing.head_ref.empty()) out.add("head.ref", listing.head_ref);
    for (const auto& branch : listing.branches) out.add("branch:" + branch.name, git::to_hex(branch.commit));
    for (const auto& tag : listing.tags) {
        out.add("tag:" + tag.name, git::to_hex(tag.peeled ? *tag.peeled : tag.object));
        if (tag.peeled) out.add("tag:" + tag.name + ":object", git::to_hex(tag.object));
    }
}

std::vector<Fact> mirror_facts(const HostRoot& root, const RecipeDir& recipe, const std::string& url_template)
{
    SubjectFacts out(recipe.name, {});
    std::string url;
    out.part([&] { url = url_template.empty() ? origin_url(recipe) : mirror_url(url_template, recipe.name); });
    if (url.empty()) return out.finish(root);
    out.add("url", strip_url_credentials(url));
    try {
        add_listing(git::list_remote(url), out);
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
