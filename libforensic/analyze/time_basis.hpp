// What a timeline time is, in words: the counterpart of Plaso's
// timestamp_desc ("Content Modification Time"), so a reader always sees
// whether an instant is one the evidence carries (a reflog entry, a link's
// mtime, Swarm's UpdatedAt) or only the two snapshots that bound a change.
#pragma once

#include <string_view>

namespace forensic::analyze {

struct TimeDescription {
    const char* label; // short, for a column: "reflog", "UpdatedAt", "snapshots"
    const char* text;  // in full, for JSON lines and titles: "Reflog entry time"
};

// A change seen between two snapshots, with no time of its own.
inline constexpr TimeDescription between_snapshots{"snapshots", "Between snapshots"};

// The time a fact carries as its event time (docs/collectors.md says which).
TimeDescription describe_event_time(std::string_view source, std::string_view subject, std::string_view key);

// Times read from a subject's other facts to date a change seen between
// snapshots (timeline.cpp says when each applies).
inline constexpr TimeDescription service_updated_at{"UpdatedAt", "Service UpdatedAt (its last change)"};
inline constexpr TimeDescription update_completed_at{"CompletedAt", "UpdateStatus CompletedAt"};
inline constexpr TimeDescription env_file_mtime{"env mtime", "App env file mtime"};
inline constexpr TimeDescription generation_link_mtime{"link mtime", "Generation link mtime (its creation)"};

} // namespace forensic::analyze
