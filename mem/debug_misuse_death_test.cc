// Misuse that only debug builds catch (KAMO_MEM_DEBUG, as the sanitizer
// configs set, or a build without NDEBUG): a reference into another
// Mutator's heap, a Mutator used from a thread that does not own it, a
// LockReachableAt of a freed value; and, under ASan only, a read of a collected
// value (its slot is poisoned). In other builds the checks do not exist, and
// these tests say so and skip.
#include <thread>

#include "gtest/gtest.h"
#include "mem/handle.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::Fan;
using testing::Node;
using testing::WeakFan;

class DebugMisuseDeathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!KAMO_MEM_DEBUG_CHECKS) {
      GTEST_SKIP() << "debug builds only: run with --config=asan or ubsan";
    }
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
};

TEST_F(DebugMisuseDeathTest, MemberStoredAcrossHeapsStopsAtTheStore) {
  EXPECT_DEATH(
      {
        Mutator here;
        Mutator there;
        Pointer<Node> holder = here.Allocate<Node>(1, nullptr);
        Pointer<Node> foreign = there.Allocate<Node>(2, nullptr);
        holder->left = foreign;
      },
      "kamo::mem: a kamo::mem::testing::Node of one Mutator stores a "
      "reference to a kamo::mem::testing::Node of another Mutator");
}

TEST_F(DebugMisuseDeathTest, MemberInABufferIsCaughtWhenTraced) {
  // Fan's Members live in a std::vector's buffer, outside any slot: the
  // store cannot be placed, so the collection that traces it stops.
  EXPECT_DEATH(
      {
        Mutator here;
        Mutator there;
        Pointer<Fan> fan = here.Allocate<Fan>();
        Pointer<Node> foreign = there.Allocate<Node>(2, nullptr);
        fan->children.push_back(foreign);
        here.CollectGarbage();
      },
      "a kamo::mem::testing::Fan of the Mutator being collected holds a "
      "reference to a kamo::mem::testing::Node of another Mutator \\(found "
      "while tracing\\)");
}

TEST_F(DebugMisuseDeathTest, WeakMemberStoredAcrossHeapsStopsAtTheStore) {
  struct Holder {
    void Trace(Tracer& tracer) const { tracer.Visit(weak); }
    WeakMember<Node> weak;
  };
  EXPECT_DEATH(
      {
        Mutator here;
        Mutator there;
        Pointer<Holder> holder = here.Allocate<Holder>();
        Pointer<Node> foreign = there.Allocate<Node>(2, nullptr);
        holder->weak = foreign;
      },
      "of one Mutator stores a reference to a kamo::mem::testing::Node of "
      "another Mutator");
}

TEST_F(DebugMisuseDeathTest, WeakMemberInABufferIsCaughtWhenTraced) {
  EXPECT_DEATH(
      {
        Mutator here;
        Mutator there;
        Pointer<WeakFan> fan = here.Allocate<WeakFan>();
        Pointer<Node> foreign = there.Allocate<Node>(2, nullptr);
        fan->children.push_back(foreign);
        here.CollectGarbage();
      },
      "a kamo::mem::testing::WeakFan of the Mutator being collected holds a "
      "reference to a kamo::mem::testing::Node of another Mutator \\(found "
      "while tracing\\)");
}

// An ephemeron's value from another heap, set in a buffer (where the store
// check cannot see the holder) and found when the holder is traced.
TEST_F(DebugMisuseDeathTest, EphemeronValueInABufferIsCaughtWhenTraced) {
  struct EphemeronFan {
    void Trace(Tracer& tracer) const { tracer.VisitAll(entries); }
    std::vector<Ephemeron<Node, Node>> entries;
  };
  EXPECT_DEATH(
      {
        Mutator here;
        Mutator there;
        Pointer<EphemeronFan> fan = here.Allocate<EphemeronFan>();
        Pointer<Node> key = here.Allocate<Node>(1, nullptr);
        Pointer<Node> foreign = there.Allocate<Node>(2, nullptr);
        fan->entries.emplace_back(key, foreign);
        here.CollectGarbage();
      },
      "EphemeronFan of the Mutator being collected holds a reference to a "
      "kamo::mem::testing::Node of another Mutator \\(found while "
      "tracing\\)");
}

