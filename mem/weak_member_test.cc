// WeakMember: a weak reference inside a managed value, cleared in the
// collection that frees its target and left alone while anything else
// reaches the target.
#include "mem/weak_member.h"

#include <cstdint>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/atomic_mode.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;
using testing::WeakFan;

// A value with one weak and one strong reference to Nodes.
struct Holder {
  void Trace(Tracer& tracer) const { TraceFields(tracer, weak, strong); }
  WeakMember<Node> weak;
  Member<Node> strong;
};

// A node whose references to its own type are one strong, one weak.
struct Link {
  Link(int link_id, DestructionLog* destruction_log)
      : id(link_id), log(destruction_log) {}
  ~Link() { log->Record(id); }
  void Trace(Tracer& tracer) const { TraceFields(tracer, strong, weak); }
  int id;
  DestructionLog* log;
  Member<Link> strong;
  WeakMember<Link> weak;
};

// Trivially destructible, so pressure and stress collections sweep it
// lazily.
struct WeakLeaf {
  static constexpr std::uint32_t kBucketCapacity = 8;
  explicit WeakLeaf(int leaf_id) : id(leaf_id) {}
  void Trace(Tracer& tracer) const { tracer.Visit(weak); }
  int id;
  WeakMember<WeakLeaf> weak;
};

MutatorOptions Manual() {
  return MutatorOptions{.pacing = Pacing::kManual, .stress_interval = 0};
}

TEST(WeakMemberTest, IsOneWordAndRegistersNothing) {
  static_assert(sizeof(WeakMember<Node>) == sizeof(void*));
  DestructionLog log;  // outlives the Mutator, whose Nodes record in it
  Mutator mutator(Manual());
  Pointer<Node> target = mutator.Allocate<Node>(1, &log);
  Pointer<Holder> holder = mutator.Allocate<Holder>();
  holder->weak = target;
  EXPECT_EQ(holder->weak, target);
  EXPECT_EQ(mutator.stats().weak_refs, 0u) << "no Weak cell behind it";
}

TEST(WeakMemberTest, IsClearedInTheCollectionThatFreesItsTarget) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<Holder> holder = mutator.Allocate<Holder>();
  holder->weak = mutator.Allocate<Node>(1, &log);  // the Pointer drops here
  ASSERT_TRUE(holder->weak);

  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1) << "the weak reference kept nothing alive";
  EXPECT_FALSE(holder->weak);
  EXPECT_EQ(holder->weak.get(), nullptr);
  EXPECT_FALSE(holder->weak.Lock());
  EXPECT_EQ(mutator.CountLive<Holder>(), 1u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(WeakMemberTest, StaysWhileAPointerHoldsTheTarget) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<Holder> holder = mutator.Allocate<Holder>();
  Pointer<Node> target = mutator.Allocate<Node>(7, &log);
  holder->weak = target;

  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(holder->weak.get(), target.get());
  EXPECT_EQ(holder->weak.Lock()->id, 7);
  EXPECT_EQ(log.total(), 0u);
}

TEST(WeakMemberTest, StaysWhenTheTargetIsReachedStronglyAfterTheWeakEdge) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<Holder> holder = mutator.Allocate<Holder>();
  {
    // Holder traces `weak` first, then `strong`, which reaches the target
    // only through another node: the target is marked after the weak edge
    // was seen.
    Pointer<Node> via = mutator.Allocate<Node>(1, &log);
    Pointer<Node> target = mutator.Allocate<Node>(2, &log);
    via->left = target;
    holder->strong = via;
    holder->weak = target;
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  ASSERT_TRUE(holder->weak);
  EXPECT_EQ(holder->weak.get(), holder->strong->left.get());
  EXPECT_EQ(holder->weak.get()->id, 2);

  holder->strong = nullptr;  // now only the weak edge is left
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_FALSE(holder->weak);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
}

TEST(WeakMemberTest, ACycleClosedByAWeakEdgeIsFreedFromItsStrongEnd) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<Link> a = mutator.Allocate<Link>(1, &log);
  {
    Pointer<Link> b = mutator.Allocate<Link>(2, &log);
    a->strong = b;
    b->weak = a;  // the cycle's back edge
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u) << "a holds b, b's edge back is weak";
  EXPECT_EQ(a->strong->weak.get(), a.get());

  // Holding only b: a is reached by nothing strong, so it goes, and b's
  // weak edge is cleared.
  Pointer<Link> b = a->strong.Lock();
  a = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_FALSE(b->weak);
  EXPECT_EQ(b->id, 2);

  b = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(mutator.CountLive<Link>(), 0u);
}

TEST(WeakMemberTest, AHolderAndItsTargetDyingTogetherAreBothFreedOnce) {
  DestructionLog log;
  Mutator mutator(Manual());
  {
    Pointer<Link> a = mutator.Allocate<Link>(1, &log);
    Pointer<Link> b = mutator.Allocate<Link>(2, &log);
    a->weak = b;
    b->weak = a;
    a->weak = a;  // and a weak edge to itself
  }
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(WeakMemberTest, AWeakEdgeToItselfKeepsNothing) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<Link> a = mutator.Allocate<Link>(1, &log);
  a->weak = a;
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(a->weak.get(), a.get());
  a = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
}

TEST(WeakMemberTest, VisitAllClearsExactlyTheDeadTargets) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<WeakFan> fan = mutator.Allocate<WeakFan>();
  std::vector<Pointer<Node>> kept;
  for (int id = 0; id < 10; ++id) {
    Pointer<Node> node = mutator.Allocate<Node>(id, &log);
    fan->children.push_back(node);
    if (id % 3 == 0) kept.push_back(node);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 6u);
  for (int id = 0; id < 10; ++id) {
    const WeakMember<Node>& child = fan->children[id];
    if (id % 3 == 0) {
      ASSERT_TRUE(child) << id;
      EXPECT_EQ(child.get()->id, id);
      EXPECT_EQ(log.times(id), 0);
    } else {
      EXPECT_FALSE(child) << id;
      EXPECT_EQ(log.times(id), 1);
    }
  }
}

TEST(WeakMemberTest, IsClearedByLazilySweptStressCollections) {
  static_assert(std::is_trivially_destructible_v<WeakLeaf>);
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .stress_interval = 5,
                                 .mode = testing::AtomicMode()});
  Pointer<WeakLeaf> holder = mutator.Allocate<WeakLeaf>(0);
  Pointer<WeakLeaf> kept = mutator.Allocate<WeakLeaf>(1);
  holder->weak = mutator.Allocate<WeakLeaf>(2);
  kept->weak = kept;
  const std::size_t before = mutator.collections();
  for (int id = 3; id < 20; ++id) mutator.Allocate<WeakLeaf>(id);
  ASSERT_GT(mutator.collections(), before);
  EXPECT_FALSE(holder->weak);
  EXPECT_EQ(kept->weak.get(), kept.get());
  EXPECT_EQ(kept->id, 1);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

}  // namespace
}  // namespace kamo::mem
