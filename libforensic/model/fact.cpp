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

const char* to_string(Coverage coverage)
{
    switch (coverage) {
    case Coverage::full: return "full";
    case Coverage::subjects: return "subjects";
    case Coverage::additive: return "additive";
    }
    return "?";
}

Coverage coverage_from_string(const std::string& text)
{
    if (text == "full") return Coverage::full;
    if (text == "subjects") return Coverage::subjects;
    if (text == "additive") return Coverage::additive;
    throw InputError("unknown coverage '" + text + "' (expected full, subjects or additive)");
}

const char* to_string(SnapshotKind kind)
{
    return kind == SnapshotKind::watch ? "watch" : "snapshot";
}

SnapshotKind snapshot_kind_from_string(const std::string& text)
{
    if (text == "snapshot") return SnapshotKind::snapshot;
    if (text == "watch") return SnapshotKind::watch;
    throw InputError("unknown snapshot kind '" + text + "' (expected snapshot or watch)");
}

} // namespace forensic
