#include "mem/internal/bucket.h"

#include <array>
#include <bit>
#include <cstdint>
#include <set>
#include <vector>

#include "gtest/gtest.h"
#include "mem/internal/marker.h"

namespace kamo::mem::internal {
namespace {

struct Leaf {
  int value;
  void Trace(Tracer&) const {}
};

auto LeafName() {
  return [] { return std::string_view("Leaf"); };
}

// Takes the first free slot as the arena's cache does: a whole word, then
// gives the rest of the word back.
template <typename T>
std::uint32_t TakeOne(Bucket<T>* bucket) {
  const typename Bucket<T>::FreeWord word = bucket->TakeFreeWord();
  const auto bit = static_cast<std::uint32_t>(std::countr_zero(word.bits));
  if (const std::uint64_t rest = word.bits & (word.bits - 1); rest != 0) {
    bucket->ReturnFree({word.first_index, rest});
  }
  return word.first_index + bit;
}

class BucketTest : public ::testing::Test {
 protected:
  ~BucketTest() override { Bucket<Leaf>::Destroy(bucket_); }

  Leaf* Put(int value) {
    const std::uint32_t index = TakeOne(bucket_);
    Leaf* leaf = Bucket<Leaf>::Construct(bucket_->SlotAt(index), value);
    bucket_->Occupy(index);  // locked once, as for Allocate's Pointer
    UnlockValue(leaf, LeafName());
    return leaf;
  }
  std::uint32_t Index(const Leaf* leaf) const { return bucket_->IndexOf(leaf); }

