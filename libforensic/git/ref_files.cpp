#include "libforensic/git/ref_files.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/host_files.hpp"

#include <array>
#include <sys/stat.h>

namespace forensic::git {
namespace {

constexpr int max_symbolic_depth = 5; // as libgit2 and git
constexpr std::string_view symbolic_prefix = "ref:";

// Hex digit values, -1 for other bytes: a table, as 120 000 ids are parsed
// per snapshot of a large host.
constexpr auto hex_table = [] {
    std::array<signed char, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'A' + 10);
    return table;
}();

// 40 hex digits at the start of `text`.
std::optional<git_oid> parse_oid(std::string_view text)
{
    if (text.size() < GIT_OID_HEXSZ) return std::nullopt;
    git_oid oid;
    int invalid = 0;
    for (std::size_t i = 0; i < GIT_OID_RAWSZ; ++i) {
        int hi = hex_table[static_cast<unsigned char>(text[2 * i])];
        int lo = hex_table[static_cast<unsigned char>(text[2 * i + 1])];
        invalid |= hi | lo; // negative when either is not a hex digit
        oid.id[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    if (invalid < 0) return std::nullopt;
    return oid;
}

std::string_view trim_right(std::string_view text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

// A loose ref file or HEAD: "<40 hex>" or "ref: <name>", as git writes them.
std::optional<RefRecord> parse_ref_contents(std::string_view contents)
{
    contents = trim_right(contents);
    if (contents.starts_with(symbolic_prefix)) {
        auto target = contents.substr(symbolic_prefix.size());
        while (!target.empty() && (target.front() == ' ' || target.front() == '\t')) target.remove_prefix(1);
        if (target.empty()) return std::nullopt;
        return RefRecord{std::nullopt, std::string(target), std::nullopt};
    }
    auto oid = parse_oid(contents);
    if (!oid || (contents.size() > GIT_OID_HEXSZ && contents[GIT_OID_HEXSZ] != ' ' && contents[GIT_OID_HEXSZ] != '\t'))
        return std::nullopt;
    return RefRecord{oid, {}, std::nullopt};
}

void read_packed_refs(const HostRoot& root, const std::string& git_dir, RefFiles& out)
{
    auto file = git_dir + "/packed-refs";
    auto text = read_host_file_if_present(root, file, size_caps::packed_refs);
    if (!text) return; // no packed refs
    std::string_view rest(*text);
    RefRecord* previous = nullptr;
    for (int line_number = 1; !rest.empty(); ++line_number) {
        auto eol = rest.find('\n');
        if (eol == std::string_view::npos)
            throw GitError(file + " is cut short: line " + std::to_string(line_number) + " has no end");
        auto line = rest.substr(0, eol);
        rest.remove_prefix(eol + 1);
        auto malformed = [&] {
            return GitError(file + ": line " + std::to_string(line_number) + " is malformed");
        };
        if (line_number == 1 && line.starts_with("# pack-refs with:")) continue;
        if (line.starts_with("^")) {
            auto peeled = parse_oid(line.substr(1));
            if (!previous || !peeled || line.size() != GIT_OID_HEXSZ + 1) throw malformed();
            previous->peeled = peeled;
            previous = nullptr;
            continue;
        }
        auto oid = parse_oid(line);
        if (!oid || line.size() < GIT_OID_HEXSZ + 2 || line[GIT_OID_HEXSZ] != ' ') throw malformed();
        // packed-refs is sorted: inserting at the end is constant time.
        auto at = out.refs.insert_or_assign(out.refs.end(), std::string(line.substr(GIT_OID_HEXSZ + 1)),
                                            RefRecord{oid, {}, std::nullopt});
        previous = &at->second;
    }
}

// A name git would not accept as a ref: lock files and hidden components.
bool ignored_loose_name(const std::string& name)
{
    if (name.ends_with(".lock")) return true;
    std::size_t start = 0;
    while (start < name.size()) {
        auto end = name.find('/', start);
        if (end == std::string::npos) end = name.size();
        if (end == start || name[start] == '.') return true;
        start = end + 1;
    }
    return false;
}

// The loose refs under `dir` (a host path; `name` its ref name), each file
// read beneath the root. A link is not followed: git writes none.
void read_loose_refs(const HostRoot& root, const std::string& dir, const std::string& name, RefFiles& out)
{
    std::optional<std::vector<std::string>> entries;
    try {
        entries = list_host_directory_if_present(root, dir);
    } catch (const Error& e) {
        out.errors.push_back(e.what());
        return;
    }
    if (!entries) return; // no loose refs
    for (const auto& entry : *entries) {
        auto path = dir + "/" + entry;
        auto ref = name + "/" + entry;
        struct stat st{};
        if (::lstat(root.real(path).c_str(), &st) != 0) continue; // gone since the listing
        if (S_ISDIR(st.st_mode)) {
            if (!entry.starts_with(".")) read_loose_refs(root, path, ref, out);
            continue;
        }
        if (ignored_loose_name(ref)) continue;
        if (!S_ISREG(st.st_mode)) {
            out.errors.push_back(ref + " is not a regular file; not followed");
            continue;
        }
        std::optional<RefRecord> parsed;
        try {
            parsed = parse_ref_contents(read_host_file(root, path, size_caps::git_ref));
        } catch (const Error& e) {
            out.errors.push_back(e.what());
            continue;
        }
        if (!parsed) {
            out.errors.push_back("broken loose ref " + ref);
            continue;
        }
        out.refs[ref] = std::move(*parsed); // a loose ref wins over its packed copy, peel and all
    }
}

} // namespace

std::optional<git_oid> RefFiles::resolve(const RefRecord& ref) const
{
    const RefRecord* at = &ref;
    for (int depth = 0; depth <= max_symbolic_depth; ++depth) {
        if (at->target) return at->target;
        auto next = refs.find(at->symbolic);
        if (next == refs.end()) return std::nullopt;
        at = &next->second;
    }
    return std::nullopt;
}

RefFiles read_ref_files(const HostRoot& root, const std::string& git_dir)
{
    RefFiles out;
    auto head_path = git_dir + "/HEAD";
    auto parsed = parse_ref_contents(read_host_file(root, head_path, size_caps::git_ref));
    if (!parsed) throw GitError(head_path + " is malformed");
    out.head = std::move(*parsed);
    read_packed_refs(root, git_dir, out);
    read_loose_refs(root, git_dir + "/refs", "refs", out);
    return out;
}

} // namespace forensic::git
