#include "libforensic/util/host_files.hpp"

#include "libforensic/util/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace forensic {
namespace {

std::string missing_message(std::string_view host_path, const ResolvedPath& resolved)
{
    if (!resolved.dangling_link.empty())
        return "dangling link " + resolved.dangling_link + ": " + resolved.missing + " does not exist";
    return std::string(host_path) + " does not exist";
}

[[noreturn]] void fail(std::string_view host_path, int error)
{
    throw InputError("cannot read '" + std::string(host_path) + "': " + std::strerror(error));
}

[[noreturn]] void changed(std::string_view host_path)
{
    throw InputError(std::string(host_path) + " changed while being opened (a link or another file took its "
                                              "place); not read");
}

[[noreturn]] void too_large(std::string_view host_path, long long size, SizeCap cap)
{
    throw InputError(std::string(host_path) + " is " + size_text(size) + ", over the " +
                     size_text(static_cast<long long>(cap.bytes)) + " read for " + std::string(cap.what) +
                     "; not read");
}

// Opens `host_path` beneath the root following no link on the way: one there
// makes the open fail (ELOOP), as does a ".." above the root (EXDEV), instead
// of leading anywhere. Kernels before 5.6 lack openat2; there the last
// component alone is opened without following.
int open_beneath(const HostRoot& root, std::string_view host_path, int flags)
{
    int dir = root.directory_fd();
    if (dir < 0) return -1;
    auto first = host_path.find_first_not_of('/');
    auto relative = first == std::string_view::npos ? std::string(".") : std::string(host_path.substr(first));
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    auto fd = static_cast<int>(::syscall(SYS_openat2, dir, relative.c_str(), &how, sizeof how));
    if (fd < 0 && (errno == ENOSYS || errno == EPERM)) fd = ::openat(dir, relative.c_str(), flags | O_NOFOLLOW);
    return fd;
}

bool met_a_link(int error)
{
    return error == ELOOP || error == EXDEV;
}

// What `host_path` opens to with `flags`: most host paths hold no link and
// open at once; one that does is resolved under the root (links followed
// inside it, a climb out refused) and its resolution opened, still
// following nothing. Returns -1 with errno ENOENT when nothing is there;
// throws for a dangling link, a loop, an escape.
int open_host_path(const HostRoot& root, std::string_view host_path, int flags)
{
    int fd = open_beneath(root, host_path, flags);
    if (fd >= 0 || !met_a_link(errno)) return fd;
    auto resolved = root.resolve(host_path);
    if (!resolved.exists) {
        if (!resolved.dangling_link.empty()) throw InputError(missing_message(host_path, resolved));
        errno = ENOENT;
        return -1;
    }
    fd = open_beneath(root, resolved.host_path, flags);
    if (fd < 0 && met_a_link(errno)) changed(host_path);
    return fd;
}

TimeNs mtime_of(const struct stat& st)
{
    return static_cast<TimeNs>(st.st_mtim.tv_sec) * ns_per_second + st.st_mtim.tv_nsec;
}

// The regular file at `host_path`, or nullopt when nothing is there. Its
// type and size come from an O_PATH descriptor first: a FIFO or device is
// refused without ever being opened for reading.
std::optional<HostFile> try_open(const HostRoot& root, std::string_view host_path, SizeCap cap)
{
    auto expanded = root.expand_home(host_path);
    // Without O_NOFOLLOW: a link as the last component fails (ELOOP) and is
    // resolved, as any other.
    int path_fd = open_host_path(root, expanded, O_PATH | O_CLOEXEC);
    if (path_fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
        fail(host_path, errno);
    }
    HostFile located(path_fd, std::string(host_path), 0, 0, cap); // closes it
    struct stat before{};
    if (::fstat(path_fd, &before) != 0) fail(host_path, errno);
    if (S_ISLNK(before.st_mode)) { // only where openat2 is missing: openat with O_NOFOLLOW gave the link
        auto resolved = root.resolve(expanded);
        if (!resolved.exists) throw InputError(missing_message(host_path, resolved));
        expanded = resolved.host_path;
        return try_open(root, expanded, cap);
    }
    if (!S_ISREG(before.st_mode))
        throw InputError(std::string(host_path) + " is not a regular file (" + std::string(file_kind(before.st_mode)) +
                         "); not read");
    if (static_cast<unsigned long long>(before.st_size) > cap.bytes) too_large(host_path, before.st_size, cap);
    int fd = open_host_path(root, expanded, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail(host_path, errno);
    struct stat st{};
    bool same = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == before.st_dev && st.st_ino == before.st_ino;
    HostFile file(fd, std::string(host_path), st.st_size, mtime_of(st), cap);
    if (!same) changed(host_path);
    if (static_cast<unsigned long long>(st.st_size) > cap.bytes) too_large(host_path, st.st_size, cap);
    return file;
}

} // namespace

std::string size_text(long long bytes)
{
    constexpr std::pair<long long, const char*> units[] = {{1LL << 30, "GiB"}, {1LL << 20, "MiB"}, {1LL << 10, "KiB"}};
    for (const auto& [unit, name] : units) {
        if (bytes < unit) continue;
        char buf[32];
        if (bytes % unit == 0)
            std::snprintf(buf, sizeof buf, "%lld %s", bytes / unit, name);
        else
            std::snprintf(buf, sizeof buf, "%.1f %s", static_cast<double>(bytes) / static_cast<double>(unit), name);
        return buf;
    }
    return std::to_string(bytes) + " bytes";
}

std::string_view file_kind(unsigned mode)
{
    if (S_ISREG(mode)) return "a regular file";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "of an unknown type";
}

HostFile::HostFile(int fd, std::string host_path, long long size, TimeNs mtime, SizeCap cap)
    : fd_(fd), host_path_(std::move(host_path)), size_(size), mtime_(mtime), cap_(cap)
{
}

HostFile::~HostFile()
{
    if (fd_ >= 0) ::close(fd_);
}

HostFile::HostFile(HostFile&& other) noexcept
    : fd_(other.fd_), host_path_(std::move(other.host_path_)), size_(other.size_), mtime_(other.mtime_),
      cap_(other.cap_), read_(other.read_)
{
    other.fd_ = -1;
}

std::size_t HostFile::read_some(char* buffer, std::size_t size)
{
    for (;;) {
        auto got = ::read(fd_, buffer, size);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) fail(host_path_, errno);
        read_ += static_cast<std::size_t>(got);
        // It grew past the cap since its size was checked.
        if (read_ > cap_.bytes) too_large(host_path_, static_cast<long long>(read_), cap_);
        return static_cast<std::size_t>(got);
    }
}

