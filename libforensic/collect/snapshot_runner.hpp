// Runs the selected collectors against a host and assembles one snapshot.
#pragma once

#include "libforensic/collect/collector.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::collect {

struct Selection {
    std::vector<std::string> only; // empty: every collector
    std::vector<std::string> skip;
};

// Host bytes are not always UTF-8; the store and every output are. URL
// credentials are removed from every value, whichever source quoted them
// (docs/collectors.md: never stored). Escaping can make two names equal (and a collector bug could report one twice): the
// first value is kept and the subject gets an error naming the key, so one
// odd name does not cost the whole snapshot.
void sanitise_facts(std::vector<Fact>& facts);

// Whether the selection runs the collector `name`.
bool is_selected(const Selection& selection, const std::string& name);

// Throws UsageError naming an unknown collector.
void validate_selection(const Selection& selection);

// The host name to record: the first line of <root>/etc/hostname, read
// beneath the root; else this machine's name when the root is "/", else the
// root directory's own name. Throws InputError (give --host) when the file is
// there but unusable: a link out of the root, a FIFO, over 4 KiB, or not a
// host name (a link to the host's /etc/shadow must not become its name).
std::string default_host_name(const HostRoot& root);

// Runs the selected collectors concurrently and returns when all are done
// (collection.hpp hands the runs over as they finish). A collector that
// throws is recorded as failed with its message; one not selected as skipped.
// The tag objects read for the first time stay in options.tag_memo, for the
// caller.
SnapshotInput collect_snapshot(const CollectOptions& options, const Selection& selection, const std::string& host,
                               std::optional<TimeNs> taken_at);

} // namespace forensic::collect
