// Writes a file so that readers see the old or the new contents, never half.
#pragma once

#include <filesystem>
#include <string_view>

namespace forensic {

// Writes to a temporary file beside `file`, fsyncs, renames over it; a file
// replaced keeps its permission bits. Throws InputError naming the file.
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);

// The same, written a piece at a time: a long report need not be held whole.
// Nothing replaces `file` until commit(); destroyed before, it leaves no trace.
class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path file);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view contents);
    void commit();

private:
    [[noreturn]] void fail(int err);

    std::filesystem::path file_;
    std::filesystem::path temp_;
    int fd_ = -1;
};

} // namespace forensic
