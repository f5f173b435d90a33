#include "libforensic/git/head_reflog.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/host_files.hpp"

#include <charconv>
#include <limits>

namespace forensic::git {
namespace {

std::optional<git_oid> oid_at(std::string_view text)
{
    git_oid oid;
    if (text.size() < GIT_OID_HEXSZ) return std::nullopt;
    for (std::size_t i = 0; i < GIT_OID_HEXSZ; ++i) {
        char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return std::nullopt;
    }
    if (git_oid_fromstrn(&oid, text.data(), GIT_OID_HEXSZ) < 0) return std::nullopt;
    return oid;
}

// The committer's time: the seconds after the email's closing '>'.
std::optional<TimeNs> signature_time(std::string_view signature)
{
    auto close = signature.rfind('>');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = signature.substr(close + 1);
    auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(start);
    long long seconds = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
    if (ec != std::errc() || end == rest.data()) return std::nullopt;
    // A time must fit in nanoseconds: about the years 1678 to 2262.
    constexpr long long limit = std::numeric_limits<TimeNs>::max() / ns_per_second;
    if (seconds > limit || seconds < -limit) return std::nullopt;
    return static_cast<TimeNs>(seconds) * ns_per_second;
}

} // namespace

std::vector<ReflogEntry> parse_reflog(std::string_view text, const std::string& origin)
{
    std::vector<ReflogEntry> entries;
    std::size_t line_number = 0;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++line_number;
        if (line.empty()) continue;
        auto malformed = [&](const char* what) {
            return GitError(origin + ": line " + std::to_string(line_number) + " is not a reflog entry (" + what + ")");
        };
        constexpr std::size_t ids = 2 * (GIT_OID_HEXSZ + 1);
        auto old_id = oid_at(line);
        auto new_id = line.size() > GIT_OID_HEXSZ ? oid_at(line.substr(GIT_OID_HEXSZ + 1)) : std::nullopt;
        if (!old_id || !new_id || line[GIT_OID_HEXSZ] != ' ' || line.size() < ids || line[ids - 1] != ' ')
            throw malformed("no old and new id");
        auto rest = line.substr(ids);
        auto tab = rest.find('\t');
        auto time = signature_time(rest.substr(0, tab));
        if (!time) throw malformed("no committer time, or one out of range");
        ReflogEntry entry{*old_id, *new_id, {}, *time};
        if (tab != std::string_view::npos) entry.message = std::string(rest.substr(tab + 1));
        entries.push_back(std::move(entry));
    }
    return entries;
}

std::vector<ReflogEntry> read_head_reflog(const HostRoot& root, const std::string& git_dir)
{
    auto path = git_dir + "/logs/HEAD";
    auto text = read_host_file_if_present(root, path, size_caps::reflog);
    if (!text) return {};
    return parse_reflog(*text, path);
}

} // namespace forensic::git
