#include "mem/internal/arena.h"

#include <set>
#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"
#include "mem/internal/marker.h"

namespace kamo::mem::internal {
namespace {

struct Leaf {
  explicit Leaf(int v) : value(v) {
    if (v < 0) throw std::invalid_argument("negative leaf");
  }
  void Trace(Tracer&) const {}
  int value;
};

constexpr auto kName = [] { return std::string_view("Leaf"); };

class ArenaTest : public ::testing::Test {
 protected:
  Leaf* Put(int value) {
    if (!arena_.has_vacant()) arena_.Grow();
    Leaf* leaf = arena_.Emplace(value);  // locked once
    UnlockValue(leaf, kName);
    return leaf;
  }

  // Marks the locked values only and sweeps: frees every unlocked value.
  std::size_t SweepUnlocked(bool lazy = false) {
    arena_.PrepareForCollection();
    std::vector<Root> pending;
    std::vector<void**> weak_slots;
    EphemeronTable ephemerons;
    Marker marker(pending, weak_slots, ephemerons, /*mutator=*/nullptr);
    arena_.MarkRoots(marker.tracer(), /*young_only=*/false);
    marker.Drain();
    return arena_.Sweep(
        lazy ? ArenaBase::SweepMode::kLazy : ArenaBase::SweepMode::kEager,
        /*young_only=*/false);
  }

