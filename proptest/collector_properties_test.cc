// The collector's law on generated heap graphs: exactly what is reachable
// from the roots survives, intact; everything else, cycles included, is
// freed. The graphs are built in a HeapGraph, whose model checks contents,
// edges, counts, Stats, the symbol table and destructor runs after every
// collection; each property also checks the counts against the spec's own
// reachability. Cases per property: RC_PARAMS (1000 by default, 300 under
// a sanitizer, see proptest_main.cc).
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

// An incremental collection with the graph rearranged between its steps:
// trees of Blobs (Members) and Pairs (value/ Fields) hung from a few
// roots, walked down by handles, values stored from one place into
// another, references cut or moved, handles dropped and copied over. The write
// barrier must keep every value still reachable (the model's interval law
// at the finish), and no value traced already may refer to an unmarked
// one between steps (the heap verifier, after every operation).
RC_GTEST_PROP(CollectorProperties, StoresBetweenMarkingStepsKeepTheReachable,
              ()) {
  const mem::CollectionMode mode =
      *rc::gen::element(mem::CollectionMode::kIncremental,
                        mem::CollectionMode::kGenerationalIncremental);
  const int nodes = *rc::gen::inRange(2, 40);
  const int handles = nodes + 2;
  HeapGraph graph({.handles = handles,
                   .mutator = {.pacing = mem::Pacing::kManual,
                               .stress_interval = 0,
                               .mode = mode}});
  // Node i in handle i; a Blob hangs from an earlier Blob, a Pair from an
  // earlier Pair's car or cdr, when there is one with room; the rest are
  // roots, and so is a random few more.
  std::vector<bool> blob(nodes);
  std::vector<int> children(nodes, 0);
  std::vector<bool> root(nodes, false);
  for (int i = 0; i < nodes; ++i) {
    blob[i] = *rc::gen::arbitrary<bool>();
    if (blob[i]) {
      graph.NewBlob(i);
    } else {
      graph.NewPair(i, handles - 1, handles - 1);  // nil, nil
    }
    std::vector<int> parents;
    for (int p = 0; p < i; ++p) {
      if (blob[p] == blob[i] && (blob[p] || children[p] < 2)) {
        parents.push_back(p);
      }
    }
    if (parents.empty() || *rc::gen::inRange(0, 8) == 0) {
      root[i] = true;
      continue;
    }
    const int parent = *rc::gen::elementOf(parents);
    if (blob[i]) {
      graph.Link(parent, i);
    } else if (children[parent] == 0) {
      graph.SetCar(parent, i);
    } else {
      graph.SetCdr(parent, i);
    }
    ++children[parent];
  }
  // The roots move to the first handles (in order, so that none is
  // overwritten before it moves); the others are dropped. Operations then
  // use those handles and two more.
  int held = 0;
  for (int i = 0; i < nodes; ++i) {
    if (root[i]) graph.Copy(held++, i);
  }
  for (int h = held; h < handles; ++h) graph.Drop(h);
  const auto handle = [&] { return *rc::gen::inRange(0, held + 2); };
  const auto index = [] { return *rc::gen::inRange<std::size_t>(0, 3); };
  // Nil, but for the moment a move holds what it moves.
  const int nil = handles - 1;
  // A store: whichever fits the holder acts.
  const auto store = [&](int to, int source) {
    graph.Link(to, source);
    if (*rc::gen::arbitrary<bool>()) {
      graph.SetCar(to, source);
    } else {
      graph.SetCdr(to, source);
    }
  };
  // A cut: Blob edge `at`, or the car (`at` even) or cdr becomes nil.
  const auto cut = [&](int from, std::size_t at) {
    graph.Unlink(from, at);
    if (at % 2 == 0) {
      graph.SetCar(from, nil);
    } else {
      graph.SetCdr(from, nil);
    }
  };
  graph.CollectStep(1);  // the start: marks the roots
  // Some of it traced (black), the rest gray or white.
  graph.CollectStep(*rc::gen::inRange<std::size_t>(1, nodes + 1));
  const int operations = *rc::gen::inRange(1, 60);
  for (int i = 0; i < operations; ++i) {
    switch (*rc::gen::inRange(0, 10)) {
      case 0:
      case 1:
        graph.TakeOut(handle(), handle(), index());  // a walk down
        break;
      case 2:
      case 3: {
        const int to = handle();
        const int source = handle();
        store(to, source);
        break;
      }
      case 4: {
        const int from = handle();
        cut(from, index());
        break;
      }
      case 5:
        graph.Drop(handle());
        break;
      case 6:
        graph.Copy(handle(), handle());
        break;
      case 7: {
        // A move: a reference leaves one holder for another, through a
        // handle dropped at once, so that only the new holder keeps it.
        // Into a traced holder this is the store a missing barrier loses.
        const int from = handle();
        const int to = handle();
        const std::size_t at = index();
        graph.TakeOut(nil, from, at);
        store(to, nil);
        graph.Drop(nil);
        cut(from, at);
        break;
      }
      default:
        graph.CollectStep(*rc::gen::inRange<std::size_t>(1, 4));
        break;
    }
    graph.CheckMarking();
    RequireOk(graph);
  }
  const bool spanned = graph.mutator().incremental_under_way();
  while (graph.mutator().incremental_under_way()) graph.CollectStep(4);
  RequireOk(graph);
  graph.Collect();
  RequireOk(graph);
  graph.Teardown();
  RequireOk(graph);
  RC_CLASSIFY(spanned, "marking spanned every operation");
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

RC_GTEST_PROP(CollectorProperties, AnEphemeronChainLivesFromItsFirstHeldLinkOn,
              ()) {
  // Blobs 0..m-1 form a chain in a random order p: holder Blob m + j
  // (all held) has the ephemeron p[j] => p[j + 1], set in a random order,
  // so keys are often marked after their ephemeron was traced. A link
  // lives exactly when some link at or before it in the chain is held.
  const int m = *rc::gen::inRange(1, 24);
  std::vector<int> order(static_cast<std::size_t>(m));
  for (int i = 0; i < m; ++i) order[i] = i;
  const auto keys = *rc::gen::container<std::vector<int>>(
      static_cast<std::size_t>(m), rc::gen::arbitrary<int>());
  std::sort(order.begin(), order.end(),
            [&](int a, int b) { return keys[a] < keys[b]; });
  const auto held = *rc::gen::container<std::vector<bool>>(
      static_cast<std::size_t>(m), rc::gen::arbitrary<bool>());
  HeapGraph graph({.handles = 2 * m, .mutator = *MutatorOptionsGen(false)});
  for (int h = 0; h < 2 * m; ++h) graph.NewBlob(h);
  // The holders in reverse, so the last link's ephemeron is traced first.
  for (int j = m - 2; j >= 0; --j) {
    graph.EphemeronLink(m + j, order[j], order[j + 1]);
  }
  int first_held = m;
  for (int j = 0; j < m; ++j) {
    if (held[order[j]]) {
      first_held = std::min(first_held, j);
    } else {
      graph.Drop(order[j]);
    }
  }
  graph.Collect();
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == static_cast<std::size_t>(m + m - first_held));
  RC_CLASSIFY(first_held > 0 && first_held < m, "chain cut");
  graph.Teardown();
  RequireOk(graph);
}

