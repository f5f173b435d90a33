#include "libforensic/analyze/recipe_scope.hpp"

namespace forensic::analyze {

RecipeScope::RecipeScope(store::Store& store, const std::string& host, const std::string& recipe) : recipe_(recipe)
{
    if (recipe_.empty()) return;
    // A service, app or run that ever mapped to the recipe belongs to it.
    for (const char* source : {"swarm", "runs"})
        for (auto& subject : store.subjects_of_recipe(host, source, recipe_))
            mapped_.emplace(source, std::move(subject));
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
    return out;
}

bool RecipeScope::contains(const std::string& source, const std::string& subject) const
{
    if (recipe_.empty()) return true;
    if (source == "nix" || source == "abra") return true;
    if (source == "recipes" || source == "mirrors" || source == "catalogue") return subject == recipe_;
    return mapped_.contains({source, subject});
}

} // namespace forensic::analyze
