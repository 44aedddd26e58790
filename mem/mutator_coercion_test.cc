// Raw-pointer coercion accepts exactly the occupied slots of the right arena.
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::Node;
using testing::SmallNode;

class MutatorCoercionTest : public ::testing::Test {
 protected:
  absl::StatusCode CodeFor(const void* address) {
    return mutator_.PointerFromRaw<SmallNode>(address).status().code();
  }

  Mutator mutator_;
};

TEST_F(MutatorCoercionTest, AcceptsEveryOccupiedSlotAcrossBuckets) {
  std::vector<Pointer<SmallNode>> nodes;
  for (int i = 0; i < 100; ++i)
    nodes.push_back(mutator_.Allocate<SmallNode>(i));
  for (const Pointer<SmallNode>& node : nodes) {
    absl::StatusOr<Pointer<SmallNode>> back =
        mutator_.PointerFromRaw<SmallNode>(node.get());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, node);
    EXPECT_EQ(node.lock_count(), 2u) << "the result is a locked Pointer";
  }
}

TEST_F(MutatorCoercionTest, RefusesWhenTheTypeHasNoArena) {
  int local = 0;
  auto result = mutator_.PointerFromRaw<Node>(&local);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(
      result.status().message().find("no Arena<kamo::mem::testing::Node>"),
      std::string::npos)
      << result.status();
}

TEST_F(MutatorCoercionTest, RefusesNull) {
  mutator_.Allocate<SmallNode>(1);
  EXPECT_EQ(CodeFor(nullptr), absl::StatusCode::kInvalidArgument);
}

TEST_F(MutatorCoercionTest, RefusesForeignAddresses) {
  Pointer<SmallNode> node = mutator_.Allocate<SmallNode>(1);
  int on_stack = 0;
  auto on_heap = std::make_unique<SmallNode>(2);
  EXPECT_EQ(CodeFor(&on_stack), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeFor(on_heap.get()), absl::StatusCode::kNotFound);
  EXPECT_EQ(CodeFor(reinterpret_cast<const void*>(std::uintptr_t{8})),
            absl::StatusCode::kNotFound);

  Mutator other;
  Pointer<SmallNode> elsewhere = other.Allocate<SmallNode>(3);
  EXPECT_EQ(CodeFor(elsewhere.get()), absl::StatusCode::kNotFound)
      << "a slot of another Mutator is foreign";
}

TEST_F(MutatorCoercionTest, RefusesAValueOfAnotherType) {
  Pointer<SmallNode> small = mutator_.Allocate<SmallNode>(1);
  Pointer<Node> node = mutator_.Allocate<Node>(2, nullptr);
  EXPECT_EQ(CodeFor(node.get()), absl::StatusCode::kNotFound);
}

TEST_F(MutatorCoercionTest, RefusesStaleSlots) {
  Pointer<SmallNode> live = mutator_.Allocate<SmallNode>(2);  // keeps bucket
  const void* stale = mutator_.Allocate<SmallNode>(1).get();
  mutator_.CollectGarbage();
  ASSERT_EQ(mutator_.CountLive<SmallNode>(), 1u);
  EXPECT_EQ(CodeFor(stale), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(mutator_.PointerFromRaw<SmallNode>(live.get()).ok());
}

// A released bucket's block goes back to the process's pool, where the
// chunk table still names it: the arena does not read it (ASan would
// report the poisoned block) and refuses the address as foreign.
TEST(MutatorCoercionReleaseTest, RefusesAddressesInReleasedBuckets) {
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual});
  Pointer<SmallNode> kept = mutator.Allocate<SmallNode>(0);
  std::vector<const void*> released;
  {
    std::vector<Pointer<SmallNode>> nodes;
    for (int i = 1; i <= 80; ++i) {
      nodes.push_back(mutator.Allocate<SmallNode>(i));
      released.push_back(nodes.back().get());
    }
  }
  const std::size_t buckets = mutator.stats().Find("SmallNode")->buckets;
  ASSERT_GE(buckets, 10u);
  EXPECT_EQ(mutator.CollectGarbage(), 80u);
  EXPECT_LT(mutator.stats().Find("SmallNode")->buckets, buckets)
      << "empty buckets released";
  std::size_t foreign = 0;
  for (const void* address : released) {
    const absl::StatusCode code =
        mutator.PointerFromRaw<SmallNode>(address).status().code();
    // A vacant slot of a bucket still held, or no bucket of this arena.
    EXPECT_TRUE(code == absl::StatusCode::kFailedPrecondition ||
                code == absl::StatusCode::kNotFound)
        << code;
    foreign += code == absl::StatusCode::kNotFound;
  }
  EXPECT_GE(foreign, 8u * 8u) << "the released buckets' 64 slots at least";
  EXPECT_EQ(mutator.PointerFromRaw<SmallNode>(kept.get())->get()->id, 0);
}

TEST_F(MutatorCoercionTest, RefusesInteriorAndMisalignedAddresses) {
  Pointer<SmallNode> node = mutator_.Allocate<SmallNode>(1);
  const auto* base = reinterpret_cast<const char*>(node.get());
  EXPECT_EQ(CodeFor(base + 1), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CodeFor(&node->next), absl::StatusCode::kInvalidArgument);
  // Before the first slot lies the bucket's metadata, outside every slot.
  EXPECT_EQ(CodeFor(base - 1), absl::StatusCode::kNotFound)
      << "the bucket's metadata";
  Pointer<SmallNode> second = mutator_.Allocate<SmallNode>(2);
  EXPECT_EQ(CodeFor(reinterpret_cast<const char*>(second.get()) - 1),
            absl::StatusCode::kInvalidArgument)
      << "the end of the slot before";
}

TEST_F(MutatorCoercionTest, RefusalChangesNothing) {
  Pointer<SmallNode> node = mutator_.Allocate<SmallNode>(1);
  const auto* base = reinterpret_cast<const char*>(node.get());
  ASSERT_FALSE(mutator_.PointerFromRaw<SmallNode>(base + 2).ok());
  EXPECT_EQ(node.lock_count(), 1u);
  EXPECT_EQ(mutator_.CountLive<SmallNode>(), 1u);
  EXPECT_TRUE(mutator_.VerifyHeap().ok());
}

}  // namespace
}  // namespace kamo::mem
