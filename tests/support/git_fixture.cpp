#include "support/git_fixture.hpp"

#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include <fstream>
#include <stdexcept>

namespace forensic::test {

namespace fs = std::filesystem;

std::map<std::string, std::string> git_env(const std::string& date)
{
    return {{"GIT_AUTHOR_NAME", "CI"},       {"GIT_AUTHOR_EMAIL", "ci@example.org"},
            {"GIT_COMMITTER_NAME", "CI"},    {"GIT_COMMITTER_EMAIL", "ci@example.org"},
            {"GIT_AUTHOR_DATE", date},       {"GIT_COMMITTER_DATE", date},
            {"GIT_CONFIG_GLOBAL", "/dev/null"}, {"GIT_CONFIG_NOSYSTEM", "1"},
            {"GIT_TERMINAL_PROMPT", "0"},    {"TZ", "UTC"}};
}

namespace {

std::string chomp(std::string text)
{
    if (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

std::string git_date(long long seconds)
{
    return "@" + std::to_string(seconds) + " +0000";
}

} // namespace

GitRepo GitRepo::init(const fs::path& dir, bool bare)
{
    fs::create_directories(dir);
    GitRepo repo(dir);
    std::vector<std::string> args{"init", "-q", "-b", "main"};
    if (bare) args.push_back("--bare");
    repo.git(args);
    return repo;
}

GitRepo GitRepo::clone(const std::string& url, const fs::path& dir)
{
    fs::create_directories(dir.parent_path());
    run_checked({"git", "clone", "-q", url, dir.string()}, git_env(git_date(1780293600)));
    return GitRepo(dir);
}

GitRepo& GitRepo::at(const std::string& date)
{
    clock_ = forensic::test::at(date) / ns_per_second;
    return *this;
}

GitRepo& GitRepo::cli_config(const std::string& key, const std::string& value)
{
    cli_config_.emplace_back(key, value);
    return *this;
}

std::string GitRepo::git(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{"git", "-C", dir_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto env = git_env(git_date(clock_));
    env["GIT_CONFIG_COUNT"] = std::to_string(cli_config_.size());
    for (std::size_t i = 0; i < cli_config_.size(); ++i) {
        env["GIT_CONFIG_KEY_" + std::to_string(i)] = cli_config_[i].first;
        env["GIT_CONFIG_VALUE_" + std::to_string(i)] = cli_config_[i].second;
    }
    return chomp(run_checked(argv, env));
}

GitRepo& GitRepo::write(const std::string& relative, const std::string& contents)
{
    auto path = dir_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << contents;
    return *this;
}

std::string GitRepo::commit(const std::string& message)
{
    git({"add", "-A"});
    git({"commit", "-q", "--allow-empty", "-m", message});
    clock_ += 60;
    return rev("HEAD");
}

GitRepo& GitRepo::tag(const std::string& name, const std::string& target)
{
    git({"tag", name, target});
    return *this;
}

GitRepo& GitRepo::annotated_tag(const std::string& name, const std::string& target)
{
    git({"tag", "-a", "-m", "release " + name, name, target});
    return *this;
}

std::string GitRepo::rev(const std::string& what)
{
    return git({"rev-parse", what});
}

std::string git_describe(const fs::path& repo, const std::string& rev)
{
    auto r = run_process({"git", "-C", repo.string(), "describe", "--tags", "--long", "--abbrev=8", rev},
                         git_env(git_date(1780293600)));
    return r.exit_code == 0 ? chomp(r.out) : std::string();
}

} // namespace forensic::test
