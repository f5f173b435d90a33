#include "libforensic/util/host_root.hpp"

#include "libforensic/util/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace forensic {
namespace {

constexpr int max_links = 40; // as Linux's MAXSYMLINKS

std::vector<std::string> split_components(std::string_view path)
{
    std::vector<std::string> parts;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        auto next = path.find('/', pos);
        if (next == std::string_view::npos) next = path.size();
        if (next > pos) parts.emplace_back(path.substr(pos, next - pos));
        pos = next + 1;
    }
    return parts;
}

std::string to_host_path(const std::vector<std::string>& parts)
{
    if (parts.empty()) return "/";
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out;
}

} // namespace

std::string host_join(std::string_view dir, std::string_view name)
{
    std::string out(dir);
    if (out.empty() || out.back() != '/') out += '/';
    out += name;
    return out;
}

struct HostRoot::Directory {
    std::once_flag opened;
    int fd = -1;
    int error = 0;
    ~Directory()
    {
        if (fd >= 0) ::close(fd);
    }
};

int HostRoot::directory_fd() const
{
    std::call_once(directory_->opened, [&] {
        directory_->fd = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        directory_->error = errno;
    });
    errno = directory_->error;
    return directory_->fd;
}

HostRoot::HostRoot(std::filesystem::path root, std::string home)
    : root_(std::move(root)), home_(std::move(home)), directory_(std::make_shared<Directory>())
{
    if (home_.empty()) {
        const char* env = std::getenv("HOME");
        home_ = env ? env : "/root";
    }
}

std::string HostRoot::expand_home(std::string_view host_path) const
{
    if (host_path == "~") return home_;
    if (host_path.starts_with("~/")) return host_join(home_, host_path.substr(2));
    return std::string(host_path);
}

std::filesystem::path HostRoot::real(std::string_view resolved_host_path) const
{
    auto relative = std::string(resolved_host_path);
    while (!relative.empty() && relative.front() == '/') relative.erase(0, 1);
    return relative.empty() ? root_ : root_ / relative;
}

ResolvedPath HostRoot::resolve(std::string_view host_path) const
{
    auto expanded = expand_home(host_path);
    return walk(split_components(expanded), true, expanded);
}

ResolvedPath HostRoot::resolve_entry(std::string_view resolved_dir, std::string_view name) const
{
    auto host_path = host_join(resolved_dir, name);
    // Only a single plain name: "..", "." or a path must be walked.
    bool single = !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
    struct stat entry {};
    if (single && ::lstat(real(host_path).c_str(), &entry) == 0 && S_ISDIR(entry.st_mode))
        return ResolvedPath{host_path, {}, true, {}, {}};
    return resolve(host_path);
}

ResolvedPath HostRoot::resolve_parent(std::string_view host_path) const
{
    auto expanded = expand_home(host_path);
    auto parts = split_components(expanded);
    if (parts.empty()) return ResolvedPath{"/", {}, true, {}, {}};
    auto last = parts.back();
    parts.pop_back();
    auto parent = walk(parts, true, expanded);
    parent.host_path = host_join(parent.host_path, last);
    return parent;
}

ResolvedPath HostRoot::walk(const std::vector<std::string>& pending, bool follow_last,
                           std::string_view original) const
{
    ResolvedPath result;
    std::vector<std::string> done;
    // Components still to walk, reversed for cheap pops, each with the link
    // whose target it came from (empty for the path as asked).
    struct Pending {
        std::string part;
        std::string from_link;
    };
    std::vector<Pending> stack;
    for (auto it = pending.rbegin(); it != pending.rend(); ++it) stack.push_back({*it, {}});
    int links = 0;
    while (!stack.empty()) {
        auto [part, from_link] = std::move(stack.back());
        stack.pop_back();
        if (part == ".") continue;
        if (part == "..") {
            if (done.empty())
                // The root's own path stays out: facts name host paths only.
                throw PathError("'" + std::string(original) + "' climbs out of the root" +
                                (result.links.empty() ? "" : " via " + result.links.back()));
            done.pop_back();
            continue;
        }
        done.push_back(part);
        if (stack.empty() && !follow_last) break;
        auto host = to_host_path(done);
        auto real_path = real(host);
        struct stat st{};
        if (::lstat(real_path.c_str(), &st) != 0) {
            if (errno != ENOENT && errno != ENOTDIR)
                throw PathError("cannot read '" + host + "' under " + root_.string() + ": " + std::strerror(errno));
            result.exists = false;
            result.missing = host;
            result.dangling_link = from_link;
            for (auto it = stack.rbegin(); it != stack.rend(); ++it) done.push_back(it->part);
            stack.clear();
            break;
        }
        if (!S_ISLNK(st.st_mode)) continue;
        if (++links > max_links)
            throw PathError("too many levels of symbolic links resolving '" + std::string(original) + "' (at " +
                            host + ")");
        result.links.push_back(host);
        std::string target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 256) + 1, '\0');
        auto n = ::readlink(real_path.c_str(), target.data(), target.size());
        if (n < 0) throw PathError("cannot read link '" + host + "': " + std::strerror(errno));
        target.resize(static_cast<std::size_t>(n));
        done.pop_back();
        if (!target.empty() && target.front() == '/') done.clear();
        auto target_parts = split_components(target);
        for (auto it = target_parts.rbegin(); it != target_parts.rend(); ++it) stack.push_back({*it, host});
    }
    result.host_path = to_host_path(done);
    return result;
}

} // namespace forensic
