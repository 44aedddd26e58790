#include "mem/internal/arena.h"

#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"

namespace kamo::mem::internal {
namespace {

struct Leaf {
  explicit Leaf(int v) : value(v) {
    if (v < 0) throw std::invalid_argument("negative leaf");
  }
  void Trace(Tracer&) const {}
  int value;
};

class ArenaTest : public ::testing::Test {
 protected:
  Slot<Leaf>* Put(int value) {
    if (!arena_.has_vacant()) arena_.Grow();
    return arena_.Emplace(value);
  }

  // Marks nothing and sweeps: frees every unlocked value.
  std::size_t SweepUnlocked() {
    std::vector<Root> pending;
    Tracer tracer(pending, /*mutator=*/nullptr);
    arena_.MarkRoots(tracer);
    tracer.Drain();
    return arena_.Sweep();
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

TEST_F(ArenaTest, FreedSlotInAnOldFullBucketIsReusedBeforeGrowing) {
  std::vector<Slot<Leaf>*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  ASSERT_FALSE(arena_.has_vacant());
  for (Slot<Leaf>* slot : slots) slot->header.Lock<Leaf>();
  slots[1]->header.Unlock<Leaf>();  // in the first bucket
  EXPECT_EQ(SweepUnlocked(), 1u);
  ASSERT_TRUE(arena_.has_vacant());
  Slot<Leaf>* reused = arena_.Emplace(100);
  EXPECT_EQ(reused, slots[1]);
  EXPECT_EQ(arena_.bucket_count(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
  for (Slot<Leaf>* slot : slots) {
    if (slot != reused) slot->header.Unlock<Leaf>();
  }
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
  std::vector<Slot<Leaf>*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  slots[5]->header.Lock<Leaf>();  // the second bucket stays non-empty
  EXPECT_EQ(SweepUnlocked(), 11u);
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/0), 2u);
  EXPECT_EQ(arena_.bucket_count(), 1u);
  EXPECT_EQ(arena_.capacity(), 4u);
  EXPECT_EQ(arena_.len(), 1u);
  EXPECT_EQ(slots[5]->value()->value, 5);
  EXPECT_TRUE(arena_.IsConsistent());
  slots[5]->header.Unlock<Leaf>();
}

TEST_F(ArenaTest, ReleaseEmptyBucketsKeepsTheVacantSlotsAskedFor) {
  std::vector<Slot<Leaf>*> slots;
  for (int i = 0; i < 16; ++i) slots.push_back(Put(i));
  slots[0]->header.Lock<Leaf>();  // one bucket stays: 3 vacant slots there
  EXPECT_EQ(SweepUnlocked(), 15u);
  // 3 + 4 + 4 + 4 vacant: two empty buckets can go, leaving 7 >= 6.
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/6), 2u);
  EXPECT_EQ(arena_.bucket_count(), 2u);
  EXPECT_EQ(arena_.available(), 7u);
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/4), 0u);
  EXPECT_EQ(arena_.ReleaseEmptyBuckets(/*keep_vacant=*/0), 1u);
  EXPECT_EQ(arena_.available(), 3u);
  EXPECT_TRUE(arena_.IsConsistent());
  slots[0]->header.Unlock<Leaf>();
}

TEST_F(ArenaTest, SlotOfValueSearchesEveryBucket) {
  std::vector<Slot<Leaf>*> slots;
  for (int i = 0; i < 12; ++i) slots.push_back(Put(i));
  for (Slot<Leaf>* slot : slots) {
    auto found = arena_.SlotOfValue(slot->value());
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
