#include "libforensic/collect/abra_apps.hpp"

#include "libforensic/collect/file_facts.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <tuple>

namespace forensic::collect {
namespace {

// abra cuts sanitised app names (its stack names) to this many characters
// (config.MAX_SANITISED_APP_NAME_LENGTH) to stay within Docker's name limits.
constexpr std::size_t abra_stack_name_limit = 45;

std::string_view trim(std::string_view text)
{
    auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

// A value as a dotenv reader sees it: quotes removed, or an unquoted value
// cut at an inline " #" comment.
std::string env_value(std::string_view raw)
{
    raw = trim(raw);
    if (raw.size() >= 2 && (raw.front() == '"' || raw.front() == '\'')) {
        auto close = raw.find(raw.front(), 1);
        if (close != std::string_view::npos) return std::string(raw.substr(1, close - 1));
    }
    if (auto comment = raw.find(" #"); comment != std::string_view::npos) raw = trim(raw.substr(0, comment));
    return std::string(raw);
}

// Looks only at TYPE=, RECIPE= and DOMAIN= lines; nothing else is copied.
void read_wanted_lines(std::string_view text, AppEnv& app)
{
    std::optional<std::string> type, recipe;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (line.starts_with("export ")) line = trim(line.substr(7));
        if (line.starts_with("TYPE="))
            type = env_value(line.substr(5));
        else if (line.starts_with("RECIPE="))
            recipe = env_value(line.substr(7));
        else if (line.starts_with("DOMAIN="))
            app.domain = env_value(line.substr(7));
    }
    // abra prefers RECIPE= over the older TYPE=; either may carry ":<version>".
    auto chosen = recipe ? recipe : type;
    if (!chosen || chosen->empty()) return;
    auto colon = chosen->find(':');
    app.recipe = chosen->substr(0, colon);
    if (colon != std::string::npos) app.version = chosen->substr(colon + 1);
}

AppEnv read_app_env(const HostRoot& root, const std::string& host_path, const std::string& server,
                    const std::string& name)
{
    AppEnv app{name, server, host_path, abra_stack_name(name), {}, {}, {}, 0, {}};
    try {
        auto file = open_host_file(root, host_path, size_caps::app_env);
        app.mtime = file.mtime();
        read_wanted_lines(file.read_all(), app);
    } catch (const Error& e) {
        app.error = e.what();
    }
    return app;
}

bool is_directory(const HostRoot& root, const ResolvedPath& path)
{
    auto info = path.exists ? stat_path(root.real(path.host_path)) : std::nullopt;
    return info && info->is_directory;
}

} // namespace

std::string abra_stack_name(std::string_view app_name)
{
    std::string stack(app_name);
    std::replace(stack.begin(), stack.end(), '.', '_');
    if (stack.size() > abra_stack_name_limit) stack.resize(abra_stack_name_limit);
    return stack;
}

AppEnvs read_app_envs(const HostRoot& root, const std::string& abra_dir)
{
    auto servers = root.resolve(host_join(root.expand_home(abra_dir), "servers"));
    if (!is_directory(root, servers)) return {};
    AppEnvs envs;
    for (const auto& server : list_host_directory(root, servers.host_path)) {
        // A server directory may be a symlink (abra allows it): followed under
        // the root; one that cannot be read is that server's error alone.
        try {
            auto dir = root.resolve(host_join(servers.host_path, server));
            if (!is_directory(root, dir)) continue;
            for (const auto& file : list_host_directory(root, dir.host_path)) {
                constexpr std::string_view suffix = ".env";
                if (!file.ends_with(suffix) || file.size() == suffix.size()) continue;
                auto name = file.substr(0, file.size() - suffix.size());
                envs.apps.push_back(read_app_env(root, host_join(dir.host_path, file), server, name));
            }
        } catch (const Error& e) {
            envs.server_errors.push_back({server, e.what()});
        }
    }
    std::stable_sort(envs.apps.begin(), envs.apps.end(),
                     [](const AppEnv& a, const AppEnv& b) { return std::tie(a.name, a.server) < std::tie(b.name, b.server); });
    return envs;
}

std::vector<Fact> app_facts(const AppEnvs& envs)
{
    const auto& apps = envs.apps;
    std::vector<Fact> facts;
    for (const auto& [server, error] : envs.server_errors) facts.push_back({"server/" + server, error_key, error, {}});
    for (std::size_t i = 0; i < apps.size(); ++i) {
        const auto& app = apps[i];
        if (i > 0 && apps[i - 1].name == app.name) continue; // reported with the first
        auto subject = "app/" + app.name;
        std::vector<std::string> errors;
        if (!app.error.empty()) errors.push_back(app.error);
        for (auto j = i + 1; j < apps.size() && apps[j].name == app.name; ++j)
            errors.push_back("app also defined in " + apps[j].host_path + " (recorded: " + app.host_path + ")");
        facts.push_back({subject, "server", app.server, {}});
        facts.push_back({subject, "stack", app.stack, {}});
        if (app.recipe) facts.push_back({subject, "recipe", *app.recipe, {}});
        if (app.version) facts.push_back({subject, "version", *app.version, {}});
        if (app.domain) facts.push_back({subject, "domain", *app.domain, {}});
        if (app.mtime) facts.push_back({subject, "env.mtime", format_rfc3339(app.mtime), app.mtime});
        add_error_fact(facts, subject, errors);
    }
    return facts;
}

} // namespace forensic::collect
