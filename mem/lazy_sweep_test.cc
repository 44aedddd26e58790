// Lazy sweeping: a pressure or stress collection leaves the buckets of types
// without destructors unswept, counted exactly from the marks, and each is
// swept when allocation next takes from it or before the next marking.
#include <cstdint>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;
using testing::SmallNode;

static_assert(std::is_trivially_destructible_v<SmallNode>,
              "SmallNode is swept lazily");

// The 17th allocation collects first (stress), and nothing else collects.
MutatorOptions EverySeventeenth() {
  return MutatorOptions{.pacing = Pacing::kManual, .stress_interval = 17};
}

TEST(LazySweepTest, StressCollectionCountsTheDeadAndReusesTheirSlots) {
  Mutator mutator(EverySeventeenth());
  std::vector<CollectionEvent> events;
  mutator.set_collection_observer(
      [&](const CollectionEvent& event) { events.push_back(event); });
  std::vector<Pointer<SmallNode>> kept;
  std::set<const void*> dropped;
  for (int id = 0; id < 16; ++id) {  // two buckets of 8
    Pointer<SmallNode> node = mutator.Allocate<SmallNode>(id);
    if (id % 2 == 0) {
      kept.push_back(node);
    } else {
      dropped.insert(node.get());
    }
  }
  Pointer<SmallNode> late = mutator.Allocate<SmallNode>(16);

  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].reason, CollectionReason::kStress);
  EXPECT_EQ(events[0].freed, 8u);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 9u);
  EXPECT_EQ(mutator.stats().slot_bytes, 9 * sizeof(SmallNode));
  EXPECT_TRUE(dropped.contains(late.get()))
      << "the allocation swept a bucket and took a slot just freed";
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(kept[i]->id, static_cast<int>(2 * i));
  }
  EXPECT_EQ(late->id, 16);

  // The other bucket is not swept yet: its dead values are refused all the
  // same, as stale.
  int refused = 0;
  for (const void* address : dropped) {
    if (address == late.get()) continue;
    absl::StatusOr<Pointer<SmallNode>> pointer =
        mutator.PointerFromRaw<SmallNode>(address);
    EXPECT_FALSE(pointer.ok()) << address;
    if (!pointer.ok()) {
      EXPECT_EQ(pointer.status().code(), absl::StatusCode::kFailedPrecondition);
      ++refused;
    }
  }
  EXPECT_EQ(refused, 7);

  // An explicit collection finishes the pending sweep and frees nothing
  // more; everything is swept after it.
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 9u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  // The next 7 allocations fill the 7 remaining freed slots: no new bucket.
  const std::size_t capacity = mutator.stats().capacity;
  for (int id = 17; id < 24; ++id)
    kept.push_back(mutator.Allocate<SmallNode>(id));
  EXPECT_EQ(mutator.stats().capacity, capacity);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 16u);
}

TEST(LazySweepTest, CyclesFreedByAStressCollectionStayFreedAfterTheNext) {
  Mutator mutator(EverySeventeenth());
  {
    Pointer<SmallNode> a = mutator.Allocate<SmallNode>(1);
    Pointer<SmallNode> b = mutator.Allocate<SmallNode>(2);
    a->next = b;
    b->next = a;  // a cycle, dropped here
  }
  std::vector<Pointer<SmallNode>> kept;
  for (int id = 3; id < 18; ++id)
    kept.push_back(mutator.Allocate<SmallNode>(id));
  EXPECT_EQ(mutator.collections(), 1u);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 15u);
  EXPECT_EQ(mutator.CollectGarbage(), 0u) << "nothing freed twice";
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 15u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(LazySweepTest, DestructorsStillRunInTheCollectionThatFrees) {
  DestructionLog log;  // outlives the Mutator, whose teardown logs too
  Mutator mutator(EverySeventeenth());
  for (int id = 0; id < 16; ++id) mutator.Allocate<Node>(id, &log);
  Pointer<Node> late = mutator.Allocate<Node>(16, &log);
  EXPECT_EQ(mutator.collections(), 1u);
  for (int id = 0; id < 16; ++id) EXPECT_EQ(log.times(id), 1) << id;
  EXPECT_EQ(log.times(16), 0);
  EXPECT_EQ(mutator.CountLive<Node>(), 1u);
}

}  // namespace
}  // namespace kamo::mem
