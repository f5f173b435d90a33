#include "libforensic/collect/collector.hpp"
#include "libforensic/collect/sources.hpp"

namespace forensic::collect {

const std::vector<std::unique_ptr<Collector>>& registry()
{
    static const auto all = [] {
        std::vector<std::unique_ptr<Collector>> list;
        list.push_back(make_nix_collector());
        list.push_back(make_abra_collector());
        list.push_back(make_recipes_collector());
        list.push_back(make_mirrors_collector());
        list.push_back(make_catalogue_collector());
        list.push_back(make_swarm_collector());
        list.push_back(make_swarm_events_collector());
        list.push_back(make_runs_collector());
        return list;
    }();
    return all;
}

const Collector* find_collector(std::string_view name)
{
    for (const auto& c : registry())
        if (c->name() == name) return c.get();
    return nullptr;
}

} // namespace forensic::collect
