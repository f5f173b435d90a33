#include "support/real_nix.hpp"

#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include <fstream>
#include <sstream>

namespace forensic::test {

RealNix::RealNix() : root(work_.path() / "root") {}

RealNix::RealNix(std::filesystem::path r) : root(std::move(r)) {}

std::string RealNix::add(const std::filesystem::path& dir)
{
    auto out = run_checked({"nix-store", "--store", store(), "--add", dir.string()});
    return out.substr(0, out.find('\n'));
}

std::string RealNix::add_abra(const std::string& version)
{
    auto dir = work_.path() / "src" / ("abra-" + version);
    std::filesystem::create_directories(dir / "bin");
    std::ofstream(dir / "bin/abra") << "#!/bin/sh\necho abra version " << version << "\n";
    return add(dir);
}

std::string RealNix::add_system(const std::string& name, const std::string& abra)
{
    auto sw = work_.path() / "src" / ("sw-" + name) / "system-path";
    std::filesystem::create_directories(sw / "bin");
    if (!abra.empty()) std::filesystem::create_symlink(abra + "/bin/abra", sw / "bin/abra");
    auto sw_path = add(sw);
    auto sys = work_.path() / "src" / ("nixos-system-" + name);
    std::filesystem::create_directories(sys);
    std::filesystem::create_symlink(sw_path, sys / "sw");
    return add(sys);
}

int RealNix::set(const std::string& system, const std::string& created)
{
    run_checked({"nix-env", "--store", store(), "--profile", profile(), "--set", system});
    // The link nix-env just made is the newest system-N-link.
    auto listing = run_checked({"nix-env", "--store", store(), "--profile", profile(), "--list-generations"},
                               {{"TZ", "UTC"}});
    std::string last;
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) last = line;
    auto number = std::stoi(last);
    set_mtime(root / ("nix/var/nix/profiles/system-" + std::to_string(number) + "-link"), at(created));
    return number;
}

void RealNix::current_system(const std::string& system)
{
    auto link = root / "run/current-system";
    std::filesystem::create_directories(link.parent_path());
    std::error_code ec;
    std::filesystem::remove(link, ec);
    std::filesystem::create_symlink(system, link);
}

} // namespace forensic::test
