#include "libforensic/model/fact_groups.hpp"

#include <unordered_map>

namespace forensic {

std::vector<FactsOfSubject> group_by_subject(const std::vector<Fact>& facts)
{
    std::vector<FactsOfSubject> groups;
    std::unordered_map<std::string_view, std::size_t> index;
    FactsOfSubject* group = nullptr;
    for (const auto& fact : facts) {
        if (!group || group->subject != fact.subject) {
            auto [at, added] = index.try_emplace(fact.subject, groups.size());
            if (added) groups.push_back({fact.subject, {}});
            group = &groups[at->second];
        }
        group->facts.push_back(&fact);
    }
    return groups;
}

} // namespace forensic
