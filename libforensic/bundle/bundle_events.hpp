// A bundle read from nlohmann's SAX events straight into its SnapshotInput,
// never holding the document: a whole host's bundle is half a million facts.
// The errors are those of a reader that walked the document (as import did):
// the first check failed in that reader's order, not in the text's, and a key
// given twice counts once, its last value.
#pragma once

#include "libforensic/model/fact.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace forensic::bundle {

// One member of an object as the checks need it: its type, and its value
// when a string or an integer. A container's content is never kept.
struct Member {
    enum class Type { absent, string, integer, other };
    Type type = Type::absent;
    std::string text;
    long long integer = 0;
};

// A member that must be an array (of collectors, facts, subjects), whose
// elements are read as they come.
enum class ArrayMember { absent, array, not_array };

// The bundle's `seal` as given, checked only by verify (bundle_seal.hpp).
struct SealMembers {
    bool present = false;
    bool is_object = false;
    Member content, chain;
};

struct ParsedBundle {
    SnapshotInput snapshot; // normalised
    long long version = 0;
    SealMembers seal;
    bool legacy_tags = false; // its tags were joined on reading (bundle_upgrade.hpp)
};

class BundleEvents final : public nlohmann::json_sax<nlohmann::json> {
public:
    explicit BundleEvents(std::string origin) : origin_(std::move(origin)) {}

    bool null() override { return scalar(Member::Type::other, nullptr, 0); }
    bool boolean(bool) override { return scalar(Member::Type::other, nullptr, 0); }
    bool number_integer(number_integer_t value) override { return scalar(Member::Type::integer, nullptr, value); }
    bool number_unsigned(number_unsigned_t value) override
    {
        return scalar(Member::Type::integer, nullptr, static_cast<long long>(value)); // as get<long long>
    }
    bool number_float(number_float_t, const string_t&) override { return scalar(Member::Type::other, nullptr, 0); }
    bool string(string_t& value) override { return scalar(Member::Type::string, &value, 0); }
    bool binary(binary_t&) override { return scalar(Member::Type::other, nullptr, 0); } // not in JSON text
    bool start_object(std::size_t) override { return open(false); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& name) override;
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

    // After the whole text parsed: the bundle, or InputError naming the
    // origin and the first field found wrong.
    ParsedBundle finish();

    // What the reader keeps of each container it is inside.
    enum class Role { document, collectors, collector, facts, fact, seal, subjects, skipped };

private:
    struct Frame {
        Role role;
        int member = -1;        // of an object: the member being read, as its role numbers them
        std::size_t index = 0;  // of an array: the element being read
    };

    // A collector's members while it is read; its facts go straight to `run`.
    struct CollectorMembers {
        Member name, status, error, coverage;
        ArrayMember subjects = ArrayMember::absent, facts = ArrayMember::absent;
        std::vector<std::string> subject_list;
        std::optional<std::size_t> bad_subject; // the first that is not a string
        std::optional<std::string> fact_error;  // the first fact's error, in the last `facts`
        CollectorRun run;
    };

    bool scalar(Member::Type type, string_t* text, long long integer);
    bool open(bool is_array);
    bool close();
    Member* member(const Frame& frame);
    void element_not_an_object(Frame& frame);
    void end_fact(std::size_t index);
    void end_collector(std::size_t index);

    std::string origin_;
    std::vector<Frame> stack_;
    bool document_is_object_ = false;
    Member format_, version_, kind_, host_, taken_at_, finished_at_, tool_version_;
    ArrayMember collectors_ = ArrayMember::absent;
    std::vector<CollectorRun> runs_;
    std::optional<std::string> collector_error_; // the first collector's error, in the last `collectors`
    CollectorMembers collector_;
    Member subject_, key_, value_, event_time_; // of the fact being read
    SealMembers seal_;
};

} // namespace forensic::bundle
