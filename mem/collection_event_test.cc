// The collection observer hears every collection, with its reason, counts
// and durations.
#include "mem/collection_event.h"

#include <chrono>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/atomic_mode.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::Fan;
using testing::SmallNode;

class CollectionEventTest : public ::testing::Test {
 protected:
  void Observe(Mutator& mutator) {
    mutator.set_collection_observer(
        [this](const CollectionEvent& event) { events_.push_back(event); });
  }

  std::vector<CollectionEvent> events_;
};

TEST_F(CollectionEventTest, ExplicitCollectionReportsCountsPerType) {
  // Counts collections: no stress mode.
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  Observe(mutator);
  Pointer<SmallNode> kept = mutator.Allocate<SmallNode>(1);
  mutator.Allocate<SmallNode>(2);
  mutator.Allocate<Fan>();
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  const auto took = std::chrono::steady_clock::now() - before;
  ASSERT_EQ(events_.size(), 1u);
  const CollectionEvent& event = events_[0];
  EXPECT_EQ(event.reason, CollectionReason::kExplicit);
  EXPECT_EQ(event.number, 1u);
  EXPECT_EQ(event.freed, 2u);
  EXPECT_EQ(event.live, 1u);
  ASSERT_EQ(event.arenas.size(), 2u);
  EXPECT_EQ(event.arenas[0].type, "SmallNode");
  EXPECT_EQ(event.arenas[0].live, 1u);
  EXPECT_EQ(event.arenas[0].freed, 1u);
  EXPECT_EQ(event.arenas[0].slot_bytes, sizeof(SmallNode));
  EXPECT_EQ(event.arenas[0].external_bytes, 0u);
  EXPECT_EQ(event.arenas[1].type, "kamo::mem::testing::Fan");
  EXPECT_EQ(event.arenas[1].freed, 1u);
  EXPECT_EQ(event.arenas[1].slot_bytes, 0u);
  // Both halves did work, and they happened inside the call.
  EXPECT_GT(event.mark.count(), 0);
  EXPECT_GT(event.sweep.count(), 0);
  EXPECT_GE(event.start, before);
  EXPECT_LE(event.start - before + event.mark + event.sweep, took);
}

TEST_F(CollectionEventTest, PhasesRunInOrderAndAddUpToMarkAndSweep) {
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  Observe(mutator);
  Pointer<SmallNode> kept = mutator.Allocate<SmallNode>(1);
  for (int i = 0; i < 1000; ++i) mutator.Allocate<SmallNode>(i);
  mutator.CollectGarbage();
  ASSERT_EQ(events_.size(), 1u);
  const CollectionEvent& event = events_[0];
  std::chrono::nanoseconds total{0};
  for (std::size_t p = 0; p < kCollectionPhases; ++p) {
    EXPECT_GE(event.phases[p].count(), 0) << ToString(CollectionPhase(p));
    total += event.phases[p];
  }
  EXPECT_EQ(event.mark, event.duration(CollectionPhase::kFinishSweeping) +
                            event.duration(CollectionPhase::kRoots) +
                            event.duration(CollectionPhase::kTrace));
  EXPECT_EQ(event.sweep, event.duration(CollectionPhase::kWeaks) +
                             event.duration(CollectionPhase::kSweep) +
                             event.duration(CollectionPhase::kRelease));
  EXPECT_EQ(total, event.mark + event.sweep);
  // Freeing 1000 values is the sweep's work, not another phase's.
  EXPECT_GT(event.duration(CollectionPhase::kSweep).count(), 0);
  EXPECT_EQ(ToString(CollectionPhase::kFinishSweeping), "finish-sweeping");
  EXPECT_EQ(ToString(CollectionPhase::kRelease), "release");
}

TEST_F(CollectionEventTest, PressureAndHeapLimitCollectionsSayWhy) {
  Mutator mutator(
      MutatorOptions{.stress_interval = 0, .mode = testing::AtomicMode()});
  Observe(mutator);
  const std::size_t slot = sizeof(SmallNode);
  const std::size_t fill = (Mutator::kMinPressure + slot - 1) / slot;
  for (std::size_t i = 0; i <= fill; ++i) mutator.Allocate<SmallNode>(0);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].reason, CollectionReason::kPressure);
  EXPECT_EQ(events_[0].freed, fill);
  EXPECT_EQ(events_[0].freed_bytes, fill * slot);
  EXPECT_EQ(events_[0].live_bytes, 0u);

  Mutator limited(
      MutatorOptions{.heap_limit_bytes = 1, .stress_interval = 0});
  Observe(limited);
  EXPECT_THROW(limited.Allocate<SmallNode>(0), HeapLimitExceeded);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].reason, CollectionReason::kHeapLimit);
  EXPECT_EQ(ToString(CollectionReason::kHeapLimit), "heap-limit");
}

TEST_F(CollectionEventTest, RemovedObserverHearsNothing) {
  Mutator mutator;
  Observe(mutator);
  mutator.CollectGarbage();
  mutator.set_collection_observer(nullptr);
  mutator.CollectGarbage();
  EXPECT_EQ(events_.size(), 1u);
  EXPECT_EQ(mutator.collections(), 2u);
}

}  // namespace
}  // namespace kamo::mem
