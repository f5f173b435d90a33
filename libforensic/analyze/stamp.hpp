// abra's chaos-version stamp: the first 8 hex digits of the deployed
// checkout's HEAD, with "+U" when its worktree was not clean.
#pragma once

#include <string>
#include <string_view>

namespace forensic::analyze {

struct Stamp {
    std::string text;   // as given: "eb96de94+U"
    std::string commit; // the part before '+': "eb96de94"
    bool dirty = false; // "+U"
};

Stamp parse_stamp(std::string_view text);

// Whether two commit ids name the same commit, as HC1 compares them: one is a
// prefix of the other (case-insensitive), and neither is empty.
bool same_commit(std::string_view a, std::string_view b);

// "eb96de94a1c2..." → "eb96de94"
std::string short_commit(std::string_view id);

// An UpdateStatus.State in which Swarm is putting, or has put, the old spec back.
bool is_rollback_state(std::string_view state);

} // namespace forensic::analyze
