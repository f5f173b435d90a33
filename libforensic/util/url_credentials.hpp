// Credentials in URLs (https://user:token@host/..., ?access_token=...) are
// secrets: they are removed before a URL, or any text that may quote one, is
// stored or printed.
#pragma once

#include <string>
#include <string_view>

namespace forensic {

// Removes the user-info part ("user:password@") of every scheme://... URL in
// `text`: "https://u:p@host/x" → "https://host/x", and writes "***" for the
// value of each query parameter whose name says secret (secrets.hpp):
// "?access_token=abc&ref=main" → "?access_token=***&ref=main". Other text
// is unchanged.
std::string strip_url_credentials(std::string_view text);

// Removes from `text` (e.g. an error message about `url`) every form of the
// credentials `url` carries: the user-info as written and its password, the
// values of its secret-named query parameters, percent-decoded too, each
// replaced by "***"; then strips URLs as above.
std::string scrub_credentials(std::string_view text, std::string_view url);

} // namespace forensic
