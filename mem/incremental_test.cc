// Incremental collection (CollectionMode::kIncremental and
// kGenerationalIncremental): a major collection spread over steps, with the
// write barrier shading what the mutator stores between them (Dijkstra),
// values allocated while marking traced like the others, the roots marked
// again at the finish, and weak references and ephemerons found where they
// are at the finish.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mem/ephemeron.h"
#include "mem/handle.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;
using testing::RawHolder;
using testing::WeakFan;

// Collects only when told (CollectStep, CollectGarbage).
MutatorOptions Incremental(CollectionMode mode = CollectionMode::kIncremental) {
  return MutatorOptions{
      .pacing = Pacing::kManual, .stress_interval = 0, .mode = mode};
}

// Keeps every step `mutator` reports in `steps`.
void RecordSteps(Mutator& mutator, std::vector<MarkingStepEvent>& steps) {
  mutator.set_marking_step_observer(
      [&steps](const MarkingStepEvent& step) { steps.push_back(step); });
}

// A bucket per value: clearing the marks of a few hundred values takes
// steps of their own (kClearingStepBuckets buckets each).
MutatorOptions OneValueBuckets(CollectionMode mode) {
  MutatorOptions options = Incremental(mode);
  options.bucket_capacity = 1;
  return options;
}

// Steps with `budget` until a step finishes the collection; returns how
// many steps that took.
int FinishBySteps(Mutator& mutator, std::size_t budget) {
  int steps = 1;
  while (!mutator.CollectStep(budget)) ++steps;
  return steps;
}

// Starts an incremental collection (its roots marked) and traces
// `values` of them in one step.
void StartAndTrace(Mutator& mutator, std::size_t values) {
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_FALSE(mutator.CollectStep(values));
}

// A chain of `length` nodes with ids first, first + 1, ...; returns its
// head.
Pointer<Node> Chain(Mutator& mutator, int first, int length,
                    DestructionLog& log) {
  Pointer<Node> head = mutator.Allocate<Node>(first + length - 1, &log);
  for (int id = first + length - 2; id >= first; --id) {
    Pointer<Node> node = mutator.Allocate<Node>(id, &log);
    node->right = head;
    head = std::move(node);
  }
  return head;
}

// The node `steps` right of `node`.
Node* Walk(Node* node, int steps) {
  for (int i = 0; i < steps; ++i) node = node->right.get();
  return node;
}

TEST(IncrementalTest, StepsSpreadAMajorCollectionAndFreeTheGarbage) {
  DestructionLog log;
  Mutator mutator(Incremental());
  std::vector<MarkingStepEvent> steps;
  std::vector<CollectionEvent> collections;
  RecordSteps(mutator, steps);
  mutator.set_collection_observer(
      [&](const CollectionEvent& event) { collections.push_back(event); });
  EXPECT_EQ(mutator.mode(), CollectionMode::kIncremental);
  Pointer<Node> kept = Chain(mutator, 0, 100, log);
  Chain(mutator, 1000, 50, log);  // garbage from the start

  EXPECT_FALSE(mutator.CollectStep());  // starts: marks the root
  EXPECT_TRUE(mutator.marking());
  EXPECT_TRUE(mutator.stats().marking);
  const int more = FinishBySteps(mutator, 10);
  EXPECT_FALSE(mutator.marking());
  // 100 values in steps of 10, and the finish.
  EXPECT_EQ(more, 11);
  EXPECT_EQ(mutator.incremental_collections(), 1u);
  EXPECT_EQ(mutator.marking_steps(), 11u);
  ASSERT_EQ(steps.size(), 11u);
  EXPECT_TRUE(steps[0].first);
  EXPECT_EQ(steps[0].pending, 1u) << "the root";
  std::size_t traced = 0;
  for (const MarkingStepEvent& step : steps) {
    EXPECT_LE(step.traced, 10u);
    EXPECT_EQ(step.collection, 1u);
    traced += step.traced;
  }
  EXPECT_EQ(traced, 100u) << "each live value traced once";

  ASSERT_EQ(collections.size(), 1u);
  EXPECT_EQ(collections[0].kind, CollectionKind::kMajor);
  EXPECT_TRUE(collections[0].incremental);
  EXPECT_TRUE(mutator.last_collection_incremental());
  EXPECT_EQ(collections[0].freed, 50u);
  EXPECT_EQ(log.total(), 50u);
  for (int id = 1000; id < 1050; ++id) EXPECT_EQ(log.times(id), 1) << id;
  EXPECT_EQ(mutator.CountLive<Node>(), 100u);
  EXPECT_EQ(Walk(kept.get(), 99)->id, 99);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
}

