// Real Nix system generations for tests: Debian's nix-bin with a chroot store
// under a temporary root (`--store local?root=DIR`), never this machine's
// /nix. Store paths are made with nix-store --add and generations with
// nix-env --set, as a NixOS host's are; a generation's creation time (its
// link's own mtime, what nix-env --list-generations shows) is set by the test.
#pragma once

#include "support/temp_dir.hpp"

#include <filesystem>
#include <string>

namespace forensic::test {

class RealNix {
public:
    RealNix(); // under a root of its own
    explicit RealNix(std::filesystem::path root); // under a host fixture's root

private:
    TempDir work_{"forensic-nix"}; // sources added to the store (and the root, by default)

public:
    std::filesystem::path root;
    std::string store() const { return "local?root=" + root.string(); }
    std::string profile() const { return (root / "nix/var/nix/profiles/system").string(); }

    // Adds a directory to the chroot store; returns its /nix/store path.
    std::string add(const std::filesystem::path& dir);
    // /nix/store/<hash>-abra-<version> with bin/abra.
    std::string add_abra(const std::string& version);
    // A system whose sw/bin/abra is `abra`'s (none when empty).
    std::string add_system(const std::string& name, const std::string& abra);
    // nix-env --set `system` as the next generation, created at `created`
    // (RFC 3339); returns its number.
    int set(const std::string& system, const std::string& created);
    // /run/current-system → `system`, as a boot or a switch leaves it.
    void current_system(const std::string& system);
};

} // namespace forensic::test