RC_GTEST_PROP(CollectorProperties, EphemeronsAndGuardiansFollowTheModel, ()) {
  // Blobs with random strong edges, ephemerons (cycles through values
  // included) and guardian registrations, some held: after each
  // collection the HeapGraph checks the heap against its model (what
  // ephemerons keep, what the guardian gets back, what is freed); the
  // handed-over Blobs are taken and dropped, and a last collection frees
  // everything.
  const int n = *rc::gen::inRange(1, 24);
  const auto blob = rc::gen::inRange(0, n);
  HeapGraph graph({.handles = n + 1, .mutator = *MutatorOptionsGen(false)});
  for (int h = 0; h < n; ++h) graph.NewBlob(h);
  for (const auto& [from, to] :
       *rc::gen::container<std::vector<std::pair<int, int>>>(
           rc::gen::pair(blob, blob))) {
    graph.Link(from, to);
  }
  for (const auto& [holder, key_value] :
       *rc::gen::container<std::vector<std::pair<int, std::pair<int, int>>>>(
           rc::gen::pair(blob, rc::gen::pair(blob, blob)))) {
    graph.EphemeronLink(holder, key_value.first, key_value.second);
  }
  const auto registered = *rc::gen::container<std::vector<int>>(blob);
  for (int h : registered) graph.GuardianRegister(h);
  for (int h : *rc::gen::container<std::vector<int>>(blob)) graph.Drop(h);
  graph.Collect();
  RequireOk(graph);
  for (std::size_t k = 0; k < registered.size(); ++k) {
    graph.GuardianTake(n);  // taken, then dropped by the next take
  }
  graph.Drop(n);
  graph.Collect();
  RequireOk(graph);
  for (int h = 0; h < n; ++h) graph.Drop(h);
  graph.Collect();
  RequireOk(graph);
  // Registrations still pending are handed over now: take and drop them.
  for (std::size_t k = 0; k < registered.size(); ++k) graph.GuardianTake(n);
  graph.Drop(n);
  graph.Collect();
  RequireOk(graph);
  RC_ASSERT(graph.live_nodes() == 0u);
}

}  // namespace
}  // namespace kamo::proptest