// The Dijkstra barrier: a white value stored into a value traced already
// (black) is shaded, so it lives although nothing else reaches it by the
// finish.
TEST(IncrementalTest, AStoreIntoATracedValueShadesItsTarget) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<Node> root = mutator.Allocate<Node>(0, &log);
  root->right = Chain(mutator, 1, 20, log);
  StartAndTrace(mutator, 1);  // traces the root only
  Node* last = Walk(root.get(), 20);
  ASSERT_EQ(last->id, 20);
  {
    Pointer<Node> white = Walk(root.get(), 19)->right.Lock();
    root->left = white;  // into black: shaded
    Walk(root.get(), 19)->right = nullptr;
  }
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
  FinishBySteps(mutator, 4);
  EXPECT_EQ(log.times(20), 0) << "the stored value was freed";
  ASSERT_NE(root->left.get(), nullptr);
  EXPECT_EQ(root->left->id, 20);
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(mutator.CountLive<Node>(), 21u);
}

// A store into a value not yet reached (white) shades nothing: the step
// that traces the holder finds the target then, so it lives even when the
// store was its last reference.
TEST(IncrementalTest, AStoreIntoAWhiteValueIsFoundWhenItIsTraced) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<Node> root = Chain(mutator, 0, 20, log);
  StartAndTrace(mutator, 1);  // traces node 0 only; 2.. are white
  Node* white = Walk(root.get(), 10);
  {
    Pointer<Node> last = Walk(root.get(), 18)->right.Lock();
    white->left = last;  // into white: no shading needed
    Walk(root.get(), 18)->right = nullptr;
  }
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
  FinishBySteps(mutator, 3);
  EXPECT_EQ(log.times(19), 0) << "the stored value was freed";
  ASSERT_NE(white->left.get(), nullptr);
  EXPECT_EQ(white->left->id, 19);
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(mutator.CountLive<Node>(), 20u);
}

// A Pointer taken between steps to a value that then loses every other
// reference: the finish marks from the roots again.
TEST(IncrementalTest, APointerLockedBetweenStepsKeepsItsTarget) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<Node> root = Chain(mutator, 0, 30, log);
  StartAndTrace(mutator, 1);
  Pointer<Node> tail = Walk(root.get(), 29)->right.Lock();
  EXPECT_EQ(tail, nullptr);
  tail = Walk(root.get(), 28)->right.Lock();
  Walk(root.get(), 28)->right = nullptr;  // a deletion: no shading
  FinishBySteps(mutator, 5);
  EXPECT_EQ(log.times(29), 0) << "the locked value was freed";
  EXPECT_EQ(tail->id, 29);
  EXPECT_EQ(mutator.CountLive<Node>(), 30u);
  tail = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(29), 1);
}

// Values allocated while marking are traced in the steps (allocate gray):
// they live through the finish even if dropped at once, as floating
// garbage the next collection frees.
TEST(IncrementalTest, ValuesAllocatedWhileMarkingAreTracedAndLiveThrough) {
  DestructionLog log;
  Mutator mutator(Incremental());
  std::vector<MarkingStepEvent> steps;
  RecordSteps(mutator, steps);
  Pointer<Node> root = mutator.Allocate<Node>(0, &log);
  EXPECT_FALSE(mutator.CollectStep());
  for (int id = 1; id <= 5; ++id) mutator.Allocate<Node>(id, &log);
  EXPECT_FALSE(mutator.CollectStep(100));
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(steps[1].traced, 6u) << "the root and the five new values";
  EXPECT_TRUE(mutator.CollectStep());
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(mutator.CountLive<Node>(), 6u);
  EXPECT_EQ(mutator.CollectGarbage(), 5u);
  for (int id = 1; id <= 5; ++id) EXPECT_EQ(log.times(id), 1) << id;
}

