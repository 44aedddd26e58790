#include "mem/heap_snapshot.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "mem/internal/heap_walker.h"
#include "timeline/json_string.h"

namespace kamo::mem {
namespace {

using internal::ArenaBase;
using internal::BucketHeader;
using internal::EdgeSink;
using internal::HeapWalker;

// The live values numbered in walk order (arena by arena, bucket by bucket,
// slot by slot), found by address with a number per bucket: a bucket's
// first number plus the live slots before the value's.
class ValueIndex {
 public:
  explicit ValueIndex(const HeapWalker& walker) {
    const BucketHeader* last = nullptr;
    for (const auto& arena : walker.arenas()) {
      arena->ForEachLive([&](Root root) {
        const BucketHeader* bucket = BucketHeader::Of(root.address());
        if (bucket != last) {
          buckets_.emplace(bucket, Bucket{size_, arena.get()});
          last = bucket;
        }
        ++size_;
      });
    }
  }

  std::uint32_t size() const { return size_; }

  // The number of the live value at `address`; nullopt if none is there.
  std::optional<std::uint32_t> Find(const void* address) const {
    const BucketHeader* bucket = BucketHeader::Of(address);
    const auto it = buckets_.find(bucket);
    if (it == buckets_.end()) return std::nullopt;
    const std::uint32_t index = bucket->IndexOf(address);
    if (index >= bucket->capacity() || bucket->SlotAt(index) != address ||
        !bucket->holds_live(index)) {
      return std::nullopt;
    }
    return it->second.first + bucket->LiveBefore(index);
  }

  // The arena of a value Find found.
  const ArenaBase& ArenaOf(const void* address) const {
    return *buckets_.at(BucketHeader::Of(address)).arena;
  }

 private:
  struct Bucket {
    std::uint32_t first;
    const ArenaBase* arena;
  };
  absl::flat_hash_map<const BucketHeader*, Bucket> buckets_;
  std::uint32_t size_ = 0;
};

// ---- Snapshot ---------------------------------------------------------------

// V8's node and edge types (the snapshot's meta lists them in this order).
enum NodeType { kObject = 3, kString = 2, kSynthetic = 9 };
enum EdgeType { kElement = 1, kProperty = 2, kWeak = 6 };
constexpr int kNodeFields = 7;

constexpr std::string_view kMeta =
    R"({"snapshot":{"meta":{"node_fields":["type","name","id","self_size",)"
    R"("edge_count","trace_node_id","detachedness"],"node_types":[["hidden",)"
    R"("array","string","object","code","closure","regexp","number","native",)"
    R"("synthetic","concatenated string","sliced string","symbol","bigint",)"
    R"("object shape"],"string","number","number","number","number","number"],)"
    R"("edge_fields":["type","name_or_index","to_node"],"edge_types":[[)"
    R"("context","element","property","internal","hidden","shortcut","weak"],)"
    R"("string_or_number","node"],"trace_function_info_fields":["function_id",)"
    R"("name","script_name","script_id","line","column"],"trace_node_fields":)"
    R"(["id","function_info_index","count","size","children"],"sample_fields":)"
    R"(["timestamp_us","last_assigned_id"],"location_fields":["object_index",)"
    R"("script_id","line","column"]},)";

// The snapshot's strings, each written once, numbered in order of first use.
class StringTable {
 public:
  StringTable() { Id(""); }
  std::uint32_t Id(std::string_view s) {
    const auto [it, added] = ids_.try_emplace(
        std::string(s), static_cast<std::uint32_t>(order_.size()));
    if (added) order_.push_back(&it->first);
    return it->second;
  }
  void Write(std::ostream& out) const {
    for (std::size_t i = 0; i < order_.size(); ++i) {
      if (i > 0) out << ',';
      out << timeline::JsonString(*order_[i]);
    }
  }

