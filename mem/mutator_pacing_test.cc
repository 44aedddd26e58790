// When collections run (pressure), when arenas shrink (compaction), and what
// the heap limit does.
#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/atomic_mode.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;
using testing::SmallNode;

struct Tiny {
  void Trace(Tracer&) const {}
  int value = 0;
};

// Values too large to share a bucket: above four times the minimum
// pressure, and above twice the maximum.
struct Big {
  void Trace(Tracer&) const {}
  std::byte bytes[4 * Mutator::kMinPressure + 1];
};
struct Huge {
  void Trace(Tracer&) const {}
  std::byte bytes[2 * Mutator::kMaxPressure + 1];
};

constexpr MutatorOptions kSeedPacing{.pacing = Pacing::kSeed,
                                     .stress_interval = 0,
                                     .mode = CollectionMode::kFull};
// Pacing is what these tests watch: stress mode (KAMO_MEM_STRESS) is off,
// and the mode (KAMO_MEM_MODE) full unless a test says otherwise.
constexpr MutatorOptions kLiveHeapPacing{.stress_interval = 0,
                                         .mode = CollectionMode::kFull};
constexpr MutatorOptions kGenerationalPacing{
    .stress_interval = 0, .mode = CollectionMode::kGenerational};
constexpr std::size_t kNodeSlot = sizeof(Node);
constexpr std::size_t kTinySlot = sizeof(Tiny);

TEST(MutatorPressureTest, FreshMutatorUsesTheMinimum) {
  EXPECT_EQ(Mutator(kSeedPacing).pressure(), Mutator::kMinPressure);
  EXPECT_EQ(Mutator(kLiveHeapPacing).pressure(), Mutator::kMinPressure);
  EXPECT_EQ(Mutator::kMinPressure, 64u << 10);
  EXPECT_EQ(Mutator::kMaxPressure, 64u << 20);
}

TEST(MutatorPressureTest, CollectsOnTheAllocationPastThePressure) {
  DestructionLog log;
  // Buckets small enough that the heap's bytes stay under twice the
  // minimum pressure, which the pressure then is.
  MutatorOptions options = kSeedPacing;
  options.bucket_capacity = 256;
  Mutator mutator(options);
  // The allocation that takes the allocated bytes to the pressure or past
  // it still goes through; the one after collects first.
  const std::size_t fill = (Mutator::kMinPressure + kNodeSlot - 1) / kNodeSlot;
  for (std::size_t i = 0; i < fill; ++i) {
    mutator.Allocate<Node>(static_cast<int>(i), &log);
  }
  EXPECT_EQ(mutator.pressure(), Mutator::kMinPressure);  // clamped up
  EXPECT_EQ(mutator.allocations_since_collection(), fill);
  EXPECT_EQ(mutator.allocated_bytes_since_collection(), fill * kNodeSlot);
  EXPECT_EQ(mutator.collections(), 0u);
  EXPECT_EQ(log.total(), 0u);

  Pointer<Node> survivor = mutator.Allocate<Node>(-1, &log);
  EXPECT_EQ(mutator.collections(), 1u);
  EXPECT_EQ(log.total(), fill) << "the collection freed the dropped nodes";
  EXPECT_EQ(log.times(-1), 0);
  EXPECT_EQ(mutator.allocations_since_collection(), 1u);
  EXPECT_EQ(mutator.allocated_bytes_since_collection(), kNodeSlot);
}

