#include "support/golden.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace forensic::test {

void check_golden(const std::string& name, const std::string& actual)
{
    const char* root = std::getenv("FORENSIC_SOURCE_ROOT");
    REQUIRE_MESSAGE(root, "FORENSIC_SOURCE_ROOT is not set (run through meson test)");
    auto file = std::filesystem::path(root) / "tests/golden" / name;
    if (const char* update = std::getenv("FORENSIC_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << actual;
        return;
    }
    std::ifstream in(file, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing golden file " << file.string() << " (FORENSIC_UPDATE_GOLDEN=1 creates it)");
    std::stringstream expected;
    expected << in.rdbuf();
    if (expected.str() != actual) {
        auto actual_file = std::filesystem::temp_directory_path() / ("actual-" + name);
        std::ofstream(actual_file, std::ios::binary) << actual;
        FAIL_CHECK("output differs from " << file.string() << "; see diff -u " << file.string() << " "
                                          << actual_file.string());
    }
}

} // namespace forensic::test
