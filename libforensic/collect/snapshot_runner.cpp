#include "libforensic/collect/snapshot_runner.hpp"

#include "libforensic/collect/collection.hpp"

#include "libforensic/git/tag_memo.hpp"
#include "libforensic/model/fact_groups.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/host_files.hpp"
#include "libforensic/util/parallel_map.hpp"
#include "libforensic/util/secrets.hpp"
#include "libforensic/util/url_credentials.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unistd.h>

namespace forensic::collect {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view name)
{
    return std::find(list.begin(), list.end(), name) != list.end();
}

std::string known_collectors()
{
    std::string names;
    for (const auto& c : registry()) names += (names.empty() ? "" : ", ") + std::string(c->name());
    return names;
}

std::string trim(std::string text)
{
    auto first = text.find_first_not_of(" \t\r\n");
    auto last = text.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

// What a host name may hold (RFC 1123 labels, and '_' as some hosts use):
// nothing that could be a secret's line, a path or a terminal control.
bool is_host_name(std::string_view name)
{
    if (name.size() > 253) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_';
    });
}

// Indices, ascending, of the facts whose (subject, key) an earlier fact
// already has: checked per subject, with a table of that subject's size (one
// table over half a million facts missed the cache on nearly every probe).
std::vector<std::size_t> repeated_names(const std::vector<Fact>& facts)
{
    constexpr std::size_t empty = static_cast<std::size_t>(-1);
    std::hash<std::string_view> hash;
    std::vector<std::size_t> slots;
    std::vector<std::size_t> repeated;
    for (const auto& group : group_by_subject(facts)) {
        std::size_t size = 16;
        while (size < group.facts.size() * 2) size *= 2;
        slots.assign(size, empty);
        for (const auto* fact : group.facts) {
            auto i = static_cast<std::size_t>(fact - facts.data());
            for (auto slot = hash(fact->key) & (size - 1);; slot = (slot + 1) & (size - 1)) {
                if (slots[slot] == empty) {
                    slots[slot] = i;
                    break;
                }
                if (facts[slots[slot]].key == fact->key) {
                    repeated.push_back(i);
                    break;
                }
            }
        }
    }
    std::sort(repeated.begin(), repeated.end());
    return repeated;
}

} // namespace

void sanitise_facts(std::vector<Fact>& facts)
{
    // Checked in place and on every core: a snapshot may hold hundreds of
    // thousands of facts, and this runs after the collector's own workers.
    auto make_valid = [](std::string& text) {
        if (!is_valid_utf8(text)) text = to_valid_utf8(text);
    };
    parallel_ranges(facts.size(), [&](std::size_t first, std::size_t last) {
        for (auto i = first; i < last; ++i) {
            auto& fact = facts[i];
            make_valid(fact.subject);
            make_valid(fact.key);
            make_valid(fact.value);
            // Credentials in URLs and NAME=value secrets are never stored,
            // whichever source quotes them (a label, a failure text, a
            // catalogue entry, an error).
            if (fact.value.find("://") != std::string::npos) fact.value = strip_url_credentials(fact.value);
            if (fact.value.find('=') != std::string::npos) fact.value = scrub_secret_assignments(fact.value);
        }
    });
    auto repeated = repeated_names(facts);
    if (repeated.empty()) return;

    std::map<std::string, std::string> duplicates;
    for (auto i : repeated)
        duplicates[facts[i].subject] += (duplicates[facts[i].subject].empty() ? "" : ", ") + facts[i].key;
    for (auto it = repeated.rbegin(); it != repeated.rend(); ++it) facts.erase(facts.begin() + static_cast<long>(*it));
    for (const auto& entry : duplicates) {
        // Not a structured binding: clang 14 cannot capture one in a lambda.
        const std::string& subject = entry.first;
        const std::string& keys = entry.second;
        auto message = "more than one fact named " + keys + " (names that differ only in invalid UTF-8?); kept the first";
        auto existing = std::find_if(facts.begin(), facts.end(),
                                     [&](const Fact& f) { return f.subject == subject && f.key == error_key; });
        if (existing != facts.end())
            existing->value += "; " + message;
        else
            facts.push_back({subject, error_key, message, {}});
    }
}

bool is_selected(const Selection& selection, const std::string& name)
{
    if (contains(selection.skip, name)) return false;
    if (selection.only.empty() || contains(selection.only, name)) return true;
    const auto* collector = find_collector(name);
    auto companion = collector ? collector->companion_of() : std::string_view();
    return !companion.empty() && is_selected(selection, std::string(companion));
}

void validate_selection(const Selection& selection)
{
    for (const auto* list : {&selection.only, &selection.skip})
        for (const auto& name : *list)
            if (!find_collector(name))
                throw UsageError("unknown collector '" + name + "' (known: " + known_collectors() + ")");
}

std::string default_host_name(const HostRoot& root)
{
    constexpr const char* file = "/etc/hostname";
    try {
        if (auto text = read_host_file_if_present(root, file, size_caps::host_name)) {
            auto name = trim(text->substr(0, text->find('\n')));
            if (!name.empty()) {
                if (!is_host_name(name))
                    throw InputError(file + std::string(" does not hold a host name (letters, digits, '-', '.', '_')"));
                return name;
            }
        }
    } catch (const Error& e) {
        // The file is the host's; the message names it as the host sees it.
        throw InputError(std::string(e.what()) + " under --root " + root.root().string() + "; give --host NAME");
    }
    if (root.root() == "/") {
        char buf[256] = {};
        if (::gethostname(buf, sizeof buf - 1) == 0 && buf[0]) return buf;
    }
    auto base = std::filesystem::absolute(root.root()).lexically_normal().filename().string();
    return base.empty() ? "localhost" : base;
}

SnapshotInput collect_snapshot(const CollectOptions& options, const Selection& selection, const std::string& host,
                               std::optional<TimeNs> taken_at)
{
    return Collection(options, selection, host, taken_at).finish();
}

} // namespace forensic::collect
