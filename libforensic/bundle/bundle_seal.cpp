#include "libforensic/bundle/bundle_seal.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/util/error.hpp"

namespace forensic::bundle {
namespace {

bool is_digest_hex(const Member& value)
{
    return value.type == Member::Type::string && value.text.size() == 64 &&
           value.text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

void write_export(store::Store& store, const SnapshotInfo& snapshot, const TextSink& sink)
{
    auto input = snapshot_as_input(store, snapshot);
    write_bundle(input, store::stored_seal(store.database(), snapshot.id), sink);
}

std::optional<store::StoredSeal> read_seal(const SealMembers& seal, const std::string& origin)
{
    if (!seal.present) return std::nullopt;
    if (!seal.is_object || !is_digest_hex(seal.content) || !is_digest_hex(seal.chain))
        throw InputError(origin + ": seal: expected {\"content\": HEX, \"chain\": HEX}, 64 lower-case hex digits each");
    return store::StoredSeal{seal.content.text, seal.chain.text};
}

BundleCheck check_against_store(store::Store& store, const std::map<long long, store::StoredSeal>& recomputed,
                                const ParsedBundle& bundle, const std::string& origin)
{
    const auto& input = bundle.snapshot;
    auto seal = read_seal(bundle.seal, origin);
    BundleCheck out;
    for (const auto& s : store.snapshots(input.host))
        if (s.taken_at == input.taken_at) out.snapshot = s;
    auto when = format_rfc3339(input.taken_at);
    if (!out.snapshot) {
        out.problems.push_back(origin + ": host " + input.host + " has no snapshot at " + when + " in the database");
        return out;
    }
    auto name = "snapshot " + std::to_string(out.snapshot->id) + " (" + when + ") of host " + input.host;
    if (!store_holds(store, *out.snapshot, input))
        out.problems.push_back(origin + ": " + name + " in the database does not hold what the bundle holds");
    if (!seal) {
        out.notes.push_back(origin + ": a bundle of format " + std::to_string(static_cast<int>(bundle.version)) +
                            " carries no seal: its content was compared, not the chain");
        return out;
    }
    auto found = recomputed.find(out.snapshot->id);
    if (found == recomputed.end()) {
        out.problems.push_back(origin + ": " + name + " has no recomputed seal");
        return out;
    }
    if (bundle.legacy_tags)
        // Sealed while its tags were five facts: the store, migrated to one
        // fact a tag (schema 8), resealed its snapshots since.
        out.notes.push_back(origin + ": sealed before tags were one fact each; the database was migrated and resealed "
                                     "since (chain_reseal keeps the head before): its content was compared, not its seal");
    else if (found->second.content != seal->content)
        out.problems.push_back(origin + ": " + name + ": its content in the database is not what it was at export");
    else if (found->second.chain != seal->chain)
        out.problems.push_back(origin + ": " + name + ": the chain there differs from the bundle's seal (the history "
                                                     "before it changed since export, or every seal was recomputed)");
    return out;
}

} // namespace forensic::bundle
