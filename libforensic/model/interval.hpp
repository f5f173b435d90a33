// One interval of one fact with its identity: how the store hands history to
// the analysis commands.
#pragma once

#include "libforensic/util/time.hpp"

#include <optional>
#include <string>

namespace forensic {

struct IntervalRecord {
    long long key_id = 0;
    std::string source;
    std::string subject;
    std::string key;
    std::string value;
    std::optional<TimeNs> event_time;
    TimeNs valid_from = 0;
    std::optional<TimeNs> valid_to;
};

} // namespace forensic
