#include "proptest/graph_spec.h"

#include "absl/strings/str_format.h"

namespace kamo::proptest {
namespace {

// Symbol names are made unique per node, so two nodes never alias.
std::string SymbolName(const NodeSpec& node, int index) {
  return absl::StrFormat("%s#%d", node.text, index);
}

}  // namespace

int NodeWithLabel(const GraphSpec& spec, int label) {
  for (int i = 0; i < static_cast<int>(spec.nodes.size()); ++i) {
    if (spec.nodes[i].label == label) return i;
  }
  return -1;
}

std::vector<Edge> EffectiveEdges(const GraphSpec& spec, int node) {
  const NodeSpec& from = spec.nodes[node];
  std::vector<Edge> edges;
  const bool pair =
      from.kind == NodeKind::kPair || from.kind == NodeKind::kWeakPair;
  if (!pair && from.kind != NodeKind::kVector && from.kind != NodeKind::kBlob) {
    return edges;
  }
  for (int raw : from.edges) {
    Edge edge{.immediate = raw};
    if (const int target = NodeWithLabel(spec, raw); target >= 0) {
      const bool target_is_blob = spec.nodes[target].kind == NodeKind::kBlob;
      if (target_is_blob == (from.kind == NodeKind::kBlob)) {
        edge = Edge{.is_node = true, .node = target};
      }
    }
    if (from.kind == NodeKind::kBlob && !edge.is_node) continue;
    edges.push_back(edge);
  }
  if (pair) edges.resize(2);  // car, cdr (0 if none)
  return edges;
}

std::set<int> RootSet(const GraphSpec& spec) {
  std::set<int> roots;
  for (int label : spec.roots) {
    if (const int node = NodeWithLabel(spec, label); node >= 0) {
      roots.insert(node);
    }
  }
  return roots;
}

std::set<int> Reachable(const GraphSpec& spec, const std::set<int>& roots) {
  std::set<int> reached = roots;
  std::vector<int> pending(roots.begin(), roots.end());
  while (!pending.empty()) {
    const int node = pending.back();
    pending.pop_back();
    std::vector<Edge> edges = EffectiveEdges(spec, node);
    // A WeakPair's car keeps nothing alive.
    if (spec.nodes[node].kind == NodeKind::kWeakPair)
      edges.erase(edges.begin());
    for (const Edge& edge : edges) {
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
    os << "  n" << i << " (label " << node.label << ") " << testing::ToString(node.kind);
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

testing::HeapGraph::Options OptionsFor(const GraphSpec& spec,
                                       const mem::MutatorOptions& mutator,
                                       bool blob_hides_last_edge) {
  return {.handles = static_cast<int>(spec.nodes.size()) + 1,
          .mutator = mutator,
          .blob_hides_last_edge = blob_hides_last_edge};
}

void Build(const GraphSpec& spec, testing::HeapGraph& graph,
           const std::vector<int>& garbage_before_node) {
  const int n = static_cast<int>(spec.nodes.size());
  const int scratch = n;
  for (int i = 0; i < n; ++i) {
    if (!garbage_before_node.empty()) {
      graph.AllocateGarbage(
          garbage_before_node[i % garbage_before_node.size()]);
    }
    const NodeSpec& node = spec.nodes[i];
    switch (node.kind) {
      case NodeKind::kPair:
        graph.NewPair(i, scratch, scratch);  // (nil . nil), linked below
        break;
      case NodeKind::kVector:
        graph.NewVector(i, 0, 0);
        break;
      case NodeKind::kString:
        graph.NewString(i, node.text);
        break;
      case NodeKind::kSymbol:
        graph.Intern(i, SymbolName(node, i));
        break;
      case NodeKind::kByteVector:
        graph.NewByteVector(i, node.text);
        break;
      case NodeKind::kBlob:
        graph.NewBlob(i);
        break;
      case NodeKind::kWeakPair:
        graph.NewWeakPair(i, scratch, scratch);
        break;
      case NodeKind::kEphemeron:
      case NodeKind::kHashtable:
        // Not generated (generators.h): an Ephemeron cannot be linked after
        // it is made, and a table's law is not a graph's; the state machine
        // and the fuzzer make both.
        break;
    }
  }
  // Every node is held while it is linked.
  auto source = [&](const Edge& edge) {
    if (edge.is_node) return edge.node;
    graph.SetInt(scratch, edge.immediate);
    return scratch;
  };
  for (int i = 0; i < n; ++i) {
    const std::vector<Edge> edges = EffectiveEdges(spec, i);
    switch (spec.nodes[i].kind) {
      case NodeKind::kPair:
      case NodeKind::kWeakPair:
        graph.SetCar(i, source(edges[0]));
        graph.SetCdr(i, source(edges[1]));
        break;
      case NodeKind::kVector:
        for (const Edge& edge : edges) graph.VectorPush(i, source(edge));
        break;
      case NodeKind::kBlob:
        for (const Edge& edge : edges) graph.Link(i, edge.node);
        break;
      default:
        break;
    }
  }
  graph.Drop(scratch);
}

void DropAllBut(const GraphSpec& spec, testing::HeapGraph& graph,
                const std::set<int>& keep) {
  for (int i = 0; i < static_cast<int>(spec.nodes.size()); ++i) {
    if (!keep.contains(i)) graph.Drop(i);
  }
}

}  // namespace kamo::proptest

namespace kamo::mem {

void showValue(const MutatorOptions& options, std::ostream& os) {
  os << ToString(options.mode.value_or(CollectionMode::kGenerational))
     << ", pacing " << ToString(options.pacing) << " (growth "
     << options.heap_growth << "), stress "
     << options.stress_interval.value_or(0) << ", bucket capacity "
     << options.bucket_capacity << ", heap limit ";
  if (options.heap_limit_bytes == MutatorOptions().heap_limit_bytes) {
    os << "none";
  } else {
    os << options.heap_limit_bytes << " bytes";
  }
}

}  // namespace kamo::mem
