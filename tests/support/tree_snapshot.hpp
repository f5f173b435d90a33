// Everything observable about a directory tree (paths, types, modes, sizes,
// mtimes to the nanosecond, bytes, link targets), to prove that reading it
// changed nothing.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace forensic::test {

// relative path → "<type> <mode> <size> <mtime ns> <sha256 of bytes or link target>"
std::map<std::string, std::string> tree_snapshot(const std::filesystem::path& dir);

} // namespace forensic::test
