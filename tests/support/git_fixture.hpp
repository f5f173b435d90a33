// Real git repositories for tests, built with the git CLI (the oracle) under a
// temporary directory: fixed identity, no user or system config, and a clock
// the test sets, so ids, reflog times and tagger dates are what the test says.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace forensic::test {

// Environment for every git run: isolated from this machine's git config.
std::map<std::string, std::string> git_env(const std::string& date);

class GitRepo {
public:
    // git init at `dir` (created); a bare repository when `bare`.
    static GitRepo init(const std::filesystem::path& dir, bool bare = false);
    // git clone `url` into `dir`.
    static GitRepo clone(const std::string& url, const std::filesystem::path& dir);

    const std::filesystem::path& dir() const { return dir_; }

    // Sets the clock (RFC 3339) for the commands that follow; each commit
    // then advances it by one minute.
    GitRepo& at(const std::string& date);

    // Config that the git CLI sees in every later command of this repository
    // and forensic never does (GIT_CONFIG_COUNT in the environment).
    GitRepo& cli_config(const std::string& key, const std::string& value);

    // Runs `git -C dir args...`; returns stdout without its final newline.
    std::string git(const std::vector<std::string>& args);

    GitRepo& write(const std::string& relative, const std::string& contents);
    // Commits everything in the work tree (an empty commit when nothing
    // changed); returns the new commit's full id.
    std::string commit(const std::string& message);
    GitRepo& tag(const std::string& name, const std::string& target = "HEAD");
    GitRepo& annotated_tag(const std::string& name, const std::string& target = "HEAD");
    std::string rev(const std::string& what);

private:
    explicit GitRepo(std::filesystem::path dir) : dir_(std::move(dir)) {}

    std::filesystem::path dir_;
    std::vector<std::pair<std::string, std::string>> cli_config_;
    long long clock_ = 1780293600; // 2026-06-01T06:00:00Z
};

// The full id as `git describe --tags --long --abbrev=8 <rev>` prints it,
// or "" when git finds no tag.
std::string git_describe(const std::filesystem::path& repo, const std::string& rev = "HEAD");

} // namespace forensic::test
