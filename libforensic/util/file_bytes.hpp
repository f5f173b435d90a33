// A whole file in one string, read with its size known up front: an ifstream
// copied through a stream buffer or an iterator costs a call per character,
// and a snapshot reads a 12 MB catalogue and a thousand results files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace forensic {

// The file's bytes; nullopt, with errno set, when it cannot be opened or read.
std::optional<std::string> read_file_bytes(const std::filesystem::path& path);

} // namespace forensic