  Arena<Leaf> arena_{4, /*mutator=*/nullptr};
};

TEST_F(ArenaTest, CountersFollowAllocation) {
  EXPECT_EQ(arena_.len(), 0u);
  EXPECT_EQ(arena_.capacity(), 0u);
  EXPECT_FALSE(arena_.has_vacant());
  for (int i = 0; i < 9; ++i) Put(i);
  EXPECT_EQ(arena_.len(), 9u);
  EXPECT_EQ(arena_.bucket_count(), 3u);
  EXPECT_EQ(arena_.capacity(), 12u);
  EXPECT_EQ(arena_.available(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
}

TEST_F(ArenaTest, LazySweepCountsTheDeadAndSweepsABucketWhenAllocationTakesIt) {
  std::vector<Leaf*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));  // 3 full buckets
  for (int i : {0, 2, 4, 5, 6, 7, 8, 10}) LockValue(slots[i], kName);
  // Dead: 1 and 3 (bucket 0), none in bucket 1, 9 and 11 (bucket 2).
  EXPECT_EQ(SweepUnlocked(/*lazy=*/true), 4u);
  EXPECT_EQ(arena_.len(), 8u);
  EXPECT_TRUE(arena_.IsConsistent());
  const BucketHeader* first = BucketHeader::Of(slots[0]);
  const BucketHeader* last = BucketHeader::Of(slots[8]);
  EXPECT_TRUE(first->unswept());
  EXPECT_TRUE(last->unswept());
  const BucketHeader* middle = BucketHeader::Of(slots[4]);
  EXPECT_FALSE(middle->unswept())
      << "a bucket with nothing dead is left no sweep to finish";
  EXPECT_FALSE(middle->marked(middle->IndexOf(slots[4])))
      << "its marks are cleared at once (they are not sticky here)";
  EXPECT_EQ(middle->marked_count(), 0u);
  EXPECT_TRUE(first->occupied(first->IndexOf(slots[1])))
      << "a dead value's slot is not freed until its bucket is swept";
  EXPECT_FALSE(first->holds_live(first->IndexOf(slots[1])));
  EXPECT_EQ(arena_.SlotOfValue(slots[1]).status().code(),
            absl::StatusCode::kFailedPrecondition);

  // Allocation takes the last bucket listed, sweeps it, reuses its slot.
  Leaf* reused = arena_.Emplace(100);
  EXPECT_EQ(reused, slots[9]);
  EXPECT_FALSE(last->unswept());
  EXPECT_TRUE(first->unswept()) << "untouched until allocation or marking";
  EXPECT_TRUE(arena_.IsConsistent());
  arena_.PrepareForCollection();
  EXPECT_FALSE(first->unswept());
  EXPECT_FALSE(first->occupied(first->IndexOf(slots[1])));
  EXPECT_EQ(arena_.len(), 9u);
  EXPECT_TRUE(arena_.IsConsistent());
  UnlockValue(reused, kName);
  for (int i : {0, 2, 4, 5, 6, 7, 8, 10}) UnlockValue(slots[i], kName);
}

TEST_F(ArenaTest, FreedSlotInAnOldFullBucketIsReusedBeforeGrowing) {
  std::vector<Leaf*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  ASSERT_FALSE(arena_.has_vacant());
  for (Leaf* slot : slots) LockValue(slot, kName);
  UnlockValue(slots[1], kName);  // in the first bucket
  EXPECT_EQ(SweepUnlocked(), 1u);
  ASSERT_TRUE(arena_.has_vacant());
  Leaf* reused = arena_.Emplace(100);
  EXPECT_EQ(reused, slots[1]);
  EXPECT_EQ(arena_.bucket_count(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
  // Emplace locked the reused one once; the others hold the locks above.
  for (Leaf* slot : slots) UnlockValue(slot, kName);
}

TEST_F(ArenaTest, ThrowingConstructorLeavesArenaAsItWas) {
  for (int i = 0; i < 3; ++i) Put(i);
  EXPECT_THROW(arena_.Emplace(-1), std::invalid_argument);
  EXPECT_EQ(arena_.len(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
  // The slot the constructor was given is vacant again, so filling the
  // bucket's last slot takes no new bucket.
  EXPECT_TRUE(arena_.has_vacant());
  Put(3);
  EXPECT_EQ(arena_.bucket_count(), 1u);
  EXPECT_THROW(Put(-1), std::invalid_argument);  // now in a fresh bucket
  EXPECT_EQ(arena_.len(), 4u);
  EXPECT_TRUE(arena_.IsConsistent());
}

TEST_F(ArenaTest, ReleaseEmptyBucketsKeepsNonEmptyOnes) {
  std::vector<Leaf*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  LockValue(slots[5], kName);  // the second bucket stays non-empty
  EXPECT_EQ(SweepUnlocked(), 11u);
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/0), 2u);
  EXPECT_EQ(arena_.bucket_count(), 1u);
  EXPECT_EQ(arena_.capacity(), 4u);
  EXPECT_EQ(arena_.len(), 1u);
  EXPECT_EQ(slots[5]->value, 5);
  EXPECT_TRUE(arena_.IsConsistent());
  UnlockValue(slots[5], kName);
}

TEST_F(ArenaTest, ReleaseEmptyBucketsKeepsTheVacantSlotsAskedFor) {
  std::vector<Leaf*> slots;
  for (int i = 0; i < 16; ++i) slots.push_back(Put(i));
  LockValue(slots[0], kName);  // one bucket stays: 3 vacant slots there
  EXPECT_EQ(SweepUnlocked(), 15u);
  // 3 + 4 + 4 + 4 vacant: two empty buckets can go, leaving 7 >= 6.
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/6), 2u);
  EXPECT_EQ(arena_.bucket_count(), 2u);
  EXPECT_EQ(arena_.available(), 7u);
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/4), 0u);
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/0), 1u);
  EXPECT_EQ(arena_.available(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
  UnlockValue(slots[0], kName);
}

TEST_F(ArenaTest, ABucketWhoseValuesAllDiedIsReleasedUnswept) {
  std::vector<Leaf*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  LockValue(slots[0], kName);  // bucket 0 keeps a value; 1 and 2 all die
  const BucketHeader* first = BucketHeader::Of(slots[0]);
  const BucketHeader* second = BucketHeader::Of(slots[4]);
  const BucketHeader* third = BucketHeader::Of(slots[8]);
  EXPECT_EQ(SweepUnlocked(/*lazy=*/false), 11u);
  EXPECT_FALSE(first->unswept()) << "an eager sweep sweeps the others";
  EXPECT_TRUE(second->unswept()) << "its bitmaps are not read";
  EXPECT_TRUE(third->unswept());
  EXPECT_TRUE(second->occupied(second->IndexOf(slots[4])));
  EXPECT_FALSE(second->holds_live(second->IndexOf(slots[4])));
  EXPECT_EQ(arena_.len(), 1u);
  EXPECT_EQ(arena_.available(), 11u);
  EXPECT_TRUE(arena_.IsConsistent());
  // The second is released as it is; the third is kept for the 4 vacant
  // slots asked for, and swept.
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/4), 1u);
  EXPECT_EQ(arena_.bucket_count(), 2u);
  EXPECT_TRUE(arena_.IsConsistent());
  EXPECT_TRUE(third->unswept());
  arena_.FinishSweeping();
  EXPECT_FALSE(third->unswept());
  EXPECT_EQ(third->occupied(), 0u);
  for (int i = 0; i < 7; ++i) Put(100 + i);  // the 7 vacant slots, reused
  EXPECT_EQ(arena_.bucket_count(), 2u);
  EXPECT_EQ(arena_.len(), 8u);
  EXPECT_EQ(slots[0]->value, 0);
  EXPECT_TRUE(arena_.IsConsistent());
  UnlockValue(slots[0], kName);
}

