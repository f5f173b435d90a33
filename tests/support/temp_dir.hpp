// A directory under the system temp dir, removed with everything in it when
// the test ends. Every fixture host lives in one.
#pragma once

#include <filesystem>
#include <string>

namespace forensic::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "forensic-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& relative) const { return path_ / relative; }

private:
    std::filesystem::path path_;
};

} // namespace forensic::test
