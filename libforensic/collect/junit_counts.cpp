#include "libforensic/collect/junit_counts.hpp"

#include "libforensic/util/error.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace forensic::collect {
namespace {

struct Tag {
    std::string_view name;
    std::string_view attributes;
    bool closing = false;
    bool self_closing = false;
    std::size_t offset = 0;
};

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The next element tag from `pos`, past comments, CDATA, <?...?> and <!...>.
std::optional<Tag> next_tag(std::string_view xml, std::size_t& pos)
{
    while ((pos = xml.find('<', pos)) != std::string_view::npos) {
        auto rest = xml.substr(pos);
        auto skip_to = [&](std::string_view end) {
            auto found = xml.find(end, pos);
            pos = found == std::string_view::npos ? xml.size() : found + end.size();
        };
        if (rest.starts_with("<!--")) {
            skip_to("-->");
        } else if (rest.starts_with("<![CDATA[")) {
            skip_to("]]>");
        } else if (rest.starts_with("<?")) {
            skip_to("?>");
        } else if (rest.starts_with("<!")) {
            skip_to(">");
        } else {
            Tag tag;
            tag.offset = pos;
            std::size_t i = pos + 1;
            if (i < xml.size() && xml[i] == '/') {
                tag.closing = true;
                ++i;
            }
            auto name_start = i;
            while (i < xml.size() && !is_space(xml[i]) && xml[i] != '/' && xml[i] != '>') ++i;
            tag.name = xml.substr(name_start, i - name_start);
            auto attributes_start = i;
            char quote = 0;
            for (; i < xml.size() && (quote || xml[i] != '>'); ++i)
                if (xml[i] == '"' || xml[i] == '\'') quote = quote == xml[i] ? 0 : (quote ? quote : xml[i]);
            auto attributes_end = i;
            if (attributes_end > attributes_start && xml[attributes_end - 1] == '/') {
                tag.self_closing = true;
                --attributes_end;
            }
            tag.attributes = xml.substr(attributes_start, attributes_end - attributes_start);
            pos = std::min(i + 1, xml.size());
            return tag;
        }
    }
    pos = xml.size();
    return std::nullopt;
}

// The value of attribute `name`, quotes removed.
std::optional<std::string_view> attribute(std::string_view attributes, std::string_view name)
{
    std::size_t i = 0;
    while (i < attributes.size()) {
        while (i < attributes.size() && is_space(attributes[i])) ++i;
        auto name_start = i;
        while (i < attributes.size() && attributes[i] != '=' && !is_space(attributes[i])) ++i;
        auto found = attributes.substr(name_start, i - name_start);
        while (i < attributes.size() && is_space(attributes[i])) ++i;
        if (i >= attributes.size() || attributes[i] != '=') {
            ++i;
            continue;
        }
        ++i;
        while (i < attributes.size() && is_space(attributes[i])) ++i;
        if (i >= attributes.size()) break;
        char quote = attributes[i];
        if (quote != '"' && quote != '\'') {
            ++i; // an unquoted value: not XML, skip it
            continue;
        }
        auto close = attributes.find(quote, i + 1);
        if (close == std::string_view::npos) break;
        if (found == name) return attributes.substr(i + 1, close - i - 1);
        i = close + 1;
    }
    return std::nullopt;
}

std::size_t line_of(std::string_view xml, std::size_t offset)
{
    return 1 + static_cast<std::size_t>(std::count(xml.begin(), xml.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

void add_counts(std::string_view xml, const Tag& tag, const std::string& origin, JunitCounts& counts)
{
    auto add = [&](std::string_view name, long long& total) {
        auto value = attribute(tag.attributes, name);
        if (!value) return;
        long long n = 0;
        auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
        auto fail = [&](const char* why) {
            throw InputError(origin + ": <" + std::string(tag.name) + "> at line " +
                             std::to_string(line_of(xml, tag.offset)) + ": " + std::string(name) + "=\"" +
                             std::string(*value) + "\" " + why);
        };
        if (ec != std::errc() || end != value->data() + value->size() || n < 0) fail("is not a count");
        if (__builtin_add_overflow(total, n, &total)) fail("makes the total too large");
    };
    add("tests", counts.tests);
    add("failures", counts.failures);
    add("errors", counts.errors);
    add("skipped", counts.skipped);
}

} // namespace

JunitCounts read_junit_counts(std::string_view xml, const std::string& origin)
{
    JunitCounts counts;
    std::optional<Tag> root;
    bool found_suite = false;
    int depth = 0; // nested <testsuite> elements are counted by their parent
    std::size_t pos = 0;
    while (auto tag = next_tag(xml, pos)) {
        if (tag->name == "testsuites" && !tag->closing && !root) root = tag;
        if (tag->name != "testsuite") continue;
        if (tag->closing) {
            depth = std::max(0, depth - 1);
            continue;
        }
        if (depth == 0) {
            add_counts(xml, *tag, origin, counts);
            found_suite = true;
        }
        if (!tag->self_closing) ++depth;
    }
    if (!found_suite) {
        if (!root || !attribute(root->attributes, "tests")) throw InputError(origin + ": no <testsuite> element");
        add_counts(xml, *root, origin, counts);
    }
    return counts;
}

std::string format_junit_counts(const JunitCounts& counts)
{
    return "tests=" + std::to_string(counts.tests) + " failures=" + std::to_string(counts.failures) +
           " errors=" + std::to_string(counts.errors) + " skipped=" + std::to_string(counts.skipped);
}

} // namespace forensic::collect
