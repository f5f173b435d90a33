// Small helpers the collectors share for the host's links and file types;
// files and directories are read through util/host_files.hpp.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_files.hpp"
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

// One `error` fact for `subject` holding every message ("; "-joined), as a
// subject may report at most one; nothing when there are none.
void add_error_fact(std::vector<Fact>& facts, const std::string& subject, const std::vector<std::string>& messages);

} // namespace forensic::collect
