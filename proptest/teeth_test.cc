// The survival property has teeth: run against a deliberately broken
// collector variant (Blob's Trace hides its last edge, so a value reachable
// only through that edge is freed while still reachable), it fails.
#include <set>

#include "gtest/gtest.h"
#include "proptest/generators.h"
#include "proptest/graph_spec.h"
#include "rapidcheck.h"

namespace kamo::proptest {
namespace {

// The ExactlyTheReachableSurviveIntact property, with the variant chosen.
bool SurvivalHolds(bool broken) {
  return rc::check("survival", [broken](const GraphSpec& spec) {
    testing::HeapGraph graph(OptionsFor(spec, testing::HeapGraph::Options().mutator, broken));
    Build(spec, graph);
    const std::set<int> roots = RootSet(spec);
    DropAllBut(spec, graph, roots);
    graph.Collect();
    if (!graph.ok()) RC_FAIL(graph.failure());
    RC_ASSERT(graph.live_nodes() == Reachable(spec, roots).size());
  });
}

TEST(PropertyTeethTest, SurvivalPropertyHoldsForTheRealCollector) {
  EXPECT_TRUE(SurvivalHolds(/*broken=*/false));
}

TEST(PropertyTeethTest, SurvivalPropertyFailsForABrokenTrace) {
  EXPECT_FALSE(SurvivalHolds(/*broken=*/true))
      << "the property missed values freed while reachable";
}

}  // namespace
}  // namespace kamo::proptest
