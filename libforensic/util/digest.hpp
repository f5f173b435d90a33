// The digest of a set of facts, for the store's per-subject check "is this
// subject exactly as it was?" (store/appending_writer.cpp): a matching digest
// skips reading the subject's facts back, so it decides what is stored and
// must be collision resistant. Each fact's length-prefixed fields are hashed
// with SHA-256, and the digest is the SHA-256 of those hashes in sorted
// order: the same set gives the same digest whatever its order, and two sets
// with one digest would be a SHA-256 collision. (Before the migration that
// seals snapshots it was a sum of 128-bit MurmurHash3 values: fast, and a
// crafted collision could drop a change without trace.)
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic {

class Digest {
public:
    std::uint64_t count = 0;

    void add_fact(std::string_view key, std::string_view value, std::optional<std::int64_t> event_time);
    // Computed once the facts are in (the writer's workers call it, so the
    // sorting and hashing run on every core).
    const std::array<std::uint8_t, 32>& value() const;
    bool operator==(const Digest& other) const { return count == other.count && value() == other.value(); }

    // 40 bytes (digest, count), for a BLOB column, and back. Bytes of another
    // length (an older, 24-byte digest) never equal a digest of facts.
    std::string bytes() const;
    static Digest from_bytes(std::string_view bytes);

private:
    mutable std::vector<std::array<std::uint8_t, 32>> facts_;
    mutable std::array<std::uint8_t, 32> value_{};
    mutable bool done_ = false;
};

} // namespace forensic
