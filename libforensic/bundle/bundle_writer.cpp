#include "libforensic/bundle/bundle_writer.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_seal.hpp"
#include "libforensic/bundle/bundle_upgrade.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::bundle {
namespace {

constexpr std::size_t flush_at = 1 << 20;

// JSON as nlohmann's dump(1) lays it out: each member and element on its own
// line, indented one space a level; an empty container as {} or [].
class PrettyJson {
public:
    explicit PrettyJson(const TextSink& sink) : sink_(sink) {}

    void begin_object() { open('{'); }
    void begin_array() { open('['); }
    void end_object() { close('}'); }
    void end_array() { close(']'); }
    void key(std::string_view name)
    {
        new_line();
        quoted(name);
        text_ += ": ";
        after_key_ = true;
    }
    void string(std::string_view value)
    {
        before_value();
        quoted(value);
    }
    void integer(long long value)
    {
        before_value();
        text_ += std::to_string(value);
    }
    void member(std::string_view name, std::string_view value)
    {
        key(name);
        string(value);
    }
    void finish()
    {
        text_ += '\n';
        sink_(text_);
        text_.clear();
    }

private:
    void before_value()
    {
        if (after_key_)
            after_key_ = false;
        else
            new_line();
    }
    // Before an item of the innermost container: the comma after the one before.
    void new_line()
    {
        if (has_items_.empty()) return;
        text_ += has_items_.back() ? ",\n" : "\n";
        has_items_.back() = true;
        text_.append(has_items_.size(), ' ');
    }
    void open(char bracket)
    {
        before_value();
        text_ += bracket;
        has_items_.push_back(false);
    }
    void close(char bracket)
    {
        bool any = has_items_.back();
        has_items_.pop_back();
        if (any) {
            text_ += '\n';
            text_.append(has_items_.size(), ' ');
        }
        text_ += bracket;
        if (text_.size() >= flush_at) {
            sink_(text_);
            text_.clear();
        }
    }
    // As it is when nothing in it is escaped (nearly every fact); else as
    // nlohmann escapes it, bytes that are not UTF-8 replaced as export did.
    void quoted(std::string_view value)
    {
        bool ascii = true;
        for (unsigned char c : value) {
            if (c < 0x20 || c == '"' || c == '\\') return escaped(value);
            ascii = ascii && c < 0x80;
        }
        if (!ascii && !is_valid_utf8(value)) return escaped(value);
        text_ += '"';
        text_ += value;
        text_ += '"';
    }
    void escaped(std::string_view value)
    {
        text_ += nlohmann::json(value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }

    const TextSink& sink_;
    std::string text_;
    std::vector<bool> has_items_; // per open container, innermost last
    bool after_key_ = false;
};

void write_run(PrettyJson& out, const CollectorRun& c)
{
    out.begin_object();
    out.member("name", c.name);
    out.member("status", to_string(c.status));
    if (!c.error.empty()) out.member("error", c.error);
    if (c.coverage != Coverage::full) out.member("coverage", to_string(c.coverage));
    if (c.coverage == Coverage::subjects) {
        out.key("subjects");
        out.begin_array();
        for (const auto& s : c.observed_subjects) out.string(s);
        out.end_array();
    }
    out.key("facts");
    out.begin_array();
    for (const auto& f : c.facts) {
        out.begin_object();
        out.member("subject", f.subject);
        out.member("key", f.key);
        out.member("value", f.value);
        if (f.event_time) out.member("event_time", format_rfc3339(*f.event_time));
        out.end_object();
    }
    out.end_array();
    out.end_object();
}

} // namespace

void write_bundle(const SnapshotInput& snapshot, const std::optional<store::StoredSeal>& seal, const TextSink& sink)
{
    bool partial = std::any_of(snapshot.collectors.begin(), snapshot.collectors.end(),
                               [](const CollectorRun& c) { return c.coverage != Coverage::full; });
    PrettyJson out(sink);
    out.begin_object();
    out.member("format", format_name);
    out.key("version");
    // The lowest version that holds the content.
    out.integer(holds_dense_tags(snapshot)                        ? dense_tags_format_version
                : seal                                             ? sealed_format_version
                : partial || snapshot.kind != SnapshotKind::snapshot ? 2
                                                                   : 1);
    if (snapshot.kind != SnapshotKind::snapshot) out.member("kind", to_string(snapshot.kind));
    out.member("host", snapshot.host);
    out.member("taken_at", format_rfc3339(snapshot.taken_at));
    out.member("finished_at", format_rfc3339(snapshot.finished_at));
    out.member("tool_version", snapshot.tool_version);
    out.key("collectors");
    out.begin_array();
    for (const auto& c : snapshot.collectors) write_run(out, c);
    out.end_array();
    if (seal) {
        out.key("seal");
        out.begin_object();
        out.member("content", seal->content);
        out.member("chain", seal->chain);
        out.end_object();
    }
    out.end_object();
    out.finish();
}

} // namespace forensic::bundle
