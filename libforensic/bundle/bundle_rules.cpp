#include "libforensic/bundle/bundle_rules.hpp"

#include "libforensic/util/error.hpp"

#include <limits>

namespace forensic::bundle {

void check_bundle(const SnapshotInput& snapshot, const std::string& origin)
{
    if (snapshot.collectors.empty())
        throw InputError(origin + ": collectors: the bundle has no collector statuses; verify rejects a snapshot "
                                  "without them, so it is not imported");
    for (const auto& c : snapshot.collectors)
        if (c.status != CollectorStatus::ok && !c.facts.empty())
            throw InputError(origin + ": collector '" + c.name + "' is " + to_string(c.status) + " but carries " +
                             std::to_string(c.facts.size()) +
                             " facts; a run that did not succeed has none of its own (the store carries the previous "
                             "ones), so it is not imported");
    if (snapshot.finished_at < snapshot.taken_at)
        throw InputError(origin + ": finished_at " + format_rfc3339(snapshot.finished_at) + " is before taken_at " +
                         format_rfc3339(snapshot.taken_at));
}

std::vector<std::string> bundle_warnings(const SnapshotInput& snapshot, const std::string& origin, TimeNs now)
{
    std::vector<std::string> out;
    bool after = now <= std::numeric_limits<TimeNs>::max() - future_margin && snapshot.taken_at > now + future_margin;
    if (after)
        out.push_back(origin + ": dated " + format_rfc3339(snapshot.taken_at) + ", after this machine's clock (" +
                      format_rfc3339(now) + "): imported, and it is now the latest snapshot of host " + snapshot.host +
                      " until a later one; check the clock of the host that took it");
    return out;
}

} // namespace forensic::bundle
