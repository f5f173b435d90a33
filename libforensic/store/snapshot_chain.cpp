#include "libforensic/store/snapshot_chain.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/sha256.hpp"

#include <algorithm>
#include <cstring>
#include <tuple>

namespace forensic::store {
namespace {

// A canonical serialization fed straight into SHA-256: each field tagged by
// its kind and length-prefixed, so no two different contents read the same.
class Canonical {
public:
    explicit Canonical(std::string_view domain) { text(domain); }
    void text(std::string_view value)
    {
        tag('s');
        integer(static_cast<std::int64_t>(value.size()));
        hash_.update(value.data(), value.size());
    }
    void number(std::int64_t value)
    {
        tag('i');
        integer(value);
    }
    void optional_number(std::optional<std::int64_t> value)
    {
        if (value)
            number(*value);
        else
            tag('n');
    }
    void optional_text(std::optional<std::string_view> value)
    {
        if (value)
            text(*value);
        else
            tag('n');
    }
    Sha256Digest finish() { return hash_.finish(); }

private:
    void tag(char c) { hash_.update(&c, 1); }
    void integer(std::int64_t value)
    {
        std::uint8_t bytes[8];
        auto u = static_cast<std::uint64_t>(value);
        for (int i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(u >> (8 * i));
        hash_.update(bytes, sizeof bytes);
    }

    Sha256 hash_;
};

Sha256Digest chained(const Sha256Digest& previous, const Sha256Digest& content)
{
    Sha256 h;
    h.update(previous.data(), previous.size());
    h.update(content.data(), content.size());
    return h.finish();
}

Sha256Digest from_blob(const std::string& bytes)
{
    Sha256Digest out{};
    if (bytes.size() == out.size()) std::memcpy(out.data(), bytes.data(), out.size());
    return out;
}

std::string_view as_blob(const Sha256Digest& digest)
{
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

// Every row a query returns, each column by `types`: s text, o text or
// NULL, i integer or NULL.
void feed_rows(Canonical& out, sql::Statement& q, std::string_view types, std::string_view row_tag)
{
    while (q.step()) {
        out.text(row_tag);
        for (std::size_t c = 0; c < types.size(); ++c) {
            int column = static_cast<int>(c);
            if (types[c] == 's')
                out.text(q.column_view(column));
            else if (types[c] == 'o')
                out.optional_text(q.column_is_null(column) ? std::nullopt : std::optional(q.column_view(column)));
            else
                out.optional_number(q.column_optional_int(column));
        }
    }
}

struct SnapshotRow {
    long long id;
    TimeNs taken_at;
};

std::vector<SnapshotRow> snapshots_from(sql::Database& db, long long host_id, TimeNs from)
{
    sql::Statement q(db, "SELECT id, taken_at FROM snapshot WHERE host_id = ? AND taken_at >= ? ORDER BY taken_at");
    q.bind(host_id).bind(from);
    std::vector<SnapshotRow> out;
    while (q.step()) out.push_back({q.column_int(0), q.column_int(1)});
    return out;
}

Sha256Digest chain_before(sql::Database& db, long long host_id, TimeNs before)
{
    sql::Statement q(db, "SELECT e.chain FROM snapshot s JOIN snapshot_seal e ON e.snapshot_id = s.id "
                         "WHERE s.host_id = ? AND s.taken_at < ? ORDER BY s.taken_at DESC LIMIT 1");
    q.bind(host_id).bind(before);
    return q.step() ? from_blob(q.column_text(0)) : Sha256Digest{};
}

} // namespace

std::string hex(const Sha256Digest& digest)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (auto b : digest) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string snapshot_seal_schema()
{
    return R"sql(
CREATE TABLE snapshot_seal (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot(id) ON DELETE CASCADE,
    content     BLOB NOT NULL,
    chain       BLOB NOT NULL
);
)sql";
}

Sha256Digest content_digest(sql::Database& db, long long snapshot_id)
{
    Canonical out("forensic-snapshot-content/1");
    long long host_id = 0;
    TimeNs taken_at = 0;
    {
        sql::Statement q(db, "SELECT h.name, s.taken_at, s.finished_at, s.tool_version, s.status, s.kind, s.host_id "
                             "FROM snapshot s JOIN host h ON h.id = s.host_id WHERE s.id = ?");
        q.bind(snapshot_id);
        if (!q.step()) throw StoreError("no snapshot with id " + std::to_string(snapshot_id) + " to seal");
        out.text(q.column_text(0));
        out.number(q.column_int(1));
        out.number(q.column_int(2));
        out.text(q.column_text(3));
        out.text(q.column_text(4));
        out.text(q.column_text(5));
        taken_at = q.column_int(1);
        host_id = q.column_int(6);
    }
    {
        sql::Statement q(db, "SELECT collector, status, error, coverage FROM collector_run WHERE snapshot_id = ? "
                             "ORDER BY collector");
        q.bind(snapshot_id);
        feed_rows(out, q, "ssos", "run");
    }
    {
        sql::Statement q(db, "SELECT collector, subject FROM observed_subject WHERE snapshot_id = ? "
                             "ORDER BY collector, subject");
        q.bind(snapshot_id);
        feed_rows(out, q, "ss", "subject");
    }
    {
        sql::Statement q(db, "SELECT k.source, k.subject, k.key FROM observed_key o JOIN fact_key k ON k.id = o.key_id "
                             "WHERE o.snapshot_id = ? ORDER BY k.source, k.subject, k.key");
        q.bind(snapshot_id);
        feed_rows(out, q, "sss", "key");
    }
    for (const char* bound : {"valid_from", "valid_to"}) {
        // One interval of a key at most begins (ends) at a snapshot, so the
        // rows come in key order either way: from the snapshot's few
        // intervals, sorted, or — when it began most of the store (a first
        // snapshot) — by walking the keys in index order, with no sort.
        sql::Statement count(db, std::string("SELECT count(*), (SELECT max(id) FROM fact_key) FROM fact "
                                             "WHERE host_id = ? AND ") + bound + " = ?");
        count.bind(host_id).bind(taken_at).step();
        bool most = count.column_int(0) > count.column_int(1) / 4;
        auto select = std::string("SELECT k.source, k.subject, k.key, f.value, f.event_time FROM ");
        sql::Statement q(db, select + (most ? "fact_key k CROSS JOIN fact f" : "fact f JOIN fact_key k") +
                                 " ON k.id = f.key_id WHERE f.host_id = ? AND f." + bound +
                                 " = ? ORDER BY k.source, k.subject, k.key");
        q.bind(host_id).bind(taken_at);
        feed_rows(out, q, "ssssi", std::string_view(bound) == "valid_from" ? "began" : "ended");
    }
    return out.finish();
}

Sha256Digest first_snapshot_digest(const SnapshotInput& input, std::string_view status)
{
    // The rows content_digest reads, in its order, from what write_one stores.
    Canonical out("forensic-snapshot-content/1");
    out.text(input.host);
    out.number(input.taken_at);
    out.number(input.finished_at);
    out.text(input.tool_version);
    out.text(status);
    out.text(to_string(input.kind));
    std::vector<const CollectorRun*> runs;
    for (const auto& run : input.collectors) runs.push_back(&run);
    std::sort(runs.begin(), runs.end(), [](const CollectorRun* a, const CollectorRun* b) { return a->name < b->name; });
    for (const auto* run : runs) {
        out.text("run");
        out.text(run->name);
        out.text(to_string(run->status));
        out.optional_text(run->error.empty() ? std::nullopt : std::optional<std::string_view>(run->error));
        out.text(to_string(run->coverage));
    }
    auto ok = [](const CollectorRun* run) { return run->status == CollectorStatus::ok; };
    for (const auto* run : runs) {
        if (!ok(run) || run->coverage != Coverage::subjects) continue;
        for (const auto& subject : run->observed_subjects) { // sorted and unique (validated)
            out.text("subject");
            out.text(run->name);
            out.text(subject);
        }
    }
    // Each run's facts by subject and key; the runs are in source order already.
    std::vector<std::vector<const Fact*>> facts_of_run(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!ok(runs[i])) continue; // a run that did not succeed stores no facts
        for (const auto& fact : runs[i]->facts) facts_of_run[i].push_back(&fact);
        std::sort(facts_of_run[i].begin(), facts_of_run[i].end(), [](const Fact* a, const Fact* b) {
            return std::tie(a->subject, a->key) < std::tie(b->subject, b->key);
        });
    }
    for (std::size_t i = 0; i < runs.size(); ++i) {
        if (runs[i]->coverage != Coverage::additive) continue;
        for (const auto* fact : facts_of_run[i]) {
            out.text("key");
            out.text(runs[i]->name);
            out.text(fact->subject);
            out.text(fact->key);
        }
    }
    // Every fact began here; nothing of a host's first snapshot ended.
    for (std::size_t i = 0; i < runs.size(); ++i) {
        for (const auto* fact : facts_of_run[i]) {
            out.text("began");
            out.text(runs[i]->name);
            out.text(fact->subject);
            out.text(fact->key);
            out.text(fact->value);
            out.optional_number(fact->event_time);
        }
    }
    return out.finish();
}

void seal_content(sql::Database& db, long long snapshot_id, const Sha256Digest& content)
{
    // The chain is set by rechain; a placeholder until then, in the same transaction.
    sql::Statement q(db, "INSERT INTO snapshot_seal (snapshot_id, content, chain) VALUES (?1, ?2, zeroblob(32)) "
                         "ON CONFLICT (snapshot_id) DO UPDATE SET content = excluded.content");
    q.bind(snapshot_id).bind_blob(as_blob(content)).run();
}

void rechain(sql::Database& db, long long host_id, TimeNs from)
{
    auto previous = chain_before(db, host_id, from);
    sql::Statement contents(db, "SELECT s.id, e.content FROM snapshot s JOIN snapshot_seal e ON e.snapshot_id = s.id "
                                "WHERE s.host_id = ? AND s.taken_at >= ? ORDER BY s.taken_at");
    contents.bind(host_id).bind(from);
    std::vector<std::pair<long long, Sha256Digest>> rows;
    while (contents.step()) rows.emplace_back(contents.column_int(0), from_blob(contents.column_text(1)));
    contents.reset();
    sql::Statement update(db, "UPDATE snapshot_seal SET chain = ? WHERE snapshot_id = ?");
    for (const auto& row : rows) {
        previous = chained(previous, row.second);
        update.bind_blob(as_blob(previous)).bind(row.first).run();
    }
}

void seal_content(sql::Database& db, long long snapshot_id)
{
    seal_content(db, snapshot_id, content_digest(db, snapshot_id));
}

void seal_snapshots(sql::Database& db, long long host_id, TimeNs from)
{
    for (const auto& s : snapshots_from(db, host_id, from)) seal_content(db, s.id);
    rechain(db, host_id, from);
}

void seal_snapshots(sql::Database& db)
{
    std::vector<long long> hosts;
    {
        sql::Statement q(db, "SELECT id FROM host");
        while (q.step()) hosts.push_back(q.column_int(0));
    }
    for (auto host : hosts) seal_snapshots(db, host);
}

std::vector<std::string> changed_since_sealed(sql::Database& db, const std::string& host, TimeNs from, TimeNs to,
                                              int limit)
{
    sql::Statement q(db, "SELECT s.id, s.taken_at, e.content FROM snapshot s JOIN host h ON h.id = s.host_id "
                         "LEFT JOIN snapshot_seal e ON e.snapshot_id = s.id WHERE h.name = ? "
                         "AND s.taken_at BETWEEN ? AND ? ORDER BY s.taken_at DESC LIMIT ?");
    q.bind(host).bind(from).bind(to).bind(limit);
    std::vector<std::pair<long long, TimeNs>> unsealed, sealed;
    std::vector<std::string> stored;
    while (q.step()) {
        if (q.column_is_null(2)) {
            unsealed.emplace_back(q.column_int(0), q.column_int(1));
        } else {
            sealed.emplace_back(q.column_int(0), q.column_int(1));
            stored.push_back(q.column_text(2));
        }
    }
    q.reset();
    auto name = [&](const std::pair<long long, TimeNs>& s) {
        return "snapshot " + std::to_string(s.first) + " (" + format_rfc3339(s.second) + ") of host " + host;
    };
    std::vector<std::string> out;
    for (const auto& s : unsealed) out.push_back(name(s) + " has no seal");
    for (std::size_t i = 0; i < sealed.size(); ++i)
        if (content_digest(db, sealed[i].first) != from_blob(stored[i]))
            out.push_back(name(sealed[i]) + ": its content no longer matches its seal");
    return out;
}

std::optional<StoredSeal> stored_seal(sql::Database& db, long long snapshot_id)
{
    sql::Statement q(db, "SELECT content, chain FROM snapshot_seal WHERE snapshot_id = ?");
    q.bind(snapshot_id);
    if (!q.step()) return std::nullopt;
    return StoredSeal{hex(from_blob(q.column_text(0))), hex(from_blob(q.column_text(1)))};
}

ChainCheck check_chain(sql::Database& db)
{
    ChainCheck check;
    std::vector<std::pair<long long, std::string>> hosts;
    {
        sql::Statement q(db, "SELECT id, name FROM host WHERE id IN (SELECT host_id FROM snapshot) ORDER BY name");
        while (q.step()) hosts.emplace_back(q.column_int(0), q.column_text(1));
    }
    sql::Statement seal(db, "SELECT content, chain FROM snapshot_seal WHERE snapshot_id = ?");
    for (const auto& host : hosts) {
        Sha256Digest previous{};
        bool reported = false;
        ChainHead head{host.second, 0, 0, ""};
        for (const auto& s : snapshots_from(db, host.first, std::numeric_limits<TimeNs>::min())) {
            auto content = content_digest(db, s.id);
            auto chain = chained(previous, content);
            auto name = "snapshot " + std::to_string(s.id) + " (" + format_rfc3339(s.taken_at) + ") of host " +
                        host.second;
            seal.bind(s.id);
            bool has = seal.step();
            auto stored_content = has ? from_blob(seal.column_text(0)) : Sha256Digest{};
            auto stored_chain = has ? from_blob(seal.column_text(1)) : Sha256Digest{};
            seal.reset();
            if (!reported) {
                if (!has)
                    check.problems.push_back(name + " has no seal");
                else if (stored_content != content)
                    check.problems.push_back(name + ": its content no longer matches its seal (a fact, run or "
                                                    "observation of it was changed after it was written)");
                else if (stored_chain != chain)
                    check.problems.push_back(name + ": the chain breaks here (a snapshot before it was removed "
                                                    "or added, or a seal was changed)");
                reported = !check.problems.empty() && check.problems.back().starts_with(name);
            }
            previous = chain;
            head = {host.second, s.id, s.taken_at, hex(chain)};
            check.recomputed[s.id] = StoredSeal{hex(content), head.chain};
        }
        check.heads.push_back(head);
    }
    return check;
}

} // namespace forensic::store
