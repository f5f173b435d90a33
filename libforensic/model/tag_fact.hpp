// One fact per git tag (schema 8, docs/collectors.md): key `tag:<name>`, value
// "<peeled> <object|-> <tagger time|-> <release|->" in a recipe checkout and
// "<peeled> <object|->" on a mirror (a listing knows no tagger). Until schema
// 8 a tag was five facts in a checkout (tag:N, tag:N:annotated, tag:N:object,
// tag:N:tagger_date, release:N) and two on a mirror: legacy_tag.hpp turns
// those into this one.
#pragma once

#include "libforensic/util/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace forensic {

inline constexpr std::string_view tag_key_prefix = "tag:";
inline constexpr std::string_view release_word = "release";

struct TagFact {
    std::string peeled;                // the commit the tag leads to, hex
    std::optional<std::string> object; // an annotated tag's own object, hex; none for a lightweight tag
    std::optional<TimeNs> tagger_time; // an annotated tag's tagger date (also the fact's event time)
    bool release = false;              // named as a recipe release (git/release_tag.hpp)
};

// The value of a checkout's tag fact, and of a mirror's (two fields).
std::string checkout_tag_value(const TagFact& tag);
std::string mirror_tag_value(const TagFact& tag);

// Either shape; none when `value` is not one (a hand-edited store, a bundle
// from elsewhere): readers then treat the tag as unknown.
std::optional<TagFact> parse_tag_value(std::string_view value);

// The commit a tag fact's value leads to: its first field; `value` itself
// when it has one field only.
std::string_view tag_commit(std::string_view value);

// A full object id as git prints it: 40 (SHA-1) or 64 (SHA-256) lower-case hex digits.
bool is_object_id(std::string_view text);

// "tag:<name>" with no further ':' (git forbids ':' in ref names), or none.
std::optional<std::string_view> tag_name_of_key(std::string_view key);

} // namespace forensic
