// Bundles written before tags were one fact (format 4, model/tag_fact.hpp)
// still import: their legacy tag facts are joined on reading, told apart by
// shape (model/legacy_tag.hpp), whatever version the bundle claims.
#pragma once

#include "libforensic/model/fact.hpp"

namespace forensic::bundle {

// The bundle format from which tags are one fact.
inline constexpr int dense_tags_format_version = 4;

// Joins every collector's legacy tag facts; true when there were any.
bool upgrade_legacy_facts(SnapshotInput& snapshot);

// Whether the snapshot holds tag facts in the one-fact shape (so its bundle
// needs format 4 to be read right).
bool holds_dense_tags(const SnapshotInput& snapshot);

} // namespace forensic::bundle
