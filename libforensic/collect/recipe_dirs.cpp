#include "libforensic/collect/recipe_dirs.hpp"

#include "libforensic/collect/file_facts.hpp"
#include "libforensic/git/plumbing.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/parallel_map.hpp"

namespace forensic::collect {
namespace {

RecipeDir resolve_recipe(const HostRoot& root, const std::string& recipes, const std::string& name)
{
    RecipeDir dir{name, host_join(recipes, name), {}, {}};
    try {
        auto resolved = root.resolve_entry(recipes, name);
        if (!resolved.exists) {
            dir.error = dir.host_path + " is a dangling link: " + resolved.missing + " does not exist";
            return dir;
        }
        if (!resolved.host_path.starts_with(recipes + "/")) {
            dir.error = dir.host_path + " links to " + resolved.host_path + ", outside " + recipes + "; not read";
            return dir;
        }
        dir.host_path = resolved.host_path;
        dir.real_path = root.real(resolved.host_path);
    } catch (const PathError& e) {
        dir.error = e.what();
    }
    return dir;
}

} // namespace

std::vector<RecipeDir> list_recipe_dirs(const HostRoot& root, const std::string& abra_dir)
{
    auto wanted = host_join(root.expand_home(abra_dir), "recipes");
    auto resolved = root.resolve(wanted);
    if (!resolved.exists)
        throw CollectorError("recipes directory " + wanted + " does not exist under " + root.root().string());
    const auto& recipes = resolved.host_path;
    std::vector<RecipeDir> dirs;
    for (const auto& name : list_host_directory(root, recipes)) {
        if (name.starts_with(".")) continue;
        auto dir = resolve_recipe(root, recipes, name);
        if (dir.error.empty()) {
            auto target = stat_path(dir.real_path);
            if (!target || !target->is_directory) continue; // a file, or a link to one: not a recipe
        }
        dirs.push_back(std::move(dir));
    }
    return dirs;
}

std::filesystem::path checkout_git_dir(const std::string& host_path, const std::filesystem::path& real_path)
{
    auto dotgit = stat_path(real_path / ".git");
    if (!dotgit) throw GitError(host_path + " is not a git checkout: it has no .git");
    if (!dotgit->is_directory)
        throw GitError(host_path + "/.git is not a directory (a gitfile or link); not followed");
    return real_path / ".git";
}

git::Repository open_host_checkout(const HostRoot& root, const std::string& host_path,
                                   const std::filesystem::path& real_path)
{
    checkout_git_dir(host_path, real_path);
    git::check_plumbing(root, host_path + "/.git");
    git::check_work_tree(root, host_path);
    return git::open_checkout(real_path);
}

std::vector<Fact> facts_per_recipe(const std::vector<RecipeDir>& recipes,
                                   const std::function<std::vector<Fact>(const RecipeDir&)>& facts_of,
                                   unsigned workers)
{
    auto per_recipe = parallel_map(recipes, facts_of, workers);
    std::size_t total = 0;
    for (const auto& recipe : per_recipe) total += recipe.size();
    std::vector<Fact> facts;
    facts.reserve(total);
    // Each recipe's array is freed once moved: holding them all to the end
    // would double the peak (30 MB at 200 recipes of 300 tags).
    for (auto& recipe : per_recipe) {
        facts.insert(facts.end(), std::make_move_iterator(recipe.begin()), std::make_move_iterator(recipe.end()));
        std::vector<Fact>().swap(recipe);
    }
    return facts;
}

} // namespace forensic::collect
