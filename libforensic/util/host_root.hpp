// Host paths are read under --root: a symlink's absolute target /nix/store/x is
// <root>/nix/store/x, never the machine running forensic. Facts always carry the
// host path (as the host sees it), so snapshots compare across roots.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic {

struct ResolvedPath {
    std::string host_path;          // fully resolved, as the host sees it
    std::vector<std::string> links; // every symlink followed, as host paths, in order
    bool exists = true;             // false when the chain ends at a missing entry
    std::string missing;            // the first host path that does not exist
    std::string dangling_link;      // set when `missing` is the target of this link
};

class HostRoot {
public:
    explicit HostRoot(std::filesystem::path root = "/", std::string home = {});

    const std::filesystem::path& root() const { return root_; }

    // "~/.abra" → "$HOME/.abra" (still a host path); other paths unchanged.
    std::string expand_home(std::string_view host_path) const;

    // Follows every symlink in `host_path` under the root. A missing entry is
    // reported in the result (exists=false); a loop or a chain that climbs out of
    // the root throws PathError naming the link.
    ResolvedPath resolve(std::string_view host_path) const;

    // The entry `name` of `resolved_dir`, a directory already resolved (as
    // resolve gives it): a plain directory there is taken as it is, one lstat
    // and no walk of the whole path again (a listing of thousands of run
    // directories pays that once each); anything else is resolved.
    ResolvedPath resolve_entry(std::string_view resolved_dir, std::string_view name) const;

    // Like resolve, but leaves the last component alone (for lstat/readlink of
    // the link itself). The parent must exist.
    ResolvedPath resolve_parent(std::string_view host_path) const;

    // The path on this machine of an already resolved host path.
    std::filesystem::path real(std::string_view resolved_host_path) const;

    // The root directory opened (O_PATH) once and shared by copies, to open
    // files beneath it (host_files.hpp); -1, with errno, when it cannot be.
    int directory_fd() const;

private:
    ResolvedPath walk(const std::vector<std::string>& pending, bool follow_last, std::string_view original) const;

    struct Directory;
    std::filesystem::path root_;
    std::string home_;
    std::shared_ptr<Directory> directory_;
};

// Joins host path components: join("/a", "b") == "/a/b".
std::string host_join(std::string_view dir, std::string_view name);

} // namespace forensic
