// Reading JSON evidence (a saved `docker service inspect`, a CI results.json)
// with errors that name the file and the position, but never quote its
// content: the bytes around a syntax error may be a secret.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace forensic {

// Deeper than this is not evidence, and nlohmann prints (and copies) values
// recursively: a file of a million '[' would overflow the stack. Deeper text
// is an InputError here; a reader of SAX events of its own stops there too.
inline constexpr std::size_t max_json_depth = 512;

// The whole file. Throws InputError "<shown>: cannot be read: <reason>".
std::string read_text_file(const std::filesystem::path& real_path, const std::string& shown);

// Parses `text`; `callback` may drop values while parsing (see nlohmann's
// parser_callback_t). Throws InputError "<origin>: malformed JSON at line L,
// column C (byte N)".
nlohmann::json parse_json_text(std::string_view text, const std::string& origin,
                               const nlohmann::json::parser_callback_t& callback = nullptr);

// Parses `text` into `sax`, nlohmann's event interface, for a large file read
// without building its document. Same checks and errors as parse_json_text;
// the handler stops the parse by throwing, never by returning false.
void parse_json_events(std::string_view text, const std::string& origin, nlohmann::json_sax<nlohmann::json>& sax);

// The same events, from simdjson's parse of the whole document (several GB/s
// against nlohmann's ~80 MB/s; it holds about twice the text in memory while
// the events are replayed): for a large document read every night, such as
// abra's catalogue. Integers come as nlohmann gives them (number_unsigned
// when not negative); a float's text is its shortest round-trip form, not
// the bytes of the file. Text simdjson refuses (a syntax error, an integer
// beyond 64 bits) is parsed by parse_json_events instead, before any event,
// so the errors are its own.
void parse_json_events_indexed(std::string_view text, const std::string& origin,
                               nlohmann::json_sax<nlohmann::json>& sax);

// A JSON value as fact text: a string as it is, anything else as JSON.
std::string json_value_text(const nlohmann::json& value);

} // namespace forensic
