// abra's app env files, `<abra-dir>/servers/<server>/<app>.env`: which recipe
// (and, in newer abra, which version) each deployed app is, and on which
// server. Only the TYPE=/RECIPE= and DOMAIN= lines are read into anything;
// every other line may be a secret and is skipped unseen.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_root.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::collect {

struct AppEnv {
    std::string name;      // the file name without .env: abra's app name, by convention its domain
    std::string server;    // the directory under servers/
    std::string host_path; // the file as the host sees it
    std::string stack;     // the swarm stack abra deploys it as
    std::optional<std::string> recipe, version, domain;
    TimeNs mtime = 0;
    std::string error; // why the file could not be read; empty when it was
};

// abra's stack name for an app: dots become underscores, cut to abra's
// limit on sanitised app names.
std::string abra_stack_name(std::string_view app_name);

struct ServerError {
    std::string server; // the directory under servers/
    std::string error;  // why it could not be listed (a link out of the root, a loop, ...)
};

struct AppEnvs {
    std::vector<AppEnv> apps; // sorted by app name then server
    std::vector<ServerError> server_errors;
};

// Every `*.env` under `<abra_dir>/servers/*/`, resolved under the root. No
// servers directory: no apps. A server directory that cannot be read is an
// error of that server; the others are still read.
AppEnvs read_app_envs(const HostRoot& root, const std::string& abra_dir);

// Facts of subject `app/<name>`: server, recipe, version, domain, stack,
// env.mtime (event time); an error fact for an unreadable file or an app name
// found on more than one server (the first server's file is recorded). And an
// error fact of subject `server/<name>` for each server that could not be read.
std::vector<Fact> app_facts(const AppEnvs& envs);

} // namespace forensic::collect
