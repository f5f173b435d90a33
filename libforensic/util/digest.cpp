#include "libforensic/util/digest.hpp"

#include <cstring>

namespace forensic {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

constexpr std::uint64_t fmix(std::uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

std::uint64_t load64(const unsigned char* p)
{
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

} // namespace

void murmur3_128(std::string_view data, std::uint64_t seed, std::uint64_t& out1, std::uint64_t& out2)
{
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    const std::size_t len = data.size(), blocks = len / 16;
    std::uint64_t h1 = seed, h2 = seed;
    constexpr std::uint64_t c1 = 0x87c37b91114253d5ULL, c2 = 0x4cf5ad432745937fULL;
    for (std::size_t i = 0; i < blocks; ++i) {
        std::uint64_t k1 = load64(bytes + i * 16), k2 = load64(bytes + i * 16 + 8);
        k1 *= c1;
        k1 = rotl(k1, 31);
        k1 *= c2;
        h1 ^= k1;
        h1 = rotl(h1, 27);
        h1 += h2;
        h1 = h1 * 5 + 0x52dce729;
        k2 *= c2;
        k2 = rotl(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        h2 = rotl(h2, 31);
        h2 += h1;
        h2 = h2 * 5 + 0x38495ab5;
    }
    const unsigned char* tail = bytes + blocks * 16;
    std::uint64_t k1 = 0, k2 = 0;
    switch (len & 15) {
    case 15: k2 ^= std::uint64_t{tail[14]} << 48; [[fallthrough]];
    case 14: k2 ^= std::uint64_t{tail[13]} << 40; [[fallthrough]];
    case 13: k2 ^= std::uint64_t{tail[12]} << 32; [[fallthrough]];
    case 12: k2 ^= std::uint64_t{tail[11]} << 24; [[fallthrough]];
    case 11: k2 ^= std::uint64_t{tail[10]} << 16; [[fallthrough]];
    case 10: k2 ^= std::uint64_t{tail[9]} << 8; [[fallthrough]];
    case 9:
        k2 ^= std::uint64_t{tail[8]};
        k2 *= c2;
        k2 = rotl(k2, 33);
        k2 *= c1;
        h2 ^= k2;
        [[fallthrough]];
    case 8: k1 ^= std::uint64_t{tail[7]} << 56; [[fallthrough]];
    case 7: k1 ^= std::uint64_t{tail[6]} << 48; [[fallthrough]];
    case 6: k1 ^= std::uint64_t{tail[5]} << 40; [[fallthrough]];
    case 5: k1 ^= std::uint64_t{tail[4]} << 32; [[fallthrough]];
    case 4: k1 ^= std::uint64_t{tail[3]} << 24; [[fallthrough]];
    case 3: k1 ^= std::uint64_t{tail[2]} << 16; [[fallthrough]];
    case 2: k1 ^= std::uint64_t{tail[1]} << 8; [[fallthrough]];
    case 1:
        k1 ^= std::uint64_t{tail[0]};
        k1 *= c1;
        k1 = rotl(k1, 31);
        k1 *= c2;
        h1 ^= k1;
        break;
    default: break;
    }
    h1 ^= len;
    h2 ^= len;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    out1 = h1;
    out2 = h2;
}

void Digest::add_fact(std::string_view key, std::string_view value, std::optional<std::int64_t> event_time)
{
    // Length-prefixed fields, so ("ab","c") and ("a","bc") differ.
    thread_local std::string buffer;
    buffer.clear();
    auto field = [&](std::string_view text) {
        auto n = static_cast<std::uint64_t>(text.size());
        buffer.append(reinterpret_cast<const char*>(&n), sizeof n);
        buffer.append(text);
    };
    field(key);
    field(value);
    if (event_time) {
        buffer.push_back('@');
        buffer.append(reinterpret_cast<const char*>(&*event_time), sizeof *event_time);
    }
    std::uint64_t h1 = 0, h2 = 0;
    murmur3_128(buffer, 0x666f72656e736963ULL, h1, h2);
    low += h1;
    high += h2;
    ++count;
}

std::string Digest::bytes() const
{
    std::string out(24, '\0');
    std::memcpy(out.data(), &low, 8);
    std::memcpy(out.data() + 8, &high, 8);
    std::memcpy(out.data() + 16, &count, 8);
    return out;
}

Digest Digest::from_bytes(std::string_view bytes)
{
    Digest d;
    if (bytes.size() != 24) return d;
    std::memcpy(&d.low, bytes.data(), 8);
    std::memcpy(&d.high, bytes.data() + 8, 8);
    std::memcpy(&d.count, bytes.data() + 16, 8);
    return d;
}

} // namespace forensic
