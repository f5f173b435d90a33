#include "libforensic/bundle/bundle_events.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_upgrade.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

#include <array>
#include <string_view>

namespace forensic::bundle {
namespace {

// Members each object role reads, numbered by their place here; the others
// are read past, as the document reader ignored them.
constexpr std::array<std::string_view, 9> document_members = {
    "format", "version", "kind", "host", "taken_at", "finished_at", "tool_version", "collectors", "seal"};
constexpr int collectors_member = 7, seal_member = 8;
constexpr std::array<std::string_view, 6> collector_members = {"name",     "status",   "error",
                                                               "coverage", "subjects", "facts"};
constexpr int subjects_member = 4, facts_member = 5;
constexpr std::array<std::string_view, 4> fact_members = {"subject", "key", "value", "event_time"};
constexpr std::array<std::string_view, 2> seal_members = {"content", "chain"};

template <std::size_t N>
int number_of(const std::array<std::string_view, N>& names, std::string_view name)
{
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == name) return static_cast<int>(i);
    return -1;
}

[[noreturn]] void malformed(const std::string& origin, const std::string& where, const std::string& what)
{
    throw InputError(origin + ": " + where + ": " + what);
}

// `where` is a callable giving the object's path: only an error builds it.
template <typename Where>
std::string take_string(Member& member, const char* name, const std::string& origin, const Where& where)
{
    if (member.type == Member::Type::absent) malformed(origin, where(), std::string("missing field '") + name + "'");
    if (member.type != Member::Type::string) malformed(origin, where() + "." + name, "expected a string");
    return std::move(member.text);
}

template <typename Where>
TimeNs take_time(Member& member, const char* name, const std::string& origin, const Where& where)
{
    auto text = take_string(member, name, origin, where);
    auto time = parse_rfc3339(text);
    if (!time) malformed(origin, where() + "." + name, "'" + text + "' is not an RFC 3339 time");
    return *time;
}

bool is_array(BundleEvents::Role role)
{
    using Role = BundleEvents::Role;
    return role == Role::collectors || role == Role::facts || role == Role::subjects;
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

bool BundleEvents::key(string_t& name)
{
    auto& frame = stack_.back();
    switch (frame.role) {
    case Role::document: frame.member = number_of(document_members, name); break;
    case Role::collector: frame.member = number_of(collector_members, name); break;
    case Role::fact: frame.member = number_of(fact_members, name); break;
    case Role::seal: frame.member = number_of(seal_members, name); break;
    default: break;
    }
    return true;
}

Member* BundleEvents::member(const Frame& frame)
{
    if (frame.member < 0) return nullptr;
    auto m = static_cast<std::size_t>(frame.member);
    switch (frame.role) {
    case Role::document: {
        std::array<Member*, 7> members = {&format_,   &version_,     &kind_,        &host_,
                                          &taken_at_, &finished_at_, &tool_version_};
        return m < members.size() ? members[m] : nullptr;
    }
    case Role::collector: {
        std::array<Member*, 4> members = {&collector_.name, &collector_.status, &collector_.error,
                                          &collector_.coverage};
        return m < members.size() ? members[m] : nullptr;
    }
    case Role::fact: {
        std::array<Member*, 4> members = {&subject_, &key_, &value_, &event_time_};
        return members[m];
    }
    case Role::seal: return m == 0 ? &seal_.content : &seal_.chain;
    default: return nullptr;
    }
}

// An element of collectors or facts that is not an object: the reader
// failed on it first of all (it looked for the object's first member).
void BundleEvents::element_not_an_object(Frame& frame)
{
    auto where = "collectors[" + std::to_string(stack_[1].index) + "]";
    if (frame.role == Role::collectors && !collector_error_)
        collector_error_ = origin_ + ": " + where + ": expected an object";
    if (frame.role == Role::facts && !collector_.fact_error)
        collector_.fact_error = origin_ + ": " + where + ".facts[" + std::to_string(frame.index) + "]: expected an object";
}

bool BundleEvents::scalar(Member::Type type, string_t* text, long long integer)
{
    if (stack_.empty()) return true; // the document is not an object
    auto& frame = stack_.back();
    if (auto* m = member(frame)) {
        m->type = type;
        if (text) m->text = std::string(*text); // a copy of its size: the lexer's buffer has room to spare
        m->integer = integer;
    } else if (frame.role == Role::document && frame.member == collectors_member) {
        collectors_ = ArrayMember::not_array;
        runs_.clear();
        collector_error_.reset();
    } else if (frame.role == Role::document && frame.member == seal_member) {
        seal_ = {};
        seal_.present = true;
    } else if (frame.role == Role::collector && frame.member == subjects_member) {
        collector_.subjects = ArrayMember::not_array;
    } else if (frame.role == Role::collector && frame.member == facts_member) {
        collector_.facts = ArrayMember::not_array;
        collector_.run.facts.clear();
        collector_.fact_error.reset();
    } else if (frame.role == Role::collectors || frame.role == Role::facts) {
        element_not_an_object(frame);
    } else if (frame.role == Role::subjects) {
        if (text)
            collector_.subject_list.push_back(*text);
        else if (!collector_.bad_subject)
            collector_.bad_subject = frame.index;
    }
    if (is_array(frame.role)) ++frame.index;
    return true;
}

bool BundleEvents::open(bool array)
{
    // As deep as parse_json_text reads: deeper fails the parse, and the
    // caller says where (bundle_reader.cpp).
    if (stack_.size() >= max_json_depth) return false;
    auto role = Role::skipped;
    if (stack_.empty()) {
        document_is_object_ = !array;
        stack_.push_back({array ? Role::skipped : Role::document});
        return true;
    }
    auto& frame = stack_.back();
    if (auto* m = member(frame)) {
        m->type = Member::Type::other;
    } else if (frame.role == Role::document && frame.member == collectors_member) {
        collectors_ = array ? ArrayMember::array : ArrayMember::not_array;
        runs_.clear();
        collector_error_.reset();
        if (array) role = Role::collectors;
    } else if (frame.role == Role::document && frame.member == seal_member) {
        seal_ = {};
        seal_.present = true;
        seal_.is_object = !array;
        if (!array) role = Role::seal;
    } else if (frame.role == Role::collector && frame.member == subjects_member) {
        collector_.subjects = array ? ArrayMember::array : ArrayMember::not_array;
        collector_.subject_list.clear();
        collector_.bad_subject.reset();
        if (array) role = Role::subjects;
    } else if (frame.role == Role::collector && frame.member == facts_member) {
        collector_.facts = array ? ArrayMember::array : ArrayMember::not_array;
        collector_.run.facts.clear();
        collector_.fact_error.reset();
        if (array) role = Role::facts;
    } else if (frame.role == Role::collectors || frame.role == Role::facts) {
        if (array) {
            element_not_an_object(frame);
        } else if (frame.role == Role::collectors) {
            collector_ = {};
            role = Role::collector;
        } else {
            subject_.type = key_.type = value_.type = event_time_.type = Member::Type::absent;
            role = Role::fact;
        }
    } else if (frame.role == Role::subjects && !collector_.bad_subject) {
        collector_.bad_subject = frame.index;
    }
    stack_.push_back({role});
    return true;
}

bool BundleEvents::close()
{
    auto role = stack_.back().role;
    stack_.pop_back();
    if (stack_.empty()) return true;
    auto& parent = stack_.back();
    if (role == Role::fact) end_fact(parent.index);
    if (role == Role::collector) end_collector(parent.index);
    if (is_array(parent.role)) ++parent.index;
    return true;
}

// The fact read as the document reader read it: subject, key, value, then
// the event time when given.
void BundleEvents::end_fact(std::size_t index)
{
    auto& c = collector_;
    if (c.fact_error) return; // the first is what is reported
    auto where = [&] {
        return "collectors[" + std::to_string(stack_[1].index) + "].facts[" + std::to_string(index) + "]";
    };
    try {
        Fact fact{take_string(subject_, "subject", origin_, where), take_string(key_, "key", origin_, where),
                  take_string(value_, "value", origin_, where), {}};
        if (event_time_.type != Member::Type::absent) fact.event_time = take_time(event_time_, "event_time", origin_, where);
        c.run.facts.push_back(std::move(fact));
    } catch (const InputError& e) {
        c.fact_error = e.what();
        c.run.facts.clear(); // the bundle is refused: no need to keep them
    }
}

void BundleEvents::end_collector(std::size_t index)
{
    if (collector_error_) return;
    auto& c = collector_;
    auto path = "collectors[" + std::to_string(index) + "]";
    auto where = [&] { return path; };
    try {
        auto& run = c.run;
        run.name = take_string(c.name, "name", origin_, where);
        try {
            run.status = collector_status_from_string(take_string(c.status, "status", origin_, where));
        } catch (const InputError& e) {
            malformed(origin_, path + ".status", e.what());
        }
        if (c.error.type != Member::Type::absent) run.error = take_string(c.error, "error", origin_, where);
        if (c.coverage.type != Member::Type::absent) {
            try {
                run.coverage = coverage_from_string(take_string(c.coverage, "coverage", origin_, where));
            } catch (const InputError& e) {
                malformed(origin_, path + ".coverage", e.what());
            }
        }
        if (c.subjects != ArrayMember::absent) {
            if (run.coverage != Coverage::subjects)
                malformed(origin_, path + ".subjects", "only a run of coverage 'subjects' names subjects");
            if (c.subjects != ArrayMember::array) malformed(origin_, path + ".subjects", "expected an array");
            if (c.bad_subject)
                malformed(origin_, path + ".subjects[" + std::to_string(*c.bad_subject) + "]", "expected a string");
            run.observed_subjects = std::move(c.subject_list);
        } else if (run.coverage == Coverage::subjects) {
            malformed(origin_, path, "a run of coverage 'subjects' needs its 'subjects'");
        }
        if (c.facts == ArrayMember::absent) malformed(origin_, path, "missing field 'facts'");
        if (c.facts != ArrayMember::array) malformed(origin_, path + ".facts", "expected an array");
        if (c.fact_error) throw InputError(*c.fact_error);
        runs_.push_back(std::move(run));
    } catch (const InputError& e) {
        collector_error_ = e.what();
    }
}

ParsedBundle BundleEvents::finish()
{
    if (!document_is_object_) malformed(origin_, "document", "expected a JSON object");
    auto document = [] { return std::string("document"); };
    if (take_string(format_, "format", origin_, document) != format_name)
        malformed(origin_, "format", std::string("not a forensic bundle (expected \"") + format_name + "\")");
    if (version_.type == Member::Type::absent) malformed(origin_, "document", "missing field 'version'");
    if (version_.type != Member::Type::integer) malformed(origin_, "version", "expected an integer");
    if (version_.integer > format_version)
        malformed(origin_, "version",
                  "bundle format " + std::to_string(version_.integer) + " is newer than this forensic reads (" +
                      std::to_string(format_version) + ")");
    ParsedBundle out;
    out.version = version_.integer;
    auto& input = out.snapshot;
    if (kind_.type != Member::Type::absent) {
        try {
            input.kind = snapshot_kind_from_string(take_string(kind_, "kind", origin_, document));
        } catch (const InputError& e) {
            malformed(origin_, "kind", e.what());
        }
    }
    input.host = take_string(host_, "host", origin_, document);
    if (input.host.empty()) malformed(origin_, "host", "must not be empty");
    input.taken_at = take_time(taken_at_, "taken_at", origin_, document);
    input.finished_at = take_time(finished_at_, "finished_at", origin_, document);
    input.tool_version = take_string(tool_version_, "tool_version", origin_, document);
    if (collectors_ == ArrayMember::absent) malformed(origin_, "document", "missing field 'collectors'");
    if (collectors_ != ArrayMember::array) malformed(origin_, "collectors", "expected an array");
    if (collector_error_) throw InputError(*collector_error_);
    input.collectors = std::move(runs_);
    normalise(input);
    reject_repeats(input, origin_);
    out.legacy_tags = upgrade_legacy_facts(input); // tags as five facts, before format 4
    out.seal = std::move(seal_);
    return out;
}

} // namespace forensic::bundle
