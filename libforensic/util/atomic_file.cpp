#include "libforensic/util/atomic_file.hpp"

#include "libforensic/util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace forensic {

void write_file_atomically(const std::filesystem::path& file, std::string_view contents)
{
    auto temp = file;
    temp += ".tmp." + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw InputError("cannot write '" + file.string() + "': " + std::strerror(errno));
    auto fail = [&](int err) {
        ::close(fd);
        ::unlink(temp.c_str());
        throw InputError("cannot write '" + file.string() + "': " + std::strerror(err));
    };
    for (std::size_t done = 0; done < contents.size();) {
        auto n = ::write(fd, contents.data() + done, contents.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(errno);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail(errno);
    ::close(fd);
    if (::rename(temp.c_str(), file.c_str()) != 0) {
        int err = errno;
        ::unlink(temp.c_str());
        throw InputError("cannot write '" + file.string() + "': " + std::strerror(err));
    }
}

} // namespace forensic
