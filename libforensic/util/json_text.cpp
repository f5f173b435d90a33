#include "libforensic/util/json_text.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/file_bytes.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <optional>
#include <simdjson.h>
#include <vector>

namespace forensic {

std::string read_text_file(const std::filesystem::path& real_path, const std::string& shown)
{
    auto bytes = read_file_bytes(real_path);
    if (!bytes) throw InputError(shown + ": cannot be read: " + std::strerror(errno));
    return std::move(*bytes);
}

namespace {

constexpr std::size_t max_depth = max_json_depth;

// Where the text opens its (max_depth + 1)th nested level, if it does.
std::optional<std::size_t> too_deep_at(std::string_view text)
{
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

// "line L, column C (byte N)": `end` bytes read, as nlohmann counts them
// (from 1, pointing at the last byte read).
std::string position(std::string_view text, std::size_t end)
{
    std::size_t line = 1, column = 0;
    for (std::size_t i = 0; i < end && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 0;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(std::max<std::size_t>(column, 1)) +
           " (byte " + std::to_string(end) + ")";
}

// `end` in the text as parsed, in the original text: each byte escaped as
// \\xNN before it made the parsed text 4 bytes longer.
std::size_t original_end(std::size_t end, const std::vector<std::size_t>& escaped)
{
    for (std::size_t k = 0; k < escaped.size(); ++k) {
        auto start = escaped[k] + 4 * k; // where its escape begins in the parsed text
        if (start >= end) return end - 4 * k;
        if (start + 5 > end) return escaped[k] + 1; // the error is at that byte
    }
    return end - 4 * escaped.size();
}

// The text nlohmann is given: as it is, or, when not UTF-8, with each stray
// byte written \xNN (its place in `escaped`), so a hostile label or a corrupt
// file loses that byte's meaning and not the whole file (as everywhere in the
// store); outside strings it is still a syntax error.
struct ParsedText {
    std::string_view text;
    std::string valid;
    std::vector<std::size_t> escaped;
};

void check_depth(std::string_view text, const std::string& origin)
{
    if (auto at = too_deep_at(text))
        throw InputError(origin + ": nested deeper than " + std::to_string(max_depth) + " levels at " +
                         position(text, *at + 1));
}

// Text nlohmann accepts: invalid UTF-8 escaped (the escapes recorded, for
// positions in the original).
void make_parsable(std::string_view text, ParsedText& out)
{
    out.text = text;
    if (!is_valid_utf8(text)) {
        out.valid = to_valid_utf8(text, "\\\\", &out.escaped);
        out.text = out.valid;
    }
}

[[noreturn]] void throw_malformed(std::string_view text, const std::string& origin, const ParsedText& parsed,
                                  std::size_t byte)
{
    throw InputError(origin + ": malformed JSON at " +
                     position(text, original_end(std::min<std::size_t>(byte, parsed.text.size() + 1), parsed.escaped)));
}

[[noreturn]] void throw_too_large(const std::string& origin)
{
    // nlohmann says neither where nor, without quoting it, which number.
    throw InputError(origin + ": malformed JSON: a number too large to read");
}

// Passes every event on, and keeps where and why the parse failed.
class FailureRecorder final : public nlohmann::json_sax<nlohmann::json> {
public:
    explicit FailureRecorder(nlohmann::json_sax<nlohmann::json>& inner) : inner_(inner) {}

    bool null() override { return inner_.null(); }
    bool boolean(bool value) override { return inner_.boolean(value); }
    bool number_integer(number_integer_t value) override { return inner_.number_integer(value); }
    bool number_unsigned(number_unsigned_t value) override { return inner_.number_unsigned(value); }
    bool number_float(number_float_t value, const string_t& text) override { return inner_.number_float(value, text); }
    bool string(string_t& value) override { return inner_.string(value); }
    bool binary(binary_t& value) override { return inner_.binary(value); }
    // Deeper than max_depth stops the parse; the caller says where.
    bool start_object(std::size_t size) override { return ++depth_ <= max_depth && inner_.start_object(size); }
    bool key(string_t& value) override { return inner_.key(value); }
    bool end_object() override { return --depth_, inner_.end_object(); }
    bool start_array(std::size_t size) override { return ++depth_ <= max_depth && inner_.start_array(size); }
    bool end_array() override { return --depth_, inner_.end_array(); }
    bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& e) override
    {
        byte_ = byte;
        too_large_ = dynamic_cast<const nlohmann::json::out_of_range*>(&e) != nullptr;
        return false;
    }

    std::size_t byte_ = 0; // where it failed, as nlohmann counts
    bool too_large_ = false;

private:
    nlohmann::json_sax<nlohmann::json>& inner_;
    std::size_t depth_ = 0;
};

// Replays a simdjson element as nlohmann's SAX events; false where the
// handler (or the depth check in front of it) stopped.
class ElementReplay {
public:
    explicit ElementReplay(nlohmann::json_sax<nlohmann::json>& sax) : sax_(sax) {}

    bool replay(simdjson::dom::element element)
    {
        using type = simdjson::dom::element_type;
        switch (element.type()) {
        case type::OBJECT: {
            auto object = element.get_object().value_unsafe();
            if (!sax_.start_object(unknown_size)) return false;
            for (auto field : object) {
                text_.assign(field.key);
                if (!sax_.key(text_) || !replay(field.value)) return false;
            }
            return sax_.end_object();
        }
        case type::ARRAY: {
            auto array = element.get_array().value_unsafe();
            if (!sax_.start_array(unknown_size)) return false;
            for (auto item : array)
                if (!replay(item)) return false;
            return sax_.end_array();
        }
        case type::STRING:
            text_.assign(element.get_string().value_unsafe());
            return sax_.string(text_);
        case type::INT64: {
            auto value = element.get_int64().value_unsafe();
            if (value >= 0) return sax_.number_unsigned(static_cast<std::uint64_t>(value));
            return sax_.number_integer(value);
        }
        case type::UINT64: return sax_.number_unsigned(element.get_uint64().value_unsafe());
        case type::DOUBLE: {
            auto value = element.get_double().value_unsafe();
            char buffer[32];
            auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
            text_.assign(buffer, end);
            return sax_.number_float(value, text_);
        }
        case type::BOOL: return sax_.boolean(element.get_bool().value_unsafe());
        case type::NULL_VALUE: return sax_.null();
        }
        return false;
    }

private:
    static constexpr auto unknown_size = static_cast<std::size_t>(-1); // what nlohmann's parser passes
    nlohmann::json_sax<nlohmann::json>& sax_;
    std::string text_; // the event's string, reused
};

} // namespace

nlohmann::json parse_json_text(std::string_view text, const std::string& origin,
                               const nlohmann::json::parser_callback_t& callback)
{
    ParsedText parsed;
    check_depth(text, origin);
    make_parsable(text, parsed);
    try {
        return nlohmann::json::parse(parsed.text.begin(), parsed.text.end(), callback);
    } catch (const nlohmann::json::parse_error& e) {
        throw_malformed(text, origin, parsed, e.byte);
    } catch (const nlohmann::json::out_of_range&) {
        throw_too_large(origin);
    }
}

void parse_json_events(std::string_view text, const std::string& origin, nlohmann::json_sax<nlohmann::json>& sax)
{
    ParsedText parsed;
    make_parsable(text, parsed);
    FailureRecorder recorder(sax);
    if (nlohmann::json::sax_parse(parsed.text.begin(), parsed.text.end(), &recorder)) return;
    // Depth first, wherever it is, as parse_json_text reports it; only now:
    // a scan of the whole text was 5 % of a snapshot's CPU (the catalogue).
    check_depth(text, origin);
    if (recorder.too_large_) throw_too_large(origin);
    throw_malformed(text, origin, parsed, recorder.byte_);
}

void parse_json_events_indexed(std::string_view text, const std::string& origin,
                               nlohmann::json_sax<nlohmann::json>& sax)
{
    ParsedText parsed;
    make_parsable(text, parsed);
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(parsed.text.data(), parsed.text.size()).get(root) != simdjson::SUCCESS) {
        parse_json_events(text, origin, sax); // its errors, or what simdjson alone refuses
        return;
    }
    FailureRecorder recorder(sax);
    if (ElementReplay(recorder).replay(root)) return;
    // Stopped by the depth check, as parse_json_events stops there.
    check_depth(text, origin);
    throw_malformed(text, origin, parsed, recorder.byte_);
}

std::string json_value_text(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace forensic
