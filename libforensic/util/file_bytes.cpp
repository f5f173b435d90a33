#include "libforensic/util/file_bytes.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace forensic {

std::optional<std::string> read_fd_bytes(int fd, std::size_t size_hint)
{
    // Read to the end, not to the size: the file may have grown, and some
    // report no size. One spare byte sees the end without growing the buffer.
    std::string bytes(size_hint + 1, '\0');
    std::size_t used = 0;
    while (true) {
        if (used == bytes.size()) bytes.resize(bytes.size() * 2);
        auto got = ::read(fd, bytes.data() + used, bytes.size() - used);
        if (got == 0) break;
        if (got < 0) {
            if (errno == EINTR) continue;
            return std::nullopt;
        }
        used += static_cast<std::size_t>(got);
    }
    bytes.resize(used);
    return bytes;
}

std::optional<std::string> read_file_bytes(const std::filesystem::path& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    struct stat info {};
    auto size = ::fstat(fd, &info) == 0 && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) : 0;
    auto bytes = read_fd_bytes(fd, size);
    int error = errno;
    ::close(fd);
    errno = error;
    return bytes;
}

} // namespace forensic
