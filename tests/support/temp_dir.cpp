#include "support/temp_dir.hpp"

#include <stdexcept>
#include <stdlib.h>
#include <system_error>

namespace forensic::test {

TempDir::TempDir(const std::string& prefix)
{
    auto pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

} // namespace forensic::test
