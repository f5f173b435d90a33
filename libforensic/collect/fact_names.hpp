// The names of the facts the analysis reads, each declared once here beside
// the collectors that make them (docs/collectors.md describes every one), so
// that analyze/ and render/ use them by name: renaming a key breaks the
// build instead of quietly turning a hypothesis inconclusive.
#pragma once

#include <string_view>

namespace forensic::collect {

// nix_generations.cpp
namespace nix {
inline constexpr std::string_view source = "nix";
inline constexpr std::string_view generation_prefix = "generation/"; // subject generation/N
inline constexpr std::string_view created = "created";
inline constexpr std::string_view store_path = "store_path";
inline constexpr std::string_view abra_present = "abra.present";
inline constexpr std::string_view abra_store_path = "abra.store_path";
inline constexpr std::string_view abra_version = "abra.version";
inline constexpr std::string_view profile = "profile";               // subject: what `system` points to
inline constexpr std::string_view current_system = "current-system"; // subject: the running system
inline constexpr std::string_view generation = "generation";         // key of both
} // namespace nix

// abra_binary.cpp
namespace abra {
inline constexpr std::string_view source = "abra";
inline constexpr std::string_view active = "active"; // subject: the binary the host would run
inline constexpr std::string_view candidate = "candidate";
inline constexpr std::string_view sha256 = "sha256";
} // namespace abra

// recipe_checkouts.cpp (subject: the recipe)
namespace recipes {
inline constexpr std::string_view source = "recipes";
inline constexpr std::string_view head_commit = "head.commit";
inline constexpr std::string_view head_ref = "head.ref";
inline constexpr std::string_view describe = "describe";
inline constexpr std::string_view tag_prefix = "tag:"; // tag:<name>, one fact a tag (model/tag_fact.hpp)
inline constexpr std::string_view branch_prefix = "branch:";
inline constexpr std::string_view remote_prefix = "remote:";
inline constexpr std::string_view reflog_prefix = "reflog:";
inline constexpr std::string_view worktree_untracked = "worktree.untracked";
inline constexpr std::string_view worktree_untracked_paths = "worktree.untracked_paths";
inline constexpr std::string_view worktree_modified = "worktree.modified";
} // namespace recipes

// recipe_mirrors.cpp (subject: the recipe); tags and branches as in recipes
namespace mirrors {
inline constexpr std::string_view source = "mirrors";
inline constexpr std::string_view head = "head";
inline constexpr std::string_view head_ref = "head.ref";
} // namespace mirrors

// abra_catalogue.cpp
namespace catalogue {
inline constexpr std::string_view source = "catalogue";
} // namespace catalogue

// swarm_services.cpp, swarm_facts.cpp, abra_apps.cpp (subject: the service, or app/<name>)
namespace swarm {
inline constexpr std::string_view source = "swarm";
inline constexpr std::string_view app_prefix = "app/";
inline constexpr std::string_view recipe = "recipe"; // of a service and of an app
inline constexpr std::string_view stack = "stack";
inline constexpr std::string_view app = "app";
inline constexpr std::string_view created_at = "created_at";
inline constexpr std::string_view updated_at = "updated_at";
inline constexpr std::string_view stamp_chaos_version = "stamp.chaos_version";
inline constexpr std::string_view stamp_commit = "stamp.commit";
inline constexpr std::string_view previous_stamp_chaos_version = "previous_stamp.chaos_version";
inline constexpr std::string_view previous_stamp_commit = "previous_stamp.commit";
inline constexpr std::string_view previous_spec_present = "previous_spec.present";
inline constexpr std::string_view update_state = "update_status.state";
inline constexpr std::string_view update_message = "update_status.message";
inline constexpr std::string_view update_started_at = "update_status.started_at";
inline constexpr std::string_view update_completed_at = "update_status.completed_at";
inline constexpr std::string_view update_order = "update_config.order";
inline constexpr std::string_view update_failure_action = "update_config.failure_action";
inline constexpr std::string_view update_monitor = "update_config.monitor";
inline constexpr std::string_view app_env_mtime = "env.mtime"; // of app/<name>
inline constexpr std::string_view app_version = "version";     // of app/<name>
// swarmkit's UpdateStatus messages that tell a rollback's cause.
inline constexpr std::string_view manual_rollback_message = "manually requested rollback";
inline constexpr std::string_view failure_rollback_message = "update rolled back due to failure";
} // namespace swarm

// ci_runs.cpp, run_results.cpp (subject: run/<id>)
namespace runs {
inline constexpr std::string_view source = "runs";
inline constexpr std::string_view run_prefix = "run/";
inline constexpr std::string_view recipe = "recipe";
inline constexpr std::string_view started = "started";
inline constexpr std::string_view finished = "finished";
inline constexpr std::string_view tier_upgrade = "tier:upgrade";
inline constexpr std::string_view rung_upgrade = "rung:upgrade";
inline constexpr std::string_view hc1_observed = "hc1.observed";
inline constexpr std::string_view hc1_expected = "hc1.expected";
inline constexpr std::string_view level = "level";
inline constexpr std::string_view ref = "ref";
} // namespace runs

} // namespace forensic::collect
