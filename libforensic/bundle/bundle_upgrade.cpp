#include "libforensic/bundle/bundle_upgrade.hpp"

#include "libforensic/model/legacy_tag.hpp"
#include "libforensic/model/tag_fact.hpp"

#include <algorithm>

namespace forensic::bundle {

bool upgrade_legacy_facts(SnapshotInput& snapshot)
{
    bool any = false;
    for (auto& run : snapshot.collectors) {
        if (!has_legacy_tags(run.name, run.facts)) continue;
        run.facts = with_dense_tags(run.name, std::move(run.facts));
        any = true;
    }
    return any;
}

bool holds_dense_tags(const SnapshotInput& snapshot)
{
    return std::any_of(snapshot.collectors.begin(), snapshot.collectors.end(), [](const CollectorRun& run) {
        return (run.name == "recipes" || run.name == "mirrors") &&
               std::any_of(run.facts.begin(), run.facts.end(), [](const Fact& f) {
                   return tag_name_of_key(f.key) && f.value.find(' ') != std::string::npos;
               });
    });
}

} // namespace forensic::bundle