TEST(MutatorPressureTest, IsHalfTheHeapBytesAboveTheMinimum) {
  DestructionLog log;  // outlives the Mutator, whose Nodes record in it
  Mutator mutator(kSeedPacing);
  // A value larger than four times the minimum has a bucket to itself.
  Pointer<Big> big = mutator.Allocate<Big>();
  mutator.CollectGarbage();
  const std::size_t heap_bytes = mutator.stats().heap_bytes;
  EXPECT_EQ(heap_bytes, internal::Bucket<Big>::BucketBytes(1));
  EXPECT_GT(heap_bytes / 2, Mutator::kMinPressure);
  EXPECT_EQ(mutator.pressure(), heap_bytes / 2);
  // Buckets added on the way raise it by half their bytes (Node slots
  // outgrow their metadata, so the allocated bytes catch up).
  std::vector<Pointer<Node>> held;
  while (mutator.allocated_bytes_since_collection() < mutator.pressure()) {
    held.push_back(mutator.Allocate<Node>(0, &log));
    ASSERT_EQ(mutator.pressure(), mutator.stats().heap_bytes / 2);
  }
  EXPECT_EQ(mutator.collections(), 1u);
  held.push_back(mutator.Allocate<Node>(0, &log));
  EXPECT_EQ(mutator.collections(), 2u);
  EXPECT_EQ(mutator.CountLive<Node>(), held.size()) << "held values survive";
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(mutator.CountLive<Big>(), 1u);
}

TEST(MutatorPressureTest, IsClampedToTheMaximum) {
  Mutator mutator(kSeedPacing);
  Pointer<Huge> one = mutator.Allocate<Huge>();
  EXPECT_GT(mutator.stats().heap_bytes / 2, Mutator::kMaxPressure);
  EXPECT_EQ(mutator.pressure(), Mutator::kMaxPressure);
}

TEST(MutatorLiveHeapPacingTest, PressureIsTheLiveBytesTimesTheGrowth) {
  for (double growth : {1.0, 0.5, 2.0}) {
    MutatorOptions options = kLiveHeapPacing;
    options.heap_growth = growth;
    Mutator mutator(options);
    std::vector<Pointer<Tiny>> held;
    for (int i = 0; i < 30000; ++i) held.push_back(mutator.Allocate<Tiny>());
    mutator.CollectGarbage();
    const auto expected =
        static_cast<std::size_t>(30000.0 * kTinySlot * growth);
    EXPECT_EQ(mutator.pressure(), std::max(expected, Mutator::kMinPressure));
    EXPECT_EQ(mutator.stats().pressure, mutator.pressure());
  }
}

TEST(MutatorLiveHeapPacingTest, NeverBelowTheMinimum) {
  Mutator mutator(kLiveHeapPacing);
  Pointer<Tiny> one = mutator.Allocate<Tiny>();
  mutator.CollectGarbage();
  EXPECT_EQ(mutator.pressure(), Mutator::kMinPressure);
}

TEST(MutatorLiveHeapPacingTest, CollectsOnTheAllocationPastThePressure) {
  Mutator mutator(kLiveHeapPacing);
  std::vector<Pointer<Tiny>> held;
  for (int i = 0; i < 20000; ++i) held.push_back(mutator.Allocate<Tiny>());
  mutator.CollectGarbage();  // 20000 live: the next after as many bytes
  ASSERT_EQ(mutator.pressure(), 20000 * kTinySlot);
  const std::size_t collections = mutator.collections();
  for (int i = 0; i < 20000; ++i) mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), collections);
  mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), collections + 1);
  EXPECT_EQ(mutator.CountLive<Tiny>(), 20001u)
      << "the 20000 dropped were freed";
}

TEST(MutatorLiveHeapPacingTest, HeapStaysBoundedUnderSteadyChurn) {
  // 100,000 live values and ten million short-lived ones: the heap never
  // needs more than about live * (1 + growth) slots, plus the minimum
  // pressure's and a bucket; in a generational heap too, where the growth
  // is split between young values and old ones waiting for a major.
  for (const MutatorOptions& options : {kLiveHeapPacing, kGenerationalPacing}) {
    Mutator mutator(options);
    std::vector<Pointer<Tiny>> held;
    for (int i = 0; i < 100000; ++i) held.push_back(mutator.Allocate<Tiny>());
    for (int i = 0; i < 10000000; ++i) mutator.Allocate<Tiny>();
    EXPECT_LE(mutator.stats().capacity,
              2 * 100000u + Mutator::kMinPressure / kTinySlot + 2 * 1024u);
    EXPECT_GE(mutator.collections(), 10000000u / 200000u);
  }
}

