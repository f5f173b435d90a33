// Small helpers the collectors share for reading the host's files.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_root.hpp"
#include "libforensic/util/time.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace forensic::collect {

struct LinkInfo {
    std::string target; // as stored in the link
    TimeNs mtime = 0;   // the link's own mtime (lstat)
};

// lstat + readlink of a symlink on this machine; nullopt when it is not one.
std::optional<LinkInfo> read_link(const std::filesystem::path& real_path);

struct FileInfo {
    bool is_regular = false;
    bool is_directory = false;
    long long size = 0;
    TimeNs mtime = 0;
};

// lstat of a path on this machine; nullopt when it does not exist.
std::optional<FileInfo> stat_path(const std::filesystem::path& real_path);

// The bytes of a regular file on this machine (`real_path` already resolved:
// a symlink there is not followed). Anything else — a FIFO, a device, a
// directory, a link — is refused without being opened for a blocking read, so
// a planted FIFO cannot hang a snapshot. Throws InputError naming `host_path`.
std::string read_file(const std::filesystem::path& real_path, const std::string& host_path);

// Resolves `host_path` under the root (links followed inside it only) and
// reads the regular file there. Throws PathError (loop, escape) or InputError
// (dangling, not a regular file, unreadable), naming the path.
std::string read_host_file(const HostRoot& root, const std::string& host_path);

// Names in a directory on this machine, sorted; throws CollectorError naming it.
std::vector<std::string> list_directory(const std::filesystem::path& real_path, const std::string& host_path);

// One `error` fact for `subject` holding every message ("; "-joined), as a
// subject may report at most one; nothing when there are none.
void add_error_fact(std::vector<Fact>& facts, const std::string& subject, const std::vector<std::string>& messages);

} // namespace forensic::collect
