#include "libforensic/analyze/relevance.hpp"

#include <array>

namespace forensic::analyze {
namespace {

bool starts_with_any(std::string_view key, std::initializer_list<std::string_view> prefixes)
{
    for (auto p : prefixes)
        if (key.starts_with(p)) return true;
    return false;
}

} // namespace

bool stamp_relevant(std::string_view source, std::string_view subject, std::string_view key)
{
    if (key == "error") return false;
    if (source == "nix") return key.starts_with("abra.") || (subject == "current-system" && key == "store_path");
    if (source == "abra") return key != "present";
    if (source == "recipes")
        return starts_with_any(key, {"head.", "describe", "tag:", "reflog:", "worktree."});
    if (source == "mirrors") return starts_with_any(key, {"head", "branch:", "tag:"});
    if (source == "catalogue") return key.starts_with("version:");
    if (source == "swarm") {
        if (subject.starts_with("app/")) return key == "version" || key == "env.mtime";
        return starts_with_any(key, {"stamp.", "previous_stamp.", "spec.label:coop-cloud.",
                                     "previous_spec.label:coop-cloud.", "previous_spec.present", "update_status.",
                                     "update_config.", "rollback_config."});
    }
    if (source == "runs") return key.starts_with("hc1.");
    if (source == "swarm-events") return key.starts_with("event:"); // an update, a rollback, a removal
    return false;
}

} // namespace forensic::analyze
