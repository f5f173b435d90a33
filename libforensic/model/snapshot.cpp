#include "libforensic/model/snapshot.hpp"

#include <algorithm>

namespace forensic {

bool SnapshotCoverage::observed(const std::string& source) const
{
    return std::find(ok_collectors.begin(), ok_collectors.end(), source) != ok_collectors.end();
}

bool SnapshotCoverage::observed(const std::string& source, const std::string& subject) const
{
    if (observed(source)) return true;
    for (const auto& [name, subjects] : partial)
        if (name == source) return std::binary_search(subjects.begin(), subjects.end(), subject);
    return false;
}

} // namespace forensic
