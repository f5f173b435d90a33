#include "libforensic/bundle/bundle_seal.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_upgrade.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>

namespace forensic::bundle {
namespace {

bool is_digest_hex(const nlohmann::json& value)
{
    if (!value.is_string()) return false;
    const auto& text = value.get_ref<const std::string&>();
    return text.size() == 64 &&
           text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

nlohmann::ordered_json export_bundle(store::Store& store, const SnapshotInfo& snapshot)
{
    auto doc = to_json(snapshot_as_input(store, snapshot));
    if (auto seal = store::stored_seal(store.database(), snapshot.id)) {
        doc["version"] = std::max(doc["version"].get<int>(), sealed_format_version);
        doc["seal"] = {{"content", seal->content}, {"chain", seal->chain}};
    }
    return doc;
}

std::optional<store::StoredSeal> read_seal(const nlohmann::json& doc, const std::string& origin)
{
    if (!doc.is_object() || !doc.contains("seal")) return std::nullopt;
    const auto& seal = doc["seal"];
    if (!seal.is_object() || !seal.contains("content") || !seal.contains("chain") ||
        !is_digest_hex(seal["content"]) || !is_digest_hex(seal["chain"]))
        throw InputError(origin + ": seal: expected {\"content\": HEX, \"chain\": HEX}, 64 lower-case hex digits each");
    return store::StoredSeal{seal["content"].get<std::string>(), seal["chain"].get<std::string>()};
}

BundleCheck check_against_store(store::Store& store, const std::map<long long, store::StoredSeal>& recomputed,
                                const nlohmann::json& doc, const std::string& origin)
{
    auto input = from_json(doc, origin);
    auto seal = read_seal(doc, origin);
    // Sealed while its tags were five facts: the store, migrated to one fact a
    // tag (schema 8), resealed them, so only the content can be compared.
    bool sealed_legacy = seal && doc.value("version", 0) < dense_tags_format_version && holds_dense_tags(input);
    BundleCheck out;
    for (const auto& s : store.snapshots(input.host))
        if (s.taken_at == input.taken_at) out.snapshot = s;
    auto when = format_rfc3339(input.taken_at);
    if (!out.snapshot) {
        out.problems.push_back(origin + ": host " + input.host + " has no snapshot at " + when + " in the database");
        return out;
    }
    auto name = "snapshot " + std::to_string(out.snapshot->id) + " (" + when + ") of host " + input.host;
    if (to_json(snapshot_as_input(store, *out.snapshot)) != to_json(input))
        out.problems.push_back(origin + ": " + name + " in the database does not hold what the bundle holds");
    if (!seal) {
        out.notes.push_back(origin + ": a bundle of format " + std::to_string(doc.value("version", 0)) +
                            " carries no seal: its content was compared, not the chain");
        return out;
    }
    auto found = recomputed.find(out.snapshot->id);
    if (found == recomputed.end()) {
        out.problems.push_back(origin + ": " + name + " has no recomputed seal");
        return out;
    }
    if (sealed_legacy)
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
