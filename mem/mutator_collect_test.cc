// What a collection keeps and what it frees.
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Fan;
using testing::Node;

class MutatorCollectTest : public ::testing::Test {
 protected:
  Pointer<Node> New(int id) { return mutator_.Allocate<Node>(id, &log_); }

  DestructionLog log_;
  Mutator mutator_;
};

TEST_F(MutatorCollectTest, EmptyHeapFreesNothing) {
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(mutator_.collections(), 1u);
}

TEST_F(MutatorCollectTest, KeepsLockedValueWithItsContents) {
  Pointer<Node> root = New(1);
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(root->id, 1);
  EXPECT_EQ(log_.times(1), 0);
  EXPECT_EQ(mutator_.CountLive<Node>(), 1u);
}

TEST_F(MutatorCollectTest, FreesDroppedValueAndRunsItsDestructorOnce) {
  New(1);  // dropped at once
  EXPECT_EQ(mutator_.CountLive<Node>(), 1u);
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(log_.times(1), 1);
  EXPECT_EQ(mutator_.CountLive<Node>(), 0u);
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(log_.times(1), 1);
}

TEST_F(MutatorCollectTest, KeepsValuesReachableOnlyThroughMembers) {
  Pointer<Node> root = New(1);
  {
    Pointer<Node> left = New(2);
    Pointer<Node> grandchild = New(3);
    left->right = grandchild;
    root->left = left;
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  ASSERT_TRUE(root->left);
  EXPECT_EQ(root->left->id, 2);
  ASSERT_TRUE(root->left->right);
  EXPECT_EQ(root->left->right->id, 3);
  EXPECT_EQ(log_.total(), 0u);
}

TEST_F(MutatorCollectTest, FreesSelfLoop) {
  {
    Pointer<Node> node = New(1);
    node->left = node;
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(log_.times(1), 1);
}

TEST_F(MutatorCollectTest, FreesTwoCycle) {
  {
    Pointer<Node> a = New(1);
    Pointer<Node> b = New(2);
    a->left = b;
    b->left = a;
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 2u);
  EXPECT_EQ(log_.times(1), 1);
  EXPECT_EQ(log_.times(2), 1);
}

TEST_F(MutatorCollectTest, FreesLongRing) {
  constexpr int kRing = 5000;
  {
    Pointer<Node> first = New(0);
    Pointer<Node> last = first;
    for (int i = 1; i < kRing; ++i) {
      Pointer<Node> next = New(i);
      last->right = next;
      last = next;
    }
    last->right = first;
  }
  EXPECT_EQ(mutator_.CollectGarbage(), static_cast<std::size_t>(kRing));
  EXPECT_EQ(log_.total(), static_cast<std::size_t>(kRing));
  for (int i = 0; i < kRing; ++i) ASSERT_EQ(log_.times(i), 1) << i;
}

TEST_F(MutatorCollectTest, FreesCycleHangingOffALiveValueOnceUnlinked) {
  Pointer<Node> root = New(1);
  {
    Pointer<Node> a = New(2);
    Pointer<Node> b = New(3);
    a->left = b;
    b->left = a;
    b->right = root;  // the cycle points back into the live part
    root->left = a;
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(root->left->left->id, 3);

  root->left = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 2u);
  EXPECT_EQ(log_.times(2), 1);
  EXPECT_EQ(log_.times(3), 1);
  EXPECT_EQ(log_.times(1), 0);
  EXPECT_EQ(root->id, 1);
}

TEST_F(MutatorCollectTest, KeepsSharedSubstructureWhileAnyPathRemains) {
  Pointer<Node> a = New(1);
  Pointer<Node> b = New(2);
  {
    Pointer<Node> shared = New(3);
    a->left = shared;
    b->left = shared;
  }
  a = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(log_.times(1), 1);
  EXPECT_EQ(b->left->id, 3);
  b = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 2u);
  EXPECT_EQ(log_.times(3), 1);
}

TEST_F(MutatorCollectTest, KeepsEveryElementOfATracedContainer) {
  Pointer<Fan> fan = mutator_.Allocate<Fan>();
  for (int i = 0; i < 100; ++i) fan->children.push_back(New(i));
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  ASSERT_EQ(fan->children.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(fan->children[i]->id, i);

  fan->children.resize(10);
  EXPECT_EQ(mutator_.CollectGarbage(), 90u);
  for (int i = 10; i < 100; ++i) EXPECT_EQ(log_.times(i), 1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(log_.times(i), 0);
}

TEST_F(MutatorCollectTest, AMemberTakenOutAndLockedSurvivesItsContainer) {
  Pointer<Node> kept;
  {
    Pointer<Node> parent = New(1);
    parent->left = New(2);
    kept = parent->left.Lock();
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(log_.times(1), 1);
  EXPECT_EQ(kept->id, 2);
}

TEST_F(MutatorCollectTest, CountsEachTypeSeparately) {
  Pointer<Node> node = New(1);
  Pointer<Fan> fan = mutator_.Allocate<Fan>();
  mutator_.Allocate<Fan>();
  EXPECT_EQ(mutator_.CountLive<Node>(), 1u);
  EXPECT_EQ(mutator_.CountLive<Fan>(), 2u);
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(mutator_.CountLive<Fan>(), 1u);
}

TEST_F(MutatorCollectTest, DestroyingTheMutatorDestroysEveryValueOnce) {
  DestructionLog log;
  {
    Mutator mutator;
    Pointer<Node> a = mutator.Allocate<Node>(1, &log);
    a->left = mutator.Allocate<Node>(2, &log);
    mutator.Allocate<Node>(3, &log);  // unreachable, never collected
    {
      Pointer<Node> cycle = mutator.Allocate<Node>(4, &log);
      cycle->left = cycle;
    }
    mutator.CollectGarbage();  // frees 3 and 4
    EXPECT_EQ(log.total(), 2u);
    a = nullptr;
  }
  for (int id = 1; id <= 4; ++id) EXPECT_EQ(log.times(id), 1) << id;
}

TEST_F(MutatorCollectTest, HeapStaysConsistentAcrossCollections) {
  Pointer<Node> root = New(0);
  for (int round = 0; round < 10; ++round) {
    for (int i = 0; i < 300; ++i) {
      Pointer<Node> node = New(round * 1000 + i);
      if (i % 3 == 0) node->left = root->left;
      if (i % 7 == 0) root->left = node;
    }
    mutator_.CollectGarbage();
    ASSERT_TRUE(mutator_.VerifyHeap().ok()) << mutator_.VerifyHeap();
  }
}

}  // namespace
}  // namespace kamo::mem