// A constructor's stores skip the barrier (InitializingStore); the value
// allocated while marking is traced, which finds them.
struct InitHolder {
  explicit InitHolder(const Pointer<Node>& node) : target(node.get()) {
    InitializingStore(this, target);
  }
  void Trace(Tracer& tracer) const { tracer.Visit(RootAt(target), "target"); }
  const void* target;
};

TEST(IncrementalTest, AConstructorsStoresWhileMarkingAreFound) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<Node> root = Chain(mutator, 0, 10, log);
  StartAndTrace(mutator, 1);
  Pointer<InitHolder> holder;
  {
    Pointer<Node> white = Walk(root.get(), 8)->right.Lock();
    holder = mutator.Allocate<InitHolder>(white);
    Walk(root.get(), 8)->right = nullptr;
  }
  FinishBySteps(mutator, 3);
  EXPECT_EQ(log.times(9), 0);
  EXPECT_EQ(static_cast<const Node*>(holder->target)->id, 9);
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
}

// Weak references found in a step are looked at again where they are at
// the finish: the holder's std::vector may have moved them.
TEST(IncrementalTest, WeakReferencesAreClearedWhereTheyAreAtTheFinish) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<WeakFan> fan = mutator.Allocate<WeakFan>();
  Pointer<Node> kept = mutator.Allocate<Node>(1, &log);
  fan->children.emplace_back(kept);
  fan->children.emplace_back(mutator.Allocate<Node>(2, &log));
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_FALSE(mutator.CollectStep());  // traces the fan and node 1
  // The buffer grows: the WeakMembers move (and their copies shade their
  // targets, so node 2 lives through this collection).
  const WeakMember<Node>* before = fan->children.data();
  for (int i = 0; i < 64; ++i) fan->children.emplace_back();
  EXPECT_NE(fan->children.data(), before);
  FinishBySteps(mutator, 100);
  EXPECT_EQ(fan->children[0].get(), kept.get());
  ASSERT_NE(fan->children[1].get(), nullptr);
  EXPECT_EQ(fan->children[1].get()->id, 2);

  // The next one frees node 2 and clears its reference, in its new place.
  EXPECT_FALSE(mutator.CollectStep());
  FinishBySteps(mutator, 100);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(fan->children[1].get(), nullptr);
  EXPECT_EQ(fan->children[0].get(), kept.get());
}

TEST(IncrementalTest, AWeakReferenceToAValueUnreachableFromTheStartIsCleared) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<WeakFan> fan = mutator.Allocate<WeakFan>();
  fan->children.emplace_back(mutator.Allocate<Node>(1, &log));
  Weak<Node> weak = mutator.MakeWeak(mutator.Allocate<Node>(2, &log));
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_TRUE(FinishBySteps(mutator, 1) >= 1);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(fan->children[0].get(), nullptr);
  EXPECT_TRUE(weak.expired());
}

// Ephemerons: one whose key is reached only after the step that traced it
// keeps its value; one whose key stays unreachable is broken.
struct EphemeronPair {
  void Trace(Tracer& tracer) const {
    tracer.Visit(first);
    tracer.Visit(second);
  }
  Ephemeron<Node, Node> first;
  Ephemeron<Node, Node> second;
};

