// SHA-256 of a file's bytes, for the abra binary's identity. Small enough to
// own rather than pull in a crypto library for one digest.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace forensic {

class Sha256 {
public:
    Sha256();
    void update(const void* data, std::size_t size);
    std::array<std::uint8_t, 32> finish();
    std::string finish_hex();

private:
    void block(const std::uint8_t* chunk);

    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view bytes);

// Hex digest of a file's contents; throws InputError naming the file.
std::string sha256_file(const std::filesystem::path& file);

} // namespace forensic
