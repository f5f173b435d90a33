// What every subcommand shares: argument parsing, help, exit codes, output.
#pragma once

#include "libforensic/util/atomic_file.hpp"
#include "libforensic/util/error.hpp"

#include <boost/program_options.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace forensic::cli {

namespace po = boost::program_options;

// Exit codes, documented in docs/cli.md.
enum ExitCode : int {
    exit_ok = 0,
    exit_changes = 1,  // diff --exit-code found changes; verify found problems
    exit_usage = 2,    // bad options or arguments
    exit_partial = 3,  // snapshot stored, but a collector failed or reported errors; import rejected a bundle
    exit_failure = 4,  // could not do the job: unreadable database, malformed input, ...
};

using Args = std::vector<std::string>;

struct Command {
    std::string_view name;
    std::string_view summary;
    int (*run)(const Args& args);
};

const std::vector<Command>& commands();

// The help section of `command` ("" for the overview).
std::string_view help_for(std::string_view command);

// Parses `args` against `options` (+ positional names). Throws UsageError with
// Boost's message naming the command.
po::variables_map parse(std::string_view command, const Args& args, const po::options_description& options,
                        const po::positional_options_description& positional = {});

// The --db option every store command takes, and its default ($FORENSIC_DB,
// else /var/lib/forensic/forensic.db).
void add_db_option(po::options_description& options);
std::string db_path(const po::variables_map& vm);

// Splits "a,b" lists given once or repeated.
std::vector<std::string> split_list(const std::vector<std::string>& values);

std::optional<std::string> optional_string(const po::variables_map& vm, const char* name);

// --lock-timeout SECONDS (every writer's: how long to wait for another
// writer's lock before giving up) as a busy timeout.
std::chrono::milliseconds lock_timeout(const po::variables_map& vm);

// "error: <message>" and its trace, one "… while" a line, as printed on the
// terminal: messages quote host names and paths, so each line is escaped
// (render/escape.hpp) and none can forge another.
std::string error_text(const Error& e);
std::string error_text(std::string_view message);

// JSON as printed: indented, invalid UTF-8 (never expected) replaced, not fatal.
std::string json_text(const nlohmann::ordered_json& doc, int indent = 2);
void print_json(const nlohmann::ordered_json& doc);

// The -o FILE of a command that reads `database`: none for stdout (none or
// "-"); a UsageError when FILE is the database, its -wal or -shm, or a link
// to one of them (store/store_file.hpp).
std::optional<std::string> output_file(const po::variables_map& vm, const std::string& database);

// Writes `text` to FILE atomically (-o FILE), or to stdout when none or "-".
void write_output(const std::optional<std::string>& file, const std::string& text);

// The same a piece at a time, for a report too long to hold: the file is
// replaced at commit(), whole.
class Output {
public:
    explicit Output(const std::optional<std::string>& file);
    void write(std::string_view text);
    void commit();

private:
    std::unique_ptr<AtomicFile> file_; // none: stdout
};

// Keeps `object` alive until the process exits, never destroyed: for a large
// result a command is done with just before it returns (a snapshot's half a
// million facts take ~60 ms to free one string at a time, ~10 % of a nightly
// snapshot). The exit gives the memory back at once. Like LLVM's
// BuryPointer, the pointer is kept in static storage, so leak checkers see it
// reachable.
template <typename T>
void keep_until_exit(std::unique_ptr<T> object)
{
    static std::vector<void*>* kept = new std::vector<void*>; // never destroyed either
    kept->push_back(object.release());
}

} // namespace forensic::cli
