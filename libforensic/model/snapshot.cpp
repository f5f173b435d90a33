#include "libforensic/model/snapshot.hpp"

#include <algorithm>

namespace forensic {

bool SnapshotCoverage::observed(const std::string& source) const
{
    return std::find(ok_collectors.begin(), ok_collectors.end(), source) != ok_collectors.end();
}

} // namespace forensic
