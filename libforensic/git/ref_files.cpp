#include "libforensic/git/ref_files.hpp"

#include "libforensic/util/error.hpp"

#include <array>
#include <cstdio>

namespace forensic::git {
namespace {

namespace fs = std::filesystem;

constexpr int max_symbolic_depth = 5; // as libgit2 and git
constexpr std::string_view symbolic_prefix = "ref:";

// The whole file in one read (packed-refs of a 300-tag repository is ~35 KB;
// a stream iterator spent more on it than parsing did).
std::optional<std::string> read_whole(const fs::path& file)
{
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) return std::nullopt;
    std::string text;
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    bool failed = std::ferror(f) != 0;
    std::fclose(f);
    if (failed) return std::nullopt;
    return text;
}

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

void read_packed_refs(const fs::path& git_dir, RefFiles& out)
{
    auto file = git_dir / "packed-refs";
    auto text = read_whole(file);
    if (!text) return; // no packed refs
    std::string_view rest(*text);
    RefRecord* previous = nullptr;
    for (int line_number = 1; !rest.empty(); ++line_number) {
        auto eol = rest.find('\n');
        if (eol == std::string_view::npos)
            throw GitError(file.string() + " is cut short: line " + std::to_string(line_number) + " has no end");
        auto line = rest.substr(0, eol);
        rest.remove_prefix(eol + 1);
        auto malformed = [&] {
            return GitError(file.string() + ": line " + std::to_string(line_number) + " is malformed");
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

void read_loose_refs(const fs::path& git_dir, RefFiles& out)
{
    std::error_code ec;
    fs::recursive_directory_iterator it(git_dir / "refs", ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const auto& entry = *it;
        std::error_code type_ec;
        if (entry.is_directory(type_ec)) continue;
        auto name = "refs/" + fs::relative(entry.path(), git_dir / "refs").generic_string();
        if (ignored_loose_name(name)) continue;
        if (entry.is_symlink(type_ec) || !entry.is_regular_file(type_ec)) {
            out.errors.push_back(name + " is not a regular file; not followed");
            continue;
        }
        auto contents = read_whole(entry.path());
        auto ref = contents ? parse_ref_contents(*contents) : std::nullopt;
        if (!ref) {
            out.errors.push_back("broken loose ref " + name);
            continue;
        }
        out.refs[name] = std::move(*ref); // a loose ref wins over its packed copy, peel and all
    }
    if (ec && ec != std::errc::no_such_file_or_directory)
        out.errors.push_back("cannot list " + (git_dir / "refs").string() + ": " + ec.message());
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

RefFiles read_ref_files(const fs::path& git_dir)
{
    RefFiles out;
    auto head = read_whole(git_dir / "HEAD");
    if (!head) throw GitError("cannot read " + (git_dir / "HEAD").string());
    auto parsed = parse_ref_contents(*head);
    if (!parsed) throw GitError((git_dir / "HEAD").string() + " is malformed");
    out.head = std::move(*parsed);
    read_packed_refs(git_dir, out);
    read_loose_refs(git_dir, out);
    return out;
}

} // namespace forensic::git
