// `nix`: every NixOS system generation and the abra binary inside it.
//
// subject generation/<N>: target (the link as written), store_path (resolved
//   under --root), created (the link's own mtime, as nix-env
//   --list-generations reports it), abra.present, abra.path, abra.store_path,
//   abra.version; error for a dangling chain. A generation never changes once
//   made, so all its facts but the error carry its creation time as their
//   event time: a timeline places them when the generation appeared.
// subject profile: generation (what `system` points to).
// subject current-system: store_path, generation (which generation it is).
#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/store_path.hpp"

#include <charconv>
#include <map>

namespace forensic::collect {
namespace {

// "system-12-link" → 12
std::optional<long long> generation_number(std::string_view name)
{
    constexpr std::string_view prefix = "system-", suffix = "-link";
    if (!name.starts_with(prefix) || !name.ends_with(suffix) || name.size() <= prefix.size() + suffix.size())
        return std::nullopt;
    auto digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    long long n = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.front() == '-') return std::nullopt;
    return n;
}

std::string dangling_message(const ResolvedPath& resolved, const std::string& what)
{
    return "dangling link " + resolved.dangling_link + " while resolving " + what + ": " + resolved.missing +
           " does not exist";
}

class NixGenerations final : public Collector {
public:
    std::string_view name() const override { return "nix"; }
    std::string_view summary() const override
    {
        return "NixOS system generations: store path, creation time, and the abra binary in each";
    }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        const auto& root = options.root;
        auto dir = root.resolve(options.profiles_dir);
        if (!dir.exists)
            throw CollectorError("profiles directory " + options.profiles_dir + " does not exist under " +
                                 root.root().string());
        std::vector<Fact> facts;
        std::map<long long, std::string> store_paths;
        for (const auto& entry : list_host_directory(root, dir.host_path)) {
            auto number = generation_number(entry);
            if (!number) continue;
            collect_generation(root, host_join(dir.host_path, entry), *number, facts, store_paths);
        }

        std::optional<long long> profile_generation;
        if (auto link = read_link(root.real(host_join(dir.host_path, "system")))) {
            auto base = link->target.substr(link->target.rfind('/') + 1);
            profile_generation = generation_number(base);
            facts.push_back({"profile", "generation", profile_generation ? std::to_string(*profile_generation) : base, {}});
        }
        collect_current_system(root, options.current_system, store_paths, profile_generation, facts);
        return facts;
    }

private:
    static void collect_generation(const HostRoot& root, const std::string& link_path, long long number,
                                   std::vector<Fact>& facts, std::map<long long, std::string>& store_paths)
    {
        auto subject = "generation/" + std::to_string(number);
        auto link = read_link(root.real(link_path));
        if (!link) {
            facts.push_back({subject, error_key, link_path + " is not a symbolic link", {}});
            return;
        }
        auto created = link->mtime;
        facts.push_back({subject, "target", link->target, created});
        facts.push_back({subject, "created", format_rfc3339(created), created});
        try {
            auto system = root.resolve(link_path);
            if (!system.exists) {
                facts.push_back({subject, error_key, dangling_message(system, link_path), {}});
                return;
            }
            facts.push_back({subject, "store_path", system.host_path, created});
            store_paths[number] = system.host_path;
            collect_abra(root, system.host_path, subject, created, facts);
        } catch (const PathError& e) {
            facts.push_back({subject, error_key, e.what(), {}});
        }
    }

    static void collect_abra(const HostRoot& root, const std::string& system, const std::string& subject,
                             TimeNs created, std::vector<Fact>& facts)
    {
        auto wanted = system + "/sw/bin/abra";
        auto abra = root.resolve(wanted);
        if (!abra.exists) {
            if (!abra.dangling_link.empty()) {
                facts.push_back({subject, error_key, dangling_message(abra, wanted), {}});
                return;
            }
            // No abra in this generation: a fact, not an error.
            facts.push_back({subject, "abra.present", "false", created});
            return;
        }
        facts.push_back({subject, "abra.present", "true", created});
        facts.push_back({subject, "abra.path", abra.host_path, created});
        if (auto store = parse_store_path(abra.host_path)) {
            facts.push_back({subject, "abra.store_path", store->path, created});
            if (!store->version.empty()) facts.push_back({subject, "abra.version", store->version, created});
        }
    }

    static void collect_current_system(const HostRoot& root, const std::string& current_system,
                                       const std::map<long long, std::string>& store_paths,
                                       std::optional<long long> profile_generation, std::vector<Fact>& facts)
    {
        const std::string subject = "current-system";
        try {
            auto current = root.resolve(current_system);
            if (!current.exists) {
                if (!current.dangling_link.empty())
                    facts.push_back({subject, error_key, dangling_message(current, current_system), {}});
                return; // not a booted NixOS root: nothing to record
            }
            facts.push_back({subject, "store_path", current.host_path, {}});
            // Prefer the profile's generation when it is the running one.
            std::optional<long long> match;
            for (const auto& [number, path] : store_paths)
                if (path == current.host_path) match = number;
            if (profile_generation && store_paths.contains(*profile_generation) &&
                store_paths.at(*profile_generation) == current.host_path)
                match = profile_generation;
            facts.push_back({subject, "generation", match ? std::to_string(*match) : "none", {}});
        } catch (const PathError& e) {
            facts.push_back({subject, error_key, e.what(), {}});
        }
    }
};

} // namespace

std::unique_ptr<Collector> make_nix_collector()
{
    return std::make_unique<NixGenerations>();
}

} // namespace forensic::collect