TEST_F(ArenaTest, AllocationCacheHoldsTheRestOfAWordUntilACollection) {
  Leaf* first = Put(1);
  const auto* bucket =
      static_cast<const Bucket<Leaf>*>(BucketHeader::Of(first));
  EXPECT_EQ(bucket->occupied(), 1u);
  EXPECT_FALSE(bucket->empty()) << "the other three slots are in the cache";
  EXPECT_TRUE(arena_.has_vacant());
  EXPECT_EQ(arena_.available(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
  const void* cached = bucket->SlotAt(bucket->IndexOf(first) + 1);
  EXPECT_EQ(arena_.SlotOfValue(cached).status().code(),
            absl::StatusCode::kFailedPrecondition)
      << "a slot in the cache holds no value";

  // The collection starts by giving the cache back: the bucket, empty once
  // its one value is swept, can be released.
  EXPECT_EQ(SweepUnlocked(), 1u);
  EXPECT_TRUE(bucket->empty_once_swept());
  EXPECT_TRUE(arena_.IsConsistent());
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/0), 1u);
  EXPECT_EQ(arena_.bucket_count(), 0u);
  EXPECT_FALSE(arena_.has_vacant());
  EXPECT_TRUE(arena_.IsConsistent());
}

// A value whose constructor allocates its inner values in the same arena
// (and then throws, if asked), as a Mutator's Allocate may from a
// constructor.
struct Nest {
  Nest(Arena<Nest>& arena, int depth, bool throws)
      : inner(depth == 0 ? nullptr : Make(arena, depth - 1, false)) {
    if (throws) throw std::invalid_argument("outer nest");
  }
  static Nest* Make(Arena<Nest>& arena, int depth, bool throws) {
    if (!arena.has_vacant()) arena.Grow();
    return arena.Emplace(arena, depth, throws);
  }
  void Trace(Tracer&) const {}
  Nest* inner;
};

TEST(ArenaNestTest, ConstructorsThatAllocateRefillTheCacheSafely) {
  Arena<Nest> arena(4, /*mutator=*/nullptr);
  // The outer value takes slot 0; its inner values use up the first
  // bucket's cache and refill it from a new bucket.
  Nest* outer = Nest::Make(arena, /*depth=*/5, /*throws=*/false);
  std::set<const Nest*> seen;
  for (const Nest* nest = outer; nest != nullptr; nest = nest->inner) {
    EXPECT_TRUE(seen.insert(nest).second) << "two values in one slot";
    const BucketHeader* bucket = BucketHeader::Of(nest);
    EXPECT_TRUE(bucket->holds_live(bucket->IndexOf(nest)));
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(arena.len(), 6u);
  EXPECT_EQ(arena.bucket_count(), 2u);
  EXPECT_TRUE(arena.IsConsistent());

  // Now the outer constructor throws after its inner values (in another
  // bucket by then) were made: only its own slot comes back.
  EXPECT_THROW(Nest::Make(arena, /*depth=*/3, /*throws=*/true),
               std::invalid_argument);
  EXPECT_EQ(arena.len(), 9u) << "the three inner values stay";
  EXPECT_TRUE(arena.IsConsistent());
  arena.PrepareForCollection();
  EXPECT_EQ(arena.available(), 3u);
  EXPECT_TRUE(arena.IsConsistent());
}

TEST_F(ArenaTest, SlotOfValueSearchesEveryBucket) {
  std::vector<Leaf*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  for (Leaf* slot : slots) {
    auto found = arena_.SlotOfValue(slot);
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(*found, slot);
  }
  int outside = 0;
  EXPECT_EQ(arena_.SlotOfValue(&outside).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(arena_.SlotOfValue(nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kamo::mem::internal