 private:
  // Node-based: order_ points at its keys.
  absl::node_hash_map<std::string, std::uint32_t> ids_;
  std::vector<const std::string*> order_;
};

// Items of a JSON array, one a line.
class ArrayItems {
 public:
  explicit ArrayItems(std::ostream& out) : out_(out) {}
  std::ostream& Next() {
    if (!first_) out_ << ",\n";
    first_ = false;
    return out_;
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

class EdgeCounter final : public EdgeSink {
 public:
  void Strong(Root, std::string_view) override { ++count_; }
  void Element(Root, std::size_t) override { ++count_; }
  void Weak(const void*, std::string_view) override { ++count_; }
  // The references reported since the last call.
  std::uint32_t Take() { return std::exchange(count_, 0); }

 private:
  std::uint32_t count_ = 0;
};

// Writes a value's references as edges: named ones as properties (weak
// ones as weak), a range's elements (VisitAll) as elements at their index,
// other unnamed ones as elements numbered in Trace's order.
class EdgeWriter final : public EdgeSink {
 public:
  EdgeWriter(const ValueIndex& index, std::uint32_t first_value_node,
             StringTable& strings, ArrayItems& items)
      : index_(index),
        first_value_node_(first_value_node),
        strings_(strings),
        items_(items) {}

  // Starts the next value's edges.
  void NextValue() { ordinal_ = 0; }

  void Strong(Root target, std::string_view name) override {
    if (name.empty()) {
      Edge(target.address(), kElement, ordinal_++);
    } else {
      Edge(target.address(), kProperty, strings_.Id(name));
    }
  }
  void Element(Root target, std::size_t index) override {
    Edge(target.address(), kElement, index);
  }
  void Weak(const void* target, std::string_view name) override {
    Edge(target, kWeak, strings_.Id(name.empty() ? "weak" : name));
  }

 private:
  void Edge(const void* target, EdgeType type, std::uint64_t name_or_index) {
    // Trace reports live values only (a collection would mark them).
    const std::uint32_t node = first_value_node_ + *index_.Find(target);
    items_.Next() << type << ',' << name_or_index << ','
                  << std::uint64_t{node} * kNodeFields;
  }

  const ValueIndex& index_;
  const std::uint32_t first_value_node_;
  StringTable& strings_;
  ArrayItems& items_;
  std::uint32_t ordinal_ = 0;
};

// The values a guardian holds until they are taken: roots too.
std::vector<Root> GuardianRoots(const Mutator& mutator);

// Node 0 is the root, 1..G its groups (one per type with locked values,
// then one for the guardians' ready values), then the values in walk
// order. Three walks: count the edges (the header gives their number),
// write the nodes (each with its edge count), write the edges.
absl::Status WriteSnapshot(const Mutator& mutator, std::ostream& out) {
  EdgeCounter counter;
  HeapWalker walker(mutator, counter);
  const ValueIndex index(walker);
  struct Group {
    std::string name;
    std::vector<const void*> members;
  };
  std::vector<Group> groups;
  std::uint64_t edge_count = 0;
  for (const auto& arena : walker.arenas()) {
    Group group{"(Pointers: " + std::string(arena->type_name()) + ")", {}};
    arena->ForEachLive([&](Root root) {
      if (HeapWalker::LocksOn(root.address()) > 0) {
        group.members.push_back(root.address());
      }
      walker.ReportEdges(root);
      edge_count += counter.Take();
    });
    if (!group.members.empty()) groups.push_back(std::move(group));
  }
  if (const std::vector<Root> ready = GuardianRoots(mutator); !ready.empty()) {
    Group group{"(Guardians)", {}};
    for (const Root& root : ready) group.members.push_back(root.address());
    groups.push_back(std::move(group));
  }
  const auto first_value = static_cast<std::uint32_t>(1 + groups.size());
  edge_count += groups.size();
  for (const Group& group : groups) edge_count += group.members.size();

  StringTable strings;
  out << kMeta << "\"node_count\":" << first_value + index.size()
      << ",\"edge_count\":" << edge_count
      << ",\"trace_function_count\":0},\n\"nodes\":[";
  ArrayItems nodes(out);
  const auto node = [&](NodeType type, std::string_view name, std::uint64_t id,
                        std::uint64_t self_size, std::uint64_t edges) {
    nodes.Next() << type << ',' << strings.Id(name) << ',' << id << ','
                 << self_size << ',' << edges << ",0,0";
  };
  node(kSynthetic, "", 1, 0, groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) {
    node(kSynthetic, groups[g].name, 3 + 2 * g, 0, groups[g].members.size());
  }
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root root) {
      const ValueDescription description = arena->DescribeValue(root.address());
      walker.ReportEdges(root);
      node(description.has_label ? kString : kObject,
           description.has_label ? std::string_view(description.label)
                                 : arena->type_name(),
           reinterpret_cast<std::uintptr_t>(root.address()),
           arena->slot_size() + description.external_bytes, counter.Take());
    });
  }

