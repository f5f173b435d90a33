// SHA-256: a file's bytes (the abra binary's identity), the subject digests
// and the snapshot seals. Small enough to own rather than pull in a crypto
// library; on x86-64 it uses the CPU's SHA extensions where there are some
// (FORENSIC_NO_SHA_NI=1 in the environment forces the portable code, for
// tests that compare the two).
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
