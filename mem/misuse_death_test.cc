// Misuse that would corrupt the heap stops the program with a message naming
// the error and the type, in every build mode.
#include <limits>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::SmallNode;

// Sets the lock count of the slot of `value`, bypassing the Pointers.
void SetLocksForTesting(const void* value, std::uint32_t locks) {
  internal::BucketHeader* bucket = internal::BucketHeader::Of(value);
  bucket->SetLocksForTesting(bucket->IndexOf(value), locks);
}

// Allocates from its Trace: forbidden by trace.h rule 2.
struct AllocatesInTrace {
  void Trace(Tracer&) const { mutator->Allocate<SmallNode>(0); }
  Mutator* mutator;
};

// Collects from its destructor: forbidden by trace.h rule 3.
struct CollectsInDestructor {
  ~CollectsInDestructor() { mutator->CollectGarbage(); }
  void Trace(Tracer&) const {}
  Mutator* mutator;
};

class MisuseDeathTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(MisuseDeathTest, LockThroughADanglingMember) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        Member<SmallNode> dangling = mutator.Allocate<SmallNode>(1);
        mutator.CollectGarbage();
        dangling.Lock();
      },
      "kamo::mem: Pointer<SmallNode>::Lock on vacant slot");
}

TEST_F(MisuseDeathTest, UnlockOfAVacantSlot) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        Pointer<SmallNode> node = mutator.Allocate<SmallNode>(1);
        SetLocksForTesting(node.get(), 0);
        mutator.CollectGarbage();  // frees it: nothing holds a lock
      },                           // ~Pointer unlocks the vacant slot
      "kamo::mem: Pointer<SmallNode>::Unlock on vacant slot");
}

TEST_F(MisuseDeathTest, LockCountOverflow) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        Pointer<SmallNode> node = mutator.Allocate<SmallNode>(1);
        SetLocksForTesting(node.get(),
                           std::numeric_limits<std::uint32_t>::max());
        Pointer<SmallNode> copy = node;
      },
      "kamo::mem: Pointer<SmallNode>::Lock: lock count overflow");
}

TEST_F(MisuseDeathTest, PointerOutlivingItsMutator) {
  EXPECT_DEATH(
      {
        auto* mutator = new Mutator;
        Pointer<SmallNode> node = mutator->Allocate<SmallNode>(1);
        delete mutator;
      },
      "kamo::mem: Mutator destroyed while 1 slot\\(s\\) of SmallNode are "
      "still locked by Pointers");
}

TEST_F(MisuseDeathTest, AllocateDuringTrace) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        Pointer<AllocatesInTrace> p =
            mutator.Allocate<AllocatesInTrace>(&mutator);
        mutator.CollectGarbage();
      },
      "kamo::mem: Mutator::Allocate<SmallNode> during a collection");
}

TEST_F(MisuseDeathTest, CollectFromADestructor) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        mutator.Allocate<CollectsInDestructor>(&mutator);
        mutator.CollectGarbage();
      },
      "kamo::mem: Mutator::CollectGarbage during a collection");
}

TEST_F(MisuseDeathTest, ZeroBucketCapacity) {
  EXPECT_DEATH(Mutator(MutatorOptions{.bucket_capacity = 0}),
               "kamo::mem: Mutator::Options::bucket_capacity 0 out of range");
}

TEST_F(MisuseDeathTest, WeakOfNull) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        mutator.MakeWeak(Pointer<SmallNode>());
      },
      "kamo::mem: Mutator::MakeWeak<SmallNode> of a null Pointer");
}

}  // namespace
}  // namespace kamo::mem
