// The one way forensic reads a file or directory of the host: opened beneath
// the root with no link followed at all (openat2 RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS). A path that holds a link is resolved under --root
// first (host_root.hpp: an absolute target is the host's, no link leaves the
// root) and its resolution opened the same way, so a link swapped in after the
// resolution is refused, not followed. Only regular files are read as files:
// the type and size come from an O_PATH descriptor, so a FIFO, device or
// socket is refused without being opened for reading, and nothing blocks.
// Each kind of input has a size cap; a larger file is an error of that one
// item, found from its size before a byte is read (a 2 GB sparse file costs
// nothing). Kernels before 5.6 lack openat2: there only the last component is
// opened without following.
#pragma once

#include "libforensic/util/host_root.hpp"
#include "libforensic/util/time.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic {

// At most this many bytes of one kind of input are read; `what` names the
// kind in the error ("… is 1.5 GiB, over the 16 MiB read for a CI results file").
struct SizeCap {
    std::size_t bytes;
    std::string_view what; // with its article: "a CI results file"
};

namespace size_caps {
inline constexpr std::size_t KiB = 1024, MiB = 1024 * KiB;
// docs/collectors.md lists these; each is far above what a real host holds.
inline constexpr SizeCap host_name{4 * KiB, "a host name file"};
inline constexpr SizeCap app_env{1 * MiB, "an app env file"};
inline constexpr SizeCap run_results{16 * MiB, "a CI results file"};
inline constexpr SizeCap junit_report{64 * MiB, "a JUnit report"};
inline constexpr SizeCap catalogue{256 * MiB, "a catalogue"};
inline constexpr SizeCap abra_binary{512 * MiB, "an abra binary"};
inline constexpr SizeCap git_ref{64 * KiB, "a git ref file"}; // HEAD, a loose ref, ORIG_HEAD, commondir, alternates
inline constexpr SizeCap git_config{1 * MiB, "a git config file"};
inline constexpr SizeCap fetch_head{16 * MiB, "a FETCH_HEAD"};
inline constexpr SizeCap packed_refs{256 * MiB, "a packed-refs file"};
inline constexpr SizeCap reflog{256 * MiB, "a reflog"};
inline constexpr SizeCap git_index{256 * MiB, "a git index"};
inline constexpr SizeCap git_loose_object{256 * MiB, "a loose git object"};
} // namespace size_caps

// "1.5 GiB", "16 MiB", "512 bytes"
std::string size_text(long long bytes);

// An open regular file of the host; closed when destroyed.
class HostFile {
public:
    HostFile(int fd, std::string host_path, long long size, TimeNs mtime, SizeCap cap);
    ~HostFile();
    HostFile(HostFile&& other) noexcept;
    HostFile& operator=(HostFile&&) = delete;
    HostFile(const HostFile&) = delete;

    const std::string& host_path() const { return host_path_; }
    long long size() const { return size_; }
    TimeNs mtime() const { return mtime_; }

    // Up to `size` bytes into `buffer`; 0 at the end. Throws InputError when
    // the file grows past its cap while being read.
    std::size_t read_some(char* buffer, std::size_t size);
    // Everything left.
    std::string read_all();

private:
    int fd_;
    std::string host_path_;
    long long size_;
    TimeNs mtime_;
    SizeCap cap_;
    std::size_t read_ = 0;
};

// Opens the regular file at `host_path`, resolved under the root. Throws
// PathError (a loop, a chain climbing out of the root) or InputError (missing,
// dangling, not a regular file, over `cap`, unreadable, changed while being
// opened), each naming the host path.
HostFile open_host_file(const HostRoot& root, std::string_view host_path, SizeCap cap);

// The whole file, as open_host_file finds it.
std::string read_host_file(const HostRoot& root, std::string_view host_path, SizeCap cap);

// The same, but nullopt when nothing is at `host_path` (a dangling link is
// still an error: something is there, pointing nowhere).
std::optional<std::string> read_host_file_if_present(const HostRoot& root, std::string_view host_path, SizeCap cap);

// open_host_file, but nullopt when nothing is at `host_path` (a dangling link
// is still an error). One contained open: no resolution beforehand to ask
// whether the file is there.
std::optional<HostFile> open_host_file_if_present(const HostRoot& root, std::string_view host_path, SizeCap cap);

// Names in the host directory at `host_path` (resolved under the root),
// sorted, "." and ".." left out. Throws PathError or InputError naming it.
std::vector<std::string> list_host_directory(const HostRoot& root, std::string_view host_path);

// The same, but nullopt when nothing is at `host_path` (a dangling link is
// still an error).
std::optional<std::vector<std::string>> list_host_directory_if_present(const HostRoot& root,
                                                                       std::string_view host_path);

// What kind of entry `mode` (st_mode) is: "a FIFO", "a socket", "a directory", ...
std::string_view file_kind(unsigned mode);

} // namespace forensic
