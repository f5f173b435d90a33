#include "libforensic/analyze/recipe_scope.hpp"

#include <algorithm>

namespace forensic::analyze {

RecipeScope::RecipeScope(store::Store& store, const std::string& host, const std::string& recipe) : recipe_(recipe)
{
    if (recipe_.empty()) return;
    // A service, app or run that ever mapped to the recipe belongs to it.
    for (const char* source : {"swarm", "runs"})
        for (auto& subject : store.subjects_of_recipe(host, source, recipe_))
            mapped_.emplace(source, std::move(subject));
    // Its apps' stacks, as abra names them (the domain with . → _, cut to 45
    // characters): a Docker event names a service of one, maybe never seen.
    for (const auto& [source, subject] : mapped_) {
        if (source != "swarm" || !subject.starts_with("app/")) continue;
        auto stack = subject.substr(4, 45);
        std::replace(stack.begin(), stack.end(), '.', '_');
        stacks_.insert(stack + "_");
    }
}

std::vector<store::SubjectSelection> RecipeScope::selections() const
{
    std::vector<store::SubjectSelection> out{{"nix", std::nullopt}, {"abra", std::nullopt}};
    for (const char* source : {"recipes", "mirrors", "catalogue"})
        out.push_back({source, std::vector<std::string>{recipe_}});
    for (const char* source : {"swarm", "runs"}) {
        std::vector<std::string> subjects;
        for (const auto& [mapped_source, subject] : mapped_)
            if (mapped_source == source) subjects.push_back(subject);
        out.push_back({source, std::move(subjects)});
    }
    out.push_back({"swarm-events", std::nullopt}); // few; contains() picks the recipe's
    return out;
}

bool RecipeScope::contains(const std::string& source, const std::string& subject) const
{
    if (recipe_.empty()) return true;
    if (source == "nix" || source == "abra") return true;
    if (source == "recipes" || source == "mirrors" || source == "catalogue") return subject == recipe_;
    if (source == "swarm-events") {
        if (mapped_.contains({"swarm", subject})) return true;
        return std::any_of(stacks_.begin(), stacks_.end(), [&](const std::string& s) { return subject.starts_with(s); });
    }
    return mapped_.contains({source, subject});
}

} // namespace forensic::analyze
