#include "libforensic/git/describe.hpp"

#include <algorithm>

namespace forensic::git {
namespace {

constexpr std::size_t max_candidates = 10; // git describe's default --candidates
constexpr std::uint32_t seen = 1u;         // bit 0; candidates use bits 1..10

std::int64_t tag_date(const TagRef& tag)
{
    return tag.tagger_time ? *tag.tagger_time / ns_per_second : 0; // git: 0 without a tagger line
}

// git's replace_name: should `candidate` take the place of `current`?
bool replaces(const TagRef& current, const TagRef& candidate)
{
    if (current.annotated != candidate.annotated) return candidate.annotated;
    return candidate.annotated && tag_date(current) < tag_date(candidate);
}

struct Node {
    CommitInfo info;
    std::uint32_t flags = 0;
};

// The commits seen so far, each loaded once; references stay valid as it grows.
class Graph {
public:
    explicit Graph(const CommitLoader& load) : load_(load) {}

    Node& get(const git_oid& oid)
    {
        auto it = nodes_.find(oid);
        if (it == nodes_.end()) it = nodes_.emplace(oid, Node{load_(oid), 0}).first;
        return it->second;
    }

private:
    const CommitLoader& load_;
    std::unordered_map<git_oid, Node, OidHash, OidEqual> nodes_;
};

// git's commit list kept by commit_list_insert_by_date: newest first, and
// among equal dates, first inserted first.
class DateQueue {
public:
    struct Entry {
        std::int64_t time;
        std::uint64_t order;
        git_oid oid;
        Node* node;
    };

    bool empty() const { return heap_.empty(); }

    void push(const git_oid& oid, Node& node)
    {
        heap_.push_back({node.info.time, next_++, oid, &node});
        std::push_heap(heap_.begin(), heap_.end(), later);
    }

    Entry pop()
    {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        auto top = heap_.back();
        heap_.pop_back();
        return top;
    }

    bool all_have(std::uint32_t flag) const
    {
        return std::all_of(heap_.begin(), heap_.end(), [&](const Entry& e) { return e.node->flags & flag; });
    }

private:
    // Heap order: true when `a` comes out after `b`.
    static bool later(const Entry& a, const Entry& b)
    {
        return a.time != b.time ? a.time < b.time : a.order > b.order;
    }

    std::vector<Entry> heap_;
    std::uint64_t next_ = 0;
};

struct Candidate {
    const TagRef* tag;
    unsigned depth;
    unsigned found_order;
    std::uint32_t flag_within;
};

// git (since 2.27) stops when the last remaining path is already covered by
// every candidate of the smallest depth so far.
bool covered_by_best(const Node& node, const std::vector<Candidate>& matches)
{
    unsigned best_depth = ~0u;
    std::uint32_t best_within = 0;
    for (const auto& m : matches) {
        if (m.depth < best_depth) {
            best_depth = m.depth;
            best_within = m.flag_within;
        } else if (m.depth == best_depth) {
            best_within |= m.flag_within;
        }
    }
    return (node.flags & best_within) == best_within;
}

void push_parents(const Node& node, Graph& graph, DateQueue& queue)
{
    for (const auto& parent : node.info.parents) {
        Node& p = graph.get(parent);
        if (!(p.flags & seen)) queue.push(parent, p);
        p.flags |= node.flags;
    }
}

// git's finish_depth_computation: keep walking until every commit still
// queued is reachable from the best candidate, counting those that are not.
void finish_depth(DateQueue& queue, Graph& graph, Candidate& best)
{
    while (!queue.empty()) {
        auto entry = queue.pop();
        Node& node = *entry.node;
        if (node.flags & best.flag_within) {
            if (queue.all_have(best.flag_within)) break;
        } else {
            ++best.depth;
        }
        push_parents(node, graph, queue);
    }
}

} // namespace

const std::string& Description::name() const
{
    return tag->annotated && !tag->embedded_name.empty() ? tag->embedded_name : tag->name;
}

DescribeNames describe_names(const std::vector<TagRef>& tags)
{
    DescribeNames names;
    for (const auto& tag : tags) {
        auto [it, inserted] = names.try_emplace(tag.peeled, &tag);
        if (!inserted && replaces(*it->second, tag)) it->second = &tag;
    }
    return names;
}

std::optional<Description> describe(const git_oid& commit, const DescribeNames& names, const CommitLoader& load)
{
    if (auto exact = names.find(commit); exact != names.end()) {
        const TagRef* tag = exact->second;
        return Description{tag, 0, tag->annotated ? tag->tagged : commit};
    }

    Graph graph(load);
    DateQueue queue;
    Node& start = graph.get(commit);
    start.flags = seen;
    queue.push(commit, start);

    std::vector<Candidate> matches;
    unsigned annotated = 0;
    std::optional<DateQueue::Entry> gave_up_on;
    unsigned seen_commits = 0;
    while (!queue.empty()) {
        auto entry = queue.pop();
        Node& node = *entry.node;
        ++seen_commits;
        if (auto named = names.find(entry.oid); named != names.end()) {
            if (matches.size() == max_candidates) {
                gave_up_on = entry;
                break;
            }
            auto order = static_cast<unsigned>(matches.size()) + 1;
            matches.push_back({named->second, seen_commits - 1, order, 1u << order});
            node.flags |= matches.back().flag_within;
            if (named->second->annotated) ++annotated;
        }
        for (auto& m : matches)
            if (!(node.flags & m.flag_within)) ++m.depth;
        if (annotated && queue.empty() && covered_by_best(node, matches)) break;
        push_parents(node, graph, queue);
    }
    if (matches.empty()) return std::nullopt;

    std::sort(matches.begin(), matches.end(), [](const Candidate& a, const Candidate& b) {
        return a.depth != b.depth ? a.depth < b.depth : a.found_order < b.found_order;
    });
    if (gave_up_on) queue.push(gave_up_on->oid, *gave_up_on->node);
    finish_depth(queue, graph, matches.front());
    return Description{matches.front().tag, matches.front().depth, commit};
}

std::string format_long(const Description& description, const std::string& abbreviation)
{
    return description.name() + "-" + std::to_string(description.depth) + "-g" + abbreviation;
}

} // namespace forensic::git
