#include "libforensic/store/subject_digests.hpp"

#include <map>

namespace forensic::store {
namespace {

// (host, source) → subject → digest of the open intervals; host 0 and an
// empty source mean all of them.
std::map<std::pair<long long, std::string>, SubjectDigests> compute(sql::Database& db, long long host_id,
                                                                    const std::string& source)
{
    sql::Statement q(db, "SELECT f.host_id, k.source, k.subject, k.key, f.value, f.event_time FROM fact f "
                         "JOIN fact_key k ON k.id = f.key_id WHERE f.valid_to IS NULL "
                         "AND (?1 = 0 OR f.host_id = ?1) AND (?2 = '' OR k.source = ?2)");
    q.bind(host_id).bind(source);
    std::map<std::pair<long long, std::string>, SubjectDigests> out;
    while (q.step())
        out[{q.column_int(0), q.column_text(1)}][q.column_text(2)].add_fact(q.column_text(3), q.column_text(4),
                                                                           q.column_optional_int(5));
    return out;
}

} // namespace

SubjectDigests load_subject_digests(sql::Database& db, long long host_id, const std::string& source)
{
    sql::Statement q(db, "SELECT subject, digest FROM subject_digest WHERE host_id = ? AND source = ?");
    q.bind(host_id).bind(source);
    SubjectDigests out;
    while (q.step()) out[q.column_text(0)] = Digest::from_bytes(q.column_text(1));
    return out;
}

void save_subject_digest(sql::Database& db, long long host_id, const std::string& source, const std::string& subject,
                         const Digest& digest)
{
    sql::Statement q(db, "INSERT OR REPLACE INTO subject_digest (host_id, source, subject, digest) VALUES (?, ?, ?, ?)");
    q.bind(host_id).bind(source).bind(subject).bind_blob(digest.bytes()).run();
}

void delete_subject_digest(sql::Database& db, long long host_id, const std::string& source, const std::string& subject)
{
    sql::Statement q(db, "DELETE FROM subject_digest WHERE host_id = ? AND source = ? AND subject = ?");
    q.bind(host_id).bind(source).bind(subject).run();
}

std::unordered_map<std::string, SubjectDigests> current_digests(sql::Database& db, long long host_id,
                                                                const std::string& source)
{
    std::unordered_map<std::string, SubjectDigests> out;
    for (auto& [where, digests] : compute(db, host_id, source)) out[where.second] = std::move(digests);
    return out;
}

void rebuild_subject_digests(sql::Database& db, long long host_id, const std::string& source)
{
    sql::Statement clear(db, "DELETE FROM subject_digest WHERE host_id = ? AND source = ?");
    clear.bind(host_id).bind(source).run();
    for (const auto& [where, digests] : compute(db, host_id, source))
        for (const auto& [subject, digest] : digests) save_subject_digest(db, host_id, source, subject, digest);
}

void rebuild_subject_digests(sql::Database& db)
{
    db.exec("DELETE FROM subject_digest");
    for (const auto& [where, digests] : compute(db, 0, ""))
        for (const auto& [subject, digest] : digests) save_subject_digest(db, where.first, where.second, subject, digest);
}

std::vector<std::string> stale_subject_digests(sql::Database& db)
{
    auto expected = compute(db, 0, "");
    std::vector<std::string> problems;
    sql::Statement q(db, "SELECT host_id, source, subject, digest FROM subject_digest");
    std::map<std::pair<long long, std::string>, SubjectDigests> stored;
    while (q.step())
        stored[{q.column_int(0), q.column_text(1)}][q.column_text(2)] = Digest::from_bytes(q.column_text(3));
    auto name = [](const std::pair<long long, std::string>& where, const std::string& subject) {
        return "host " + std::to_string(where.first) + " " + where.second + " " + subject;
    };
    for (const auto& [where, digests] : expected)
        for (const auto& [subject, digest] : digests) {
            auto found = stored[where].find(subject);
            if (found == stored[where].end())
                problems.push_back(name(where, subject) + " has current facts but no digest");
            else if (!(found->second == digest))
                problems.push_back(name(where, subject) + " digest does not match its current facts");
        }
    for (const auto& [where, digests] : stored)
        for (const auto& [subject, digest] : digests)
            if (!expected[where].contains(subject)) problems.push_back(name(where, subject) + " has a digest but no current facts");
    return problems;
}

} // namespace forensic::store
