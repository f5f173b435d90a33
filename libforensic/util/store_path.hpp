// Nix store path names: /nix/store/<hash>-<pname>-<version>.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace forensic {

inline constexpr std::string_view nix_store_dir = "/nix/store";

struct StorePathName {
    std::string path;    // /nix/store/<hash>-<name>
    std::string hash;    // 32 characters of Nix's base-32
    std::string name;    // <pname>-<version>
    std::string pname;
    std::string version; // from the first '-' followed by a digit; may be empty
};

// Parses the store path that `host_path` lies in (/nix/store/x-abra-1.0/bin/abra
// → /nix/store/x-abra-1.0). nullopt outside the store or with a malformed hash.
std::optional<StorePathName> parse_store_path(std::string_view host_path);

} // namespace forensic
