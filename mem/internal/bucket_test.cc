#include "mem/internal/bucket.h"

#include <stdexcept>
#include <vector>

#include "gtest/gtest.h"

namespace kamo::mem::internal {
namespace {

struct Leaf {
  int value;
  void Trace(Tracer&) const {}
};

class BucketTest : public ::testing::Test {
 protected:
  Slot<Leaf>* Put(int value) {
    Slot<Leaf>* slot = bucket_.TakeVacant();
    slot->Construct(value);
    bucket_.Occupy(slot);
    return slot;
  }

  Bucket<Leaf> bucket_{4};
};

TEST_F(BucketTest, NewBucketIsEmptyAndConsistent) {
  EXPECT_EQ(bucket_.capacity(), 4u);
  EXPECT_EQ(bucket_.occupied(), 0u);
  EXPECT_TRUE(bucket_.empty());
  EXPECT_FALSE(bucket_.full());
  EXPECT_TRUE(bucket_.IsConsistent());
}

TEST_F(BucketTest, FillsEverySlotOnceThenIsFull) {
  std::vector<Slot<Leaf>*> slots;
  for (int i = 0; i < 4; ++i) slots.push_back(Put(i * 10));
  EXPECT_TRUE(bucket_.full());
  EXPECT_EQ(bucket_.occupied(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(slots[i]->value()->value, i * 10);
    for (int j = 0; j < i; ++j) EXPECT_NE(slots[i], slots[j]);
  }
  EXPECT_TRUE(bucket_.IsConsistent());
}

TEST_F(BucketTest, ReleaseReturnsATakenSlot) {
  Slot<Leaf>* taken = bucket_.TakeVacant();
  EXPECT_FALSE(bucket_.empty()) << "a slot under construction is not empty";
  bucket_.Release(taken);
  EXPECT_TRUE(bucket_.empty());
  EXPECT_TRUE(bucket_.IsConsistent());
  EXPECT_EQ(bucket_.TakeVacant(), taken) << "the released slot is reused";
  bucket_.Release(taken);
}

TEST_F(BucketTest, SweepFreesUnmarkedUnlockedAndUnmarksTheRest) {
  Slot<Leaf>* marked = Put(1);
  Slot<Leaf>* locked = Put(2);
  Slot<Leaf>* garbage = Put(3);
  marked->header.Mark();
  locked->header.Lock<Leaf>();
  locked->header.Mark();  // MarkRoots marks locked slots before a sweep.

  EXPECT_EQ(bucket_.Sweep(), 1u);
  EXPECT_EQ(bucket_.occupied(), 2u);
  EXPECT_TRUE(marked->header.occupied());
  EXPECT_FALSE(marked->header.marked());
  EXPECT_EQ(marked->value()->value, 1);
  EXPECT_TRUE(locked->header.occupied());
  EXPECT_FALSE(garbage->header.occupied());
  EXPECT_TRUE(bucket_.IsConsistent());
  locked->header.Unlock<Leaf>();
}

TEST_F(BucketTest, MarkRootsPushesExactlyTheLockedSlots) {
  Slot<Leaf>* locked = Put(1);
  Slot<Leaf>* unlocked = Put(2);
  locked->header.Lock<Leaf>();
  std::vector<Root> pending;
  Tracer tracer(pending, /*mutator=*/nullptr);
  bucket_.MarkRoots(tracer);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].header(), &locked->header);
  tracer.Drain();  // marks what was pushed
  EXPECT_TRUE(locked->header.marked());
  EXPECT_FALSE(unlocked->header.marked());
  EXPECT_EQ(bucket_.CountLocked(), 1u);
  locked->header.Unmark();
  locked->header.Unlock<Leaf>();
}

TEST_F(BucketTest, SlotOfValueAcceptsOnlyOccupiedValueAddresses) {
  Slot<Leaf>* slot = Put(7);
  const auto address = reinterpret_cast<std::uintptr_t>(slot->value());
  ASSERT_TRUE(bucket_.SlotOfValue(address).ok());
  EXPECT_EQ(*bucket_.SlotOfValue(address), slot);

  EXPECT_EQ(bucket_.SlotOfValue(address + 1).status().code(),
            absl::StatusCode::kInvalidArgument);  // interior
  EXPECT_EQ(bucket_.SlotOfValue(bucket_.begin_address()).status().code(),
            absl::StatusCode::kInvalidArgument);  // a header, not a value
  EXPECT_EQ(bucket_.SlotOfValue(bucket_.end_address()).status().code(),
            absl::StatusCode::kInvalidArgument);  // just past the end
  const auto vacant = address + sizeof(Slot<Leaf>);
  EXPECT_EQ(bucket_.SlotOfValue(vacant).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BucketTest, DestructorDestroysRemainingValues) {
  static_assert(sizeof(Slot<Leaf>) >= sizeof(SlotHeader) + sizeof(Leaf));
  int destroyed = 0;
  struct Counted {
    int* counter;
    ~Counted() { ++*counter; }
    void Trace(Tracer&) const {}
  };
  {
    Bucket<Counted> bucket(3);
    for (int i = 0; i < 2; ++i) {
      Slot<Counted>* slot = bucket.TakeVacant();
      slot->Construct(&destroyed);
      bucket.Occupy(slot);
    }
  }
  EXPECT_EQ(destroyed, 2);
}

}  // namespace
}  // namespace kamo::mem::internal
