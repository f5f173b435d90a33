// One escaping function for each kind of output. Every name and value printed
// comes from a host that may be hostile — a recipe directory, a tag, a label,
// an app or run name, a reflog message, a host name — so each renderer (and
// every message tools/ prints) passes it through the function of the output
// it goes to. JSON needs none beyond valid UTF-8: nlohmann escapes controls.
//
// All of them first make the text visible as one line of plain characters:
// an invalid UTF-8 byte as \xNN, a C0 control as \n, \r, \t or \xNN (ESC is
// \x1b, BEL \x07), DEL as \x7f, a C1 control and the bidirectional controls
// that reorder a line (U+061C, U+200E/F, U+202A-U+202E, U+2066-U+2069) as
// \uXXXX. Backslashes are left as they are: the escapes are for reading, not
// for a round trip to the bytes (the JSON output keeps those).
#pragma once

#include <string>
#include <string_view>

namespace forensic::render {

// Text for a terminal (and a plain file): one visible line, as above.
std::string escape_terminal(std::string_view text);

// The same without a copy where none is needed: `text` itself when it is
// plain printable ASCII (most is), else its escaped form, kept in `storage`.
std::string_view escape_terminal_view(std::string_view text, std::string& storage);

// Markdown inline text, safe in a table cell too: every character with a
// meaning in CommonMark or GFM (\ ` * _ [ ] < > & | ~ and so on) is
// backslash-escaped, so no raw HTML, link, emphasis or cell boundary comes
// from the text.
std::string escape_markdown(std::string_view text);

// A whole Markdown code span, delimiters included, showing `text` as it is:
// a fence of more backticks than the longest run in the text, padded with a
// space where the text starts or ends with a backtick.
std::string escape_markdown_code(std::string_view text);

// The same inside a GFM table cell, where a `|` splits the row even inside a
// code span unless written `\|`.
std::string escape_markdown_code_cell(std::string_view text);

// HTML text content (and double-quoted attribute values): & < > " as
// character references; an apostrophe stays as it is.
std::string escape_html(std::string_view text);

// An HTML attribute value, either quote: the same, and ' as &#39;.
std::string escape_html_attribute(std::string_view text);

} // namespace forensic::render