TEST(MutatorGenerationalPacingTest, MinorsComeAfterHalfTheGrowthOfTheLive) {
  Mutator mutator(kGenerationalPacing);
  std::vector<Pointer<Tiny>> held;
  for (int i = 0; i < 40000; ++i) held.push_back(mutator.Allocate<Tiny>());
  mutator.CollectGarbage();  // a major: 40000 live
  ASSERT_EQ(mutator.pressure(), 20000 * kTinySlot);
  const std::size_t collections = mutator.collections();
  for (int i = 0; i < 20000; ++i) mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), collections);
  mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), collections + 1);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMinor);
  EXPECT_EQ(mutator.CountLive<Tiny>(), 40001u)
      << "the 20000 young dropped were freed";
  EXPECT_EQ(mutator.pressure(), 20000 * kTinySlot)
      << "sized from the live bytes after the last major collection";
}

TEST(MutatorGenerationalPacingTest, AMajorComesOnceTheOldHaveGrownByHalf) {
  Mutator mutator(kGenerationalPacing);
  std::vector<CollectionKind> kinds;
  mutator.set_collection_observer(
      [&](const CollectionEvent& event) { kinds.push_back(event.kind); });
  std::vector<Pointer<Tiny>> held;
  for (int i = 0; i < 40000; ++i) held.push_back(mutator.Allocate<Tiny>());
  mutator.CollectGarbage();
  kinds.clear();
  // Every value kept: each minor promotes its 20000 (half of 40000). After
  // the first the old have grown by 20000, half the growth: the next is
  // major.
  for (int i = 0; i < 40002; ++i) held.push_back(mutator.Allocate<Tiny>());
  EXPECT_EQ(kinds, (std::vector<CollectionKind>{CollectionKind::kMinor,
                                                CollectionKind::kMajor}));
}

TEST(MutatorGenerationalPacingTest, StatsSayWhenAMajorIsDue) {
  Mutator mutator(kGenerationalPacing);
  std::vector<Pointer<Tiny>> held;
  for (int i = 0; i < 40000; ++i) held.push_back(mutator.Allocate<Tiny>());
  mutator.CollectGarbage();
  EXPECT_FALSE(mutator.stats().major_due);
  // Every value kept: the first minor keeps 20000 more, half of 40000.
  const std::size_t collections = mutator.collections();
  while (mutator.collections() == collections) {
    held.push_back(mutator.Allocate<Tiny>());
  }
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMinor);
  EXPECT_EQ(mutator.stats().survivors, 20000u) << "young, but counted";
  EXPECT_TRUE(mutator.stats().major_due);
  EXPECT_NE(mutator.stats().ToString().find("next major"), std::string::npos);
  mutator.CollectYoung();
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMajor)
      << "as the stats said";
  EXPECT_EQ(mutator.stats().survivors, 0u) << "a major promotes them all";
  EXPECT_FALSE(mutator.stats().major_due);
  EXPECT_EQ(mutator.stats().ToString().find("next major"), std::string::npos);

  Mutator full(kLiveHeapPacing);
  EXPECT_TRUE(full.stats().major_due) << "every collection is major";
}

// 64 bytes: a nursery of kIncrementalNurseryBytes holds 16384.
struct Block {
  void Trace(Tracer&) const {}
  std::byte bytes[64];
};

MutatorOptions GenerationalIncrementalPacing(double heap_growth = 1.0) {
  return MutatorOptions{.heap_growth = heap_growth,
                        .stress_interval = 0,
                        .mode = CollectionMode::kGenerationalIncremental};
}

TEST(MutatorGenerationalIncrementalPacingTest, MinorsComeAfterTheNurseryCap) {
  Mutator generational(kGenerationalPacing);
  Mutator both(GenerationalIncrementalPacing());
  std::vector<Pointer<Block>> held;
  for (Mutator* mutator : {&generational, &both}) {
    for (int i = 0; i < 40000; ++i) held.push_back(mutator->Allocate<Block>());
    mutator->CollectGarbage();  // 40000 live: 2.5 MiB
  }
  EXPECT_EQ(generational.pressure(), 20000 * sizeof(Block));
  ASSERT_EQ(both.pressure(), Mutator::kIncrementalNurseryBytes)
      << "capped: a minor collection's pause traces at most this";
  const std::size_t collections = both.collections();
  for (int i = 0; i < 16384; ++i) both.Allocate<Block>();
  EXPECT_EQ(both.collections(), collections);
  both.Allocate<Block>();
  EXPECT_EQ(both.collections(), collections + 1);
  EXPECT_EQ(both.last_collection_kind(), CollectionKind::kMinor);
  EXPECT_EQ(both.CountLive<Block>(), 40001u);
}

