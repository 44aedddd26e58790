// The collector's law on generated heap graphs: exactly what is reachable
// from the roots survives, intact; everything else, cycles included, is
// freed. Cases per property: RC_PARAMS (1000 by default, see proptest_main).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proptest/generators.h"
#include "proptest/graph_spec.h"
#include "rapidcheck/gtest.h"

namespace kamo::proptest {
namespace {

RC_GTEST_PROP(CollectorProperties, ExactlyTheReachableSurviveIntact,
              (const GraphSpec& spec)) {
  BuiltGraph graph(spec, {});
  const std::set<int> roots = RootSet(spec);
  const std::set<int> reachable = Reachable(spec, roots);
  graph.DropAllBut(roots);
  const std::size_t freed = graph.Collect();
  RC_ASSERT(freed == spec.nodes.size() - reachable.size());
  const std::string error = graph.Check(reachable);
  RC_ASSERT(error == "");
  RC_CLASSIFY(reachable.size() < spec.nodes.size(), "some freed");
  RC_CLASSIFY(reachable.empty(), "all freed");
}

RC_GTEST_PROP(CollectorProperties, SecondCollectionFreesNothing,
              (const GraphSpec& spec)) {
  BuiltGraph graph(spec, {});
  const std::set<int> roots = RootSet(spec);
  const std::set<int> reachable = Reachable(spec, roots);
  graph.DropAllBut(roots);
  graph.Collect();
  RC_ASSERT(graph.Check(reachable) == "");
  RC_ASSERT(graph.Collect() == 0u);
  RC_ASSERT(graph.Check(reachable) == "");
}

RC_GTEST_PROP(CollectorProperties, DestructorsRunOnceForFreedNeverForLive,
              (const GraphSpec& spec)) {
  {
    BuiltGraph graph(spec, {});
    const std::set<int> roots = RootSet(spec);
    const std::set<int> reachable = Reachable(spec, roots);
    graph.DropAllBut(roots);
    graph.Collect();
    graph.Collect();
    for (int i = 0; i < static_cast<int>(spec.nodes.size()); ++i) {
      if (spec.nodes[i].kind != NodeKind::kBlob) continue;
      RC_ASSERT(graph.blob_destructor_runs(i) ==
                (reachable.contains(i) ? 0 : 1));
    }
    // Dropping every root frees the survivors too, each once.
    graph.DropAllBut({});
    graph.Collect();
    for (int i = 0; i < static_cast<int>(spec.nodes.size()); ++i) {
      if (spec.nodes[i].kind == NodeKind::kBlob) {
        RC_ASSERT(graph.blob_destructor_runs(i) == 1);
      }
    }
  }
}

RC_GTEST_PROP(CollectorProperties, PressureWhileBuildingFreesNothingHeld,
              (const GraphSpec& spec)) {
  // Enough garbage between nodes that the pressure (at least 1024
  // allocations) is crossed while the builder holds a half-built graph.
  const auto garbage =
      *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 700));
  BuiltGraph graph(spec, {.garbage_before_node = garbage});
  std::set<int> all;
  for (int i = 0; i < static_cast<int>(spec.nodes.size()); ++i) all.insert(i);
  RC_ASSERT(graph.Check(all) == "");
  RC_CLASSIFY(graph.mutator().collections() > 0, "pressure collected");
  const std::set<int> roots = RootSet(spec);
  graph.DropAllBut(roots);
  const std::size_t garbage_left = graph.garbage_alive();
  const std::set<int> reachable = Reachable(spec, roots);
  RC_ASSERT(graph.Collect() ==
            spec.nodes.size() - reachable.size() + garbage_left);
  RC_ASSERT(graph.Check(reachable) == "");
}

RC_GTEST_PROP(CollectorProperties,
              DroppingRootsOneByOneFreesWhatBecameUnreachable,
              (const GraphSpec& spec)) {
  BuiltGraph graph(spec, {});
  std::set<int> roots = RootSet(spec);
  graph.DropAllBut(roots);
  std::set<int> reachable = Reachable(spec, roots);
  graph.Collect();
  RC_ASSERT(graph.Check(reachable) == "");
  // A random order: the roots sorted by generated keys.
  const auto keys = *rc::gen::container<std::vector<int>>(
      roots.size(), rc::gen::arbitrary<int>());
  std::vector<std::pair<int, int>> keyed;
  for (int root : roots) keyed.emplace_back(keys[keyed.size()], root);
  std::sort(keyed.begin(), keyed.end());
  std::vector<int> order;
  for (const auto& [key, root] : keyed) order.push_back(root);
  for (int root : order) {
    roots.erase(root);
    graph.Drop(root);
    const std::set<int> now = Reachable(spec, roots);
    RC_ASSERT(graph.Collect() == reachable.size() - now.size());
    RC_ASSERT(graph.Check(now) == "");
    reachable = now;
  }
  RC_ASSERT(graph.mutator().stats().live == 0u);
}

RC_GTEST_PROP(CollectorProperties,
              InternedSymbolsKeepIdentityOnlyWhileReachable,
              (const std::vector<std::string>& names)) {
  mem::Mutator mutator;
  value::Heap heap(mutator);
  const auto held_mask = *rc::gen::container<std::vector<bool>>(
      names.size(), rc::gen::arbitrary<bool>());
  std::vector<mem::Pointer<value::Symbol>> held;
  std::set<std::string> held_names;
  for (std::size_t i = 0; i < names.size(); ++i) {
    mem::Pointer<value::Symbol> symbol = heap.Intern(names[i]);
    RC_ASSERT(heap.Intern(names[i]) == symbol);
    RC_ASSERT(symbol->name() == names[i]);
    if (held_mask[i]) {
      held.push_back(symbol);
      held_names.insert(names[i]);
    }
  }
  mutator.CollectGarbage();
  RC_ASSERT(heap.symbol_count() == held_names.size());
  RC_ASSERT(mutator.CountLive<value::Symbol>() == held_names.size());
  for (const auto& symbol : held) {
    RC_ASSERT(heap.Intern(symbol->name()) == symbol);
  }
  held.clear();
  mutator.CollectGarbage();
  RC_ASSERT(heap.symbol_count() == 0u);
  RC_ASSERT(mutator.CountLive<value::Symbol>() == 0u);
}

}  // namespace
}  // namespace kamo::proptest
