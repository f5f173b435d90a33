#include "support/tree_snapshot.hpp"

#include "libforensic/util/sha256.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace forensic::test {

namespace fs = std::filesystem;

std::map<std::string, std::string> tree_snapshot(const fs::path& dir)
{
    std::map<std::string, std::string> out;
    std::vector<fs::path> all{dir};
    for (const auto& entry : fs::recursive_directory_iterator(dir)) all.push_back(entry.path());
    for (const auto& path : all) {
        struct stat st{};
        if (::lstat(path.c_str(), &st) != 0) throw std::runtime_error("lstat failed: " + path.string());
        std::string content;
        if (S_ISREG(st.st_mode)) {
            std::ifstream in(path, std::ios::binary);
            content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        } else if (S_ISLNK(st.st_mode)) {
            content = fs::read_symlink(path).string();
        }
        auto mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec;
        out[fs::relative(path, dir).string()] = std::to_string(st.st_mode) + " " + std::to_string(st.st_size) + " " +
                                                std::to_string(mtime) + " " + sha256_hex(content);
    }
    return out;
}

} // namespace forensic::test
