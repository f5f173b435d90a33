// A whole file in one string, read with its size known up front: an ifstream
// copied through a stream buffer or an iterator costs a call per character,
// and a snapshot reads a 12 MB catalogue and a thousand results files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace forensic {

// Everything left to read from an open descriptor, `size_hint` the bytes
// expected (from fstat); nullopt, with errno set, on a read error.
std::optional<std::string> read_fd_bytes(int fd, std::size_t size_hint);

// The file's bytes; nullopt, with errno set, when it cannot be opened or read.
std::optional<std::string> read_file_bytes(const std::filesystem::path& path);

} // namespace forensic
