// How one collector's facts enter a snapshot (internal to the store). Two
// writers, one meaning: appending_writer.cpp for a snapshot newer than every
// other in which the collector ran (the nightly case, made cheap by subject
// digests), splicing_writer.cpp for the general case of a snapshot that lands
// between others.
#pragma once

#include "libforensic/store/store.hpp"

namespace forensic::store {

// Whether a later snapshot of the host exists in which `source` succeeded.
bool has_later_observation(sql::Database& db, long long host_id, TimeNs taken_at, const std::string& source);

CollectorRunInfo append_collector_facts(sql::Database& db, long long host_id, TimeNs taken_at, const CollectorRun& run);
CollectorRunInfo splice_collector_facts(sql::Database& db, long long host_id, TimeNs taken_at, const CollectorRun& run);

} // namespace forensic::store
