// mem/handle.h: a tagged reference built on the public handle API alone
// locks, traces and identifies managed values of two types by address.
#include "mem/handle.h"

#include <string_view>
#include <utility>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;
using testing::SmallNode;

// A managed type with a type tag of its own.
struct Tagged {
  static constexpr std::uint8_t kTypeTag = 42;
  static constexpr const char* kTypeName = "Tagged";
  void Trace(Tracer&) const {}
};

// A reference to a managed value of any type, by address: a root when held
// by C++ code (Rooted), a traced field inside a managed value (Box).
class Rooted {
 public:
  explicit Rooted(void* address) : address_(address) { LockAt(address_); }
  Rooted(const Rooted& other) : Rooted(other.address_) {}
  Rooted& operator=(const Rooted&) = delete;
  ~Rooted() { UnlockAt(address_); }
  void* address() const { return address_; }

 private:
  void* address_;
};

// A managed value holding one reference by address.
struct Box {
  void Set(const Rooted& target) {
    WriteBarrier(this, target.address());
    held = target.address();
  }
  void Trace(Tracer& tracer) const { tracer.Visit(RootAt(held), "held"); }
  void* held = nullptr;
};

template <typename T>
Rooted Hold(const Pointer<T>& pointer) {
  return Rooted(pointer.get());
}

TEST(HandleTest, NamesAndIdentifiesTypes) {
  Mutator mutator;
  Pointer<Node> node = mutator.Allocate<Node>(1, nullptr);
  Pointer<SmallNode> small = mutator.Allocate<SmallNode>(2);
  Pointer<Tagged> tagged = mutator.Allocate<Tagged>();
  EXPECT_EQ(TypeNameAt(small.get()), "SmallNode");
  EXPECT_NE(TypeNameAt(node.get()).find("Node"), std::string_view::npos);
  EXPECT_NE(TypeIdOf<Node>(), TypeIdOf<SmallNode>());
  EXPECT_EQ(TypeIdAt(node.get()), TypeIdOf<Node>());
  EXPECT_EQ(TypeIdAt(small.get()), TypeIdOf<SmallNode>());
  EXPECT_EQ(TypeTagOf<Tagged>(), 42);
  EXPECT_EQ(TypeTagAt(tagged.get()), 42);
  EXPECT_EQ(TypeTagAt(node.get()), 0) << "no kTypeTag declared";
  Mutator other;
  Pointer<Node> stranger = other.Allocate<Node>(3, nullptr);
  EXPECT_EQ(&MutatorOf(node.get()), &mutator);
  EXPECT_EQ(&MutatorOf(stranger.get()), &other);
}

TEST(HandleTest, LockAndUnlockByAddressCountLikePointers) {
  Mutator mutator;
  DestructionLog log;
  Node* raw = nullptr;
  {
    Pointer<Node> node = mutator.Allocate<Node>(7, &log);
    raw = node.get();
    LockAt(raw);
    EXPECT_EQ(node.lock_count(), 2u);
    EXPECT_EQ(LocksAt(raw), 2u);
  }
  // The Pointer is gone; the lock taken by address keeps the value.
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(log.times(7), 0);
  EXPECT_EQ(raw->id, 7);
  {
    Pointer<Node> again = LockPointer(raw);
    EXPECT_EQ(again.lock_count(), 2u);
    EXPECT_EQ(again->id, 7);
  }
  UnlockAt(raw);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(7), 1);
}

TEST(HandleTest, LockReachableAtRootsAFieldsValue) {
  Mutator mutator;
  DestructionLog log;
  Pointer<Box> box = mutator.Allocate<Box>();
  box->Set(Hold(mutator.Allocate<Node>(5, &log)));
  void* const field_value = box->held;
  // Read from a live value's traced field: unlocked, and reachable.
  EXPECT_EQ(LocksAt(field_value), 0u);
  LockReachableAt(field_value);
  EXPECT_EQ(LocksAt(field_value), 1u);
  box = Pointer<Box>();
  // The box is gone; the lock keeps its value, a root now.
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(mutator.CountLive<Node>(), 1u);
  EXPECT_EQ(log.times(5), 0);
  EXPECT_EQ(static_cast<Node*>(field_value)->id, 5);
  LockReachableAt(field_value);  // a second lock, as a copy takes
  EXPECT_EQ(LocksAt(field_value), 2u);
  UnlockAt(field_value);
  UnlockAt(field_value);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(5), 1);
}