TEST(MutatorGenerationalIncrementalPacingTest,
     AMajorsStepsAreSpreadOverTheUncappedPressure) {
  // Growth 4: a major is due once the old values have doubled, and its
  // marking is spread over half of 4 * 2.5 MiB of allocation, in steps of
  // kMarkingStepBytes: about 78 of them, not the 16 of the nursery's cap.
  Mutator mutator(GenerationalIncrementalPacing(4.0));
  std::vector<Pointer<Block>> held;
  for (int i = 0; i < 40000; ++i) held.push_back(mutator.Allocate<Block>());
  mutator.CollectGarbage();
  std::size_t longest = 0;
  std::size_t live_at_start = 0;
  mutator.set_marking_step_observer([&](const MarkingStepEvent& step) {
    if (step.first) live_at_start = step.pending;
    longest = std::max(longest, step.traced);
  });
  while (!mutator.incremental_under_way()) {
    held.push_back(mutator.Allocate<Block>());
  }
  while (mutator.incremental_under_way()) mutator.Allocate<Block>();
  ASSERT_GT(live_at_start, 0u);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMajor);
  EXPECT_GT(held.size(), 80000u) << "the old values doubled first";
  EXPECT_LT(longest, mutator.CountLive<Block>() / 40)
      << "each step traced about 1/78 of the heap";
  mutator.CollectGarbage();  // the values allocated black while marking
  EXPECT_EQ(mutator.CountLive<Block>(), held.size());
}

TEST(MutatorPacingTest, NamesItsPolicies) {
  EXPECT_EQ(ToString(Pacing::kSeed), "seed");
  EXPECT_EQ(ToString(Pacing::kLiveHeap), "live-heap");
  EXPECT_EQ(ToString(Pacing::kManual), "manual");
}

TEST(MutatorManualPacingTest, CollectsOnlyWhenAsked) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .stress_interval = 0});
  EXPECT_EQ(mutator.pressure(), std::numeric_limits<std::size_t>::max());
  // Far past any pressure of the other policies: nothing is collected.
  for (int i = 0; i < 100000; ++i) mutator.Allocate<Node>(i, &log);
  EXPECT_EQ(mutator.collections(), 0u);
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(mutator.CountLive<Node>(), 100000u);
  EXPECT_EQ(mutator.CollectGarbage(), 100000u);
  EXPECT_EQ(log.total(), 100000u);
  EXPECT_EQ(mutator.pressure(), std::numeric_limits<std::size_t>::max());
}

TEST(MutatorManualPacingTest, StillCollectsAtTheHeapLimit) {
  const std::size_t bucket_bytes = internal::Bucket<SmallNode>::BucketBytes(8);
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .heap_limit_bytes = 2 * bucket_bytes,
                                 .stress_interval = 0});
  for (int i = 0; i < 16; ++i) mutator.Allocate<SmallNode>(i);
  Pointer<SmallNode> next = mutator.Allocate<SmallNode>(16);
  EXPECT_EQ(mutator.collections(), 1u) << "the limit collected";
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 1u);
  EXPECT_EQ(next->id, 16);
}

TEST(MutatorStressTest, IntervalOneCollectsBeforeEveryAllocation) {
  DestructionLog log;
  Mutator mutator(
      MutatorOptions{.stress_interval = 1, .mode = testing::AtomicMode()});
  EXPECT_EQ(mutator.stress_interval(), 1u);
  Pointer<Node> kept = mutator.Allocate<Node>(0, &log);
  EXPECT_EQ(mutator.collections(), 1u);
  mutator.Allocate<Node>(1, &log);  // dropped at once
  EXPECT_EQ(mutator.collections(), 2u);
  EXPECT_EQ(log.total(), 0u);
  mutator.Allocate<Node>(2, &log);
  EXPECT_EQ(mutator.collections(), 3u);
  EXPECT_EQ(log.times(1), 1) << "the stress collection freed node 1";
  EXPECT_EQ(log.times(0), 0);
  EXPECT_EQ(kept->id, 0);
}

