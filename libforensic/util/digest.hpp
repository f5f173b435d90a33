// A fast 128-bit digest of a set of facts, for the store's per-subject check
// "is this subject exactly as it was?" (store/snapshot_writer.cpp). Order does
// not matter: a subject's digest is the lane-wise sum of its facts' hashes.
// Not cryptographic: it decides what to compare, never what is stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace forensic {

struct Digest {
    std::uint64_t low = 0;
    std::uint64_t high = 0;
    std::uint64_t count = 0;

    void add_fact(std::string_view key, std::string_view value, std::optional<std::int64_t> event_time);
    bool operator==(const Digest&) const = default;

    // 24 bytes, for a BLOB column, and back.
    std::string bytes() const;
    static Digest from_bytes(std::string_view bytes);
};

// MurmurHash3 x64 128 (Austin Appleby, public domain) of `data` with `seed`.
void murmur3_128(std::string_view data, std::uint64_t seed, std::uint64_t& h1, std::uint64_t& h2);

} // namespace forensic