TEST(HandleTest, MoreLocksThanTheDenseCountHoldsAreCountedExactly) {
  // The lock array holds 16 bits a slot; the rest goes to an overflow table.
  constexpr std::uint32_t kLocks = 70'000;
  Mutator mutator;
  SmallNode* held = mutator.Allocate<SmallNode>(1).get();
  LockAt(held);
  Pointer<SmallNode> neighbour = mutator.Allocate<SmallNode>(2);
  for (std::uint32_t i = 1; i < kLocks; ++i) LockAt(held);
  EXPECT_EQ(LocksAt(held), kLocks);
  EXPECT_EQ(neighbour.lock_count(), 1u) << "the neighbour's count is its own";
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(held->id, 1);
  for (std::uint32_t i = 1; i < kLocks; ++i) UnlockAt(held);
  EXPECT_EQ(LocksAt(held), 1u);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << "no overflow entry is left";
  EXPECT_EQ(mutator.CollectGarbage(), 0u) << "still locked once";
  UnlockAt(held);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(neighbour->id, 2);
}

TEST(HandleTest, LocksMoveBetweenPointersAndAddresses) {
  Mutator mutator;
  DestructionLog log;
  Pointer<Node> node = mutator.Allocate<Node>(1, &log);
  Node* raw = node.get();
  Node* released = ReleaseLock(std::move(node));
  EXPECT_EQ(released, raw);
  EXPECT_FALSE(node);
  EXPECT_EQ(LocksAt(raw), 1u) << "the lock stays, now the caller's";
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  Pointer<Node> adopted = AdoptLock(raw);
  EXPECT_EQ(adopted.lock_count(), 1u) << "adopted, not taken again";
  adopted = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(ReleaseLock(Pointer<Node>()), nullptr);
}

TEST(HandleTest, TracedTaggedReferencesKeepTheirTargetsAlive) {
  Mutator mutator;
  DestructionLog log;
  Pointer<Box> first = mutator.Allocate<Box>();
  Pointer<Box> second = mutator.Allocate<Box>();
  {
    Rooted node = Hold(mutator.Allocate<Node>(1, &log));
    Rooted small = Hold(mutator.Allocate<SmallNode>(5));
    first->Set(node);
    second->Set(small);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(static_cast<Node*>(first->held)->id, 1);
  EXPECT_EQ(static_cast<SmallNode*>(second->held)->id, 5);
  EXPECT_EQ(TypeIdAt(second->held), TypeIdOf<SmallNode>());

  // Dropping the holder frees what only it reached.
  first = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 2u);  // the Box and its Node
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(static_cast<SmallNode*>(second->held)->id, 5);
  EXPECT_EQ(mutator.CountLive<Box>(), 1u);
  EXPECT_EQ(mutator.CountLive<Node>(), 0u);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 1u);
}

TEST(HandleTest, RootAtGivesTheValueAndItsTrace) {
  Mutator mutator;
  Pointer<Node> node = mutator.Allocate<Node>(1, nullptr);
  const Root root = RootAt(node.get());
  EXPECT_EQ(root.address(), node.get());
  EXPECT_EQ(root.trace_fn(), node.ToRoot().trace_fn());
  EXPECT_TRUE(RootAt(nullptr).empty());
}

TEST(HandleDeathTest, MisuseByAddressNamesTheType) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Mutator mutator;
        Pointer<SmallNode> small = mutator.Allocate<SmallNode>(1);
        UnlockAt(small.get());
        UnlockAt(small.get());
      },
      "SmallNode");
  EXPECT_DEATH(
      {
        Mutator mutator;
        SmallNode* raw = mutator.Allocate<SmallNode>(1).get();
        mutator.CollectGarbage();
        LockAt(raw);
      },
      "SmallNode");
}

}  // namespace
}  // namespace kamo::mem
