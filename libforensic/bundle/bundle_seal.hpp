// A bundle's seal (format 3): its snapshot's content digest and chain as the
// store held them at export, so a reviewer can check a store against the
// bundles handed over earlier (docs/tamper-evidence.md). Import ignores it:
// the store seals what it holds itself.
#pragma once

#include "libforensic/bundle/bundle_events.hpp"
#include "libforensic/bundle/bundle_writer.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forensic::bundle {

// The format version of a bundle that carries a seal.
inline constexpr int sealed_format_version = 3;

// The bundle of `snapshot` as `forensic export` writes it, to `sink` a piece
// at a time (bundle_writer.hpp): with its seal (format 3) when the store has
// one. The snapshot is read whole before the first piece is written.
void write_export(store::Store& store, const SnapshotInfo& snapshot, const TextSink& sink);

// The seal a bundle carries, none for a bundle of format 1 or 2. InputError
// names `origin` for a malformed one.
std::optional<store::StoredSeal> read_seal(const SealMembers& seal, const std::string& origin);

struct BundleCheck {
    std::vector<std::string> problems; // each names the bundle
    std::vector<std::string> notes;    // what could not be checked
    std::optional<SnapshotInfo> snapshot;
};

// Checks a bundle against the store: the store has its snapshot, holding
// what the bundle holds, and the store's chain recomputed from the facts
// (`chain`, from store::check_chain) gives that snapshot the seal the bundle
// carries. `recomputed`: every snapshot's seal recomputed from the facts
// (store::verify). A mismatched chain with matching content means the
// history before it changed since export, or the chain was recomputed.
// `bundle`: read_bundle(file, NonUtf8::escape), as verify has always read it.
BundleCheck check_against_store(store::Store& store, const std::map<long long, store::StoredSeal>& recomputed,
                                const ParsedBundle& bundle, const std::string& origin);

} // namespace forensic::bundle
