// The facts of one recipe checkout (docs/collectors.md, `recipes`), read
// through libgit2 with the repository opened once.
#pragma once

#include "libforensic/collect/collector.hpp"
#include "libforensic/collect/recipe_dirs.hpp"
#include "libforensic/model/fact.hpp"

#include <vector>

namespace forensic::collect {

// Never throws for the recipe's own state: what cannot be read becomes the
// subject's `error` fact, and the parts that could be read are still there.
std::vector<Fact> recipe_checkout_facts(const HostRoot& root, const RecipeDir& recipe, git::TagMemo* tag_memo = nullptr);

} // namespace forensic::collect
