#include "libforensic/git/plumbing.hpp"

#include "libforensic/git/config_scan.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/host_files.hpp"

#include <climits>
#include <cstdlib>
#include <optional>
#include <sys/stat.h>

namespace forensic::git {
namespace {

constexpr int max_alternate_depth = 5; // libgit2's GIT_ALTERNATES_MAX_DEPTH
constexpr int max_include_depth = 10;  // libgit2's MAX_INCLUDE_DEPTH
constexpr int max_walk_depth = 32;     // refs/ and objects/ are two or three deep; a link loop is not

std::optional<std::string> real_path_of(const std::filesystem::path& path)
{
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) return std::nullopt;
    return std::string(buf);
}

std::string parent_of(const std::string& host_path)
{
    auto slash = host_path.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : host_path.substr(0, slash);
}

bool is_hex_pair(const std::string& name)
{
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    return name.size() == 2 && hex(name[0]) && hex(name[1]);
}

class Plumbing {
public:
    explicit Plumbing(const HostRoot& root) : root_(root)
    {
        auto real = real_path_of(root.root());
        same_machine_ = real && *real == "/";
    }

    void repository(const std::string& git_dir)
    {
        own_files(git_dir);
        if (auto common = commondir(git_dir)) own_files(*common);
    }

    // A config file and all it includes, `depth` includes deep.
    void config(const std::string& path, int depth = 0)
    {
        auto st = entry(path);
        if (!st) return;
        file(path, *st, size_caps::git_config);
        auto text = read_host_file(root_, path, size_caps::git_config);
        for (const auto& variable : scan_config(text, path)) {
            if (!names_a_file(variable) || !variable.value || variable.value->empty()) continue;
            const auto& value = *variable.value;
            auto what = variable.name + " = " + value + " in " + path;
            if (is_include(variable)) {
                if (depth + 1 > max_include_depth) throw GitError(what + ": includes nested deeper than 10");
                if (auto target = reached(parent_of(path), value, what)) config(*target, depth + 1);
            } else if (value.front() != '/' && value.front() != '~') {
                // libgit2 takes it relative to the process's working directory.
                throw GitError(what + ": a relative path, which libgit2 would read from forensic's own working "
                                      "directory; not read");
            } else if (auto target = reached("/", value, what)) {
                if (auto target_st = entry(*target)) file(*target, *target_st, size_caps::git_config);
            }
        }
    }

    void work_tree(const std::string& dir, int depth = 0)
    {
        if (depth > max_walk_depth) return; // libgit2 stops far earlier at the path length
        for (const auto& name : list_host_directory(root_, dir)) {
            if (name == ".git") continue; // its own, or a nested repository's: git status does not look inside
            auto path = host_join(dir, name);
            auto st = entry(path);
            if (!st) continue;
            if (name == ".gitignore" || name == ".gitattributes")
                file(path, *st, size_caps::git_config);
            else if (S_ISDIR(st->st_mode))
                work_tree(path, depth + 1); // links are git's symlinks, not followed
        }
    }

private:
    // The files of a git directory (or common directory) libgit2 reads.
    void own_files(const std::string& dir)
    {
        for (const auto* name : {"HEAD", "commondir", "index", "packed-refs", "shallow"}) {
            auto path = host_join(dir, name);
            auto cap = std::string_view(name) == "index"         ? size_caps::git_index
                       : std::string_view(name) == "packed-refs" ? size_caps::packed_refs
                       : std::string_view(name) == "shallow"     ? size_caps::git_config
                                                                 : size_caps::git_ref;
            if (auto st = entry(path)) file(path, *st, cap);
        }
        config(host_join(dir, "config"));
        config(host_join(dir, "config.worktree"));
        walk(host_join(dir, "refs"), size_caps::git_ref);
        walk(host_join(dir, "info"), size_caps::git_config);
        objects(host_join(dir, "objects"), 0);
    }

    // An objects directory, then the alternates it names, as libgit2 loads them.
    void objects(const std::string& dir, int depth)
    {
        if (depth > max_alternate_depth) return;
        walk_objects(dir);
        auto list = host_join(dir, "info/alternates");
        auto st = entry(list);
        if (!st) return;
        file(list, *st, size_caps::git_config);
        auto text = read_host_file(root_, list, size_caps::git_config);
        std::size_t pos = 0;
        while (pos < text.size()) {
            auto end = text.find_first_of("\r\n", pos);
            auto line = text.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
            pos = end == std::string::npos ? text.size() : end + 1;
            if (line.empty() || line.front() == '#') continue;
            auto what = "alternate " + line + " in " + list;
            std::optional<std::string> target;
            if (line.front() == '.' && depth == 0)
                target = reached(dir, line, what);
            else if (line.front() == '/')
                target = reached("/", line, what);
            else
                throw GitError(what + ": a relative path, which libgit2 would read from forensic's own working "
                                      "directory; not read");
            if (target) objects(*target, depth + 1);
        }
    }

