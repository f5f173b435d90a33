#include "libforensic/bundle/bundle.hpp"

#include "libforensic/bundle/bundle_upgrade.hpp"

#include "libforensic/bundle/bundle_rules.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/file_bytes.hpp"
#include "libforensic/util/json_text.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <set>

namespace forensic::bundle {
namespace {

using nlohmann::json;

[[noreturn]] void malformed(const std::string& origin, const std::string& where, const std::string& what)
{
    throw InputError(origin + ": " + where + ": " + what);
}

const json& field(const json& object, const char* name, const std::string& origin, const std::string& where)
{
    if (!object.is_object()) malformed(origin, where, "expected an object");
    auto found = object.find(name);
    if (found == object.end()) malformed(origin, where, std::string("missing field '") + name + "'");
    return *found;
}

std::string string_field(const json& object, const char* name, const std::string& origin, const std::string& where)
{
    const auto& value = field(object, name, origin, where);
    if (!value.is_string()) malformed(origin, where + "." + name, "expected a string");
    return value.get<std::string>();
}

TimeNs time_field(const json& object, const char* name, const std::string& origin, const std::string& where)
{
    auto text = string_field(object, name, origin, where);
    auto time = parse_rfc3339(text);
    if (!time) malformed(origin, where + "." + name, "'" + text + "' is not an RFC 3339 time");
    return *time;
}

// A snapshot holds each collector once and each fact of it once: a bundle
// that repeats one is malformed (the store would refuse it less clearly).
// `snapshot` is normalised, so repeats are neighbours.
void reject_repeats(const SnapshotInput& snapshot, const std::string& origin)
{
    const auto& collectors = snapshot.collectors;
    for (std::size_t i = 0; i < collectors.size(); ++i) {
        if (i > 0 && collectors[i].name == collectors[i - 1].name)
            malformed(origin, "collectors", "collector '" + collectors[i].name + "' appears twice");
        const auto& facts = collectors[i].facts;
        for (std::size_t j = 1; j < facts.size(); ++j)
            if (facts[j].subject == facts[j - 1].subject && facts[j].key == facts[j - 1].key)
                malformed(origin, "collector '" + collectors[i].name + "'",
                          "fact " + facts[j].subject + " " + facts[j].key + " appears twice");
    }
}

} // namespace

void normalise(SnapshotInput& snapshot)
{
    std::sort(snapshot.collectors.begin(), snapshot.collectors.end(),
              [](const CollectorRun& a, const CollectorRun& b) { return a.name < b.name; });
    for (auto& c : snapshot.collectors) {
        std::sort(c.facts.begin(), c.facts.end(), [](const Fact& a, const Fact& b) {
            return std::tie(a.subject, a.key) < std::tie(b.subject, b.key);
        });
        std::sort(c.observed_subjects.begin(), c.observed_subjects.end());
    }
}

SnapshotInput snapshot_as_input(store::Store& store, const SnapshotInfo& snapshot)
{
    SnapshotInput input{snapshot.host, snapshot.taken_at, snapshot.finished_at, snapshot.tool_version, {},
                        snapshot.kind};
    for (const auto& run : store.collector_runs(snapshot.id)) {
        CollectorRun c{run.collector, run.status, run.error, {}, run.coverage, {}};
        if (run.status != CollectorStatus::ok) {
            input.collectors.push_back(std::move(c));
            continue;
        }
        // What the run observed, as the state holds it then: all of its source,
        // the subjects it named, or the facts it reported.
        std::set<std::pair<std::string, std::string>> reported;
        if (run.coverage == Coverage::subjects) c.observed_subjects = store.observed_subjects(snapshot.id, run.collector);
        if (run.coverage == Coverage::additive)
            for (auto& key : store.observed_keys(snapshot.id, run.collector)) reported.insert(std::move(key));
        for (auto& f : store.state(snapshot, store::FactFilter{run.collector, {}})) {
            if (run.coverage == Coverage::subjects &&
                !std::binary_search(c.observed_subjects.begin(), c.observed_subjects.end(), f.subject))
                continue;
            if (run.coverage == Coverage::additive && !reported.contains({f.subject, f.key})) continue;
            c.facts.push_back(Fact{std::move(f.subject), std::move(f.key), std::move(f.value), f.event_time});
        }
        input.collectors.push_back(std::move(c));
    }
    normalise(input);
    return input;
}

nlohmann::ordered_json to_json(const SnapshotInput& snapshot)
{
    bool partial = std::any_of(snapshot.collectors.begin(), snapshot.collectors.end(),
                               [](const CollectorRun& c) { return c.coverage != Coverage::full; });
    nlohmann::ordered_json doc;
    doc["format"] = format_name;
    doc["version"] = holds_dense_tags(snapshot)                        ? dense_tags_format_version
                     : partial || snapshot.kind != SnapshotKind::snapshot ? 2
                                                                          : 1;
    if (snapshot.kind != SnapshotKind::snapshot) doc["kind"] = to_string(snapshot.kind);
    doc["host"] = snapshot.host;
    doc["taken_at"] = format_rfc3339(snapshot.taken_at);
    doc["finished_at"] = format_rfc3339(snapshot.finished_at);
    doc["tool_version"] = snapshot.tool_version;
    auto& collectors = doc["collectors"] = nlohmann::ordered_json::array();
    for (const auto& c : snapshot.collectors) {
        nlohmann::ordered_json entry;
        entry["name"] = c.name;
        entry["status"] = to_string(c.status);
        if (!c.error.empty()) entry["error"] = c.error;
        if (c.coverage != Coverage::full) entry["coverage"] = to_string(c.coverage);
        if (c.coverage == Coverage::subjects) entry["subjects"] = c.observed_subjects;
        auto& facts = entry["facts"] = nlohmann::ordered_json::array();
        for (const auto& f : c.facts) {
            nlohmann::ordered_json fact;
            fact["subject"] = f.subject;
            fact["key"] = f.key;
            fact["value"] = f.value;
            if (f.event_time) fact["event_time"] = format_rfc3339(*f.event_time);
            facts.push_back(std::move(fact));
        }
        collectors.push_back(std::move(entry));
    }
    return doc;
}

SnapshotInput from_json(const json& doc, const std::string& origin)
{
    if (!doc.is_object()) malformed(origin, "document", "expected a JSON object");
    if (string_field(doc, "format", origin, "document") != format_name)
        malformed(origin, "format", std::string("not a forensic bundle (expected \"") + format_name + "\")");
    const auto& version = field(doc, "version", origin, "document");
    if (!version.is_number_integer()) malformed(origin, "version", "expected an integer");
    if (version.get<long long>() > format_version)
        malformed(origin, "version",
                  "bundle format " + std::to_string(version.get<long long>()) + " is newer than this forensic reads (" +
                      std::to_string(format_version) + ")");
    SnapshotInput input;
    if (doc.contains("kind")) {
        try {
            input.kind = snapshot_kind_from_string(string_field(doc, "kind", origin, "document"));
        } catch (const InputError& e) {
            malformed(origin, "kind", e.what());
        }
    }
    input.host = string_field(doc, "host", origin, "document");
    if (input.host.empty()) malformed(origin, "host", "must not be empty");
    input.taken_at = time_field(doc, "taken_at", origin, "document");
    input.finished_at = time_field(doc, "finished_at", origin, "document");
    input.tool_version = string_field(doc, "tool_version", origin, "document");
    const auto& collectors = field(doc, "collectors", origin, "document");
    if (!collectors.is_array()) malformed(origin, "collectors", "expected an array");
    for (std::size_t i = 0; i < collectors.size(); ++i) {
        auto where = "collectors[" + std::to_string(i) + "]";
        const auto& c = collectors[i];
        CollectorRun run;
        run.name = string_field(c, "name", origin, where);
        try {
            run.status = collector_status_from_string(string_field(c, "status", origin, where));
        } catch (const InputError& e) {
            malformed(origin, where + ".status", e.what());
        }
        if (c.contains("error")) run.error = string_field(c, "error", origin, where);
        if (c.contains("coverage")) {
            try {
                run.coverage = coverage_from_string(string_field(c, "coverage", origin, where));
            } catch (const InputError& e) {
                malformed(origin, where + ".coverage", e.what());
            }
        }
        if (c.contains("subjects")) {
            if (run.coverage != Coverage::subjects) malformed(origin, where + ".subjects", "only a run of coverage 'subjects' names subjects");
            const auto& subjects = c["subjects"];
            if (!subjects.is_array()) malformed(origin, where + ".subjects", "expected an array");
            for (std::size_t j = 0; j < subjects.size(); ++j) {
                if (!subjects[j].is_string()) malformed(origin, where + ".subjects[" + std::to_string(j) + "]", "expected a string");
                run.observed_subjects.push_back(subjects[j].get<std::string>());
            }
        } else if (run.coverage == Coverage::subjects) {
            malformed(origin, where, "a run of coverage 'subjects' needs its 'subjects'");
        }
        const auto& facts = field(c, "facts", origin, where);
        if (!facts.is_array()) malformed(origin, where + ".facts", "expected an array");
        run.facts.reserve(facts.size());
        for (std::size_t j = 0; j < facts.size(); ++j) {
            auto fwhere = where + ".facts[" + std::to_string(j) + "]";
            const auto& f = facts[j];
            Fact fact{string_field(f, "subject", origin, fwhere), string_field(f, "key", origin, fwhere),
                      string_field(f, "value", origin, fwhere), {}};
            if (f.contains("event_time")) fact.event_time = time_field(f, "event_time", origin, fwhere);
            run.facts.push_back(std::move(fact));
        }
        input.collectors.push_back(std::move(run));
    }
    normalise(input);
    reject_repeats(input, origin);
    upgrade_legacy_facts(input);
    return input;
}

SnapshotInput parse_bundle_text(std::string_view text, const std::string& origin)
{
    // A bundle is forensic's own output, valid UTF-8; the message names the
    // position and never quotes the text (it may not be UTF-8 at all).
    if (!is_valid_utf8(text)) throw InputError(origin + ": not UTF-8 text, so not a bundle");
    return from_json(parse_json_text(text, origin), origin);
}

SnapshotInput read_bundle_file(const std::filesystem::path& file)
{
    auto bytes = read_file_bytes(file);
    if (!bytes) throw InputError(file.string() + ": cannot be read");
    return parse_bundle_text(*bytes, file.string());
}

ImportResult import_snapshot(store::Store& store, const SnapshotInput& snapshot, const std::string& origin)
{
    return import_snapshot(store, snapshot, origin, forensic::now());
}

ImportResult import_snapshot(store::Store& store, const SnapshotInput& snapshot, const std::string& origin,
                             TimeNs now)
{
    check_bundle(snapshot, origin);
    auto warnings = bundle_warnings(snapshot, origin, now);
    for (const auto& existing : store.snapshots(snapshot.host)) {
        if (existing.taken_at != snapshot.taken_at) continue;
        auto stored = snapshot_as_input(store, existing);
        auto incoming = snapshot;
        normalise(incoming);
        bool same = stored.host == incoming.host && stored.kind == incoming.kind &&
                    stored.finished_at == incoming.finished_at &&
                    stored.tool_version == incoming.tool_version &&
                    stored.collectors.size() == incoming.collectors.size();
        for (std::size_t i = 0; same && i < stored.collectors.size(); ++i) {
            const auto& a = stored.collectors[i];
            const auto& b = incoming.collectors[i];
            same = a.name == b.name && a.status == b.status && a.error == b.error && a.facts == b.facts &&
                   a.coverage == b.coverage && a.observed_subjects == b.observed_subjects;
        }
        if (same) return ImportResult{ImportOutcome::already_present, existing, {}};
        throw InputError(origin + ": host " + snapshot.host + " already has a different snapshot at " +
                         format_rfc3339(snapshot.taken_at) + " (id " + std::to_string(existing.id) + ")");
    }
    return ImportResult{ImportOutcome::imported, store.write(snapshot).snapshot, std::move(warnings)};
}

} // namespace forensic::bundle
