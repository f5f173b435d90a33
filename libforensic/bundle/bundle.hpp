// Portable bundles: one snapshot as a schema-versioned JSON document, so
// evidence travels between hosts and the embedded cases live in git.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/store/store.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace forensic::bundle {

inline constexpr const char* format_name = "forensic-bundle";
// Version 2 adds watch records (`kind`) and partial runs (`coverage`,
// `subjects`); version 3 the snapshot's seal (bundle_seal.hpp), which
// export adds; version 4 tags as one fact each (bundle_upgrade.hpp: older
// bundles are joined on reading). to_json writes the lowest version that
// holds its content, so a snapshot without tags stays readable by a forensic
// that reads 1.
inline constexpr int format_version = 4;

// The snapshot as stored: every collector's status, and for each collector
// that succeeded the facts it saw (its state at that snapshot).
SnapshotInput snapshot_as_input(store::Store& store, const SnapshotInfo& snapshot);

// The bundle's document, as bundle_writer.hpp writes its text (no seal).
nlohmann::ordered_json to_json(const SnapshotInput& snapshot);

// Parses a bundle's text; InputError names `origin` and the position or field.
SnapshotInput parse_bundle_text(std::string_view text, const std::string& origin);

// Reads and parses a bundle file as it reads it (bundle_reader.hpp);
// InputError names the file and the position or field.
SnapshotInput read_bundle_file(const std::filesystem::path& file);

// Whether the store's snapshot `stored` holds what `incoming` (normalised)
// holds: all that a bundle carries. The store is read a fact at a time, so
// a whole host's snapshot is not held twice.
bool store_holds(store::Store& store, const SnapshotInfo& stored, const SnapshotInput& incoming);

enum class ImportOutcome { imported, already_present };

struct ImportResult {
    ImportOutcome outcome;
    SnapshotInfo snapshot;
    std::vector<std::string> warnings; // bundle_rules.hpp: imported all the same
};

// Checks the bundle (bundle_rules.hpp: an InputError before anything is
// written), then stores it unless an identical snapshot (same host and time,
// same content) is already there; a different one at that time is an
// InputError. Warns of a date more than future_margin after `now`.
ImportResult import_snapshot(store::Store& store, const SnapshotInput& snapshot, const std::string& origin,
                             TimeNs now);
ImportResult import_snapshot(store::Store& store, const SnapshotInput& snapshot, const std::string& origin);

// Sorts collectors by name and facts by subject/key, so equal snapshots compare equal.
void normalise(SnapshotInput& snapshot);

} // namespace forensic::bundle
