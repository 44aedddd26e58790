#include "mem/weak.h"

#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::Node;

class WeakTest : public ::testing::Test {
 protected:
  Mutator mutator_;
};

TEST_F(WeakTest, DoesNotKeepItsTargetAlive) {
  Weak<Node> weak;
  {
    Pointer<Node> node = mutator_.Allocate<Node>(1, nullptr);
    weak = mutator_.MakeWeak(node);
    EXPECT_FALSE(weak.expired());
    EXPECT_EQ(weak.Lock()->id, 1);
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_TRUE(weak.expired());
  EXPECT_FALSE(weak.Lock());
}

TEST_F(WeakTest, SurvivesWhileTheTargetIsReachable) {
  Pointer<Node> root = mutator_.Allocate<Node>(1, nullptr);
  root->left = mutator_.Allocate<Node>(2, nullptr);
  Weak<Node> weak = mutator_.MakeWeak(root->left.Lock());
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  ASSERT_FALSE(weak.expired());
  EXPECT_EQ(weak.Lock()->id, 2);
  EXPECT_EQ(weak.Lock(), root->left.Lock());
}

TEST_F(WeakTest, CallbackRunsOnceAfterTheSweepThatFreesTheTarget) {
  std::vector<int> cleared;
  Pointer<Node> keep = mutator_.Allocate<Node>(1, nullptr);
  Weak<Node> weak_keep =
      mutator_.MakeWeak(keep, [&cleared] { cleared.push_back(1); });
  Weak<Node> weak_drop =
      mutator_.MakeWeak(mutator_.Allocate<Node>(2, nullptr), [&] {
        // The heap is whole again: the callback may look at it.
        EXPECT_TRUE(mutator_.VerifyHeap().ok());
        EXPECT_EQ(mutator_.CountLive<Node>(), 1u);
        cleared.push_back(2);
      });
  mutator_.CollectGarbage();
  mutator_.CollectGarbage();
  EXPECT_EQ(cleared, std::vector<int>{2});
}

TEST_F(WeakTest, CallbackMayDropWeakHandles) {
  std::vector<Weak<Node>> table;
  std::vector<Pointer<Node>> targets;
  for (int i = 0; i < 3; ++i) {
    targets.push_back(mutator_.Allocate<Node>(i, nullptr));
    table.push_back(
        mutator_.MakeWeak(targets.back(), [&table] { table.clear(); }));
  }
  EXPECT_EQ(mutator_.stats().weak_refs, 3u);
  targets.clear();
  EXPECT_EQ(mutator_.CollectGarbage(), 3u);
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(mutator_.stats().weak_refs, 0u);
}

TEST_F(WeakTest, DestroyedWeakUnregisters) {
  Pointer<Node> node = mutator_.Allocate<Node>(1, nullptr);
  int calls = 0;
  {
    Weak<Node> weak = mutator_.MakeWeak(node, [&calls] { ++calls; });
    EXPECT_EQ(mutator_.stats().weak_refs, 1u);
  }
  EXPECT_EQ(mutator_.stats().weak_refs, 0u);
  node = nullptr;
  mutator_.CollectGarbage();
  EXPECT_EQ(calls, 0);
}

TEST(WeakLifetimeTest, WeakMayOutliveItsMutator) {
  Weak<Node> weak;
  {
    Mutator mutator;
    Pointer<Node> node = mutator.Allocate<Node>(1, nullptr);
    weak = mutator.MakeWeak(node);
  }
  EXPECT_TRUE(weak.expired());
  EXPECT_FALSE(weak.Lock());
}

}  // namespace
}  // namespace kamo::mem
