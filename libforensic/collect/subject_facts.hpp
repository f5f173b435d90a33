// Builds one subject's facts while reading it part by part: a part that
// fails becomes part of the subject's single `error` fact (so its unseen keys
// are carried, not closed) and the other parts are still read.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_root.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace forensic::collect {

class SubjectFacts {
public:
    // `context` (e.g. the checkout's host path) leads every error message
    // that does not already start with it.
    SubjectFacts(std::string subject, std::string context)
        : subject_(std::move(subject)), context_(std::move(context))
    {
    }

    void add(std::string key, std::string value, std::optional<TimeNs> event = {});

    // Room for `more` facts: a recipe has hundreds of tags, each a few facts.
    void reserve(std::size_t more) { facts_.reserve(facts_.size() + more); }

    // Runs one independent part of the reading; a forensic::Error it throws
    // is recorded and reading goes on.
    void part(const std::function<void()>& read);

    void error(const std::string& message);

    // The facts, with every error joined into one `error` fact whose paths
    // are host paths and whose URLs carry no credentials.
    std::vector<Fact> finish(const HostRoot& root);

private:
    std::string subject_;
    std::string context_;
    std::vector<Fact> facts_;
    std::vector<std::string> errors_;
};

} // namespace forensic::collect