std::string HostFile::read_all()
{
    // Read to the end, not to the size: the file may have grown. One spare
    // byte sees the end without growing the buffer.
    std::string bytes(std::min<std::size_t>(static_cast<std::size_t>(size_), cap_.bytes) + 1, '\0');
    std::size_t used = 0;
    for (;;) {
        if (used == bytes.size()) bytes.resize(std::min(bytes.size() * 2, cap_.bytes + 1));
        auto got = read_some(bytes.data() + used, bytes.size() - used);
        if (got == 0) break;
        used += got;
    }
    bytes.resize(used);
    return bytes;
}

HostFile open_host_file(const HostRoot& root, std::string_view host_path, SizeCap cap)
{
    auto file = try_open(root, host_path, cap);
    if (!file) throw InputError(std::string(host_path) + " does not exist");
    return std::move(*file);
}

std::string read_host_file(const HostRoot& root, std::string_view host_path, SizeCap cap)
{
    return open_host_file(root, host_path, cap).read_all();
}

std::optional<std::string> read_host_file_if_present(const HostRoot& root, std::string_view host_path, SizeCap cap)
{
    auto file = try_open(root, host_path, cap);
    if (!file) return std::nullopt;
    return file->read_all();
}

std::optional<HostFile> open_host_file_if_present(const HostRoot& root, std::string_view host_path, SizeCap cap)
{
    return try_open(root, host_path, cap);
}

namespace {

// The directory's sorted names, or nullopt when open_host_path found nothing there.
std::optional<std::vector<std::string>> list_directory(const HostRoot& root, std::string_view host_path)
{
    int fd = open_host_path(root, root.expand_home(host_path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        if (errno == ENOTDIR) throw InputError(std::string(host_path) + " is not a directory");
        throw InputError("cannot list '" + std::string(host_path) + "': " + std::strerror(errno));
    }
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        int error = errno;
        ::close(fd);
        throw InputError("cannot list '" + std::string(host_path) + "': " + std::strerror(error));
    }
    std::vector<std::string> names;
    errno = 0;
    while (auto* entry = ::readdir(dir)) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
    }
    int error = errno;
    ::closedir(dir);
    if (error) throw InputError("cannot list '" + std::string(host_path) + "': " + std::strerror(error));
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

std::vector<std::string> list_host_directory(const HostRoot& root, std::string_view host_path)
{
    auto names = list_directory(root, host_path);
    if (!names) throw InputError(std::string(host_path) + " does not exist");
    return std::move(*names);
}

std::optional<std::vector<std::string>> list_host_directory_if_present(const HostRoot& root,
                                                                       std::string_view host_path)
{
    return list_directory(root, host_path);
}

} // namespace forensic