  Bucket<Leaf>* bucket_ =
      Bucket<Leaf>::Create(4, /*owner=*/nullptr, /*barrier=*/nullptr);
};

TEST_F(BucketTest, NewBucketIsEmptyAndConsistent) {
  EXPECT_EQ(bucket_->capacity(), 4u);
  EXPECT_EQ(bucket_->occupied(), 0u);
  EXPECT_TRUE(bucket_->empty());
  EXPECT_FALSE(bucket_->full());
  EXPECT_TRUE(bucket_->IsConsistent());
}

TEST_F(BucketTest, SlotsAreExactlyTheValueSizeAndFindTheirBucket) {
  std::vector<Leaf*> leaves;
  for (int i = 0; i < 4; ++i) leaves.push_back(Put(i));
  std::set<std::uintptr_t> addresses;
  for (Leaf* leaf : leaves) {
    addresses.insert(reinterpret_cast<std::uintptr_t>(leaf));
    EXPECT_EQ(BucketHeader::Of(leaf), bucket_);
    EXPECT_EQ(bucket_->SlotAt(Index(leaf)), leaf);
  }
  EXPECT_EQ(*addresses.rbegin() - *addresses.begin(), 3 * sizeof(Leaf));
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(bucket_) % kBucketAlignment, 0u);
}

TEST_F(BucketTest, FillsEverySlotOnceThenIsFull) {
  std::vector<Leaf*> leaves;
  for (int i = 0; i < 4; ++i) leaves.push_back(Put(i * 10));
  EXPECT_TRUE(bucket_->full());
  EXPECT_EQ(bucket_->occupied(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(leaves[i]->value, i * 10);
    for (int j = 0; j < i; ++j) EXPECT_NE(leaves[i], leaves[j]);
  }
  EXPECT_TRUE(bucket_->IsConsistent());
}

TEST_F(BucketTest, ReleaseReturnsATakenSlot) {
  const std::uint32_t taken = TakeOne(bucket_);
  EXPECT_FALSE(bucket_->empty()) << "a slot under construction is not empty";
  EXPECT_FALSE(bucket_->occupied(taken));
  bucket_->Release(taken);
  EXPECT_TRUE(bucket_->empty());
  EXPECT_TRUE(bucket_->IsConsistent());
  EXPECT_EQ(TakeOne(bucket_), taken) << "the released slot is reused";
  bucket_->Release(taken);
}

TEST_F(BucketTest, TakeFreeWordTakesEveryFreeSlotOfTheFirstWordWithOne) {
  Bucket<Leaf>* bucket =
      Bucket<Leaf>::Create(130, /*owner=*/nullptr, /*barrier=*/nullptr);
  const Bucket<Leaf>::FreeWord first = bucket->TakeFreeWord();
  EXPECT_EQ(first.first_index, 0u);
  EXPECT_EQ(first.bits, ~std::uint64_t{0});
  EXPECT_TRUE(bucket->AreTaken(first));
  EXPECT_EQ(bucket->occupied(), 0u);
  EXPECT_FALSE(bucket->empty()) << "taken slots are not vacant";
  EXPECT_TRUE(bucket->IsConsistent());
  const Bucket<Leaf>::FreeWord second = bucket->TakeFreeWord();
  const Bucket<Leaf>::FreeWord third = bucket->TakeFreeWord();
  EXPECT_EQ(second.first_index, 64u);
  EXPECT_EQ(third.first_index, 128u);
  EXPECT_EQ(third.bits, 0b11u) << "only the slots the bucket has";
  EXPECT_TRUE(bucket->full());
  EXPECT_TRUE(bucket->IsConsistent());

  // Part of the first word comes back: the next take finds it first.
  bucket->ReturnFree({0, 0b1010});
  EXPECT_FALSE(bucket->AreTaken(first));
  EXPECT_TRUE(bucket->AreTaken({0, first.bits & ~std::uint64_t{0b1010}}));
  const Bucket<Leaf>::FreeWord again = bucket->TakeFreeWord();
  EXPECT_EQ(again.first_index, 0u);
  EXPECT_EQ(again.bits, 0b1010u);
  bucket->ReturnFree(first);
  bucket->ReturnFree(second);
  bucket->ReturnFree(third);
  EXPECT_TRUE(bucket->empty());
  EXPECT_TRUE(bucket->IsConsistent());
  Bucket<Leaf>::Destroy(bucket);
}

TEST_F(BucketTest, LocksAreCountedPerSlotAndPerBucket) {
  Leaf* a = Put(1);
  Leaf* b = Put(2);
  bucket_->Lock(Index(a), LeafName());
  bucket_->Lock(Index(a), LeafName());
  bucket_->Lock(Index(b), LeafName());
  EXPECT_EQ(bucket_->locks(Index(a)), 2u);
  EXPECT_EQ(bucket_->locked_slots(), 2u);
  bucket_->Unlock(Index(a), LeafName());
  EXPECT_EQ(bucket_->locked_slots(), 2u) << "a still holds one lock";
  bucket_->Unlock(Index(a), LeafName());
  EXPECT_EQ(bucket_->locked_slots(), 1u);
  EXPECT_EQ(LocksOf(b), 1u);
  UnlockValue(b, LeafName());
  EXPECT_EQ(bucket_->locked_slots(), 0u);
  EXPECT_TRUE(bucket_->IsConsistent());
}

TEST_F(BucketTest, SweepFreesUnmarkedUnlockedAndUnmarksTheRest) {
  Leaf* marked = Put(1);
  Leaf* locked = Put(2);
  Leaf* garbage = Put(3);
  bucket_->Mark(Index(marked));
  bucket_->Lock(Index(locked), LeafName());
  bucket_->Mark(Index(locked));  // MarkRoots marks locked slots.

  EXPECT_EQ(bucket_->Sweep(), 1u);
  EXPECT_EQ(bucket_->occupied(), 2u);
  EXPECT_TRUE(bucket_->occupied(Index(marked)));
  EXPECT_FALSE(bucket_->marked(Index(marked)));
  EXPECT_EQ(marked->value, 1);
  EXPECT_TRUE(bucket_->occupied(Index(locked)));
  EXPECT_FALSE(bucket_->occupied(Index(garbage)));
  EXPECT_TRUE(bucket_->IsConsistent());
  // The freed slot is the one allocation takes next.
  EXPECT_EQ(Put(4), garbage);
  bucket_->Unlock(Index(locked), LeafName());
}

TEST_F(BucketTest, MarkRootsMarksAndPushesExactlyTheLockedSlots) {
  Leaf* locked = Put(1);
  Leaf* unlocked = Put(2);
  bucket_->Lock(Index(locked), LeafName());
  std::vector<Root> pending;
  std::vector<void**> weak_slots;
  EphemeronTable ephemerons;
  Marker marker(pending, weak_slots, ephemerons, /*mutator=*/nullptr);
  bucket_->MarkRoots(marker.tracer());
  ASSERT_EQ(marker.pending().size(), 1u);
  EXPECT_EQ(pending[0].address(), locked);
  EXPECT_TRUE(bucket_->marked(Index(locked)));
  EXPECT_FALSE(bucket_->marked(Index(unlocked)));
  marker.Drain();
  EXPECT_EQ(marker.pending().size(), 0u);
  EXPECT_EQ(bucket_->Sweep(), 1u) << "the unlocked one";
  bucket_->Unlock(Index(locked), LeafName());
}

TEST_F(BucketTest, SlotOfValueAcceptsOnlyOccupiedValueAddresses) {
  Leaf* leaf = Put(7);
  const auto address = reinterpret_cast<std::uintptr_t>(leaf);
  ASSERT_TRUE(bucket_->SlotOfValue(address).ok());
  EXPECT_EQ(*bucket_->SlotOfValue(address), leaf);

  EXPECT_EQ(bucket_->SlotOfValue(address + 1).status().code(),
            absl::StatusCode::kInvalidArgument);  // interior
  EXPECT_EQ(bucket_->SlotOfValue(reinterpret_cast<std::uintptr_t>(bucket_))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);  // metadata, not a value
  EXPECT_EQ(bucket_->SlotOfValue(bucket_->end_address()).status().code(),
            absl::StatusCode::kInvalidArgument);  // just past the end
  const auto vacant = address + sizeof(Leaf);
  EXPECT_EQ(bucket_->SlotOfValue(vacant).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(BucketCapacityTest, EverySlotStartsInTheFirstAlignmentUnit) {
  using Wide = std::array<std::byte, 1000>;
  struct WideValue {
    Wide bytes;
    void Trace(Tracer&) const {}
  };
  EXPECT_EQ(Bucket<Leaf>::FittingCapacity(1024), 1024u);
  const std::uint32_t wide = Bucket<WideValue>::FittingCapacity(1024);
  EXPECT_LT(wide, 1024u);
  EXPECT_GT(wide, 50u);
  // The largest that fits: one more would start past the unit.
  EXPECT_EQ(Bucket<WideValue>::FittingCapacity(wide), wide);
  EXPECT_EQ(Bucket<WideValue>::FittingCapacity(wide + 1), wide);
  Bucket<WideValue>* bucket = Bucket<WideValue>::Create(wide, nullptr, nullptr);
  void* last = bucket->SlotAt(wide - 1);
  EXPECT_EQ(BucketHeader::Of(last), bucket);
  EXPECT_EQ(bucket->IndexOf(last), wide - 1);
  Bucket<WideValue>::Destroy(bucket);

  struct Large {
    std::array<std::byte, 3 * kBucketAlignment> bytes;
    void Trace(Tracer&) const {}
  };
  EXPECT_EQ(Bucket<Large>::FittingCapacity(1024), 1u) << "a bucket to itself";
}

TEST(BucketDestroyTest, DestroysRemainingValuesOnce) {
  int destroyed = 0;
  struct Counted {
    int* counter;
    ~Counted() { ++*counter; }
    void Trace(Tracer&) const {}
  };
  Bucket<Counted>* bucket = Bucket<Counted>::Create(70, nullptr, nullptr);
  std::vector<Counted*> values;
  for (int i = 0; i < 67; ++i) {  // across two bitmap words
    const std::uint32_t index = TakeOne(bucket);
    Counted* value =
        Bucket<Counted>::Construct(bucket->SlotAt(index), &destroyed);
    bucket->Occupy(index);
    UnlockValue(value, [] { return std::string_view("Counted"); });
    values.push_back(value);
  }
  bucket->Mark(bucket->IndexOf(values[66]));
  EXPECT_EQ(bucket->Sweep(), 66u);
  EXPECT_EQ(destroyed, 66);
  EXPECT_TRUE(bucket->IsConsistent());
  Bucket<Counted>::Destroy(bucket);
  EXPECT_EQ(destroyed, 67);
}

}  // namespace
}  // namespace kamo::mem::internal
