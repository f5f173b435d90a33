// The store's file as evidence (issue 19): reads change nothing, a file that
// is not a store is refused unchanged, an old schema names `forensic migrate`,
// and -o never replaces the database nor loosens the target's mode.
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/store/schema.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/store/store_file.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sqlite3.h>
#include <sys/stat.h>

using namespace forensic;
using forensic::test::forensic_run;
using forensic::test::read_bytes;
using forensic::test::TempDir;

namespace {

const TimeNs june1 = *parse_rfc3339("2026-06-01T06:00:00Z");

// A store of one host and three nights, closed (its -wal checkpointed away).
void write_store(const std::filesystem::path& file)
{
    store::Store db(file, store::Store::Access::write);
    for (int night = 0; night < 3; ++night) {
        SnapshotInput s{"cc-ci", june1 + night * ns_per_day, june1 + night * ns_per_day + 1, "test", {}, {}};
        s.collectors.push_back({"recipes", CollectorStatus::ok, {}, {{"r", "head", "v" + std::to_string(night), {}}}});
        db.write(s);
    }
}

struct FileState {
    std::string bytes;
    long long mtime_ns = 0;
    bool operator==(const FileState&) const = default;
};

FileState state_of(const std::filesystem::path& file)
{
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return {read_bytes(file), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

bool beside(const std::filesystem::path& file, const char* suffix)
{
    return std::filesystem::exists(file.string() + suffix);
}

// The read commands, each against `db`.
std::vector<std::vector<std::string>> read_commands(const std::string& db)
{
    return {{"list", "--db", db},
            {"show", "--db", db},
            {"diff", "1", "3", "--db", db},
            {"timeline", "--from", "2026-06-01", "--to", "2026-06-04", "--db", db},
            {"attribute", "--recipe", "r", "--expected", "v1", "--observed", "v0", "--db", db},
            {"blast-radius", "--db", db},
            {"export", "--db", db},
            {"verify", "--db", db}};
}

void write_file(const std::filesystem::path& file, const std::string& text)
{
    std::ofstream(file, std::ios::binary) << text;
}

// Runs every read command on `db`: each works, and the file's bytes and
// mtime stay as they were after each.
void read_leaving_unchanged(const std::filesystem::path& db)
{
    auto before = state_of(db);
    for (const auto& args : read_commands(db.string())) {
        auto r = forensic_run(args);
        INFO(args[0] << ": " << r.err);
        CHECK(r.exit_code != 4);
        CHECK(state_of(db) == before);
    }
}

mode_t mode_of(const std::filesystem::path& file)
{
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

} // namespace

TEST_CASE("an unrelated SQLite file is refused by reads and writes and left byte for byte")
{
    TempDir dir;
    auto file = dir / "other.sqlite";
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(file.c_str(), &raw) == SQLITE_OK);
        REQUIRE(sqlite3_exec(raw, "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');", nullptr,
                             nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    auto before = state_of(file);
    std::vector<std::vector<std::string>> commands = {{"list", "--db", file.string()},
                                                      {"verify", "--db", file.string()},
                                                      {"show", "--db", file.string()},
                                                      {"migrate", "--db", file.string()},
                                                      {"prune", "--keep-daily", "1", "--db", file.string()}};
    for (const auto& args : commands) {
        auto r = forensic_run(args);
        INFO(args[0] << ": " << r.err);
        CHECK(r.exit_code == 4);
        CHECK(r.err.find("'" + file.string() + "' is not a forensic store") != std::string::npos);
        CHECK(state_of(file) == before);
        CHECK_FALSE(beside(file, "-wal"));
        CHECK_FALSE(beside(file, "-journal"));
    }
    // Nor is a file that is not SQLite at all written to.
    auto text = dir / "notes.txt";
    write_file(text, "not a database, just text\n");
    auto r = forensic_run({"snapshot", "--db", text.string(), "--root", dir.path().string(), "--host", "h"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("is not a forensic store") != std::string::npos);
    CHECK(read_bytes(text) == "not a database, just text\n");
}

TEST_CASE("reads leave a copy's bytes and mtime unchanged and open it read-only")
{
    TempDir dir;
    auto db = dir / "f.db";
    write_store(db);
    REQUIRE_FALSE(beside(db, "-wal"));
    read_leaving_unchanged(db);
    store::Store reader(db, store::Store::Access::read);
    CHECK(reader.database().read_only()); // SQLite's own word: sqlite3_db_readonly
    // Writable, with the -wal the reads left: read through SQLite's locks, a writer may come.
    CHECK(store::read_mode(db) == sql::Database::Mode::read_only);
}

TEST_CASE("a copy without write permission, or in a directory without, is read immutable: nothing beside it")
{
    // By mode bits, which bind root too (these tests may run as root, where
    // access(2) would say writable): what this proves is the decision and
    // that nothing is created, not that the kernel refuses a write.
    TempDir dir;
    SUBCASE("the file is read-only")
    {
        auto db = dir / "copy.db";
        write_store(db);
        std::filesystem::permissions(db, std::filesystem::perms(0444));
        CHECK(store::read_mode(db) == sql::Database::Mode::immutable);
        read_leaving_unchanged(db);
        CHECK_FALSE(beside(db, "-wal"));
        CHECK_FALSE(beside(db, "-shm"));
    }
    SUBCASE("the directory is read-only (0555)")
    {
        auto sub = dir / "evidence";
        std::filesystem::create_directories(sub);
        auto db = sub / "f.db";
        write_store(db);
        std::filesystem::permissions(sub, std::filesystem::perms(0555));
        CHECK(store::read_mode(db) == sql::Database::Mode::immutable);
        auto before = state_of(db);
        auto r = forensic_run({"verify", "--db", db.string()});
        CHECK(r.exit_code == 0);
        auto list = forensic_run({"list", "--db", db.string()});
        CHECK(list.exit_code == 0);
        CHECK(list.out.find("cc-ci") != std::string::npos);
        CHECK(state_of(db) == before);
        CHECK_FALSE(beside(db, "-wal"));
        CHECK_FALSE(beside(db, "-shm"));
        std::filesystem::permissions(sub, std::filesystem::perms(0755));
    }
}

TEST_CASE("a database of an older schema is not migrated by a read: the error names forensic migrate")
{
    TempDir dir;
    auto db = dir / "old.db";
    {
        sql::Database old(db, sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
        store::migrate(old, store::current_schema_version() - 1);
    }
    auto before = state_of(db);
    auto r = forensic_run({"list", "--db", db.string()});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("older than this forensic's") != std::string::npos);
    CHECK(r.err.find("forensic migrate --db " + db.string()) != std::string::npos);
    CHECK(state_of(db) == before);
    CHECK_THROWS_AS(store::Store(db, store::Store::Access::read), StoreError);

    auto migrated = forensic_run({"migrate", "--db", db.string()});
    INFO(migrated.err);
    CHECK(migrated.exit_code == 0);
    CHECK(migrated.out.find(std::to_string(store::current_schema_version() - 1) + " → " +
                            std::to_string(store::current_schema_version())) != std::string::npos);
    CHECK(forensic_run({"list", "--db", db.string()}).exit_code == 0);
    CHECK(forensic_run({"migrate", "--db", db.string()}).out.find("is at schema version") != std::string::npos);
}

TEST_CASE("-o refuses the database, its -wal and -shm, and links to them")
{
    TempDir dir;
    auto db = dir / "f.db";
    write_store(db);
    std::filesystem::create_symlink(db, dir / "link.db");
    std::filesystem::create_hard_link(db, dir / "hard.db");
    // A -wal and -shm as a writer leaves them while it runs.
    write_file(dir / "f.db-wal", "");
    write_file(dir / "f.db-shm", "");
    auto before = read_bytes(db);
    std::vector<std::vector<std::string>> commands = {
        {"export", "--db", db.string()},
        {"timeline", "--from", "2026-06-01", "--to", "2026-06-04", "--db", db.string()},
        {"timeline", "--from", "2026-06-01", "--to", "2026-06-04", "--format", "html", "--db", db.string()},
        {"report", "--recipe", "r", "--expected", "v1", "--observed", "v0", "--db", db.string()}};
    for (const auto& args : commands)
        for (const auto* target : {"f.db", "f.db-wal", "f.db-shm", "link.db", "hard.db"}) {
            auto with_output = args;
            with_output.push_back("-o");
            with_output.push_back((dir / target).string());
            auto r = forensic_run(with_output);
            INFO(args[0] << " -o " << target << ": " << r.err);
            CHECK(r.exit_code == 2);
            CHECK(r.err.find("is the database") != std::string::npos);
            CHECK(read_bytes(db) == before);
        }
    CHECK(read_bytes(dir / "f.db-wal").empty());
}

TEST_CASE("-o over an existing file keeps its mode, written by rename")
{
    TempDir dir;
    auto db = dir / "f.db";
    write_store(db);
    auto out = dir / "private.json";
    write_file(out, "old");
    std::filesystem::permissions(out, std::filesystem::perms(0600));
    auto r = forensic_run({"export", "--db", db.string(), "-o", out.string()});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(mode_of(out) == 0600);
    CHECK(read_bytes(out).find("forensic-bundle") != std::string::npos);
    std::filesystem::permissions(out, std::filesystem::perms(0640));
    CHECK(forensic_run({"timeline", "--from", "2026-06-01", "--to", "2026-06-04", "--db", db.string(), "-o",
                        out.string()})
              .exit_code == 0);
    CHECK(mode_of(out) == 0640);
    // No temporary file is left beside it.
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}
