#include "libforensic/collect/run_results.hpp"

#include "libforensic/collect/abra_stamp.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"
#include "libforensic/util/secrets.hpp"

#include <set>

namespace forensic::collect {
namespace {

using json = nlohmann::json;

class ResultsReader {
public:
    ResultsReader(std::string origin, std::string subject) : origin_(std::move(origin)), subject_(std::move(subject)) {}

    RunResults read(const json& doc)
    {
        static const std::set<std::string> scalars = {"recipe", "ref", "pr", "level", "clean_teardown",
                                                      "no_secret_leak"};
        for (const auto& [field, value] : doc.items()) {
            if (scalars.contains(field))
                scalar(field, field, value);
            else if (field == "tiers" || field == "rungs")
                results(field, field == "tiers" ? "tier:" : "rung:", value);
            else if (field == "started" || field == "finished")
                time(field, value);
            else if (field == "failures")
                failures(value);
            else if (field == "hc1")
                structured_hc1(value);
            else
                add("extra:" + field, unknown_value(field, value));
        }
        hc1_facts();
        return std::move(out_);
    }

private:
    // A field nobody told us about may hold anything, a deploy token too: it
    // is recorded by name; only a number, boolean or null, under a name that
    // does not say secret, is kept as written (docs/collectors.md).
    static std::string unknown_value(const std::string& field, const json& value)
    {
        if (is_secret_name(field)) return withheld("secret-named field");
        if (value.is_number() || value.is_boolean() || value.is_null()) return value.dump();
        return withheld(value.is_string() ? "a string" : value.is_array() ? "an array" : "an object");
    }

    void add(std::string key, std::string value, std::optional<TimeNs> at = {})
    {
        out_.facts.push_back({subject_, std::move(key), std::move(value), at});
    }

    void wrong(const std::string& field, const char* expected)
    {
        out_.errors.push_back(origin_ + ": '" + field + "' is not " + expected);
    }

    void scalar(const std::string& field, const std::string& key, const json& value)
    {
        if (value.is_null()) return;
        if (value.is_structured()) return wrong(field, "a string, number or boolean");
        add(key, json_value_text(value));
    }

    void results(const std::string& field, const std::string& prefix, const json& value)
    {
        if (!value.is_object()) return wrong(field, "an object");
        for (const auto& [name, result] : value.items()) scalar(field + "." + name, prefix + name, result);
    }

    void time(const std::string& field, const json& value)
    {
        std::optional<TimeNs> at;
        if (value.is_number()) {
            at = from_epoch_seconds(value.get<double>());
        } else if (value.is_string()) {
            at = parse_rfc3339(value.get<std::string>());
        }
        if (!at) return wrong(field, "a time (epoch seconds or RFC 3339)");
        add(field, format_rfc3339(*at), at);
    }

    void failures(const json& value)
    {
        if (!value.is_object()) return wrong("failures", "an object");
        for (const auto& [tier, text] : value.items()) {
            add("failure:" + tier, json_value_text(text));
            if (!from_message_)
                if (auto mismatch = find_hc1_mismatch(json_value_text(text))) from_message_ = std::move(*mismatch);
        }
    }

    // A harness may record HC1 as fields: {"hc1": {"expected": REF, "observed": STAMP}}.
    void structured_hc1(const json& value)
    {
        auto text = [&](const char* name) -> std::optional<std::string> {
            auto it = value.is_object() ? value.find(name) : value.end();
            if (it == value.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
            return it->get<std::string>();
        };
        auto expected = text("expected"), observed = text("observed");
        if (!expected || !observed) return wrong("hc1", "an object with strings 'expected' and 'observed'");
        from_fields_ = Hc1Mismatch{*observed, *expected};
    }

    // The fields win over the harness's English message; both are read, and
    // when they disagree the run says so.
    void hc1_facts()
    {
        const auto* mismatch = from_fields_ ? &*from_fields_ : from_message_ ? &*from_message_ : nullptr;
        if (!mismatch) return;
        add("hc1.observed", mismatch->observed);
        if (auto stamp = decode_chaos_stamp(mismatch->observed)) {
            add("hc1.observed_commit", stamp->commit);
            if (stamp->dirty) add("hc1.observed_dirty", *stamp->dirty ? "true" : "false");
        }
        add("hc1.expected", mismatch->expected);
        add("hc1.from", from_fields_ ? "fields" : "message");
        if (from_fields_ && from_message_ &&
            (from_fields_->observed != from_message_->observed || from_fields_->expected != from_message_->expected))
            out_.errors.push_back(origin_ + ": 'hc1' says " + from_fields_->observed + " for " + from_fields_->expected +
                                  " but the failure text says " + from_message_->observed + " for " +
                                  from_message_->expected + " (the fields are recorded)");
    }

    std::string origin_, subject_;
    RunResults out_;
    std::optional<Hc1Mismatch> from_message_, from_fields_;
};

// The text between `quote`-delimited marks after `lead`, from `pos`.
std::optional<std::string_view> quoted_after(std::string_view text, std::string_view lead, std::size_t& pos)
{
    auto start = text.find(lead, pos);
    if (start == std::string_view::npos) return std::nullopt;
    start += lead.size();
    auto end = text.find('\'', start);
    if (end == std::string_view::npos) return std::nullopt;
    pos = end + 1;
    return text.substr(start, end - start);
}

} // namespace

std::optional<Hc1Mismatch> find_hc1_mismatch(std::string_view failure_text)
{
    std::size_t pos = 0;
    auto observed = quoted_after(failure_text, "upgrade deployed chaos commit '", pos);
    if (!observed) return std::nullopt;
    constexpr std::string_view middle = ", not the intended PR-head '";
    if (failure_text.substr(pos, middle.size()) != middle) return std::nullopt;
    auto expected = quoted_after(failure_text, middle, pos);
    if (!expected) return std::nullopt;
    return Hc1Mismatch{std::string(*observed), std::string(*expected)};
}

RunResults read_run_results(std::string_view text, const std::string& origin, const std::string& subject)
{
    auto doc = parse_json_text(text, origin);
    if (!doc.is_object()) throw InputError(origin + ": expected a JSON object");
    return ResultsReader(origin, subject).read(doc);
}

} // namespace forensic::collect