  out << "],\n\"edges\":[";
  ArrayItems edges(out);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    edges.Next() << kElement << ',' << g << ',' << (1 + g) * kNodeFields;
  }
  for (const Group& group : groups) {
    for (std::size_t k = 0; k < group.members.size(); ++k) {
      edges.Next() << kElement << ',' << k << ','
                   << std::uint64_t{first_value +
                                    *index.Find(group.members[k])} *
                          kNodeFields;
    }
  }
  EdgeWriter writer(index, first_value, strings, edges);
  HeapWalker edge_walker(mutator, writer);
  for (const auto& arena : edge_walker.arenas()) {
    arena->ForEachLive([&](Root root) {
      writer.NextValue();
      edge_walker.ReportEdges(root);
    });
  }
  out << "],\n\"trace_function_infos\":[],\"trace_tree\":[],"
         "\"samples\":[],\"locations\":[],\n\"strings\":[";
  strings.Write(out);
  out << "]}\n";
  if (!out) return absl::DataLossError("the heap snapshot's stream failed");
  return absl::OkStatus();
}

// ---- Retainer paths ---------------------------------------------------------

// Breadth first from the roots over strong references, recording for each
// value the value it was first reached from and through which field: the
// first path found to a value is a shortest one.
class ParentRecorder final : public EdgeSink {
 public:
  struct Parent {
    const void* from;   // null for a root
    std::string field;  // a root's: what holds it
  };

  // `holder`: what holds the root ("Pointer", "Guardian").
  void AddRoot(Root root, std::string holder) {
    if (parents_.try_emplace(root.address(), Parent{nullptr, std::move(holder)})
            .second) {
      queue_.push_back(root);
    }
  }
  // Walks from the roots until `target` is reached or nothing is left.
  void Search(HeapWalker& walker, const void* target) {
    while (!queue_.empty() && !parents_.contains(target)) {
      const Root from = queue_.front();
      queue_.pop_front();
      from_ = from.address();
      ordinal_ = 0;
      walker.ReportEdges(from);
    }
  }
  const absl::flat_hash_map<const void*, Parent>& parents() const {
    return parents_;
  }

  void Strong(Root target, std::string_view name) override {
    if (name.empty()) {
      Reached(target, absl::StrCat("[", ordinal_++, "]"));
    } else {
      Reached(target, std::string(name));
    }
  }
  void Element(Root target, std::size_t index) override {
    Reached(target, absl::StrCat("[", index, "]"));
  }
  // A weak reference retains nothing.
  void Weak(const void*, std::string_view) override {}

 private:
  void Reached(Root target, std::string field) {
    const auto [it, added] = parents_.try_emplace(target.address());
    if (!added) return;
    it->second = {from_, std::move(field)};
    queue_.push_back(target);
  }

  const void* from_ = nullptr;
  std::uint32_t ordinal_ = 0;
  absl::flat_hash_map<const void*, Parent> parents_;
  std::deque<Root> queue_;
};

// ---- DOT
// ---------------------------------------------------------------------

// Collects the references of one value.
class EdgeList final : public EdgeSink {
 public:
  struct Edge {
    Root target;
    std::string name;
    bool weak;
  };
  std::vector<Edge>& edges() { return edges_; }

  void Strong(Root target, std::string_view name) override {
    edges_.push_back({target, std::string(name), false});
  }
  void Element(Root target, std::size_t index) override {
    edges_.push_back({target, absl::StrCat("[", index, "]"), false});
  }
  void Weak(const void* target, std::string_view name) override {
    edges_.push_back(
        {Root(const_cast<void*>(target), nullptr), std::string(name), true});
  }

 private:
  std::vector<Edge> edges_;
};

std::vector<Root> GuardianRoots(const Mutator& mutator) {
  EdgeList list;
  HeapWalker walker(mutator, list);
  walker.ReportGuardianRoots();
  std::vector<Root> roots;
  for (const EdgeList::Edge& edge : list.edges()) roots.push_back(edge.target);
  return roots;
}

