#include "support/host_fixture.hpp"

#include "libforensic/util/sha256.hpp"

#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>

namespace forensic::test {

namespace fs = std::filesystem;

void set_mtime(const fs::path& path, TimeNs mtime)
{
    struct timespec times[2];
    times[0].tv_sec = mtime / ns_per_second;
    times[0].tv_nsec = mtime % ns_per_second;
    times[1] = times[0];
    if (::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
        throw std::runtime_error("utimensat failed for " + path.string());
}

std::string read_bytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TimeNs at(const std::string& rfc3339)
{
    auto t = parse_rfc3339(rfc3339);
    if (!t) throw std::runtime_error("bad fixture time " + rfc3339);
    return *t;
}

HostFixture::HostFixture() : dir_("forensic-host") {}

fs::path HostFixture::real(const std::string& host_path) const
{
    return root() / fs::path(host_path).relative_path();
}

namespace {

// A fixture writes only inside its root: a parent that is a symlink with an
// absolute target would otherwise lead onto this machine's own /nix or /bin.
void ensure_inside(const fs::path& root, const fs::path& path)
{
    auto existing = path.parent_path();
    while (!fs::exists(existing)) existing = existing.parent_path();
    auto parent = fs::canonical(existing).string();
    auto base = fs::canonical(root).string();
    if (parent != base && !parent.starts_with(base + "/"))
        throw std::runtime_error("fixture path " + path.string() + " leads outside the fixture root");
    fs::create_directories(path.parent_path());
}

} // namespace

std::string HostFixture::store_hash(const std::string& seed)
{
    static constexpr char alphabet[] = "0123456789abcdfghijklmnpqrsvwxyz";
    auto digest = sha256_hex(seed);
    std::string out;
    for (std::size_t i = 0; i < 32; ++i) out += alphabet[static_cast<unsigned char>(digest[i]) % 32];
    return out;
}

HostFixture& HostFixture::file(const std::string& host_path, const std::string& contents,
                               const std::optional<std::string>& mtime)
{
    auto path = real(host_path);
    ensure_inside(root(), path);
    std::ofstream(path, std::ios::binary) << contents;
    if (mtime) set_mtime(path, at(*mtime));
    return *this;
}

HostFixture& HostFixture::symlink(const std::string& host_path, const std::string& target,
                                  const std::optional<std::string>& mtime)
{
    auto path = real(host_path);
    ensure_inside(root(), path);
    std::error_code ec;
    fs::remove(path, ec);
    fs::create_symlink(target, path);
    if (mtime) set_mtime(path, at(*mtime));
    return *this;
}

std::string HostFixture::abra_package(const std::string& version, const std::string& contents)
{
    auto path = "/nix/store/" + store_hash("abra" + version + contents) + "-abra-" + version;
    file(path + "/bin/abra", contents.empty() ? "#!/bin/sh\necho abra version " + version + "\n" : contents);
    fs::permissions(real(path + "/bin/abra"), fs::perms::owner_exec, fs::perm_options::add);
    return path;
}

std::string HostFixture::system(const std::string& name, const std::string& abra_package)
{
    auto sw = "/nix/store/" + store_hash("system-path" + name + abra_package) + "-system-path";
    fs::create_directories(real(sw + "/bin"));
    if (!abra_package.empty()) symlink(sw + "/bin/abra", abra_package + "/bin/abra");
    auto system_path = "/nix/store/" + store_hash("system" + name + abra_package) + "-nixos-system-" + name;
    fs::create_directories(real(system_path));
    symlink(system_path + "/sw", sw);
    return system_path;
}

HostFixture& HostFixture::generation(int n, const std::string& created, const std::string& system_path)
{
    return symlink(std::string(profiles) + "/system-" + std::to_string(n) + "-link", system_path, created);
}

HostFixture& HostFixture::profile(int n)
{
    return symlink(std::string(profiles) + "/system", "system-" + std::to_string(n) + "-link");
}

HostFixture& HostFixture::current_system(const std::string& system_path)
{
    return symlink("/run/current-system", system_path);
}

} // namespace forensic::test
