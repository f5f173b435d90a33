#include "libforensic/collect/subject_facts.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/host_text.hpp"
#include "libforensic/util/url_credentials.hpp"

namespace forensic::collect {

void SubjectFacts::add(std::string key, std::string value, std::optional<TimeNs> event)
{
    facts_.push_back({subject_, std::move(key), std::move(value), event});
}

void SubjectFacts::part(const std::function<void()>& read)
{
    try {
        read();
    } catch (const Error& e) {
        error(e.what());
    }
}

void SubjectFacts::error(const std::string& message)
{
    errors_.push_back(context_.empty() || message.starts_with(context_) ? message : context_ + ": " + message);
}

std::vector<Fact> SubjectFacts::finish(const HostRoot& root)
{
    if (!errors_.empty()) {
        std::string joined;
        for (const auto& e : errors_) joined += (joined.empty() ? "" : "; ") + e;
        add(error_key, strip_url_credentials(as_host_text(root, joined)));
    }
    return std::move(facts_);
}

} // namespace forensic::collect
