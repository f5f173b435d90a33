// Tags as stores and bundles before schema 8 held them — five facts per tag in
// a recipe checkout (tag:N, tag:N:annotated, tag:N:object, tag:N:tagger_date,
// release:N), two on a mirror (tag:N, tag:N:object) — turned into the one
// fact of tag_fact.hpp. Told apart by shape, not by a version number: a
// legacy tag:N holds a bare commit id.
#pragma once

#include "libforensic/model/fact.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic {

// What the legacy facts of one tag said at one time.
struct LegacyTagParts {
    std::optional<std::string> commit;      // tag:N (a mirror's: the peeled commit, or the object when not peeled)
    std::optional<std::string> object;      // tag:N:object
    std::optional<TimeNs> tagger_time;      // tag:N:tagger_date's event time
    bool release = false;                   // release:N present
};

enum class LegacyTagPart { commit, annotated, object, tagger_date, release };

struct LegacyTagKey {
    std::string_view name; // within the key it was read from
    LegacyTagPart part;
};

// The tag and part a legacy key of `source` ("recipes" or "mirrors") is of;
// none for any other key. A plain tag:N is a legacy part only with a bare
// commit as `value`.
std::optional<LegacyTagKey> legacy_tag_key(std::string_view source, std::string_view key, std::string_view value);

// Adds what one legacy fact says of its tag.
void add_legacy_part(LegacyTagParts& parts, LegacyTagPart part, std::string_view value,
                     std::optional<TimeNs> event_time);

// The value and event time of the one fact the parts make; none without tag:N.
struct DenseTag {
    std::string value;
    std::optional<TimeNs> event_time;
    bool operator==(const DenseTag&) const = default;
};
std::optional<DenseTag> dense_tag(std::string_view source, const LegacyTagParts& parts);

// A collector run's facts, sorted by subject and key as bundles hold them,
// with every legacy tag made one fact in tag:N's place (still sorted); other
// facts unchanged. Parts with no tag:N are kept as they were: nothing is
// dropped.
bool has_legacy_tags(std::string_view source, const std::vector<Fact>& facts);
std::vector<Fact> with_dense_tags(std::string_view source, std::vector<Fact> facts);

} // namespace forensic
