#include "proptest/graph_spec.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_format.h"

namespace kamo::proptest {
namespace {

using value::Value;

const char* KindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kPair:
      return "Pair";
    case NodeKind::kVector:
      return "Vector";
    case NodeKind::kString:
      return "String";
    case NodeKind::kSymbol:
      return "Symbol";
    case NodeKind::kByteVector:
      return "ByteVector";
    case NodeKind::kBlob:
      return "Blob";
  }
  return "?";
}

// Symbol names are made unique per node, so two nodes never alias.
std::string SymbolName(const NodeSpec& node, int index) {
  return absl::StrFormat("%s#%d", node.text, index);
}

const void* AddressOf(const Value& v) {
  switch (v.tag()) {
    case value::Tag::kPair:
      return v.PairOrNull();
    case value::Tag::kVector:
      return v.VectorOrNull();
    case value::Tag::kString:
      return v.StringOrNull();
    case value::Tag::kSymbol:
      return v.SymbolOrNull();
    case value::Tag::kByteVector:
      return v.ByteVectorOrNull();
    default:
      return nullptr;
  }
}

}  // namespace

std::vector<Edge> EffectiveEdges(const GraphSpec& spec, int node) {
  const int n = static_cast<int>(spec.nodes.size());
  const NodeSpec& from = spec.nodes[node];
  std::vector<Edge> edges;
  if (from.kind != NodeKind::kPair && from.kind != NodeKind::kVector &&
      from.kind != NodeKind::kBlob) {
    return edges;
  }
  for (int raw : from.edges) {
    Edge edge{.immediate = raw};
    if (raw >= 0) {
      const int target = raw % n;
      const bool target_is_blob = spec.nodes[target].kind == NodeKind::kBlob;
      if (target_is_blob == (from.kind == NodeKind::kBlob)) {
        edge = Edge{.is_node = true, .node = target};
      }
    }
    if (from.kind == NodeKind::kBlob && !edge.is_node) continue;
    edges.push_back(edge);
  }
  if (from.kind == NodeKind::kPair) edges.resize(2);  // car, cdr (0 if none)
  return edges;
}

std::set<int> RootSet(const GraphSpec& spec) {
  std::set<int> roots;
  if (spec.nodes.empty()) return roots;
  for (int r : spec.roots) {
    roots.insert(((r % static_cast<int>(spec.nodes.size())) +
                  static_cast<int>(spec.nodes.size())) %
                 static_cast<int>(spec.nodes.size()));
  }
  return roots;
}

std::set<int> Reachable(const GraphSpec& spec, const std::set<int>& roots) {
  std::set<int> reached = roots;
  std::vector<int> pending(roots.begin(), roots.end());
  while (!pending.empty()) {
    const int node = pending.back();
    pending.pop_back();
    for (const Edge& edge : EffectiveEdges(spec, node)) {
      if (edge.is_node && reached.insert(edge.node).second) {
        pending.push_back(edge.node);
      }
    }
  }
  return reached;
}

void showValue(const GraphSpec& spec, std::ostream& os) {
  os << "roots:";
  for (int r : RootSet(spec)) os << " n" << r;
  os << "\n";
  for (int i = 0; i < static_cast<int>(spec.nodes.size()); ++i) {
    const NodeSpec& node = spec.nodes[i];
    os << "  n" << i << " " << KindName(node.kind);
    if (node.kind == NodeKind::kString || node.kind == NodeKind::kSymbol ||
        node.kind == NodeKind::kByteVector) {
      os << " \"" << node.text << "\"";
    }
    for (const Edge& edge : EffectiveEdges(spec, i)) {
      if (edge.is_node) {
        os << " -> n" << edge.node;
      } else {
        os << " " << edge.immediate;
      }
    }
    os << "\n";
  }
}

