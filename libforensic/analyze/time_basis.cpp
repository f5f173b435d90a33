#include "libforensic/analyze/time_basis.hpp"

namespace forensic::analyze {

TimeDescription describe_event_time(std::string_view source, std::string_view subject, std::string_view key)
{
    if (source == "nix") return generation_link_mtime;
    if (source == "recipes") {
        if (key.starts_with("reflog:")) return {"reflog", "Reflog entry time"};
        if (key.starts_with("tag:")) return {"tagger", "Tagger date"}; // only an annotated tag has one
        if (key == "fetch_head.mtime") return {"mtime", "FETCH_HEAD mtime (the last fetch)"};
        if (key == "orig_head.mtime") return {"mtime", "ORIG_HEAD mtime"};
    }
    if (source == "catalogue") return {"commit", "Catalogue commit time"};
    if (source == "abra") return {"mtime", "abra binary mtime"};
    if (source == "swarm") {
        if (subject.starts_with("app/")) return env_file_mtime;
        if (key == "created_at") return {"CreatedAt", "Service CreatedAt"};
        if (key == "updated_at") return service_updated_at;
        if (key == "update_status.started_at") return {"StartedAt", "UpdateStatus StartedAt"};
        if (key == "update_status.completed_at") return update_completed_at;
    }
    if (source == "swarm-events") return {"event", "Docker event time"};
    if (source == "runs") {
        if (key == "started") return {"run start", "CI run started"};
        return {"run end", "CI run finished"};
    }
    return {"event", "Event time"};
}

} // namespace forensic::analyze
