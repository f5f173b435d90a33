// An annotated tag object's header as a collector read it. A tag object never
// changes (its id is the hash of its content), so the store keeps these
// (table tag_object) and a later snapshot need not inflate the same object
// again (tag_memo.hpp). Only the store and the memo know of it: the session
// that takes a snapshot hands the memo what the store kept, and the store
// what the memo learned (capture/snapshot_session.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace forensic::git {

struct TagObjectRecord {
    using ObjectId = std::array<unsigned char, 20>; // raw, as git stores it
    ObjectId id{};       // the tag object's
    ObjectId target{};   // the object it tags
    int target_type = 0; // libgit2's git_object_t of the target
    std::string name;    // the name written inside the tag
    std::optional<std::int64_t> tagger_time; // seconds since the epoch; none without a tagger line
};

} // namespace forensic::git
