#include "libforensic/store/store_file.hpp"

#include "libforensic/util/error.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>

namespace forensic::store {
namespace {

bool exists(const std::filesystem::path& file)
{
    struct stat st {};
    return ::lstat(file.c_str(), &st) == 0;
}

// Whether anyone could write `path`: its mode bits (which bind root too, as
// this decides for a reviewer's copy marked read-only), access(2) and the mount.
bool writable(const std::filesystem::path& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    if ((st.st_mode & 0222) == 0) return false;
    if (::access(path.c_str(), W_OK) != 0) return false;
    struct statvfs fs {};
    return !(::statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY));
}

} // namespace

sql::Database::Mode read_mode(const std::filesystem::path& file)
{
    auto absolute = std::filesystem::absolute(file);
    if (exists(absolute.string() + "-wal")) return sql::Database::Mode::read_only;
    auto directory = absolute.parent_path();
    // A writer needs both: the file, and the directory for its -wal and -shm.
    if (!writable(absolute) || !writable(directory)) return sql::Database::Mode::immutable;
    return sql::Database::Mode::read_only;
}

void check_is_store(sql::Database& db, bool about_to_write)
{
    // Not `"'" + string&&`: it trips GCC 12's -O3 -Wrestrict (PR 105329).
    std::string name = "'";
    name += db.file().string();
    name += '\'';
    long long application_id = 0, user_version = 0, objects = 0, store_tables = 0;
    try {
        sql::Statement q(db, "SELECT (SELECT application_id FROM pragma_application_id), "
                             "(SELECT user_version FROM pragma_user_version), "
                             "(SELECT count(*) FROM sqlite_schema), "
                             "(SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                             "AND name IN ('host', 'snapshot', 'fact'))");
        q.step();
        application_id = q.column_int(0);
        user_version = q.column_int(1);
        objects = q.column_int(2);
        store_tables = q.column_int(3);
    } catch (const StoreError& e) {
        // Ours, mid-write: a writer's connection rolls it back; for a read, its message says what happened.
        if (interrupted_store_write(db.file())) {
            if (about_to_write) return;
            throw;
        }
        throw StoreError(name + " is not a forensic store (SQLite cannot read it: " + e.what() + ")");
    }
    if (application_id == store_application_id) return;
    if (application_id != 0)
        throw StoreError(name + " is not a forensic store (an SQLite database of another application, id " +
                         std::to_string(application_id) + "); it was left as it is");
    if (user_version >= 1 && store_tables == 3) return;
    if (objects == 0 && user_version == 0) {
        if (about_to_write) return;
        throw StoreError(name + " is not a forensic store (an empty SQLite database); it was left as it is");
    }
    throw StoreError(name + " is not a forensic store (an SQLite database without its schema); it was left as it is");
}

bool interrupted_store_write(const std::filesystem::path& file)
{
    if (!exists(file.string() + "-journal")) return false;
    // The database header (https://sqlite.org/fileformat.html): its magic
    // string, and the application id as a big-endian integer at offset 68.
    std::ifstream in(file, std::ios::binary);
    char header[72] = {};
    if (!in.read(header, sizeof header)) return false;
    if (std::string_view(header, 16) != std::string_view("SQLite format 3\0", 16)) return false;
    long long id = 0;
    for (int i = 68; i < 72; ++i) id = (id << 8) | static_cast<unsigned char>(header[i]);
    return id == store_application_id;
}

void refuse_store_output(const std::filesystem::path& database, const std::filesystem::path& output)
{
    struct stat target {};
    bool target_exists = ::stat(output.c_str(), &target) == 0;
    auto output_name = std::filesystem::weakly_canonical(std::filesystem::absolute(output));
    for (const char* suffix : {"", "-wal", "-shm"}) {
        auto file = std::filesystem::path(database.string() + suffix);
        struct stat st {};
        bool same = std::filesystem::weakly_canonical(std::filesystem::absolute(file)) == output_name;
        if (!same && target_exists && ::stat(file.c_str(), &st) == 0)
            same = st.st_dev == target.st_dev && st.st_ino == target.st_ino;
        if (same)
            throw UsageError("-o '" + output.string() + "' is the database" +
                             (*suffix ? std::string(" file's ") + (suffix + 1) : std::string()) + " ('" +
                             file.string() + "'): refusing to replace the store with the output");
    }
}

} // namespace forensic::store
