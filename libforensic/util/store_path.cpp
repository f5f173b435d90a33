#include "libforensic/util/store_path.hpp"

namespace forensic {
namespace {

constexpr std::string_view base32_alphabet = "0123456789abcdfghijklmnpqrsvwxyz";
constexpr std::size_t hash_length = 32;

} // namespace

std::optional<StorePathName> parse_store_path(std::string_view host_path)
{
    std::string prefix = std::string(nix_store_dir) + "/";
    if (!host_path.starts_with(prefix)) return std::nullopt;
    auto rest = host_path.substr(prefix.size());
    auto entry = rest.substr(0, rest.find('/'));
    if (entry.size() < hash_length + 2 || entry[hash_length] != '-') return std::nullopt;
    auto hash = entry.substr(0, hash_length);
    if (hash.find_first_not_of(base32_alphabet) != std::string_view::npos) return std::nullopt;
    StorePathName out;
    out.path = prefix + std::string(entry);
    out.hash = std::string(hash);
    out.name = std::string(entry.substr(hash_length + 1));
    out.pname = out.name;
    for (std::size_t i = 0; i + 1 < out.name.size(); ++i) {
        if (out.name[i] == '-' && out.name[i + 1] >= '0' && out.name[i + 1] <= '9') {
            out.pname = out.name.substr(0, i);
            out.version = out.name.substr(i + 1);
            break;
        }
    }
    return out;
}

} // namespace forensic
