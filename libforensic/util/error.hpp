// Typed errors with context, in the manner of Nix's addTrace: the message says
// what failed, the trace says while doing what.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace forensic {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}

    // Adds "while ..." context as the error travels up; innermost first.
    Error& add_trace(std::string context)
    {
        trace_.push_back(std::move(context));
        return *this;
    }
    const std::vector<std::string>& trace() const { return trace_; }

    // The message followed by its trace, one "while ..." per line.
    std::string describe() const
    {
        std::string text = what();
        for (const auto& context : trace_) text += "\n  … " + context;
        return text;
    }

private:
    std::vector<std::string> trace_;
};

// The user asked for something malformed (bad option, unknown snapshot).
class UsageError : public Error {
    using Error::Error;
};

// An input file (bundle, JSON evidence) is unreadable or malformed.
class InputError : public Error {
    using Error::Error;
};

// The database could not be opened, migrated or written.
class StoreError : public Error {
    using Error::Error;
};

// A collector could not collect at all; the snapshot records it as failed.
class CollectorError : public Error {
    using Error::Error;
};

// A collector was told not to run (e.g. mirrors with --offline); the
// snapshot records it as skipped, with this message as the reason.
class CollectorSkipped : public Error {
    using Error::Error;
};

// A host path could not be resolved inside --root (dangling, loop, escape).
class PathError : public Error {
    using Error::Error;
};

// libgit2 could not read a repository, object or remote; the message names it.
class GitError : public Error {
    using Error::Error;
};

} // namespace forensic
