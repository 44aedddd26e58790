// Lazy sweeping: a pressure or stress collection leaves the buckets whose
// dead values have no destructor to run unswept, counted exactly from the
// marks, and each is swept when allocation next takes from it or before the
// next marking. A type declaring kDestructorOnRequest has its destructor
// run for the values that asked (RequestDestructorAt) and no other.
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"
#include "mem/handle.h"
#include "mem/mutator.h"
#include "mem/testing/atomic_mode.h"
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
  return MutatorOptions{.pacing = Pacing::kManual,
                        .stress_interval = 17,
                        .mode = testing::AtomicMode()};
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

// Freed by bitmap unless it asked for its destructor, which logs its id.
struct OnRequest {
  static constexpr std::uint32_t kBucketCapacity = 8;
  static constexpr const char* kTypeName = "OnRequest";
  static constexpr bool kDestructorOnRequest = true;

  OnRequest(int node_id, DestructionLog* destruction_log, bool ask,
            bool then_throw = false)
      : id(node_id), log(destruction_log) {
    if (ask) RequestDestructorAt(this);
    if (then_throw) throw std::runtime_error("OnRequest: refused");
  }
  ~OnRequest() { log->Record(id); }
  void Trace(Tracer&) const {}

  int id;
  DestructionLog* log;
};

TEST(DestructorOnRequestTest, OnlyRequestedDestructorsRunWhenFreed) {
  DestructionLog log;
  Mutator mutator(EverySeventeenth());
  std::vector<CollectionEvent> events;
  mutator.set_collection_observer(
      [&](const CollectionEvent& event) { events.push_back(event); });
  std::vector<Pointer<OnRequest>> kept;
  std::set<const void*> dropped;
  for (int id = 0; id < 16; ++id) {  // two buckets of 8
    Pointer<OnRequest> value =
        mutator.Allocate<OnRequest>(id, &log, id == 10 || id == 12);
    if (id == 0 || id == 8) {
      kept.push_back(value);
    } else {
      dropped.insert(value.get());
    }
  }
  Pointer<OnRequest> late = mutator.Allocate<OnRequest>(16, &log, false);

  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].freed, 14u);
  EXPECT_EQ(log.times(10), 1) << "requested: run in the collection";
  EXPECT_EQ(log.times(12), 1);
  EXPECT_EQ(log.total(), 2u) << "no other destructor ran";
  EXPECT_EQ(mutator.CountLive<OnRequest>(), 3u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  for (const void* address : dropped) {
    if (address == late.get()) continue;
    EXPECT_FALSE(mutator.PointerFromRaw<OnRequest>(address).ok()) << address;
  }
  EXPECT_EQ(kept[0]->id, 0);
  EXPECT_EQ(kept[1]->id, 8);

  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(log.total(), 2u) << "nothing runs twice";
  // The 13 slots freed, reused; none of their new values asks either.
  const std::size_t capacity = mutator.stats().capacity;
  for (int id = 17; id < 30; ++id) {
    kept.push_back(mutator.Allocate<OnRequest>(id, &log, false));
  }
  EXPECT_EQ(mutator.stats().capacity, capacity);
  kept.clear();
  late = Pointer<OnRequest>();
  EXPECT_EQ(mutator.CollectGarbage(), 16u);
  EXPECT_EQ(log.total(), 2u);
}

TEST(DestructorOnRequestTest, ARequestWhileAliveAndTheMutatorsEndCount) {
  DestructionLog log;
  {
    Mutator mutator;
    Pointer<OnRequest> later = mutator.Allocate<OnRequest>(1, &log, false);
    Pointer<OnRequest> never = mutator.Allocate<OnRequest>(2, &log, false);
    Pointer<OnRequest> live = mutator.Allocate<OnRequest>(3, &log, true);
    RequestDestructorAt(later.get());
    RequestDestructorAt(later.get());  // a request lasts; it is not counted
    later = Pointer<OnRequest>();
    never = Pointer<OnRequest>();
    EXPECT_EQ(mutator.CollectGarbage(), 2u);
    EXPECT_EQ(log.times(1), 1);
    EXPECT_EQ(log.times(2), 0);
    EXPECT_EQ(log.times(3), 0);
    live = Pointer<OnRequest>();
    mutator.Allocate<OnRequest>(4, &log, false);  // dropped at once
    mutator.Allocate<OnRequest>(5, &log, true);
  }
  // The Mutator's end destroyed the live values that asked, once.
  EXPECT_EQ(log.times(3), 1);
  EXPECT_EQ(log.times(4), 0);
  EXPECT_EQ(log.times(5), 1);
  EXPECT_EQ(log.total(), 3u);
}

TEST(DestructorOnRequestTest, AThrowingConstructorsRequestIsForgotten) {
  DestructionLog log;
  Mutator mutator;
  EXPECT_THROW(mutator.Allocate<OnRequest>(1, &log, true, /*then_throw=*/true),
               std::runtime_error);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << "no request left on a free slot";
  // The slot is reused by a value that does not ask: freeing it runs
  // nothing.
  mutator.Allocate<OnRequest>(2, &log, false);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.total(), 0u);
}

TEST(DestructorOnRequestDeathTest, ARequestNotAtAValueNamesTheType) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  DestructionLog log;
  EXPECT_DEATH(
      {
        Mutator mutator;
        Pointer<OnRequest> value = mutator.Allocate<OnRequest>(1, &log, false);
        RequestDestructorAt(&value->log);
      },
      "RequestDestructorAt.*not a live OnRequest's own address");
}

}  // namespace
}  // namespace kamo::mem
