// GraphSpec: a heap graph described as plain data, for RapidCheck to
// generate and shrink, and Build: that graph made in a HeapGraph
// (testing/heap_graph.h), whose model checks the heap after every collection.
//
// A spec lists nodes of mixed types, each with a label; edges and roots name
// labels (the first node with that label), so that shrinking can drop a
// node without changing what the other edges point at. Edges are
// normalised the same way for the heap and for the model (EffectiveEdges):
// a Pair or WeakPair has exactly a car and a cdr (a WeakPair's car reaches
// nothing), a Vector any number of elements, a
// Blob edges to Blobs only; an edge naming no node is the integer it names,
// and so is an edge a type cannot hold (a Pair pointing at a Blob).
#ifndef KAMO_PROPTEST_GRAPH_SPEC_H_
#define KAMO_PROPTEST_GRAPH_SPEC_H_

#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "testing/heap_graph.h"

namespace kamo::proptest {

using testing::NodeKind;

struct NodeSpec {
  NodeKind kind = NodeKind::kPair;
  int label = 0;
  std::vector<int> edges;  // labels; one naming no node is an integer
  std::string text;        // String, Symbol and ByteVector contents
};

struct GraphSpec {
  std::vector<NodeSpec> nodes;
  std::vector<int> roots;  // labels of the nodes the test holds
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

}  // namespace kamo::proptest

namespace kamo::mem {
// The options a property drew, in counterexamples.
void showValue(const MutatorOptions& options, std::ostream& os);
}  // namespace kamo::mem

namespace kamo::proptest {

// The HeapGraph options for building `spec`: a handle per node, and one
// more as scratch for immediates, and the Mutator's `mutator` options.
testing::HeapGraph::Options OptionsFor(
    const GraphSpec& spec,
    const mem::MutatorOptions& mutator = testing::HeapGraph::Options().mutator,
    bool blob_hides_last_edge = false);

// Builds `spec` in `graph` (made with OptionsFor): handle i holds node i.
// All nodes are allocated first, each held, then linked. Before node i,
// garbage_before_node[i % size] garbage pairs are allocated, so that the
// allocation pressure is crossed while the graph is half built.
void Build(const GraphSpec& spec, testing::HeapGraph& graph,
           const std::vector<int>& garbage_before_node = {});

// Drops the handle of every node not in `keep`.
void DropAllBut(const GraphSpec& spec, testing::HeapGraph& graph,
                const std::set<int>& keep);

}  // namespace kamo::proptest

#endif  // KAMO_PROPTEST_GRAPH_SPEC_H_
