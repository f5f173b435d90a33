// Factories of the collectors the registry lists; each lives in its own file.
#pragma once

#include "libforensic/collect/collector.hpp"

namespace forensic::collect {

std::unique_ptr<Collector> make_nix_collector();  // nix_generations.cpp
std::unique_ptr<Collector> make_abra_collector(); // abra_binary.cpp
std::unique_ptr<Collector> make_recipes_collector();   // recipe_checkouts.cpp
std::unique_ptr<Collector> make_mirrors_collector();   // recipe_mirrors.cpp
std::unique_ptr<Collector> make_catalogue_collector(); // abra_catalogue.cpp
std::unique_ptr<Collector> make_swarm_collector(); // swarm_services.cpp
std::unique_ptr<Collector> make_swarm_events_collector(); // swarm_events.cpp
std::unique_ptr<Collector> make_runs_collector();  // ci_runs.cpp

} // namespace forensic::collect
