#include "libforensic/analyze/recipe_scope.hpp"

namespace forensic::analyze {

RecipeScope::RecipeScope(store::Store& store, const std::string& host, const std::string& recipe) : recipe_(recipe)
{
    if (recipe_.empty()) return;
    // A service or run that ever mapped to the recipe belongs to it.
    sql::Statement q(store.database(),
                     "SELECT DISTINCT k.source, k.subject FROM fact f JOIN fact_key k ON k.id = f.key_id "
                     "WHERE f.host_id = (SELECT id FROM host WHERE name = ?) AND k.source IN ('swarm', 'runs') "
                     "AND k.key = 'recipe' AND f.value = ?");
    q.bind(host).bind(recipe_);
    while (q.step()) mapped_.emplace(q.column_text(0), q.column_text(1));
}

bool RecipeScope::contains(const std::string& source, const std::string& subject) const
{
    if (recipe_.empty()) return true;
    if (source == "nix" || source == "abra") return true;
    if (source == "recipes" || source == "mirrors" || source == "catalogue") return subject == recipe_;
    return mapped_.contains({source, subject});
}

} // namespace forensic::analyze