BuiltGraph::BuiltGraph(const GraphSpec& spec, Options options)
    : spec_(spec), heap_(mutator_) {
  const int n = static_cast<int>(spec_.nodes.size());
  handles_.resize(n);
  addresses_.resize(n);
  for (int i = 0; i < n; ++i) {
    if (!options.garbage_before_node.empty()) {
      const int garbage =
          options.garbage_before_node[i % options.garbage_before_node.size()];
      for (int k = 0; k < garbage; ++k) {
        heap_.NewPair(Value(), Value());
        NoteAllocation(/*garbage=*/true);
      }
    }
    const NodeSpec& node = spec_.nodes[i];
    switch (node.kind) {
      case NodeKind::kPair:
        handles_[i] = Value(heap_.NewPair(Value(), Value()));
        break;
      case NodeKind::kVector:
        handles_[i] = Value(heap_.NewVector());
        break;
      case NodeKind::kString:
        handles_[i] = Value(*heap_.NewString(node.text));
        break;
      case NodeKind::kSymbol:
        handles_[i] = Value(heap_.Intern(SymbolName(node, i)));
        break;
      case NodeKind::kByteVector:
        handles_[i] = Value(heap_.NewByteVector(
            {reinterpret_cast<const std::uint8_t*>(node.text.data()),
             node.text.size()}));
        break;
      case NodeKind::kBlob:
        handles_[i] = mutator_.Allocate<testing::Blob>(
            i, &blob_destructor_runs_, options.blob_hides_last_edge);
        break;
    }
    NoteAllocation(/*garbage=*/false);
    if (const Value* v = std::get_if<Value>(&handles_[i])) {
      addresses_[i] = AddressOf(*v);
    } else {
      addresses_[i] = std::get<mem::Pointer<testing::Blob>>(handles_[i]).get();
    }
  }
  // Link: every node is still held, so nothing linked here can be lost.
  for (int i = 0; i < n; ++i) {
    const std::vector<Edge> edges = EffectiveEdges(spec_, i);
    switch (spec_.nodes[i].kind) {
      case NodeKind::kPair: {
        auto pair = *std::get<Value>(handles_[i]).AsPair();
        pair->SetCar(ValueOfEdge(edges[0]));
        pair->SetCdr(ValueOfEdge(edges[1]));
        break;
      }
      case NodeKind::kVector: {
        auto vector = *std::get<Value>(handles_[i]).AsVector();
        for (const Edge& edge : edges) vector->Push(ValueOfEdge(edge));
        break;
      }
      case NodeKind::kBlob: {
        auto& blob = std::get<mem::Pointer<testing::Blob>>(handles_[i]);
        for (const Edge& edge : edges) {
          blob->edges.push_back(
              std::get<mem::Pointer<testing::Blob>>(handles_[edge.node]));
        }
        break;
      }
      default:
        break;
    }
  }
}

void BuiltGraph::NoteAllocation(bool garbage) {
  if (mutator_.collections() != collections_seen_) {
    collections_seen_ = mutator_.collections();
    garbage_alive_ = 0;
  }
  if (garbage) ++garbage_alive_;
}

std::size_t BuiltGraph::Collect() {
  const std::size_t freed = mutator_.CollectGarbage();
  collections_seen_ = mutator_.collections();
  garbage_alive_ = 0;
  return freed;
}

void BuiltGraph::Drop(int node) { handles_[node] = std::monostate(); }

void BuiltGraph::DropAllBut(const std::set<int>& keep) {
  for (int i = 0; i < static_cast<int>(handles_.size()); ++i) {
    if (!keep.contains(i)) Drop(i);
  }
}

int BuiltGraph::blob_destructor_runs(int node) const {
  auto it = blob_destructor_runs_.find(node);
  return it == blob_destructor_runs_.end() ? 0 : it->second;
}

Value BuiltGraph::ValueOfEdge(const Edge& edge) const {
  if (!edge.is_node) return Value::Int(edge.immediate);
  return std::get<Value>(handles_[edge.node]);
}

bool BuiltGraph::EdgeMatches(const Edge& edge, const Value& v) const {
  if (!edge.is_node) return v.AsInt() == edge.immediate;
  return AddressOf(v) == addresses_[edge.node];
}

