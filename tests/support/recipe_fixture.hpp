// A fixture host with abra recipe checkouts: each recipe is a real git
// checkout under ~/.abra/recipes/<name>, cloned from its own bare mirror under
// <root>/srv/mirrors/<name>.git (its origin, /srv/mirrors/<name>.git as the
// host sees it), all built with the git CLI.
#pragma once

#include "support/git_fixture.hpp"
#include "support/host_fixture.hpp"

#include "libforensic/collect/collector.hpp"
#include "libforensic/model/fact.hpp"

#include <map>
#include <string>

namespace forensic::test {

class RecipeHost {
public:
    static constexpr const char* home = "/home/ci";
    static constexpr const char* recipes_dir = "/home/ci/.abra/recipes";

    HostFixture host;

    // The checkout of `name`, created (with its mirror) on first use.
    GitRepo& recipe(const std::string& name);
    GitRepo& mirror(const std::string& name);
    // The mirror of `name` as the host sees it (its checkout's origin), and on this machine.
    static std::string mirror_host_path(const std::string& name);
    std::filesystem::path mirror_path(const std::string& name) const;

    collect::CollectOptions options() const;

    // "subject key" → fact, from one collector run.
    std::map<std::string, Fact> collect(const std::string& collector, const collect::CollectOptions& options) const;
    std::map<std::string, Fact> collect(const std::string& collector) const { return collect(collector, options()); }

private:
    std::map<std::string, GitRepo> recipes_;
    std::map<std::string, GitRepo> mirrors_;
};

} // namespace forensic::test
