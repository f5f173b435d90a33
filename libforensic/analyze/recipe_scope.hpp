// What belongs to one recipe, for --recipe: its own subjects in the git
// sources, the swarm services and apps and the CI runs that map to it, the
// Docker events of its services (swarm-events, by its apps' stacks), and
// the host-wide sources (nix, abra) that decide every recipe's stamp.
#pragma once

#include "libforensic/store/store.hpp"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace forensic::analyze {

class RecipeScope {
public:
    // Everything, when `recipe` is empty.
    RecipeScope(store::Store& store, const std::string& host, const std::string& recipe);

    bool contains(const std::string& source, const std::string& subject) const;
    bool everything() const { return recipe_.empty(); }
    // What to read for the recipe, source by source (not for everything()).
    std::vector<store::SubjectSelection> selections() const;

private:
    std::string recipe_;
    std::set<std::pair<std::string, std::string>> mapped_; // (source, subject) of swarm and runs
    std::set<std::string> stacks_;                         // "<stack>_" of the recipe's apps
};

} // namespace forensic::analyze
