// When collections run (pressure), when arenas shrink (compaction), and what
// the heap limit does.
#include <algorithm>
#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
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

constexpr MutatorOptions kSeedPacing{.pacing = Pacing::kSeed};

TEST(MutatorPressureTest, FreshMutatorUsesTheMinimum) {
  EXPECT_EQ(Mutator(kSeedPacing).pressure(), Mutator::kMinPressure);
  EXPECT_EQ(Mutator().pressure(), Mutator::kMinPressure);
}

TEST(MutatorPressureTest, CollectsOnTheAllocationPastThePressure) {
  DestructionLog log;
  Mutator mutator(kSeedPacing);
  for (std::size_t i = 0; i < Mutator::kMinPressure; ++i) {
    mutator.Allocate<Node>(static_cast<int>(i), &log);
  }
  EXPECT_EQ(mutator.pressure(), 1024u);  // capacity 1024 / 2, clamped up
  EXPECT_EQ(mutator.allocations_since_collection(), 1024u);
  EXPECT_EQ(mutator.collections(), 0u);
  EXPECT_EQ(log.total(), 0u);

  Pointer<Node> survivor = mutator.Allocate<Node>(-1, &log);
  EXPECT_EQ(mutator.collections(), 1u);
  EXPECT_EQ(log.total(), 1024u) << "the collection freed the dropped nodes";
  EXPECT_EQ(log.times(-1), 0);
  EXPECT_EQ(mutator.allocations_since_collection(), 1u);
}

TEST(MutatorPressureTest, IsHalfTheTotalCapacityAboveTheMinimum) {
  Mutator mutator(
      MutatorOptions{.bucket_capacity = 4096, .pacing = Pacing::kSeed});
  std::vector<Pointer<Tiny>> held;
  held.push_back(mutator.Allocate<Tiny>());
  EXPECT_EQ(mutator.pressure(), 2048u);
  while (mutator.allocations_since_collection() < 2048) {
    held.push_back(mutator.Allocate<Tiny>());
  }
  EXPECT_EQ(mutator.collections(), 0u);
  held.push_back(mutator.Allocate<Tiny>());
  EXPECT_EQ(mutator.collections(), 1u);
  EXPECT_EQ(mutator.CountLive<Tiny>(), held.size()) << "held values survive";
}

TEST(MutatorPressureTest, IsClampedToTheMaximum) {
  Mutator mutator(MutatorOptions{.bucket_capacity = (1u << 21) + 2,
                                 .pacing = Pacing::kSeed});
  Pointer<Tiny> one = mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.stats().capacity, (1u << 21) + 2);
  EXPECT_EQ(mutator.pressure(), Mutator::kMaxPressure);
}

TEST(MutatorLiveHeapPacingTest, PressureIsTheLiveCountTimesTheGrowth) {
  for (double growth : {1.0, 0.5, 2.0}) {
    Mutator mutator(MutatorOptions{.heap_growth = growth});
    std::vector<Pointer<Tiny>> held;
    for (int i = 0; i < 3000; ++i) held.push_back(mutator.Allocate<Tiny>());
    mutator.CollectGarbage();
    const auto expected = static_cast<std::size_t>(3000 * growth);
    EXPECT_EQ(mutator.pressure(), std::max(expected, Mutator::kMinPressure));
    EXPECT_EQ(mutator.stats().pressure, mutator.pressure());
  }
}

TEST(MutatorLiveHeapPacingTest, NeverBelowTheMinimum) {
  Mutator mutator;
  Pointer<Tiny> one = mutator.Allocate<Tiny>();
  mutator.CollectGarbage();
  EXPECT_EQ(mutator.pressure(), Mutator::kMinPressure);
}

TEST(MutatorLiveHeapPacingTest, CollectsOnTheAllocationPastThePressure) {
  Mutator mutator;
  std::vector<Pointer<Tiny>> held;
  for (int i = 0; i < 2000; ++i) held.push_back(mutator.Allocate<Tiny>());
  mutator.CollectGarbage();  // 2000 live: the next collection after 2000
  ASSERT_EQ(mutator.pressure(), 2000u);
  const std::size_t collections = mutator.collections();
  for (int i = 0; i < 2000; ++i) mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), collections);
  mutator.Allocate<Tiny>();
  EXPECT_EQ(mutator.collections(), collections + 1);
  EXPECT_EQ(mutator.CountLive<Tiny>(), 2001u) << "the 2000 dropped were freed";
}

TEST(MutatorLiveHeapPacingTest, HeapStaysBoundedUnderSteadyChurn) {
  // 10,000 live values and a million short-lived ones: the heap never
  // needs more than about live * (1 + growth) slots, plus a bucket.
  Mutator mutator;
  std::vector<Pointer<Tiny>> held;
  for (int i = 0; i < 10000; ++i) held.push_back(mutator.Allocate<Tiny>());
  for (int i = 0; i < 1000000; ++i) mutator.Allocate<Tiny>();
  EXPECT_LE(mutator.stats().capacity, 2 * 10000u + 2 * 1024u);
  EXPECT_GE(mutator.collections(), 1000000u / 20000u);
}

TEST(MutatorPacingTest, NamesItsPolicies) {
  EXPECT_EQ(ToString(Pacing::kSeed), "seed");
  EXPECT_EQ(ToString(Pacing::kLiveHeap), "live-heap");
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
  // pacing keeps 1024 / 8 = 128 buckets' worth, so all 40 stay.
  Mutator mutator;
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
  // 2000 buckets of 8 (16,000 slots), all freed: keeps 1024 vacant slots.
  Mutator mutator;
  std::vector<Pointer<SmallNode>> nodes;
  for (int i = 0; i < 16000; ++i) {
    nodes.push_back(mutator.Allocate<SmallNode>(i));
  }
  nodes.clear();
  mutator.CollectGarbage();
  EXPECT_EQ(mutator.pressure(), Mutator::kMinPressure);
  EXPECT_EQ(mutator.stats().capacity, 1024u);
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
  const std::size_t bucket_bytes = 8 * sizeof(internal::Slot<SmallNode>);
  Mutator mutator(MutatorOptions{.heap_limit_bytes = 2 * bucket_bytes});
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
  Mutator mutator;
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