absl::Status WriteDot(const Mutator& mutator, std::ostream& out,
                      std::size_t max_values) {
  EdgeList list;
  HeapWalker walker(mutator, list);
  const ValueIndex index(walker);
  absl::flat_hash_map<const void*, std::size_t> drawn;  // value -> its number
  std::deque<Root> queue;
  const auto draw = [&](Root value) {
    if (drawn.contains(value.address()) || drawn.size() >= max_values) return;
    const std::size_t n = drawn.size();
    drawn.emplace(value.address(), n);
    queue.push_back(value);
    const ArenaBase& arena = index.ArenaOf(value.address());
    const ValueDescription description = arena.DescribeValue(value.address());
    out << "  v" << n << " [label="
        << timeline::JsonString(description.has_label
                                    ? description.label
                                    : std::string(arena.type_name()))
        << (description.has_label ? ", shape=plaintext" : "") << "];\n";
  };
  out << "digraph heap {\n  node [shape=box, fontname=\"monospace\"];\n"
         "  pointers [label=\"Pointers\", shape=ellipse];\n";
  std::vector<const void*> roots;
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root root) {
      if (HeapWalker::LocksOn(root.address()) == 0) return;
      draw(root);
      if (drawn.contains(root.address())) roots.push_back(root.address());
    });
  }
  for (const void* root : roots) {
    out << "  pointers -> v" << drawn.at(root) << ";\n";
  }
  if (const std::vector<Root> ready = GuardianRoots(mutator); !ready.empty()) {
    out << "  guardians [label=\"Guardians\", shape=ellipse];\n";
    for (const Root& root : ready) {
      draw(root);
      if (const auto it = drawn.find(root.address()); it != drawn.end()) {
        out << "  guardians -> v" << it->second << ";\n";
      }
    }
  }
  while (!queue.empty()) {
    const Root from = queue.front();
    queue.pop_front();
    list.edges().clear();
    walker.ReportEdges(from);
    for (const EdgeList::Edge& edge : list.edges()) {
      // A weak edge's target is traced only if something strong reaches it.
      if (!edge.weak) draw(edge.target);
      const auto to = drawn.find(edge.target.address());
      if (to == drawn.end()) continue;
      out << "  v" << drawn.at(from.address()) << " -> v" << to->second
          << " [label=" << timeline::JsonString(edge.name)
          << (edge.weak ? ", style=dashed" : "") << "];\n";
    }
  }
  std::map<std::string, std::size_t> rest;  // by type
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root value) {
      if (!drawn.contains(value.address()))
        ++rest[std::string(arena->type_name())];
    });
  }
  if (!rest.empty()) {
    std::size_t total = 0;
    for (const auto& [type, count] : rest) total += count;
    out << "  more [label=\"" << total << " more values: "
        << absl::StrJoin(rest, ", ", absl::PairFormatter(" "))
        << "\", shape=note];\n";
  }
  out << "}\n";
  if (!out) return absl::DataLossError("the DOT stream failed");
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteHeapSnapshot(const Mutator& mutator, std::ostream& out) {
  return WriteSnapshot(mutator, out);
}

absl::StatusOr<std::vector<RetainerStep>> RetainerPath(const Mutator& mutator,
                                                       const void* value) {
  ParentRecorder recorder;
  HeapWalker walker(mutator, recorder);
  const ValueIndex index(walker);
  if (!index.Find(value)) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "RetainerPath: no live value of this Mutator at %p", value));
  }
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root root) {
      if (HeapWalker::LocksOn(root.address()) > 0) {
        recorder.AddRoot(root, "Pointer");
      }
    });
  }
  for (const Root& root : GuardianRoots(mutator)) {
    recorder.AddRoot(root, "Guardian");
  }
  recorder.Search(walker, value);
  const auto& parents = recorder.parents();
  if (!parents.contains(value)) {
    return absl::NotFoundError(absl::StrFormat(
        "RetainerPath: no root reaches the %s at %p (the next collection "
        "frees it)",
        index.ArenaOf(value).type_name(), value));
  }
  std::vector<RetainerStep> path;
  std::string field;
  for (const void* at = value; at != nullptr;) {
    path.push_back({.held_by = "",
                    .type_name = std::string(index.ArenaOf(at).type_name()),
                    .value = at,
                    .field = field});
    const ParentRecorder::Parent& parent = parents.at(at);
    field = parent.field;
    at = parent.from;
  }
  std::reverse(path.begin(), path.end());
  path.front().held_by = field;  // the root's holder
  return path;
}

absl::Status WriteHeapDot(const Mutator& mutator, std::ostream& out,
                          std::size_t max_values) {
  return WriteDot(mutator, out, max_values);
}

std::string ToString(const std::vector<RetainerStep>& path) {
  if (path.empty()) return "";
  return absl::StrCat(
      path.front().held_by, "<", path.front().type_name, "> => ",
      absl::StrJoin(
          path, " -> ", [](std::string* out, const RetainerStep& step) {
            absl::StrAppend(out, step.type_name, step.field.empty() ? "" : ".",
                            step.field);
          }));
}

}  // namespace kamo::mem
