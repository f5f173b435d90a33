#include "libforensic/util/sha256.hpp"

#include "libforensic/util/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace forensic {
namespace {

constexpr std::array<std::uint32_t, 64> k = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr std::uint32_t rotr(std::uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

#if defined(__x86_64__)
// The SHA extensions (x86 SHA-NI; Intel's "New Instructions Supporting the
// Secure Hash Algorithm"): a subject digest hashes every fact of a nightly
// snapshot, half a million of them, and these are ~10x the portable code.
bool cpu_has_sha()
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    bool ssse3 = c & (1u << 9), sse41 = c & (1u << 19);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    return ssse3 && sse41 && (b & (1u << 29));
}

__attribute__((target("sha,sse4.1"))) void block_sha_ni(std::uint32_t* state, const std::uint8_t* chunk)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
    __m128i state1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
    tmp = _mm_shuffle_epi32(tmp, 0xB1);              // CDAB
    state1 = _mm_shuffle_epi32(state1, 0x1B);        // EFGH
    __m128i state0 = _mm_alignr_epi8(tmp, state1, 8); // ABEF
    state1 = _mm_blend_epi16(state1, tmp, 0xF0);     // CDGH
    const __m128i abef = state0, cdgh = state1;
    __m128i w[4];
    for (int i = 0; i < 16; ++i) {
        __m128i words;
        if (i < 4) {
            words = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(chunk + 16 * i)), swap);
        } else {
            // W[t..t+3] from W[t-16..t-1]: sigma0 terms (msg1), W[t-7..t-4], sigma1 terms (msg2).
            words = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
            words = _mm_add_epi32(words, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
            words = _mm_sha256msg2_epu32(words, w[(i + 3) % 4]);
        }
        w[i % 4] = words;
        __m128i message = _mm_add_epi32(words, _mm_loadu_si128(reinterpret_cast<const __m128i*>(k.data() + 4 * i)));
        state1 = _mm_sha256rnds2_epu32(state1, state0, message);
        state0 = _mm_sha256rnds2_epu32(state0, state1, _mm_shuffle_epi32(message, 0x0E));
    }
    state0 = _mm_add_epi32(state0, abef);
    state1 = _mm_add_epi32(state1, cdgh);
    tmp = _mm_shuffle_epi32(state0, 0x1B);          // FEBA
    state1 = _mm_shuffle_epi32(state1, 0xB1);       // DCHG
    state0 = _mm_blend_epi16(tmp, state1, 0xF0);    // DCBA
    state1 = _mm_alignr_epi8(state1, tmp, 8);       // ABEF
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state), state0);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), state1);
}

const bool use_sha_ni = cpu_has_sha() && !std::getenv("FORENSIC_NO_SHA_NI");
#endif

} // namespace

Sha256::Sha256()
    : state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
{
}

void Sha256::block(const std::uint8_t* chunk)
{
#if defined(__x86_64__)
    if (use_sha_ni) return block_sha_ni(state_.data(), chunk);
#endif
    std::uint32_t w[64];
    for (int i = 0; i < 16; ++i)
        w[i] = (std::uint32_t{chunk[4 * i]} << 24) | (std::uint32_t{chunk[4 * i + 1]} << 16) |
               (std::uint32_t{chunk[4 * i + 2]} << 8) | std::uint32_t{chunk[4 * i + 3]};
    for (int i = 16; i < 64; ++i) {
        auto s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        auto s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    auto [a, b, c, d, e, f, g, h] = state_;
    for (int i = 0; i < 64; ++i) {
        auto s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        auto ch = (e & f) ^ (~e & g);
        auto t1 = h + s1 + ch + k[static_cast<std::size_t>(i)] + w[i];
        auto s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        auto maj = (a & b) ^ (a & c) ^ (b & c);
        auto t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
}

void Sha256::update(const void* data, std::size_t size)
{
    auto bytes = static_cast<const std::uint8_t*>(data);
    total_ += size;
    if (buffered_ > 0) {
        auto take = std::min(size, buffer_.size() - buffered_);
        std::memcpy(buffer_.data() + buffered_, bytes, take);
        buffered_ += take;
        bytes += take;
        size -= take;
        if (buffered_ < buffer_.size()) return;
        block(buffer_.data());
        buffered_ = 0;
    }
    for (; size >= 64; size -= 64, bytes += 64) block(bytes);
    std::memcpy(buffer_.data(), bytes, size);
    buffered_ = size;
}

std::array<std::uint8_t, 32> Sha256::finish()
{
    std::uint64_t bits = total_ * 8;
    // 0x80, zeros to 56 bytes into a block, the length: written at once.
    std::uint8_t padding[72] = {0x80};
    std::size_t zeros = (buffered_ < 56 ? 55 - buffered_ : 119 - buffered_);
    for (int i = 0; i < 8; ++i) padding[1 + zeros + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
    update(padding, 1 + zeros + 8);
    std::array<std::uint8_t, 32> digest{};
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
    return digest;
}

std::string Sha256::finish_hex()
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (auto byte : finish()) {
        out += hex[byte >> 4];
        out += hex[byte & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view bytes)
{
    Sha256 hash;
    hash.update(bytes.data(), bytes.size());
    return hash.finish_hex();
}

std::string sha256_file(const std::filesystem::path& file)
{
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw InputError("cannot read '" + file.string() + "': " + std::strerror(errno));
    Sha256 hash;
    char buf[1 << 16];
    for (;;) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            throw InputError("cannot read '" + file.string() + "': " + std::strerror(err));
        }
        if (n == 0) break;
        hash.update(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return hash.finish_hex();
}

} // namespace forensic
