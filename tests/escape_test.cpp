// The escaping functions of render/escape.hpp, over the names a collector can
// produce: recipe directories, tags and branches, labels, app and run names,
// reflog messages, host names — each with the bytes that attack its output.
// The Markdown ones are checked against what a CommonMark reader makes of them
// by the rules that matter (code spans, backslash escapes, table cells); the
// HTML ones by the characters that could open a tag or leave an attribute.
#include "libforensic/render/escape.hpp"

#include <cctype>
#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace forensic::render;

namespace {

// One name of each kind a collector records, each as hostile as its source
// allows: file names may hold any byte but '/' and NUL, ref names whatever a
// loose ref file is called, labels and messages anything.
const std::vector<std::string>& hostile_names()
{
    static const std::vector<std::string> names = {
        "evil\x1b]0;pwned\x07",                        // recipe directory: an OSC title change, BEL-ended
        "forge\nswarm discourse stamp.commit",         // recipe directory: a newline forging another subject
        "pipe|split | row",                            // recipe directory: a Markdown cell boundary
        "tick`break``out",                             // recipe directory: backticks
        "<img src=x onerror=alert(1)>",                // recipe directory: raw HTML
        "tag:v\x1b[2J\x1b[H",                          // tag: clear the screen
        "branch:main\r\x1b[31mfake",                   // branch: carriage return, colour
        "spec.label:a\"b' onmouseover='x",             // label key: leaving an attribute
        "app/\x1b[1;31mred\x1b[0m.example.org",        // app name
        "run/\x07\x07\x7f",                            // run id: BEL and DEL
        "checkout: \x1b]8;;http://evil\x07click\x1b]8;;\x07", // reflog message: a terminal hyperlink
        "cc-ci\xc2\x9b" "31m",                         // host name: C1 CSI
        "admin\xe2\x80\xae" "gnp.exe",                 // host name: right-to-left override
        "caf\xc3\xa9 \xe2\x86\x92 ok",                 // plain UTF-8 stays
        "bad \xff\xfe bytes",                          // invalid UTF-8
        "**bold** _em_ [link](http://x) ![i](y) ~~s~~ $x$ @team &amp; \\",
    };
    return names;
}

bool has_control(const std::string& text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) return true;
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) return true;
        if (text.compare(i, 3, "\xe2\x80\xae") == 0) return true;
    }
    return false;
}

// The text a CommonMark reader shows for inline text written with backslash
// escapes only (what escape_markdown produces): each "\x" of ASCII
// punctuation is "x". Fails on anything that would start markup unescaped.
std::string read_escaped_markdown(const std::string& md)
{
    static const std::string markup = "`*_[]<>&|~$@";
    std::string out;
    for (std::size_t i = 0; i < md.size(); ++i) {
        if (md[i] == '\\' && i + 1 < md.size() && std::ispunct(static_cast<unsigned char>(md[i + 1]))) {
            out += md[++i];
            continue;
        }
        CHECK_MESSAGE(markup.find(md[i]) == std::string::npos, "unescaped '" << md[i] << "' in " << md);
        out += md[i];
    }
    return out;
}

// The contents of one code span as CommonMark reads it, or fails.
std::string read_code_span(const std::string& span)
{
    auto open = span.find_first_not_of('`');
    REQUIRE(open != std::string::npos);
    auto fence = span.substr(0, open);
    REQUIRE(span.size() >= 2 * fence.size());
    REQUIRE(span.substr(span.size() - fence.size()) == fence);
    auto body = span.substr(open, span.size() - 2 * fence.size());
    // No run of exactly the fence's length inside: it would close the span.
    for (std::size_t i = 0; i < body.size();) {
        auto end = body.find_first_not_of('`', i);
        auto run = (end == std::string::npos ? body.size() : end) - i;
        if (body[i] == '`') {
            CHECK(run != fence.size());
            i += run;
        } else {
            ++i;
        }
    }
    if (body.size() >= 2 && body.front() == ' ' && body.back() == ' ' && body.find_first_not_of(' ') != std::string::npos)
        body = body.substr(1, body.size() - 2);
    return body;
}

} // namespace