TEST(MutatorStressTest, IntervalNCollectsBeforeEveryNthAllocation) {
  std::vector<CollectionReason> reasons;
  Mutator mutator(
      MutatorOptions{.stress_interval = 3, .mode = testing::AtomicMode()});
  mutator.set_collection_observer(
      [&reasons](const CollectionEvent& e) { reasons.push_back(e.reason); });
  std::vector<std::size_t> collections;
  for (int i = 0; i < 9; ++i) {
    mutator.Allocate<Tiny>();
    collections.push_back(mutator.collections());
  }
  // Before allocations 3, 6 and 9; the minimum pressure is far away.
  EXPECT_EQ(collections,
            (std::vector<std::size_t>{0, 0, 1, 1, 1, 2, 2, 2, 3}));
  EXPECT_EQ(reasons, std::vector<CollectionReason>(3, CollectionReason::kStress));
  EXPECT_EQ(ToString(CollectionReason::kStress), "stress");
}

TEST(MutatorStressTest, ExplicitZeroIsOffWhateverTheEnvironmentSays) {
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  EXPECT_EQ(mutator.stress_interval(), 0u);
  for (int i = 0; i < 1000; ++i) mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), 0u);
}

class MutatorCompactionTest : public ::testing::Test {
 protected:
  // Allocates `buckets` full buckets of SmallNode (8 slots each), in order.
  void Fill(int buckets) {
    for (int i = 0; i < buckets * 8; ++i) {
      nodes_.push_back(mutator_.Allocate<SmallNode>(i));
    }
    ASSERT_EQ(mutator_.stats().Find("SmallNode")->buckets,
              static_cast<std::size_t>(buckets));
  }
  void Drop(int first, int last) {
    for (int i = first; i <= last; ++i) nodes_[i] = nullptr;
  }
  std::size_t Buckets() const {
    return mutator_.stats().Find("SmallNode")->buckets;
  }

  Mutator mutator_{kSeedPacing};
  std::vector<Pointer<SmallNode>> nodes_;
};

TEST(MutatorLiveHeapCompactionTest, KeepsVacantSlotsForTheNextPressure) {
  // 40 buckets of 8, all freed: the seed would release all 40; live-heap
  // pacing keeps the minimum pressure's worth of slots, so all 40 stay.
  Mutator mutator(kLiveHeapPacing);
  std::vector<Pointer<SmallNode>> nodes;
  for (int i = 0; i < 320; ++i) nodes.push_back(mutator.Allocate<SmallNode>(i));
  nodes.clear();
  EXPECT_EQ(mutator.CollectGarbage(), 320u);
  EXPECT_EQ(mutator.stats().Find("SmallNode")->buckets, 40u);

  Mutator seed(kSeedPacing);
  for (int i = 0; i < 320; ++i) nodes.push_back(seed.Allocate<SmallNode>(i));
  nodes.clear();
  EXPECT_EQ(seed.CollectGarbage(), 320u);
  EXPECT_EQ(seed.stats().Find("SmallNode")->buckets, 0u);
}

