#include "libforensic/git/release_tag.hpp"

#include <cctype>

namespace forensic::git {

bool is_release_tag(std::string_view name)
{
    auto plus = name.find('+');
    if (plus == std::string_view::npos || plus + 1 == name.size()) return false;
    auto version = name.substr(0, plus);
    // Digits separated by single dots, at least major.minor.
    int components = 0;
    bool in_digits = false;
    for (char c : version) {
        if (std::isdigit(static_cast<unsigned char>(c))) {
            if (!in_digits) ++components;
            in_digits = true;
        } else if (c == '.' && in_digits) {
            in_digits = false;
        } else {
            return false;
        }
    }
    if (!in_digits || components < 2) return false;
    for (char c : name.substr(plus + 1))
        if (std::isspace(static_cast<unsigned char>(c))) return false;
    return true;
}

} // namespace forensic::git
