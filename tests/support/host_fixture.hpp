// Builds a fixture host under a temporary root: Nix store paths, system
// generation links with real mtimes, abra binaries, files anywhere. Store
// paths are laid out as Nix lays them out (absolute link targets), without
// running Nix; nix_collector_test.cpp also builds them with real Nix.
#pragma once

#include "support/temp_dir.hpp"

#include "libforensic/util/time.hpp"

#include <optional>
#include <string>

namespace forensic::test {

class HostFixture {
public:
    HostFixture();

    const std::filesystem::path& root() const { return dir_.path(); }
    // The path on this machine of a host path.
    std::filesystem::path real(const std::string& host_path) const;

    // A plausible 32-character Nix hash derived from `seed`.
    static std::string store_hash(const std::string& seed);

    // /nix/store/<hash>-abra-<version> with bin/abra holding `contents`.
    std::string abra_package(const std::string& version, const std::string& contents = {});
    // /nix/store/<hash>-nixos-system-<name> whose sw → a system-path with
    // bin/abra → `abra_package`/bin/abra (no abra when empty).
    std::string system(const std::string& name, const std::string& abra_package);

    // system-<n>-link → `system_path`, its own mtime `created` (RFC 3339).
    HostFixture& generation(int n, const std::string& created, const std::string& system_path);
    // system → system-<n>-link
    HostFixture& profile(int n);
    // /run/current-system → `system_path`
    HostFixture& current_system(const std::string& system_path);

    // Writes a file (parents created), optionally with an mtime.
    HostFixture& file(const std::string& host_path, const std::string& contents,
                      const std::optional<std::string>& mtime = {});
    // Creates a symlink at `host_path` (parents created), optionally with an mtime.
    HostFixture& symlink(const std::string& host_path, const std::string& target,
                         const std::optional<std::string>& mtime = {});

    static constexpr const char* profiles = "/nix/var/nix/profiles";

private:
    TempDir dir_;
};

// Sets the mtime of a path itself (not following a symlink).
void set_mtime(const std::filesystem::path& path, TimeNs mtime);

// The bytes of a file on this machine ("" when it cannot be read).
std::string read_bytes(const std::filesystem::path& path);

// Parses an RFC 3339 time or fails the test setup.
TimeNs at(const std::string& rfc3339);

} // namespace forensic::test
