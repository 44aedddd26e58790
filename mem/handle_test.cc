// mem/handle.h: a tagged reference built on the public handle API alone
// locks, traces and identifies managed values of two types by address.
#include "mem/handle.h"

#include <string_view>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;
using testing::SmallNode;

constexpr ManagedType kNodeType = ManagedType::Of<Node>();
constexpr ManagedType kSmallType = ManagedType::Of<SmallNode>();

// A reference to a Node or a SmallNode whose type is a run-time tag, as a
// runtime's tagged value is: a root when held by C++ code (Rooted), a traced
// field inside a managed value (Box).
struct Ref {
  const ManagedType* type = nullptr;
  void* address = nullptr;
};

class Rooted {
 public:
  explicit Rooted(Ref ref) : ref_(ref) {
    if (ref_.address != nullptr) ref_.type->Lock(ref_.address);
  }
  Rooted(const Rooted& other) : Rooted(other.ref_) {}
  Rooted& operator=(const Rooted&) = delete;
  ~Rooted() {
    if (ref_.address != nullptr) ref_.type->Unlock(ref_.address);
  }
  const Ref& ref() const { return ref_; }

 private:
  Ref ref_;
};

// A managed value holding one tagged reference.
struct Box {
  void Set(const Rooted& target) {
    CheckStore(this, target.ref().address);
    held = target.ref();
  }
  void Trace(Tracer& tracer) const {
    if (held.address != nullptr) {
      tracer.Visit(held.type->RootAt(held.address), "held");
    }
  }
  Ref held;
};

template <typename T>
Ref RefTo(const Pointer<T>& pointer, const ManagedType& type) {
  return Ref{&type, pointer.get()};
}

TEST(HandleTest, NamesAndIdentifiesTypes) {
  Mutator mutator;
  Pointer<Node> node = mutator.Allocate<Node>(1, nullptr);
  Pointer<SmallNode> small = mutator.Allocate<SmallNode>(2);
  EXPECT_EQ(kSmallType.name(), "SmallNode");
  EXPECT_NE(kNodeType.name().find("Node"), std::string_view::npos);
  EXPECT_EQ(kNodeType.id(), TypeIdOf<Node>());
  EXPECT_NE(kNodeType.id(), kSmallType.id());
  EXPECT_EQ(TypeIdAt(node.get()), TypeIdOf<Node>());
  EXPECT_EQ(TypeIdAt(small.get()), TypeIdOf<SmallNode>());
  EXPECT_TRUE(kNodeType.Is(node.get()));
  EXPECT_FALSE(kNodeType.Is(small.get()));
  EXPECT_TRUE(kSmallType.Is(small.get()));
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
    kNodeType.Lock(raw);
    EXPECT_EQ(node.lock_count(), 2u);
    EXPECT_EQ(kNodeType.LocksAt(raw), 2u);
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
  kNodeType.Unlock(raw);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(7), 1);
}

TEST(HandleTest, TracedTaggedReferencesKeepTheirTargetsAlive) {
  Mutator mutator;
  DestructionLog log;
  Pointer<Box> first = mutator.Allocate<Box>();
  Pointer<Box> second = mutator.Allocate<Box>();
  {
    Rooted node(RefTo(mutator.Allocate<Node>(1, &log), kNodeType));
    Rooted small(RefTo(mutator.Allocate<SmallNode>(5), kSmallType));
    first->Set(node);
    second->Set(small);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(static_cast<Node*>(first->held.address)->id, 1);
  EXPECT_EQ(static_cast<SmallNode*>(second->held.address)->id, 5);
  EXPECT_TRUE(kSmallType.Is(second->held.address));

  // Dropping the holder frees what only it reached.
  first = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 2u);  // the Box and its Node
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(static_cast<SmallNode*>(second->held.address)->id, 5);
  EXPECT_EQ(mutator.CountLive<Box>(), 1u);
  EXPECT_EQ(mutator.CountLive<Node>(), 0u);
  EXPECT_EQ(mutator.CountLive<SmallNode>(), 1u);
}

TEST(HandleTest, RootAtGivesTheValueAndItsTrace) {
  Mutator mutator;
  Pointer<Node> node = mutator.Allocate<Node>(1, nullptr);
  const Root root = kNodeType.RootAt(node.get());
  EXPECT_EQ(root.address(), node.get());
  EXPECT_EQ(root.trace_fn(), kNodeType.trace_fn());
  EXPECT_EQ(root, node.ToRoot());
  EXPECT_TRUE(kNodeType.RootAt(nullptr).empty());
}

TEST(HandleDeathTest, MisuseByAddressNamesTheType) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Mutator mutator;
        Pointer<SmallNode> small = mutator.Allocate<SmallNode>(1);
        kSmallType.Unlock(small.get());
        kSmallType.Unlock(small.get());
      },
      "SmallNode");
  EXPECT_DEATH(
      {
        Mutator mutator;
        SmallNode* raw = mutator.Allocate<SmallNode>(1).get();
        mutator.CollectGarbage();
        kSmallType.Lock(raw);
      },
      "SmallNode");
}

}  // namespace
}  // namespace kamo::mem
