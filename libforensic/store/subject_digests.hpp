// The subject_digest table: for each (host, source, subject) with current
// facts, the digest of exactly those facts (their open intervals). Kept by the
// writer; checked by verify; rebuilt where a write cannot keep it cheaply.
#pragma once

#include "libforensic/store/sqlite.hpp"
#include "libforensic/util/digest.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace forensic::store {

using SubjectDigests = std::unordered_map<std::string, Digest>;

SubjectDigests load_subject_digests(sql::Database& db, long long host_id, const std::string& source);
void save_subject_digest(sql::Database& db, long long host_id, const std::string& source, const std::string& subject,
                         const Digest& digest);
void delete_subject_digest(sql::Database& db, long long host_id, const std::string& source, const std::string& subject);

// The digests of the current facts, computed from the intervals themselves;
// one host and source, or (with no host) everything.
std::unordered_map<std::string, SubjectDigests> current_digests(sql::Database& db, long long host_id,
                                                                const std::string& source);

// Replaces the table's rows for one host and source (or, without arguments,
// all of it) with digests computed from the current facts.
void rebuild_subject_digests(sql::Database& db, long long host_id, const std::string& source);
void rebuild_subject_digests(sql::Database& db);

// Rows that disagree with the current facts, for verify.
std::vector<std::string> stale_subject_digests(sql::Database& db);

} // namespace forensic::store
