// The collector's law on generated heap graphs: exactly what is reachable
// from the roots survives, intact; everything else, cycles included, is
// freed. The graphs are built in a HeapGraph, whose model checks contents,
// edges, counts, Stats, the symbol table and destructor runs after every
// collection; each property also checks the counts against the spec's own
// reachability. Cases per property: RC_PARAMS (1000 by default, see
// proptest_main.cc).
#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "proptest/generators.h"
#include "proptest/graph_spec.h"
#include "rapidcheck/gtest.h"

namespace kamo::proptest {
namespace {

using testing::HeapGraph;

void RequireOk(const HeapGraph& graph) {
  if (!graph.ok()) RC_FAIL(graph.failure());
}

RC_GTEST_PROP(CollectorProperties, ExactlyTheReachableSurviveIntact,
              (const GraphSpec& spec)) {
  HeapGraph graph(OptionsFor(spec, *MutatorOptionsGen(false)));
  Build(spec, graph);
  const std::set<int> roots = RootSet(spec);
  const std::set<int> reachable = Reachable(spec, roots);
  DropAllBut(spec, graph, roots);
  const std::size_t freed = graph.Collect();
  RequireOk(graph);
  RC_ASSERT(freed == spec.nodes.size() - reachable.size());
  RC_ASSERT(graph.live_nodes() == reachable.size());
  graph.Teardown();  // the Mutator destroys the survivors, once each
  RequireOk(graph);
  RC_CLASSIFY(reachable.size() < spec.nodes.size(), "some freed");
  RC_CLASSIFY(reachable.empty(), "all freed");
}

RC_GTEST_PROP(CollectorProperties, SecondCollectionFreesNothing,
              (const GraphSpec& spec)) {
  HeapGraph graph(OptionsFor(spec, *MutatorOptionsGen(false)));
  Build(spec, graph);
  DropAllBut(spec, graph, RootSet(spec));
  graph.Collect();
  const std::size_t live = graph.live_nodes();
  RC_ASSERT(graph.Collect() == 0u);
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == live);
}

RC_GTEST_PROP(CollectorProperties, DestructorsRunOnceForFreedNeverForLive,
              (const GraphSpec& spec)) {
  // HeapGraph checks every Blob's destructor count after each collection:
  // 0 while live, 1 once freed, also across a second collection.
  HeapGraph graph(OptionsFor(spec, *MutatorOptionsGen(false)));
  Build(spec, graph);
  DropAllBut(spec, graph, RootSet(spec));
  graph.Collect();
  DropAllBut(spec, graph, {});
  graph.Collect();
  graph.Collect();
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == 0u);
}

RC_GTEST_PROP(CollectorProperties, PressureWhileBuildingFreesNothingHeld,
              (const GraphSpec& spec)) {
  // Enough garbage between nodes that the pressure (at least 64 KiB) is
  // crossed while the builder holds a half-built graph; HeapGraph checks
  // the heap at each of those collections.
  const auto garbage =
      *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 700));
  HeapGraph graph(OptionsFor(spec, *MutatorOptionsGen(false)));
  Build(spec, graph, garbage);
  graph.CheckNow();
  RequireOk(graph);
  RC_CLASSIFY(graph.collections() > 0, "pressure collected");
  const std::set<int> roots = RootSet(spec);
  DropAllBut(spec, graph, roots);
  graph.Collect();
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == Reachable(spec, roots).size());
}

RC_GTEST_PROP(CollectorProperties, HeapLimitRefusalsLeaveTheHeapAsItWas,
              (const GraphSpec& spec)) {
  // Under a limit small enough to be reached, some allocations are refused
  // with HeapLimitExceeded after a collection: the refused operation
  // changes nothing in the model, HeapGraph checks the heap after each of
  // those collections, and whatever was built still follows the law.
  const auto garbage =
      *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 700));
  HeapGraph graph(OptionsFor(spec, *MutatorOptionsGen(true)));
  Build(spec, graph, garbage);
  graph.CheckNow();
  RequireOk(graph);
  RC_CLASSIFY(graph.refusals() > 0, "the limit refused an allocation");
  DropAllBut(spec, graph, {});
  graph.Collect();
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == 0u);
  graph.Teardown();
  RequireOk(graph);
}

RC_GTEST_PROP(CollectorProperties,
              DroppingRootsOneByOneFreesWhatBecameUnreachable,
              (const GraphSpec& spec)) {
  HeapGraph graph(OptionsFor(spec, *MutatorOptionsGen(false)));
  Build(spec, graph);
  std::set<int> roots = RootSet(spec);
  DropAllBut(spec, graph, roots);
  std::set<int> reachable = Reachable(spec, roots);
  graph.Collect();
  // A random order: the roots sorted by generated keys.
  const auto keys = *rc::gen::container<std::vector<int>>(
      roots.size(), rc::gen::arbitrary<int>());
  std::vector<std::pair<int, int>> keyed;
  for (int root : roots) keyed.emplace_back(keys[keyed.size()], root);
  std::sort(keyed.begin(), keyed.end());
  for (const auto& [key, root] : keyed) {
    roots.erase(root);
    graph.Drop(root);
    const std::set<int> now = Reachable(spec, roots);
    RC_ASSERT(graph.Collect() == reachable.size() - now.size());
    RequireOk(graph);
    reachable = now;
  }
  RC_ASSERT(graph.live_nodes() == 0u);
}

RC_GTEST_PROP(CollectorProperties,
              InternedSymbolsKeepIdentityOnlyWhileReachable,
              (const std::vector<std::string>& names)) {
  // HeapGraph::Intern fails if interning a name whose symbol is not yet
  // collected gives another slot; its checks compare the table's size with
  // the live symbols after each collection.
  HeapGraph graph({.handles = static_cast<int>(names.size()) + 1,
                   .mutator = *MutatorOptionsGen(false)});
  const auto held = *rc::gen::container<std::vector<bool>>(
      names.size(), rc::gen::arbitrary<bool>());
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    graph.Intern(i, names[i]);
    graph.Intern(i, names[i]);
    if (!held[i]) graph.Drop(i);
  }
  graph.Collect();
  for (int i = 0; i < static_cast<int>(names.size()); ++i) {
    graph.Intern(static_cast<int>(names.size()), names[i]);
  }
  RequireOk(graph);
  for (int i = 0; i <= static_cast<int>(names.size()); ++i) graph.Drop(i);
  graph.Collect();
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == 0u);
}

}  // namespace
}  // namespace kamo::proptest
