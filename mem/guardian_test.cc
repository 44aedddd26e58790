// Guardian: a registered value found unreachable is handed to its guardian
// instead of being freed, kept with all it reaches until taken and dropped.
#include "mem/guardian.h"

#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;

MutatorOptions Manual() {
  return MutatorOptions{.pacing = Pacing::kManual, .stress_interval = 0};
}

TEST(GuardianTest, RegistrationKeepsNothingAndAReachableValueStaysRegistered) {
  DestructionLog log;  // outlives the Mutator, whose Nodes record in it
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  Pointer<Node> held = mutator.Allocate<Node>(1, &log);
  guardian.Register(held);
  EXPECT_EQ(guardian.registered(), 1u);
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(guardian.registered(), 1u);
  EXPECT_EQ(guardian.ready(), 0u);
  EXPECT_FALSE(guardian.Take());
}

TEST(GuardianTest, AnUnreachableValueIsHandedOverWithWhatItReaches) {
  DestructionLog log;
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  {
    Pointer<Node> value = mutator.Allocate<Node>(1, &log);
    value->left = mutator.Allocate<Node>(2, &log);
    value->left->left = mutator.Allocate<Node>(3, &log);
    guardian.Register(value);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u) << "handed over, not freed";
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(guardian.registered(), 0u);
  EXPECT_EQ(guardian.ready(), 1u);

  // Still ready, it is kept by later collections too.
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  Pointer<Node> taken = guardian.Take();
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->id, 1);
  EXPECT_EQ(taken->left->id, 2);
  EXPECT_EQ(taken->left->left->id, 3);
  EXPECT_EQ(guardian.ready(), 0u);
  EXPECT_FALSE(guardian.Take());

  // Finalization may allocate and touch other values.
  taken->right = mutator.Allocate<Node>(4, &log);
  EXPECT_EQ(mutator.CollectGarbage(), 0u) << "the taken Pointer holds it";
  taken = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 4u) << "dropped: collected as usual";
  for (int id = 1; id <= 4; ++id) EXPECT_EQ(log.times(id), 1) << id;
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(GuardianTest,
     ValuesFoundTogetherAreHandedOverTogetherInRegistrationOrder) {
  DestructionLog log;
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  Pointer<Node> kept = mutator.Allocate<Node>(0, &log);
  {
    // 1 reaches 2; both registered, both unreachable: no ordering, both go
    // in the same collection. 3 stays reachable through `kept`.
    Pointer<Node> a = mutator.Allocate<Node>(1, &log);
    Pointer<Node> b = mutator.Allocate<Node>(2, &log);
    Pointer<Node> c = mutator.Allocate<Node>(3, &log);
    a->left = b;
    kept->left = c;
    guardian.Register(b);
    guardian.Register(c);
    guardian.Register(a);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(guardian.ready(), 2u);
  EXPECT_EQ(guardian.registered(), 1u) << "3 is still reachable";
  EXPECT_EQ(guardian.Take()->id, 2);
  EXPECT_EQ(guardian.Take()->id, 1);
  EXPECT_FALSE(guardian.Take());
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(log.times(3), 0);
}

TEST(GuardianTest, AValueRegisteredTwiceIsHandedOverTwice) {
  DestructionLog log;
  Mutator mutator(Manual());
  Guardian<Node> first = mutator.MakeGuardian<Node>();
  Guardian<Node> second = mutator.MakeGuardian<Node>();
  {
    Pointer<Node> value = mutator.Allocate<Node>(1, &log);
    first.Register(value);
    first.Register(value);
    second.Register(value);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(first.ready(), 2u);
  EXPECT_EQ(second.ready(), 1u);
  Pointer<Node> a = first.Take();
  Pointer<Node> b = first.Take();
  Pointer<Node> c = second.Take();
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  a = b = c = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
}

TEST(GuardianTest, ATakenValueRegisteredAgainIsHandedOverAgain) {
  DestructionLog log;
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  guardian.Register(mutator.Allocate<Node>(1, &log));
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  guardian.Register(guardian.Take());  // resurrected for another round
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  Pointer<Node> again = guardian.Take();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->id, 1);
  again = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
}

TEST(GuardianTest, WeaksToAHandedOverValueAreNotCleared) {
  struct Holder {
    void Trace(Tracer& tracer) const { TraceFields(tracer, weak, entry); }
    WeakMember<Node> weak;
    Ephemeron<Node, Node> entry;
  };
  DestructionLog log;
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  Pointer<Holder> holder = mutator.Allocate<Holder>();
  Weak<Node> weak;
  {
    Pointer<Node> value = mutator.Allocate<Node>(1, &log);
    holder->weak = value;
    holder->entry.Set(value, mutator.Allocate<Node>(2, &log));
    weak = mutator.MakeWeak(value);
    guardian.Register(value);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  ASSERT_EQ(guardian.ready(), 1u);
  EXPECT_TRUE(holder->weak);
  EXPECT_FALSE(weak.expired());
  ASSERT_TRUE(holder->entry);
  EXPECT_EQ(holder->entry.value()->id, 2);

  guardian.Take();  // taken and dropped at once
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_FALSE(holder->weak);
  EXPECT_TRUE(weak.expired());
  EXPECT_FALSE(holder->entry);
}

TEST(GuardianTest, DroppingTheGuardianLetsItsValuesBeCollected) {
  DestructionLog log;
  Mutator mutator(Manual());
  {
    Guardian<Node> guardian = mutator.MakeGuardian<Node>();
    guardian.Register(mutator.Allocate<Node>(1, &log));  // will be ready
    EXPECT_EQ(mutator.CollectGarbage(), 0u);
    guardian.Register(mutator.Allocate<Node>(2, &log));  // registered
    ASSERT_EQ(guardian.ready(), 1u);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
}

TEST(GuardianTest, TheMutatorDestroysGuardedValuesOnceAndEmptiesTheGuardian) {
  DestructionLog log;
  Guardian<Node> guardian;
  {
    Mutator mutator(Manual());
    guardian = mutator.MakeGuardian<Node>();
    guardian.Register(mutator.Allocate<Node>(1, &log));
    EXPECT_EQ(mutator.CollectGarbage(), 0u);
    guardian.Register(mutator.Allocate<Node>(2, &log));
  }
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(guardian.ready(), 0u);
  EXPECT_EQ(guardian.registered(), 0u);
  EXPECT_FALSE(guardian.Take());
}

TEST(GuardianTest, MovingAGuardianKeepsItsRegistrations) {
  DestructionLog log;
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  guardian.Register(mutator.Allocate<Node>(1, &log));
  Guardian<Node> moved = std::move(guardian);
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(moved.Take()->id, 1);
}

void RegisterOnADefaultGuardian() {
  Mutator mutator(Manual());
  Guardian<Node> guardian;
  guardian.Register(mutator.Allocate<Node>(1, nullptr));
}

void RegisterNull() {
  Mutator mutator(Manual());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  guardian.Register(nullptr);
}

void RegisterAValueOfAnotherMutator() {
  Mutator here(Manual());
  Mutator there(Manual());
  Guardian<Node> guardian = here.MakeGuardian<Node>();
  guardian.Register(there.Allocate<Node>(1, nullptr));
}

TEST(GuardianDeathTest, MisuseStopsWithAMessageNamingIt) {
  EXPECT_DEATH(RegisterOnADefaultGuardian(),
               "Guardian<kamo::mem::testing::Node>::Register on a Guardian "
               "without a Mutator");
  EXPECT_DEATH(RegisterNull(),
               "Guardian<kamo::mem::testing::Node>::Register of a null "
               "Pointer");
  EXPECT_DEATH(RegisterAValueOfAnotherMutator(),
               "Guardian<kamo::mem::testing::Node>::Register of a value of "
               "another Mutator");
}

}  // namespace
}  // namespace kamo::mem
