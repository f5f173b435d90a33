// The escaping functions over any bytes: terminal text holds no control and
// is valid UTF-8, escaping twice shows the same; Markdown and HTML hold none
// of their markup unescaped; a code span holds no run of its own fence.
#include "fuzz_input.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/util/utf8.hpp"

#include <string>

using namespace forensic;

namespace {

bool has_control(std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) return true;
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) return true;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = fuzz::as_text(data, size);
    auto terminal = render::escape_terminal(text);
    if (has_control(terminal) || !is_valid_utf8(terminal)) fuzz::broken("terminal text is visible UTF-8");
    if (render::escape_terminal(terminal) != terminal) fuzz::broken("escaping twice shows the same");
    auto md = render::escape_markdown(text);
    for (std::size_t i = 0; i < md.size(); ++i) {
        if (md[i] == '\\') {
            ++i;
            continue;
        }
        if (std::string_view("`*_[]<>&|~$@").find(md[i]) != std::string_view::npos)
            fuzz::broken("Markdown markup is escaped");
    }
    // Text content keeps an apostrophe as written; an attribute value does not.
    auto html = render::escape_html(text);
    if (html.find_first_of("<>\"") != std::string::npos || has_control(html)) fuzz::broken("HTML holds no markup");
    auto attribute = render::escape_html_attribute(text);
    if (attribute.find_first_of("<>\"'") != std::string::npos || has_control(attribute))
        fuzz::broken("an HTML attribute value holds no quote");
    auto span = render::escape_markdown_code_cell(text);
    auto fence = span.substr(0, span.find_first_not_of('`'));
    auto body = span.substr(fence.size(), span.size() - 2 * fence.size());
    if (body.find(fence) != std::string::npos) fuzz::broken("no run of the fence inside a code span");
    for (std::size_t i = 0; i < span.size(); ++i)
        if (span[i] == '|' && (i == 0 || span[i - 1] != '\\')) fuzz::broken("a cell's code span escapes '|'");
    return 0;
}
