// The proof under strace: `forensic snapshot` of a hostile tree — every
// collector, with links out of the root in nix, abra, recipes, runs and
// servers, git plumbing that points outside (HEAD, packed-refs and objects
// links, absolute alternates and commondir, a config include), a local-path
// origin of this machine, FIFOs where files should be, 2 GiB sparse files, a
// checkout without .git/logs — is traced (strace -f, every syscall that opens,
// creates, removes, renames or changes a file), and the log shows
//   1. no write under the inspected root: no open for writing or creating, no
//      mkdir, unlink, rename, link, chmod, chown, utime, truncate or xattr
//      change of anything there;
//   2. no file opened outside the root but those forensic itself must open,
//      listed below with the reason for each.
// A second run without --host reads a /etc/hostname that links out.
#include "support/full_host.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <sys/stat.h>

using namespace forensic;
using namespace forensic::test;

namespace {

constexpr std::chrono::seconds bound{300};
const std::string recipes = RecipeHost::recipes_dir;

// Every syscall that opens, creates, removes, renames or changes a file.
const char* traced =
    "open,openat,openat2,creat,execve,execveat,truncate,ftruncate,chmod,fchmod,fchmodat,chown,fchown,lchown,"
    "fchownat,mkdir,mkdirat,rmdir,unlink,unlinkat,rename,renameat,renameat2,link,linkat,symlink,symlinkat,utime,"
    "utimes,utimensat,futimesat,mknod,mknodat,setxattr,lsetxattr,fsetxattr,removexattr,lremovexattr,fremovexattr";

bool opens(const std::string& call)
{
    return call == "open" || call == "openat" || call == "openat2" || call == "creat" || call == "execve" ||
           call == "execveat";
}

struct Access {
    std::string call;
    std::vector<std::string> paths; // as the kernel was asked, made absolute, and what it opened
    bool writes = false;
    std::string line;
};

// strace's quoting undone: \" \\ \n \t \xNN \NNN.
std::string unquote(const std::string& text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        char c = text[++i];
        if (c == 'n') out += '\n';
        else if (c == 't') out += '\t';
        else if (c == 'x') {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else if (c >= '0' && c <= '7') {
            std::size_t n = 1;
            while (n < 3 && i + n < text.size() && text[i + n] >= '0' && text[i + n] <= '7') ++n;
            out += static_cast<char>(std::stoi(text.substr(i, n), nullptr, 8));
            i += n - 1;
        } else out += c;
    }
    return out;
}

std::string joined(const std::string& dir, const std::string& path)
{
    auto full = path.starts_with("/") ? std::filesystem::path(path) : std::filesystem::path(dir) / path;
    return full.lexically_normal().string();
}

// One access per traced line: the paths it names, each dirfd-relative one
// joined to its directory (strace -y prints an fd as N</its/path>, AT_FDCWD
// as AT_FDCWD</cwd>), and the path an open returned.
std::vector<Access> parse(const std::string& log)
{
    static const std::regex call_re(R"(^\d+\s+(\w+)\((.*)$)");
    static const std::regex token_re(R"re((?:AT_FDCWD|-?\d+)<([^>]*)>|"((?:[^"\\]|\\.)*)")re");
    static const std::regex returned_re(R"(\)\s+=\s+\d+<([^>]*)>)");
    std::vector<Access> out;
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (line.find("resumed>") != std::string::npos || !std::regex_search(line, m, call_re)) continue;
        Access access{m[1], {}, false, line};
        std::string args = m[2];
        // Tokens in order: an fd's directory, then the string it goes with.
        std::vector<std::pair<bool, std::string>> tokens; // (is an fd, text)
        for (std::sregex_iterator it(args.begin(), args.end(), token_re), end; it != end; ++it)
            tokens.emplace_back((*it)[1].matched, (*it)[1].matched ? (*it)[1].str() : unquote((*it)[2].str()));
        if (access.call == "execve") tokens.resize(std::min<std::size_t>(tokens.size(), 1)); // not its argv
        std::string dir = "/";
        bool skip_target = access.call == "symlink" || access.call == "symlinkat"; // a link's target is its content
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const auto& [is_fd, text] = tokens[i];
            if (is_fd) {
                dir = text;
                bool paired = i + 1 < tokens.size() && !tokens[i + 1].first;
                if (!paired) access.paths.push_back(joined("/", text)); // fchmod(fd</x>, ...)
                continue;
            }
            if (skip_target) {
                skip_target = false;
                continue;
            }
            access.paths.push_back(joined(dir, text));
        }
        if (std::regex_search(line, m, returned_re)) access.paths.push_back(joined("/", m[1]));
        static const std::regex write_flags(R"(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND)");
        access.writes = opens(access.call) ? std::regex_search(line, write_flags) : true;
        out.push_back(std::move(access));
    }
    return out;
}

bool under(const std::string& path, const std::string& dir)
{
    return path == dir || path.starts_with(dir + "/");
}

struct Allowed {
    std::string path;
    bool prefix;
    const char* why;
};

// What forensic itself must open outside the root.
std::vector<Allowed> allowed_outside(const std::string& db, const std::string& evidence)
{
    auto db_dir = std::filesystem::path(db).parent_path().string();
    // A sanitized build reads the leak checker's suppressions (meson's LSAN_OPTIONS).
    std::string suppressions;
    if (const char* lsan = std::getenv("LSAN_OPTIONS")) {
        std::string options = lsan;
        if (auto at = options.find("suppressions="); at != std::string::npos)
            suppressions = options.substr(at + 13, options.find(':', at) - at - 13);
    }
    return {
        {suppressions.empty() ? "-" : suppressions, false, "the leak checker's suppressions, in a sanitized build"},
        {forensic_binary(), false, "the forensic binary, executed"},
        {"/etc/ld.so.cache", false, "the dynamic loader, finding shared libraries"},
        {"/etc/ld.so.preload", false, "the dynamic loader"},
        {"/lib/", true, "shared libraries (libgit2, SQLite, Boost, libstdc++, glibc)"},
        {"/lib64/", true, "the dynamic loader itself"},
        {"/usr/lib/", true, "shared libraries, glibc's gconv and locale data, OpenSSL's config for libgit2"},
        {"/usr/lib64/", true, "shared libraries"},
        {"/etc/ssl/", true, "libgit2's TLS setup: the CA certificates, for https mirrors"},
        {"/usr/share/locale/", true, "glibc's message catalogues for strerror"},
        {"/usr/share/zoneinfo/", true, "time zone data"},
        {"/etc/localtime", false, "the local time zone"},
        {"/proc/", true, "its own /proc/self and the CPU count for the worker pool"},
        {"/sys/devices/system/cpu/", true, "the CPU count for the worker pool"},
        {"/sys/fs/cgroup/", true, "the CPU quota for the worker pool"},
        {"/dev/null", false, "a child's standard input"},
        {"/dev/urandom", false, "SQLite's and libgit2's randomness"},
        {db, false, "the database (outside the root)"},
        {db + "-journal", false, "its journal"},
        {db + "-wal", false, "its write-ahead log"},
        {db + "-shm", false, "its shared memory index"},
        {db_dir, false, "the database's directory, synced after creating the files"},
        {evidence, false, "the saved `docker service inspect` array, the operator's --docker-json input"},
    };
}

// The tree: a full host (every collector has something real to read), then
// every way out of the root this suite knows, pointing at `outside`.
void plant(FullHost& full, const std::filesystem::path& outside)
{
    auto& host = full.recipes.host;
    auto out = outside.string();
    std::ofstream(outside / "secret") << "ANALYSIS-MACHINE-ONLY\n";
    std::ofstream(outside / "outside.config") << "[remote \"origin\"]\n\turl = /srv/mirrors/discourse.git\n";
    auto other = GitRepo::init(outside / "repo");
    other.commit("outside-only");
    other.annotated_tag("outside-only-tag");
    other.git({"pack-refs", "--all"});
    auto other_git = out + "/repo/.git";
    GitRepo::init(outside / "mirror.git", true);
    other.git({"push", "-q", out + "/mirror.git", "main", "--tags"});
    auto climb = "../../../../../../../../../../.." + out;

    auto plain = [&](const std::string& name) -> GitRepo& {
        auto& repo = full.recipes.recipe(name);
        repo.write("compose.yml", name + "\n").commit("init");
        return repo;
    };
    plain("head-link");
    std::filesystem::remove(host.real(recipes + "/head-link/.git/HEAD"));
    host.symlink(recipes + "/head-link/.git/HEAD", other_git + "/HEAD");
    plain("packed-link").git({"pack-refs", "--all"});
    std::filesystem::remove(host.real(recipes + "/packed-link/.git/packed-refs"));
    host.symlink(recipes + "/packed-link/.git/packed-refs", climb + "/repo/.git/packed-refs");
    auto objects = GitRepo::clone(other_git, host.real(recipes + "/objects-link"));
    std::filesystem::remove_all(objects.dir() / ".git/objects");
    std::filesystem::create_directory_symlink(other_git + "/objects", objects.dir() / ".git/objects");
    GitRepo::clone(other_git, host.real(recipes + "/alternates"))
        .write(".git/objects/info/alternates", other_git + "/objects\n");
    plain("commondir").write(".git/commondir", other_git + "\n");
    plain("included").git({"config", "include.path", out + "/outside.config"});
    plain("local-outside").git({"remote", "set-url", "origin", out + "/mirror.git"});
    plain("ignore-link");
    host.symlink(recipes + "/ignore-link/.gitignore", out + "/secret");
    plain("fifo-refs").git({"pack-refs", "--all"});
    std::filesystem::remove(host.real(recipes + "/fifo-refs/.git/packed-refs"));
    REQUIRE(::mkfifo(host.real(recipes + "/fifo-refs/.git/packed-refs").c_str(), 0600) == 0);
    std::filesystem::remove_all(plain("no-logs").dir() / ".git/logs"); // libgit2 would create it
    host.symlink(recipes + "/escape", climb);

    std::string runs = FullHost::runs_dir;
    std::filesystem::create_directories(host.real(runs + "/fifo"));
    REQUIRE(::mkfifo(host.real(runs + "/fifo/results.json").c_str(), 0600) == 0);
    std::filesystem::create_directories(host.real(runs + "/sparse"));
    std::ofstream(host.real(runs + "/sparse/results.json")).close();
    std::filesystem::resize_file(host.real(runs + "/sparse/results.json"), 2ULL << 30);
    host.symlink(runs + "/link-out/results.json", climb + "/secret");
    host.symlink(runs + "/absolute/results.json", out + "/secret");
    host.symlink(runs + "/escape", climb);

    host.symlink("/home/ci/.abra/servers/escape", climb);
    REQUIRE(::mkfifo(host.real("/home/ci/.abra/servers/cc-ci/fifo.example.org.env").c_str(), 0600) == 0);
    host.symlink("/opt/abra/escape", climb + "/secret");
    host.symlink(std::string(HostFixture::profiles) + "/system-9-link", climb);
}

} // namespace

TEST_CASE("under strace, a snapshot of a hostile tree writes nothing under the root and opens nothing outside it")
{
    REQUIRE_MESSAGE(run_process({"strace", "-V"}).exit_code == 0, "strace is missing: install it (README set-up)");
    FullHost full;
    TempDir outside("forensic-outside");
    plant(full, outside.path());
    TempDir dir("forensic-strace");
    auto db = (dir / "f.db").string();
    auto root = std::filesystem::weakly_canonical(full.host().root()).string();

    auto traced_run = [&](std::vector<std::string> args, const std::string& name) {
        auto log = (dir / (name + ".strace")).string();
        std::vector<std::string> argv = {"strace", "-f", "-qq", "-y", "-s", "65535", "-e", std::string("trace=") + traced,
                                         "-e", "signal=none", "-o", log, forensic_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        // LeakSanitizer refuses to run under ptrace; the other suites check leaks.
        auto r = run_process(argv, {{"ASAN_OPTIONS", "detect_leaks=0"}}, dir.path().string(), bound);
        INFO(r.out << r.err);
        REQUIRE_FALSE(r.timed_out);
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        return std::make_pair(r, parse(text.str()));
    };
    auto args = full.snapshot_args(db, "2026-06-11T06:00:00Z");
    args.insert(args.end(), {"--abra-path", "/run/current-system/sw/bin/abra,/opt/abra/escape"});
    // Not structured bindings: clang 14 cannot capture one in a lambda.
    auto traced_snapshot = traced_run(args, "snapshot");
    const auto& snapshot = traced_snapshot.first;
    auto& accesses = traced_snapshot.second;
    CHECK(snapshot.exit_code == 3); // error facts (and n8n's unreachable mirror); nothing failed
    CHECK(snapshot.out.find("failed") == std::string::npos);

    // A second run reads the host name from a /etc/hostname that links out.
    full.recipes.host.symlink("/etc/hostname", outside.path().string() + "/secret");
    auto named = traced_run({"snapshot", "--db", db, "--root", root, "--only", "runs", "--runs-dir",
                             FullHost::runs_dir, "--at", "2026-06-12T06:00:00Z"},
                            "hostname");
    CHECK(named.first.exit_code == 4);
    CHECK(named.first.err.find("/etc/hostname") != std::string::npos);
    accesses.insert(accesses.end(), named.second.begin(), named.second.end());

    // The trace is real: it saw the reads the facts come from.
    std::size_t inside = 0;
    for (const auto& a : accesses)
        for (const auto& p : a.paths) inside += opens(a.call) && under(p, root);
    MESSAGE(accesses.size() << " traced calls, " << inside << " opens under the root");
    CHECK(inside > 100);
    auto opened = [&](const std::string& host_path) {
        return std::any_of(accesses.begin(), accesses.end(), [&](const Access& a) {
            return opens(a.call) && std::find(a.paths.begin(), a.paths.end(), root + host_path) != a.paths.end();
        });
    };
    CHECK(opened(recipes + "/discourse/.git/packed-refs"));
    CHECK(opened(recipes + "/discourse/.git/logs/HEAD"));
    CHECK(opened(std::string(FullHost::runs_dir) + "/450/results.json"));

    auto allowed = allowed_outside(db, full.docker_json_file());
    std::set<std::string> writes_under_root, opened_outside; // each call once
    for (const auto& a : accesses) {
        for (const auto& p : a.paths) {
            if (a.writes && under(p, root)) writes_under_root.insert(a.line);
            if (!opens(a.call) || under(p, root)) continue;
            bool ok = std::any_of(allowed.begin(), allowed.end(), [&](const Allowed& allow) {
                return allow.prefix ? p.starts_with(allow.path) : p == allow.path;
            });
            if (!ok) opened_outside.insert(a.line);
        }
    }
    for (const auto& w : writes_under_root) MESSAGE("write under the root: " << w);
    for (const auto& o : opened_outside) MESSAGE("opened outside the root: " << o);
    CHECK(writes_under_root.empty());
    CHECK(opened_outside.empty());
}
