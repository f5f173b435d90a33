// Host data may hold any bytes (ref names, labels); the store and every output
// hold valid UTF-8, with other bytes written as \xNN. What each output kind
// escapes beyond that is render/escape.hpp's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace forensic {

bool is_valid_utf8(std::string_view text);

// Returns `text` unchanged when valid; otherwise escapes each invalid byte as
// \xNN (and a literal backslash before "x" stays as it is: the escape is for
// reading, not for a round trip to the original bytes). `backslash` is what
// the escape starts with: "\\\\" inside JSON text, so that it decodes to \xNN.
// `escaped_at`, when given, receives the offset in `text` of each byte escaped.
std::string to_valid_utf8(std::string_view text, std::string_view backslash = "\\",
                          std::vector<std::size_t>* escaped_at = nullptr);

// Code points in valid UTF-8 text (what a terminal column or a label is
// measured in here), and the text cut to at most `n` of them.
std::size_t code_points(std::string_view text);
std::string first_code_points(std::string_view text, std::size_t n);

} // namespace forensic
