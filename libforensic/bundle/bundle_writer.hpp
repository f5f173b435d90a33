// A bundle's text written a piece at a time, never as a document: a whole
// host's export is half a million facts, and its ordered_json took three
// times the memory of the snapshot itself. The bytes are nlohmann's dump
// with an indent of 1 and a newline, as export always wrote; to_json parses
// them back, so this is the format's one writer.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/store/snapshot_chain.hpp"

#include <functional>
#include <optional>
#include <string_view>

namespace forensic::bundle {

// Takes each piece of the text as it is written (about a MiB at a time).
using TextSink = std::function<void(std::string_view)>;

// The bundle of `snapshot` (normalised); with `seal`, of format 3 and
// carrying it (bundle_seal.hpp), else of the lowest version that holds it.
void write_bundle(const SnapshotInput& snapshot, const std::optional<store::StoredSeal>& seal, const TextSink& sink);

} // namespace forensic::bundle
