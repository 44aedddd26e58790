// GraphSpec: a heap graph described as plain data, for RapidCheck to
// generate and shrink, and BuiltGraph: that graph allocated in a real heap,
// with the checks the properties make.
//
// A spec lists nodes of mixed types with edges by node index. Edges are
// normalised the same way for the heap and for the model (EffectiveEdges):
// a Pair has exactly a car and a cdr, a Vector any number of elements, a
// Blob edges to Blobs only; a negative edge is the integer it names, and an
// edge a type cannot hold (a Pair pointing at a Blob) becomes that integer.
#ifndef KAMO_PROPTEST_GRAPH_SPEC_H_
#define KAMO_PROPTEST_GRAPH_SPEC_H_

#include <cstddef>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "mem/mutator.h"
#include "testing/heap_graph.h"
#include "value/heap.h"

namespace kamo::proptest {

enum class NodeKind { kPair, kVector, kString, kSymbol, kByteVector, kBlob };

struct NodeSpec {
  NodeKind kind = NodeKind::kPair;
  std::vector<int> edges;  // >= 0: a node index (mod node count); < 0: int
  std::string text;        // String, Symbol and ByteVector contents
};

struct GraphSpec {
  std::vector<NodeSpec> nodes;
  std::vector<int> roots;  // node indexes (mod node count) held by the test
};

// An edge after normalisation: a node, or an immediate integer.
struct Edge {
  bool is_node = false;
  int node = -1;
  int immediate = 0;
};

std::vector<Edge> EffectiveEdges(const GraphSpec& spec, int node);
std::set<int> RootSet(const GraphSpec& spec);
// Nodes reachable from `roots` over the effective edges.
std::set<int> Reachable(const GraphSpec& spec, const std::set<int>& roots);

// RapidCheck prints counterexamples with this.
void showValue(const GraphSpec& spec, std::ostream& os);

class BuiltGraph {
 public:
  struct Options {
    // Garbage pairs allocated before each node, to cross the allocation
    // pressure while the graph is half built (one entry per node, cycled).
    std::vector<int> garbage_before_node = {};
    bool blob_hides_last_edge = false;
  };

  // Allocates every node, holding each in a locked handle, then links them.
  BuiltGraph(const GraphSpec& spec, Options options);

  // Drops the handle of `node` (no-op if already dropped).
  void Drop(int node);
  void DropAllBut(const std::set<int>& keep);
  std::size_t Collect();

  // Compares the heap with `alive`, the nodes that must be live: live counts
  // per type, each live node's contents and edges, each other node's slot
  // freed, Blob destructor runs. Returns the first difference, or "".
  // Valid when nothing was allocated since the last collection (a freed
  // slot is then still vacant).
  std::string Check(const std::set<int>& alive) const;

  // Garbage pairs allocated while building that no collection has freed
  // yet: the next collection frees them along with the graph's garbage.
  std::size_t garbage_alive() const { return garbage_alive_; }

  mem::Mutator& mutator() { return mutator_; }
  int blob_destructor_runs(int node) const;

 private:
  using Handle =
      std::variant<std::monostate, value::Value, mem::Pointer<testing::Blob>>;

  // After each allocation: a collection it ran freed all earlier garbage.
  void NoteAllocation(bool garbage);
  value::Value ValueOfEdge(const Edge& edge) const;
  std::string CheckNode(int node) const;
  bool EdgeMatches(const Edge& edge, const value::Value& v) const;

  const GraphSpec spec_;
  std::map<int, int> blob_destructor_runs_;  // by Blob id (= node index)
  mem::Mutator mutator_;
  value::Heap heap_;
  std::vector<Handle> handles_;
  std::vector<const void*> addresses_;
  std::size_t collections_seen_ = 0;
  std::size_t garbage_alive_ = 0;
};

}  // namespace kamo::proptest

#endif  // KAMO_PROPTEST_GRAPH_SPEC_H_