std::string BuiltGraph::CheckNode(int i) const {
  const NodeSpec& node = spec_.nodes[i];
  const void* address = addresses_[i];
  const std::vector<Edge> edges = EffectiveEdges(spec_, i);
  auto compare = [&](const std::vector<Value>& values) -> std::string {
    if (values.size() != edges.size()) return "edge count differs";
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (!EdgeMatches(edges[k], values[k])) {
        return absl::StrFormat("edge %d differs", k);
      }
    }
    return "";
  };
  switch (node.kind) {
    case NodeKind::kPair: {
      auto p = mutator_.PointerFromRaw<value::Pair>(address);
      if (!p.ok()) return p.status().ToString();
      return compare({(*p)->car_ref(), (*p)->cdr_ref()});
    }
    case NodeKind::kVector: {
      auto v = mutator_.PointerFromRaw<value::Vector>(address);
      if (!v.ok()) return v.status().ToString();
      return compare((*v)->elements());
    }
    case NodeKind::kString: {
      auto s = mutator_.PointerFromRaw<value::String>(address);
      if (!s.ok()) return s.status().ToString();
      return (*s)->view() == node.text ? "" : "contents differ";
    }
    case NodeKind::kSymbol: {
      auto s = mutator_.PointerFromRaw<value::Symbol>(address);
      if (!s.ok()) return s.status().ToString();
      return (*s)->name() == SymbolName(node, i) ? "" : "name differs";
    }
    case NodeKind::kByteVector: {
      auto b = mutator_.PointerFromRaw<value::ByteVector>(address);
      if (!b.ok()) return b.status().ToString();
      const auto bytes = (*b)->bytes();
      return std::string(bytes.begin(), bytes.end()) == node.text
                 ? ""
                 : "bytes differ";
    }
    case NodeKind::kBlob: {
      auto b = mutator_.PointerFromRaw<testing::Blob>(address);
      if (!b.ok()) return b.status().ToString();
      if ((*b)->edges.size() != edges.size()) return "edge count differs";
      for (std::size_t k = 0; k < edges.size(); ++k) {
        if ((*b)->edges[k].get() != addresses_[edges[k].node]) {
          return absl::StrFormat("edge %d differs", k);
        }
      }
      return "";
    }
  }
  return "";
}

std::string BuiltGraph::Check(const std::set<int>& alive) const {
  if (absl::Status s = mutator_.VerifyHeap(); !s.ok()) return s.ToString();
  std::size_t expected[6] = {};
  expected[static_cast<int>(NodeKind::kPair)] = garbage_alive_;
  for (int i : alive) ++expected[static_cast<int>(spec_.nodes[i].kind)];
  const std::size_t live[6] = {mutator_.CountLive<value::Pair>(),
                               mutator_.CountLive<value::Vector>(),
                               mutator_.CountLive<value::String>(),
                               mutator_.CountLive<value::Symbol>(),
                               mutator_.CountLive<value::ByteVector>(),
                               mutator_.CountLive<testing::Blob>()};
  std::size_t total = 0;
  for (int k = 0; k < 6; ++k) {
    total += expected[k];
    if (live[k] != expected[k]) {
      return absl::StrFormat("%d live %s, expected %d", live[k],
                             KindName(static_cast<NodeKind>(k)), expected[k]);
    }
  }
  const mem::Stats stats = mutator_.stats();
  if (stats.live != total) {
    return absl::StrFormat("Stats say %d live, the recount %d", stats.live,
                           total);
  }
  if (heap_.symbol_count() != expected[static_cast<int>(NodeKind::kSymbol)]) {
    return absl::StrFormat("symbol table has %d entries, expected %d",
                           heap_.symbol_count(),
                           expected[static_cast<int>(NodeKind::kSymbol)]);
  }
  for (int i = 0; i < static_cast<int>(spec_.nodes.size()); ++i) {
    const bool should_live = alive.contains(i);
    if (should_live) {
      if (std::string error = CheckNode(i); !error.empty()) {
        return absl::StrFormat("n%d (%s) should be live: %s", i,
                               KindName(spec_.nodes[i].kind), error);
      }
    }
    if (spec_.nodes[i].kind == NodeKind::kBlob &&
        blob_destructor_runs(i) != (should_live ? 0 : 1)) {
      return absl::StrFormat("n%d (Blob) destructor ran %d times, expected %d",
                             i, blob_destructor_runs(i), should_live ? 0 : 1);
    }
  }
  return "";
}

}  // namespace kamo::proptest
