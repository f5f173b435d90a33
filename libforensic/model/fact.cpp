#include "libforensic/model/fact.hpp"

#include "libforensic/util/error.hpp"

namespace forensic {

const char* to_string(CollectorStatus status)
{
    switch (status) {
    case CollectorStatus::ok: return "ok";
    case CollectorStatus::failed: return "failed";
    case CollectorStatus::skipped: return "skipped";
    }
    return "?";
}

CollectorStatus collector_status_from_string(const std::string& text)
{
    if (text == "ok") return CollectorStatus::ok;
    if (text == "failed") return CollectorStatus::failed;
    if (text == "skipped") return CollectorStatus::skipped;
    throw InputError("unknown collector status '" + text + "' (expected ok, failed or skipped)");
}

} // namespace forensic
