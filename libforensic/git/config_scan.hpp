// A git config file's variables as libgit2 1.5 parses them, read without
// following anything: the plumbing check (plumbing.hpp) must know which files
// a config would make libgit2 read (include.path, includeIf.*.path,
// core.excludesFile, ...) before libgit2 parses it and reads them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::git {

struct ConfigVariable {
    std::string name;                 // "section.name" or "section.subsection.name", as libgit2 names it:
                                      // section and name lower-cased, the subsection as written
    std::optional<std::string> value; // unquoted and unescaped; none for a bare `name` (true)
};

// Every variable of `text`, in order. Throws GitError naming `origin` and the
// line where libgit2 would refuse the file (it would not open the repository).
std::vector<ConfigVariable> scan_config(std::string_view text, const std::string& origin);

// The variables that name another file libgit2 reads: include.path and
// includeIf.<condition>.path (whatever the condition), core.excludesFile,
// core.attributesFile.
bool names_a_file(const ConfigVariable& variable);
bool is_include(const ConfigVariable& variable);

} // namespace forensic::git
