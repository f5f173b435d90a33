#include "support/recipe_fixture.hpp"

#include <stdexcept>

namespace forensic::test {

std::string RecipeHost::mirror_host_path(const std::string& name)
{
    return "/srv/mirrors/" + name + ".git";
}

std::filesystem::path RecipeHost::mirror_path(const std::string& name) const
{
    return host.real(mirror_host_path(name));
}

GitRepo& RecipeHost::recipe(const std::string& name)
{
    if (auto it = recipes_.find(name); it != recipes_.end()) return it->second;
    mirrors_.emplace(name, GitRepo::init(mirror_path(name), true));
    auto checkout = GitRepo::clone(mirror_path(name).string(), host.real(std::string(recipes_dir) + "/" + name));
    // origin is the mirror's host path, as on the host; the git CLI of the
    // tests reaches it where the fixture put it.
    checkout.git({"remote", "set-url", "origin", mirror_host_path(name)});
    checkout.cli_config("url." + host.real("/srv/mirrors").string() + "/.insteadOf", "/srv/mirrors/");
    return recipes_.emplace(name, std::move(checkout)).first->second;
}

GitRepo& RecipeHost::mirror(const std::string& name)
{
    recipe(name);
    return mirrors_.at(name);
}

collect::CollectOptions RecipeHost::options() const
{
    collect::CollectOptions options{HostRoot(host.root(), home)};
    options.abra_dir = "~/.abra";
    return options;
}

std::map<std::string, Fact> RecipeHost::collect(const std::string& collector,
                                                const collect::CollectOptions& options) const
{
    const auto* c = collect::find_collector(collector);
    if (!c) throw std::runtime_error("no collector " + collector);
    std::map<std::string, Fact> out;
    for (auto& fact : c->collect(options)) {
        auto key = fact.subject + " " + fact.key;
        if (!out.emplace(key, fact).second) throw std::runtime_error("duplicate fact " + key);
    }
    return out;
}

} // namespace forensic::test