TEST(MutatorLiveHeapCompactionTest, ReleasesBucketsBeyondThePressure) {
  // 8000 buckets of 8 (64,000 slots), all freed: keeps the vacant slots the
  // minimum pressure's bytes need, rounded up to whole buckets.
  Mutator mutator(kLiveHeapPacing);
  std::vector<Pointer<SmallNode>> nodes;
  for (int i = 0; i < 64000; ++i) {
    nodes.push_back(mutator.Allocate<SmallNode>(i));
  }
  nodes.clear();
  mutator.CollectGarbage();
  EXPECT_EQ(mutator.pressure(), Mutator::kMinPressure);
  const std::size_t keep =
      Mutator::kMinPressure / sizeof(SmallNode);
  EXPECT_EQ(mutator.stats().capacity, (keep + 7) / 8 * 8);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST_F(MutatorCompactionTest, ReleasesEmptyBucketsOfAnArenaWithMoreThanFour) {
  Fill(5);
  Drop(0, 39);
  EXPECT_EQ(mutator_.CollectGarbage(), 40u);
  EXPECT_EQ(Buckets(), 0u);
  EXPECT_EQ(mutator_.stats().capacity, 0u);
  EXPECT_EQ(mutator_.stats().heap_bytes, 0u);
  EXPECT_TRUE(mutator_.VerifyHeap().ok());
}

TEST_F(MutatorCompactionTest, KeepsBucketsOfAnArenaWithFour) {
  Fill(4);
  Drop(0, 31);
  EXPECT_EQ(mutator_.CollectGarbage(), 32u);
  EXPECT_EQ(Buckets(), 4u);
}

TEST_F(MutatorCompactionTest, KeepsBucketsWhenAQuarterOrLessWasFreed) {
  Fill(5);
  Drop(0, 9);  // bucket 0 whole, two of bucket 1: exactly 40 / 4
  EXPECT_EQ(mutator_.CollectGarbage(), 10u);
  EXPECT_EQ(Buckets(), 5u);
}

TEST_F(MutatorCompactionTest, ReleasesOnlyEmptyBucketsWhenMoreThanAQuarter) {
  Fill(5);
  Drop(0, 10);  // bucket 0 whole, three of bucket 1
  EXPECT_EQ(mutator_.CollectGarbage(), 11u);
  EXPECT_EQ(Buckets(), 4u);
  EXPECT_EQ(mutator_.stats().capacity, 32u);
  for (int i = 11; i < 40; ++i) EXPECT_EQ(nodes_[i]->id, i);
  EXPECT_TRUE(mutator_.VerifyHeap().ok());
}

TEST(MutatorHeapLimitTest, CollectsThenThrowsAndLeavesTheHeapWhole) {
  const std::size_t bucket_bytes = internal::Bucket<SmallNode>::BucketBytes(8);
  Mutator mutator(MutatorOptions{.heap_limit_bytes = 2 * bucket_bytes,
                                 .stress_interval = 0});
  std::vector<Pointer<SmallNode>> held;
  for (int i = 0; i < 16; ++i) held.push_back(mutator.Allocate<SmallNode>(i));
  EXPECT_THROW(mutator.Allocate<SmallNode>(16), HeapLimitExceeded);
  EXPECT_EQ(mutator.collections(), 1u) << "it collected before giving up";
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 16u);
  EXPECT_EQ(mutator.stats().heap_bytes, 2 * bucket_bytes);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  for (int i = 0; i < 16; ++i) EXPECT_EQ(held[i]->id, i);

  held.resize(8);
  Pointer<SmallNode> after = mutator.Allocate<SmallNode>(99);
  EXPECT_EQ(after->id, 99);
  EXPECT_EQ(mutator.collections(), 2u);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 9u);
}

TEST(MutatorHeapLimitTest, MessageNamesTheLimitAndTheType) {
  Mutator mutator(MutatorOptions{.heap_limit_bytes = 10});
  try {
    mutator.Allocate<SmallNode>(1);
    FAIL() << "expected HeapLimitExceeded";
  } catch (const HeapLimitExceeded& e) {
    EXPECT_STREQ(e.what(),
                 "kamo::mem: heap limit of 10 bytes reached allocating "
                 "SmallNode (0 bytes in use)");
  }
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 0u);
}

struct Throwing {
  explicit Throwing(bool fail) {
    if (fail) throw std::runtime_error("constructor failed");
  }
  void Trace(Tracer&) const {}
};

TEST(MutatorAllocateTest, ThrowingConstructorChangesNothing) {
  Mutator mutator(kLiveHeapPacing);
  Pointer<Throwing> ok = mutator.Allocate<Throwing>(false);
  EXPECT_THROW(mutator.Allocate<Throwing>(true), std::runtime_error);
  EXPECT_EQ(mutator.CountLive<Throwing>(), 1u);
  EXPECT_EQ(mutator.allocations_since_collection(), 1u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(ok.lock_count(), 1u);
}

}  // namespace
}  // namespace kamo::mem