TEST(IncrementalTest, EphemeronsResolveAcrossSteps) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<EphemeronPair> pair = mutator.Allocate<EphemeronPair>();
  Pointer<Node> chain = Chain(mutator, 10, 20, log);  // key 1 at its end
  Pointer<Node> key1 = mutator.Allocate<Node>(1, &log);
  Walk(chain.get(), 19)->right = key1;
  pair->first = Ephemeron<Node, Node>(key1, mutator.Allocate<Node>(101, &log));
  pair->second = Ephemeron<Node, Node>(mutator.Allocate<Node>(2, &log),
                                       mutator.Allocate<Node>(102, &log));
  key1 = nullptr;
  EXPECT_FALSE(mutator.CollectStep());
  // The chain's head, then the pair, with both keys unmarked.
  EXPECT_FALSE(mutator.CollectStep(2));
  FinishBySteps(mutator, 3);
  EXPECT_EQ(log.times(1), 0);
  EXPECT_EQ(log.times(101), 0) << "the value of a reachable key was freed";
  ASSERT_NE(pair->first.value(), nullptr);
  EXPECT_EQ(pair->first.value()->id, 101);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(log.times(102), 1);
  EXPECT_EQ(pair->second.key(), nullptr);
  EXPECT_EQ(pair->second.value(), nullptr);
}

TEST(IncrementalTest, AnExplicitCollectionWhileMarkingIsFullAndExact) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<Node> root = Chain(mutator, 0, 10, log);
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_FALSE(mutator.CollectStep(2));
  mutator.Allocate<Node>(100, &log);  // allocated gray, dropped
  Walk(root.get(), 4)->right = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 6u) << "nodes 5 to 9 and node 100";
  EXPECT_FALSE(mutator.marking());
  EXPECT_FALSE(mutator.last_collection_incremental());
  EXPECT_EQ(mutator.CountLive<Node>(), 5u);
  EXPECT_EQ(log.times(100), 1);
  for (int id = 5; id < 10; ++id) EXPECT_EQ(log.times(id), 1) << id;
  EXPECT_EQ(mutator.incremental_collections(), 1u);
  EXPECT_EQ(mutator.collections(), 1u);
  // Marking starts afresh after it.
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_TRUE(mutator.marking());
  EXPECT_GE(FinishBySteps(mutator, 1), 5);
  EXPECT_EQ(mutator.CountLive<Node>(), 5u);
}

