// The recipe checkouts abra keeps under <abra-dir>/recipes, shared by the
// recipes and mirrors collectors. A recipe's name is its directory's name,
// and nothing a directory links to may lead outside the recipes directory.
#pragma once

#include "libforensic/git/libgit2.hpp"
#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_root.hpp"
#include "libforensic/util/parallel_map.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace forensic::collect {

struct RecipeDir {
    std::string name;                // the directory entry: the facts' subject
    std::string host_path;           // where it resolves, as the host sees it
    std::filesystem::path real_path; // the same on this machine
    std::string error;               // set when it must not or cannot be read
};

// Every directory (or link to one inside the recipes directory) under
// <abra_dir>/recipes, by name; hidden entries and plain files are not
// recipes. Throws CollectorError when the recipes directory is missing.
std::vector<RecipeDir> list_recipe_dirs(const HostRoot& root, const std::string& abra_dir);

// The .git directory of the checkout at `host_path` (`real_path` on this
// machine). It must be a directory: a gitfile or link would be followed on
// this machine, not under --root.
std::filesystem::path checkout_git_dir(const std::string& host_path, const std::filesystem::path& real_path);

// Opens the checkout at `host_path` read-only; its .git as checkout_git_dir,
// and everything libgit2 will read of it checked first (git/plumbing.hpp):
// a repository that points outside the root is an error, not a read.
git::Repository open_host_checkout(const HostRoot& root, const std::string& host_path,
                                   const std::filesystem::path& real_path);

// Runs `facts_of` for every recipe on up to `workers` threads (each
// repository is opened on one thread only); the facts come back in recipe order.
std::vector<Fact> facts_per_recipe(const std::vector<RecipeDir>& recipes,
                                   const std::function<std::vector<Fact>(const RecipeDir&)>& facts_of,
                                   unsigned workers = default_workers());

} // namespace forensic::collect
