#include "libforensic/util/digest.hpp"

#include "libforensic/util/sha256.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace forensic {

void Digest::add_fact(std::string_view key, std::string_view value, std::optional<std::int64_t> event_time)
{
    // Length-prefixed fields, so ("ab","c") and ("a","bc") differ.
    Sha256 h;
    auto field = [&](std::string_view text) {
        auto n = static_cast<std::uint64_t>(text.size());
        h.update(&n, sizeof n);
        h.update(text.data(), text.size());
    };
    field(key);
    field(value);
    if (event_time) {
        h.update("@", 1);
        h.update(&*event_time, sizeof *event_time);
    }
    facts_.push_back(h.finish());
    ++count;
    done_ = false;
}

const std::array<std::uint8_t, 32>& Digest::value() const
{
    if (!done_) {
        std::sort(facts_.begin(), facts_.end());
        Sha256 h;
        for (const auto& f : facts_) h.update(f.data(), f.size());
        value_ = h.finish();
        facts_.clear();
        facts_.shrink_to_fit();
        done_ = true;
    }
    return value_;
}

std::string Digest::bytes() const
{
    std::string out(40, '\0');
    std::memcpy(out.data(), value().data(), 32);
    std::memcpy(out.data() + 32, &count, 8);
    return out;
}

Digest Digest::from_bytes(std::string_view bytes)
{
    Digest d;
    d.done_ = true;
    if (bytes.size() != 40) {
        d.count = std::numeric_limits<std::uint64_t>::max(); // no set of facts has this many
        return d;
    }
    std::memcpy(d.value_.data(), bytes.data(), 32);
    std::memcpy(&d.count, bytes.data() + 32, 8);
    return d;
}

} // namespace forensic