TEST(IncrementalTest, PacingRunsStepsBetweenAllocations) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.stress_interval = 0,
                                 .mode = CollectionMode::kIncremental});
  std::size_t longest = 0;
  std::size_t firsts = 0;
  mutator.set_marking_step_observer([&](const MarkingStepEvent& step) {
    longest = std::max(longest, step.traced);
    firsts += step.first;
  });
  Pointer<Node> kept = Chain(mutator, 0, 20'000, log);
  for (int i = 0; i < 200'000; ++i) mutator.Allocate<Node>(-1, nullptr);
  EXPECT_GT(mutator.collections(), 2u);
  EXPECT_GE(firsts, mutator.collections());
  EXPECT_GT(mutator.marking_steps(), 3 * mutator.collections())
      << "each collection took several steps";
  EXPECT_LT(longest, 20'000u) << "no step traced the whole chain";
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(Walk(kept.get(), 19'999)->id, 19'999);
  const std::size_t live = mutator.CountLive<Node>();
  EXPECT_EQ(mutator.CollectGarbage(), live - 20'000u);
  EXPECT_EQ(mutator.CountLive<Node>(), 20'000u);
}

// Stress mode with an interval of N: each of its steps traces for the N
// allocations since the last, each of which left a value to trace
// (allocated black), so collections finish and garbage is freed whatever
// the interval. (A step of kStressStepValues alone fell behind from an
// interval of 2 on: no collection ever finished, and the heap grew.)
TEST(IncrementalTest, StressStepsKeepUpWithEveryInterval) {
  for (const std::uint32_t interval : {1u, 2u, 7u, 64u}) {
    SCOPED_TRACE(interval);
    DestructionLog log;
    Mutator mutator(MutatorOptions{.stress_interval = interval,
                                   .mode = CollectionMode::kIncremental});
    Pointer<Node> kept = Chain(mutator, 0, 2'000, log);
    EXPECT_GT(mutator.collections(), 0u);
    for (int i = 0; i < 20'000; ++i) mutator.Allocate<Node>(-1, nullptr);
    EXPECT_GT(mutator.collections(), 2u);
    EXPECT_EQ(log.total(), 0u);
    EXPECT_EQ(Walk(kept.get(), 1'999)->id, 1'999);
    // The garbage is freed as the collections finish: what is left is the
    // chain and what the last collections have not reached yet.
    EXPECT_LT(mutator.CountLive<Node>(), 2'000u + 10'000u);
  }
}

TEST(IncrementalTest, GenerationalIncrementalRunsMinorsAtOnce) {
  DestructionLog log;
  Mutator mutator(Incremental(CollectionMode::kGenerationalIncremental));
  Pointer<Node> old_node = mutator.Allocate<Node>(1, &log);
  EXPECT_EQ(mutator.CollectYoung(), 0u);
  EXPECT_EQ(mutator.CollectYoung(), 0u);  // old: survived two
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMinor);
  old_node = nullptr;
  mutator.Allocate<Node>(2, &log);
  EXPECT_EQ(mutator.CollectYoung(), 1u) << "the young value only";
  EXPECT_EQ(log.times(1), 0);
  // A major one, in steps: frees the old value.
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_TRUE(mutator.marking());
  EXPECT_TRUE(FinishBySteps(mutator, 1) >= 1);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMajor);
  EXPECT_EQ(log.times(1), 1);
  // A minor one asked for while marking is a major one at once.
  Pointer<Node> kept = mutator.Allocate<Node>(3, &log);
  EXPECT_FALSE(mutator.CollectStep());
  mutator.Allocate<Node>(4, &log);
  EXPECT_EQ(mutator.CollectYoung(), 1u);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMajor);
  EXPECT_FALSE(mutator.marking());
  EXPECT_EQ(kept->id, 3);
}

// Before it marks, an incremental collection sweeps what lazy sweeping
// left and clears the marks kClearingStepBuckets buckets a step.
TEST(IncrementalTest, ClearingTheMarksOfALargeHeapTakesStepsOfItsOwn) {
  DestructionLog log;
  Mutator mutator(OneValueBuckets(CollectionMode::kGenerationalIncremental));
  std::vector<MarkingStepEvent> steps;
  RecordSteps(mutator, steps);
  Pointer<Node> kept = Chain(mutator, 0, 200, log);
  Pointer<Node> garbage = Chain(mutator, 1000, 100, log);
  EXPECT_EQ(mutator.CollectYoung(), 0u);
  EXPECT_EQ(mutator.CollectYoung(), 0u);  // every value old: all marked
  garbage = nullptr;
  EXPECT_FALSE(mutator.CollectStep());
  EXPECT_TRUE(mutator.incremental_under_way());
  EXPECT_FALSE(mutator.marking()) << "64 of 300 buckets cleared";
  EXPECT_FALSE(mutator.CollectStep());
  // A minor collection asked for now would see half the old values young:
  // it is a major one.
  Pointer<Node> young = mutator.Allocate<Node>(2000, &log);
  young = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 101u);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMajor);
  EXPECT_FALSE(mutator.incremental_under_way());
  EXPECT_EQ(log.times(1050), 1);

  steps.clear();
  FinishBySteps(mutator, 1000);
  // 200 buckets: four clearing steps, the last marking the root; a step
  // tracing 200 values; the finish.
  ASSERT_EQ(steps.size(), 5u);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(steps[i].first) << i;
  EXPECT_TRUE(steps[3].first);
  EXPECT_EQ(steps[4].traced, 200u);
  EXPECT_EQ(mutator.CountLive<Node>(), 200u);
  EXPECT_EQ(Walk(kept.get(), 199)->id, 199);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
}

// The buckets allocation adds while the marks are cleared have none to
// clear: the clearing ends with the buckets it started with. (It went on
// to the end of the list, so a heap that added buckets faster than steps
// cleared them never started to mark.)
TEST(IncrementalTest, ClearingEndsWithTheBucketsItStartedWith) {
  DestructionLog log;
  Mutator mutator(OneValueBuckets(CollectionMode::kIncremental));
  std::vector<MarkingStepEvent> steps;
  RecordSteps(mutator, steps);
  Pointer<Node> kept = Chain(mutator, 0, 100, log);
  EXPECT_FALSE(mutator.CollectStep());  // 64 of 100 buckets cleared
  EXPECT_FALSE(mutator.marking());
  for (int i = 0; i < 200; ++i) mutator.Allocate<Node>(1000 + i, &log);
  EXPECT_FALSE(mutator.CollectStep());
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_TRUE(steps[1].first) << "the other 36 cleared, the roots marked";
  EXPECT_TRUE(mutator.marking());
  FinishBySteps(mutator, 1000);
  // Allocated before the marking started, and unreachable: freed.
  EXPECT_EQ(log.total(), 200u);
  EXPECT_EQ(mutator.CountLive<Node>(), 100u);
  EXPECT_EQ(Walk(kept.get(), 99)->id, 99);
}

// Under pacing, a heap of many small buckets clears more of them a step:
// clearing ends within about a quarter of the pressure, and collections
// keep up with the garbage. (Clearing 64 a step, the first collection
// alone took 60,000 allocations here.)
TEST(IncrementalTest, ClearingAHeapOfSmallBucketsKeepsPace) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.bucket_capacity = 2,
                                 .stress_interval = 0,
                                 .mode = CollectionMode::kIncremental});
  std::vector<MarkingStepEvent> steps;
  RecordSteps(mutator, steps);
  Pointer<Node> kept = Chain(mutator, 0, 2'000, log);
  for (int i = 0; i < 60'000; ++i) mutator.Allocate<Node>(i, &log);
  EXPECT_GT(mutator.collections(), 3u);
  // The steps before each collection's first (the one that marks the
  // roots) clear: at most a few of them each.
  std::size_t clearing_steps = 0;
  std::size_t longest_clearing = 0;
  for (const MarkingStepEvent& step : steps) {
    if (step.first) {
      longest_clearing = std::max(longest_clearing, clearing_steps);
      clearing_steps = 0;
    } else if (step.traced == 0 && step.pending == 0) {
      ++clearing_steps;
    }
  }
  EXPECT_LE(longest_clearing, 4u);
  EXPECT_GT(log.total(), 40'000u) << "the garbage is freed as it goes";
  EXPECT_EQ(Walk(kept.get(), 1'999)->id, 1'999);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
}

TEST(IncrementalTest, CollectStepOfAHeapThatIsNotIncrementalCollects) {
  DestructionLog log;
  Mutator mutator(Incremental(CollectionMode::kFull));
  mutator.Allocate<Node>(1, &log);
  EXPECT_TRUE(mutator.CollectStep());
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(mutator.marking_steps(), 0u);
}

TEST(IncrementalTest, VerifyHeapFindsAStoreThatSkippedTheBarrierWhileMarking) {
  DestructionLog log;
  Mutator mutator(Incremental());
  Pointer<Node> chain = Chain(mutator, 0, 10, log);
  // Made after Node's arena, so its root is pushed last and traced first.
  Pointer<RawHolder> holder = mutator.Allocate<RawHolder>();
  StartAndTrace(mutator, 1);  // the holder: black
  Pointer<Node> white = Walk(chain.get(), 5)->right.Lock();
  ASSERT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
  holder->target = white.get();  // no barrier
  const absl::Status status = mutator.VerifyHeap();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("skipped the write barrier"),
            std::string::npos)
      << status;
  WriteBarrier(holder.get(), white.get());
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
}

TEST(IncrementalTest, TheModeVariableChoosesTheIncrementalModes) {
  setenv(kModeEnvironmentVariable, "incremental", 1);
  Mutator incremental(MutatorOptions{.stress_interval = 0});
  setenv(kModeEnvironmentVariable, "generational-incremental", 1);
  Mutator both(MutatorOptions{.stress_interval = 0});
  unsetenv(kModeEnvironmentVariable);
  EXPECT_EQ(incremental.mode(), CollectionMode::kIncremental);
  EXPECT_EQ(both.mode(), CollectionMode::kGenerationalIncremental);
  EXPECT_EQ(ToString(CollectionMode::kGenerationalIncremental),
            "generational-incremental");
}

}  // namespace
}  // namespace kamo::mem