TEST_F(DebugMisuseDeathTest, WeakToAnotherHeapsValueStops) {
  EXPECT_DEATH(
      {
        Mutator here;
        Mutator there;
        Pointer<Node> foreign = there.Allocate<Node>(2, nullptr);
        here.MakeWeak(foreign);
      },
      "Mutator::MakeWeak<kamo::mem::testing::Node> of a value of another "
      "Mutator");
}

TEST_F(DebugMisuseDeathTest, SameHeapStoresAndStackMembersPass) {
  Mutator here;
  Mutator there;
  Pointer<Node> a = here.Allocate<Node>(1, nullptr);
  Pointer<Node> b = here.Allocate<Node>(2, nullptr);
  a->left = b;  // same heap
  Pointer<Node> foreign = there.Allocate<Node>(3, nullptr);
  Member<Node> on_the_stack = foreign;  // not inside any value: allowed
  EXPECT_EQ(on_the_stack.get(), foreign.get());
  EXPECT_EQ(here.CollectGarbage(), 0u);
  EXPECT_EQ(a->left->id, 2);
}

TEST_F(DebugMisuseDeathTest, MutatorUsedFromAnotherThreadStops) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        std::thread([&mutator] { mutator.Allocate<Node>(1, nullptr); }).join();
      },
      "kamo::mem: Mutator::Allocate called from thread .* but it belongs "
      "to thread .*: a Mutator is used from one thread");
  EXPECT_DEATH(
      {
        Mutator mutator;
        std::thread([&mutator] { mutator.CollectGarbage(); }).join();
      },
      "Mutator::CollectGarbage called from thread");
}

TEST_F(DebugMisuseDeathTest, BindToCurrentThreadHandsTheMutatorOver) {
  Mutator mutator;
  Pointer<Node> kept = mutator.Allocate<Node>(1, nullptr);
  std::size_t freed = 0;
  std::thread([&] {
    mutator.BindToCurrentThread();
    mutator.Allocate<Node>(2, nullptr);
    freed = mutator.CollectGarbage();
  }).join();
  mutator.BindToCurrentThread();
  EXPECT_EQ(freed, 1u);
  EXPECT_EQ(kept->id, 1);
  EXPECT_EQ(mutator.CountLive<Node>(), 1u);
}

}  // namespace
}  // namespace kamo::mem

namespace kamo::mem {
namespace {

using testing::SmallNode;

// Under ASan a collected value's slot is poisoned: reading it through a
// stale Member (or raw pointer) is reported at the read.
TEST(AsanPoisonDeathTest, ReadingACollectedValueIsReportedAtTheRead) {
#ifndef KAMO_MEM_ASAN
  GTEST_SKIP() << "ASan builds only: run with --config=asan";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Mutator mutator(MutatorOptions{.stress_interval = 0});
        Pointer<SmallNode> kept = mutator.Allocate<SmallNode>(1);
        Member<SmallNode> stale = mutator.Allocate<SmallNode>(2);
        mutator.CollectGarbage();
        volatile int id = stale->id;
        (void)id;
      },
      "use-after-poison");
  // A live neighbour in the same bucket stays readable, and so does a slot
  // allocation reuses.
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  Pointer<SmallNode> kept = mutator.Allocate<SmallNode>(1);
  const SmallNode* freed = mutator.Allocate<SmallNode>(2).get();
  mutator.CollectGarbage();
  Pointer<SmallNode> reused = mutator.Allocate<SmallNode>(3);
  ASSERT_EQ(reused.get(), freed);
  EXPECT_EQ(reused->id, 3);
  EXPECT_EQ(kept->id, 1);
#endif
}

// LockReachableAt skips LockAt's check that the value is live in opt
// builds only: debug builds stop on a freed one, naming its type.
TEST_F(DebugMisuseDeathTest, LockReachableAtOfAFreedValueStops) {
  EXPECT_DEATH(
      {
        Mutator mutator;
        SmallNode* raw = mutator.Allocate<SmallNode>(1).get();
        mutator.CollectGarbage();
        LockReachableAt(raw);
      },
      "SmallNode");
}

}  // namespace
}  // namespace kamo::mem
