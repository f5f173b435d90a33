#include "libforensic/collect/file_facts.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/file_bytes.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace forensic::collect {
namespace {

TimeNs to_ns(const struct timespec& ts)
{
    return static_cast<TimeNs>(ts.tv_sec) * ns_per_second + ts.tv_nsec;
}

} // namespace

std::optional<LinkInfo> read_link(const std::filesystem::path& real_path)
{
    struct stat st{};
    if (::lstat(real_path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
    std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 256) + 1, '\0');
    auto n = ::readlink(real_path.c_str(), target.data(), target.size());
    if (n < 0) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    return LinkInfo{target, to_ns(st.st_mtim)};
}

std::optional<FileInfo> stat_path(const std::filesystem::path& real_path)
{
    struct stat st{};
    if (::lstat(real_path.c_str(), &st) != 0) return std::nullopt;
    return FileInfo{S_ISREG(st.st_mode), S_ISDIR(st.st_mode), static_cast<long long>(st.st_size), to_ns(st.st_mtim)};
}

std::string read_file(const std::filesystem::path& real_path, const std::string& host_path)
{
    int fd = ::open(real_path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP) throw InputError(host_path + " is a symbolic link here; not followed");
        throw InputError("cannot read '" + host_path + "': " + std::strerror(errno));
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0) throw InputError("cannot read '" + host_path + "': " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) throw InputError(host_path + " is not a regular file; not read");
    auto bytes = read_fd_bytes(fd, static_cast<std::size_t>(st.st_size));
    if (!bytes) throw InputError("cannot read '" + host_path + "': " + std::strerror(errno));
    return std::move(*bytes);
}

std::string read_host_file(const HostRoot& root, const std::string& host_path)
{
    auto resolved = root.resolve(host_path);
    if (!resolved.exists)
        throw InputError(resolved.dangling_link.empty()
                             ? host_path + " does not exist"
                             : "dangling link " + resolved.dangling_link + ": " + resolved.missing + " does not exist");
    return read_file(root.real(resolved.host_path), host_path);
}

std::vector<std::string> list_directory(const std::filesystem::path& real_path, const std::string& host_path)
{
    DIR* dir = ::opendir(real_path.c_str());
    if (!dir) throw CollectorError("cannot list '" + host_path + "': " + std::strerror(errno));
    std::vector<std::string> names;
    while (auto* entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
}

void add_error_fact(std::vector<Fact>& facts, const std::string& subject, const std::vector<std::string>& messages)
{
    if (messages.empty()) return;
    std::string joined;
    for (const auto& m : messages) joined += (joined.empty() ? "" : "; ") + m;
    facts.push_back({subject, error_key, joined, {}});
}

} // namespace forensic::collect
