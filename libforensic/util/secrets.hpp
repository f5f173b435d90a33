// What says "secret" besides a URL's user-info (url_credentials.hpp): a name
// — a label key, a query parameter, a JSON field, an environment variable —
// that names a password, token, key or credential. Its value is never
// stored; that the name exists is.
#pragma once

#include <string>
#include <string_view>

namespace forensic {

// The value stored in place of one withheld: "(withheld: <why>)".
std::string withheld(std::string_view why);

// Whether `name` says it holds a secret. Split into words at anything not a
// letter or digit and at camelCase humps ("DB_PASSWORD", "apiToken",
// "traefik.http.middlewares.x.basicauth.users"), it has a word that is one of
// password, passwd, pass, pwd, passphrase, secret(s), token(s), credential(s),
// creds, auth, authorization, basicauth, apikey, privatekey, cookie, jwt,
// bearer, otp, sig, signature, or holds password, passwd, secret, token,
// credential or apikey inside a word ("dbpassword"), or is "key" after api,
// private, access, secret, ssh, signing or encryption, or is "key" alone.
bool is_secret_name(std::string_view name);

// `text` with the value of every NAME=value whose NAME is secret-named (as
// an environment variable, a query parameter or a label writes it) replaced
// by "***": "PGPASSWORD=hunter2 psql" → "PGPASSWORD=*** psql". The value ends
// at white space, a quote, '&', ';' or ','; a quoted one at its closing quote.
std::string scrub_secret_assignments(std::string_view text);

} // namespace forensic
