#include "libforensic/util/atomic_file.hpp"

#include "libforensic/util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace forensic {

AtomicFile::AtomicFile(std::filesystem::path file) : file_(std::move(file)), temp_(file_)
{
    temp_ += ".tmp." + std::to_string(::getpid());
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw InputError("cannot write '" + file_.string() + "': " + std::strerror(errno));
    // A file replaced keeps its mode: a 0600 report stays private. fchmod,
    // as open's mode passes through the umask.
    struct stat old {};
    if (::stat(file_.c_str(), &old) == 0 && S_ISREG(old.st_mode) && ::fchmod(fd_, old.st_mode & 07777) != 0)
        fail(errno);
}

AtomicFile::~AtomicFile()
{
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(temp_.c_str());
}

void AtomicFile::fail(int err)
{
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(temp_.c_str());
    throw InputError("cannot write '" + file_.string() + "': " + std::strerror(err));
}

void AtomicFile::write(std::string_view contents)
{
    for (std::size_t done = 0; done < contents.size();) {
        auto n = ::write(fd_, contents.data() + done, contents.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(errno);
        }
        done += static_cast<std::size_t>(n);
    }
}

void AtomicFile::commit()
{
    if (::fsync(fd_) != 0) fail(errno);
    ::close(fd_);
    fd_ = -1;
    if (::rename(temp_.c_str(), file_.c_str()) != 0) fail(errno);
}

void write_file_atomically(const std::filesystem::path& file, std::string_view contents)
{
    AtomicFile out(file);
    out.write(contents);
    out.commit();
}

} // namespace forensic