TEST_CASE("escape_terminal: one visible line, no control a terminal would act on, plain text untouched")
{
    CHECK(escape_terminal("") == "");
    CHECK(escape_terminal("discourse 0.9.0+3.5.0") == "discourse 0.9.0+3.5.0");
    CHECK(escape_terminal("caf\xc3\xa9 \xe2\x86\x92 ok") == "caf\xc3\xa9 \xe2\x86\x92 ok");
    CHECK(escape_terminal("a\nb\tc\rd") == "a\\nb\\tc\\rd");
    CHECK(escape_terminal("\x1b[31mred\x07") == "\\x1b[31mred\\x07");
    CHECK(escape_terminal("\x7f" "first") == "\\x7ffirst");
    CHECK(escape_terminal(std::string("nul\0byte", 8)) == "nul\\x00byte");
    CHECK(escape_terminal("csi\xc2\x9b" "31m") == "csi\\u009b31m");
    CHECK(escape_terminal("nbsp\xc2\xa0ok") == "nbsp\xc2\xa0ok"); // U+00A0 is text
    CHECK(escape_terminal("admin\xe2\x80\xae" "gnp.exe") == "admin\\u202egnp.exe");
    CHECK(escape_terminal("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u2066x\\u2069");
    CHECK(escape_terminal("bad \xff\xfe") == "bad \\xff\\xfe");
    CHECK(escape_terminal("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate, each byte
    CHECK(escape_terminal("cut \xe2\x86") == "cut \\xe2\\x86");
    for (const auto& name : hostile_names()) {
        INFO(name);
        auto out = escape_terminal(name);
        CHECK_FALSE(has_control(out));
        CHECK(out.find('\n') == std::string::npos);
        CHECK(escape_terminal(out) == out); // escaping twice shows the same
    }
}

TEST_CASE("escape_markdown: every name reads back as itself, with no markup, HTML or cell boundary of its own")
{
    for (const auto& name : hostile_names()) {
        INFO(name);
        auto md = escape_markdown(name);
        CHECK(md.find('\n') == std::string::npos);
        CHECK_FALSE(has_control(md));
        CHECK(read_escaped_markdown(md) == escape_terminal(name));
    }
    CHECK(escape_markdown("a|b") == "a\\|b");
    CHECK(escape_markdown("<script>") == "\\<script\\>");
    CHECK(escape_markdown("discourse 0.9.0+3.5.0") == "discourse 0.9.0+3.5.0"); // nothing to escape
    CHECK(escape_markdown("update_status.state") == "update\\_status.state");
}

TEST_CASE("escape_markdown_code: a span no backtick closes early; in a table cell no '|' splits the row")
{
    CHECK(escape_markdown_code("head.commit") == "`head.commit`");
    CHECK(escape_markdown_code("a`b") == "``a`b``");
    CHECK(escape_markdown_code("`x`") == "`` `x` ``");
    CHECK(escape_markdown_code("") == "` `");
    CHECK(escape_markdown_code("a|b") == "`a|b`");
    CHECK(escape_markdown_code_cell("a|b") == "`a\\|b`");
    for (const auto& name : hostile_names()) {
        INFO(name);
        auto span = escape_markdown_code(name);
        CHECK(span.find('\n') == std::string::npos);
        CHECK_FALSE(has_control(span));
        CHECK(read_code_span(span) == escape_terminal(name));
        auto cell = escape_markdown_code_cell(name);
        for (std::size_t i = 0; i < cell.size(); ++i)
            if (cell[i] == '|') CHECK((i > 0 && cell[i - 1] == '\\'));
    }
}

TEST_CASE("escape_html and escape_html_attribute: no tag opens, no attribute is left, controls are visible")
{
    CHECK(escape_html("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
    CHECK(escape_html("a & b") == "a &amp; b");
    CHECK(escape_html_attribute("a\"b' onmouseover='x") == "a&quot;b&#39; onmouseover=&#39;x");
    for (const auto& name : hostile_names()) {
        INFO(name);
        CHECK(escape_html(name).find_first_of("<>\"") == std::string::npos);
        CHECK(escape_html_attribute(name).find_first_of("<>\"'") == std::string::npos);
        for (const auto& out : {escape_html(name), escape_html_attribute(name)}) {
            CHECK_FALSE(has_control(out));
            // Every '&' starts one of the references written here.
            for (auto at = out.find('&'); at != std::string::npos; at = out.find('&', at + 1)) {
                auto ref = out.substr(at, out.find(';', at) - at + 1);
                CHECK((ref == "&amp;" || ref == "&lt;" || ref == "&gt;" || ref == "&quot;" || ref == "&#39;"));
            }
        }
    }
}