    // The common directory a worktree's commondir names, if any.
    std::optional<std::string> commondir(const std::string& git_dir)
    {
        auto path = host_join(git_dir, "commondir");
        auto text = read_host_file_if_present(root_, path, size_caps::git_ref);
        if (!text) return std::nullopt;
        while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
        if (text->empty()) return std::nullopt;
        auto what = "commondir " + *text + " in " + path;
        return reached(text->front() == '/' ? "/" : git_dir, *text, what);
    }

    // What libgit2 reaches from `base` (a host directory) by `value`, a path
    // written in a file of the repository: the host path it names, when that
    // is where --root's resolution leads too; nullopt when nothing is there.
    std::optional<std::string> reached(const std::string& base, const std::string& value, const std::string& what)
    {
        if (value.front() == '~') {
            if (same_machine_) return std::nullopt; // this machine's home: the host's own
            throw GitError(what + ": libgit2 would expand ~ on this machine, not under --root; not read");
        }
        if (value.front() == '/' && !same_machine_)
            throw GitError(what + ": an absolute path, which libgit2 would read on this machine, not under --root; "
                                  "not read");
        auto path = value.front() == '/' ? value : host_join(base, value);
        auto resolved = root_.resolve(path); // a path climbing out of the root throws, naming it
        if (!same_machine_ && !agrees(path, resolved))
            throw GitError(what + ": libgit2 would follow it on this machine to another place than " +
                           resolved.host_path + " under --root; not read");
        if (!resolved.exists) return std::nullopt;
        return resolved.host_path;
    }

    // Whether this machine resolves `host_path` (a host path as written,
    // links and all) to where the root's resolution put it.
    bool agrees(const std::string& host_path, const ResolvedPath& resolved) const
    {
        auto machine = real_path_of(root_.real(host_path));
        if (!resolved.exists) return !machine;
        auto expected = real_path_of(root_.real(resolved.host_path));
        return machine && expected && *machine == *expected;
    }

    // lstat of a host path; nullopt when nothing is there.
    std::optional<struct stat> entry(const std::string& host_path) const
    {
        struct stat st{};
        if (::lstat(root_.real(host_path).c_str(), &st) != 0) return std::nullopt;
        return st;
    }

    // The stat of what libgit2 reaches at `host_path` (a link followed when
    // it leads where the root's resolution does); throws otherwise.
    struct stat followed(const std::string& host_path, const struct stat& st)
    {
        if (!S_ISLNK(st.st_mode)) return st;
        auto resolved = root_.resolve(host_path);
        if (!same_machine_ && !agrees(host_path, resolved))
            throw GitError(host_path + " is a link that libgit2 would follow on this machine, not under --root; "
                                       "not read");
        struct stat target{};
        if (!resolved.exists || ::stat(root_.real(resolved.host_path).c_str(), &target) != 0)
            throw GitError(host_path + " is a dangling link; not read");
        return target;
    }

    void file(const std::string& host_path, const struct stat& st, std::optional<SizeCap> cap)
    {
        auto target = followed(host_path, st);
        if (S_ISDIR(target.st_mode)) return; // libgit2 fails on it by itself
        if (!S_ISREG(target.st_mode))
            throw GitError(host_path + " is " + std::string(file_kind(target.st_mode)) +
                           ", not a regular file: libgit2 would block or fail reading it; not read");
        if (cap && static_cast<unsigned long long>(target.st_size) > cap->bytes)
            throw GitError(host_path + " is " + size_text(target.st_size) + ", over the " +
                           size_text(static_cast<long long>(cap->bytes)) + " read for " + std::string(cap->what) +
                           "; not read");
    }

    // Every file under `dir` (refs/, info/), each within `cap`.
    void walk(const std::string& dir, std::optional<SizeCap> cap, int depth = 0)
    {
        auto st = entry(dir);
        if (!st) return;
        if (depth > max_walk_depth) throw GitError(dir + ": directories nested too deep (a link loop?); not read");
        if (!S_ISDIR(followed(dir, *st).st_mode)) return file(dir, *st, cap);
        for (const auto& name : list_host_directory(root_, dir)) walk(host_join(dir, name), cap, depth + 1);
    }

    // objects/: loose objects within their cap; packs, indexes and the
    // commit graph as they are (libgit2 maps them a window at a time).
    void walk_objects(const std::string& dir)
    {
        auto st = entry(dir);
        if (!st || !S_ISDIR(followed(dir, *st).st_mode)) return;
        for (const auto& name : list_host_directory(root_, dir)) {
            auto path = host_join(dir, name);
            if (is_hex_pair(name))
                walk(path, size_caps::git_loose_object, 1);
            else if (name == "pack" || name == "info")
                walk(path, std::nullopt, 1);
        }
    }

    const HostRoot& root_;
    bool same_machine_ = false;
};

} // namespace

void check_plumbing(const HostRoot& root, const std::string& git_dir)
{
    Plumbing(root).repository(git_dir);
}

void check_config(const HostRoot& root, const std::string& config_path)
{
    Plumbing(root).config(config_path);
}

void check_work_tree(const HostRoot& root, const std::string& work_tree)
{
    Plumbing(root).work_tree(work_tree);
}

} // namespace forensic::git
