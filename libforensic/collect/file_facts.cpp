#include "libforensic/collect/file_facts.hpp"

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

void add_error_fact(std::vector<Fact>& facts, const std::string& subject, const std::vector<std::string>& messages)
{
    if (messages.empty()) return;
    std::string joined;
    for (const auto& m : messages) joined += (joined.empty() ? "" : "; ") + m;
    facts.push_back({subject, error_key, joined, {}});
}

} // namespace forensic::collect
