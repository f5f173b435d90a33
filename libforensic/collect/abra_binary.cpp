// `abra`: the abra binary the host would run, found through a list of
// candidate paths (first present wins). Never executed: identified by its
// resolved path, size, mtime and the sha256 of its bytes.
//
// subject <candidate path as configured>: present, resolved, size, mtime,
//   sha256, store_path, version; error for a dangling chain.
// subject active: candidate (the first present candidate), sha256.
#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/sha256.hpp"
#include "libforensic/util/store_path.hpp"

namespace forensic::collect {
namespace {

// Nix normalises store file mtimes to 1 s after the epoch; such a time says
// nothing about when the file arrived, so it is not an event.
constexpr TimeNs nix_normalised_mtime = ns_per_second;

std::string sha256_of(HostFile& file)
{
    Sha256 hash;
    std::string buffer(1 << 16, '\0');
    while (auto got = file.read_some(buffer.data(), buffer.size())) hash.update(buffer.data(), got);
    return hash.finish_hex();
}

class AbraBinary final : public Collector {
public:
    std::string_view name() const override { return "abra"; }
    std::string_view summary() const override
    {
        return "the abra binary the host would run: resolved path, size, mtime, sha256 (never executed)";
    }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        std::vector<Fact> facts;
        std::optional<std::string> active;
        std::string active_hash;
        for (const auto& candidate : options.abra_paths) {
            auto hash = collect_candidate(options.root, candidate, facts);
            if (hash && !active) {
                active = candidate;
                active_hash = *hash;
            }
        }
        if (active) {
            facts.push_back({"active", "candidate", *active, {}});
            facts.push_back({"active", "sha256", active_hash, {}});
        } else {
            facts.push_back({"active", "candidate", "none", {}});
        }
        return facts;
    }

private:
    // Returns the sha256 when the candidate is a readable file.
    static std::optional<std::string> collect_candidate(const HostRoot& root, const std::string& candidate,
                                                        std::vector<Fact>& facts)
    {
        const auto& subject = candidate;
        try {
            auto resolved = root.resolve(candidate);
            if (!resolved.exists) {
                if (!resolved.dangling_link.empty())
                    facts.push_back({subject, error_key,
                                     "dangling link " + resolved.dangling_link + ": " + resolved.missing +
                                         " does not exist",
                                     {}});
                facts.push_back({subject, "present", "false", {}});
                return std::nullopt;
            }
            auto file = open_host_file(root, resolved.host_path, size_caps::abra_binary);
            auto hash = sha256_of(file);
            facts.push_back({subject, "present", "true", {}});
            facts.push_back({subject, "resolved", resolved.host_path, {}});
            facts.push_back({subject, "size", std::to_string(file.size()), {}});
            std::optional<TimeNs> event;
            if (file.mtime() > nix_normalised_mtime) event = file.mtime();
            facts.push_back({subject, "mtime", format_rfc3339(file.mtime()), event});
            facts.push_back({subject, "sha256", hash, {}});
            if (auto store = parse_store_path(resolved.host_path)) {
                facts.push_back({subject, "store_path", store->path, {}});
                if (!store->version.empty()) facts.push_back({subject, "version", store->version, {}});
            }
            return hash;
        } catch (const Error& e) {
            facts.push_back({subject, error_key, e.what(), {}});
            return std::nullopt;
        }
    }
};

} // namespace

std::unique_ptr<Collector> make_abra_collector()
{
    return std::make_unique<AbraBinary>();
}

} // namespace forensic::collect
