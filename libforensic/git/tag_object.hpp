// A tag object's header (object, type, tag, tagger), read straight from the
// object database. libgit2's git_tag_lookup also parses the signature and
// copies the message of every tag; a recipe has hundreds of tags and only
// these four fields are used.
#pragma once

#include "libforensic/git/libgit2.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace forensic::git {

class TagMemo;

struct TagObject {
    git_oid target{};
    git_object_t target_type = GIT_OBJECT_INVALID;
    std::string name;                          // the name written inside the tag
    std::optional<std::int64_t> tagger_time;   // seconds since the epoch; absent without a tagger line
};

// Parses the header of a raw tag object. Throws GitError naming `what` when
// the object line or type line is missing or malformed.
TagObject parse_tag_object(std::string_view data, const std::string& what);

// Reads and parses the tag object `id`; GitError when it is missing, corrupt
// or not a tag. With a memo, a tag object read before is only checked to be
// there, and one read now is remembered.
TagObject read_tag_object(git_odb* odb, const git_oid& id, const std::string& what, TagMemo* memo = nullptr);

} // namespace forensic::git
