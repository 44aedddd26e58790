// Pointer holds one lock per handle; Member holds none.
#include "mem/pointer.h"

#include <type_traits>
#include <utility>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::Node;

struct NoTrace {
  int x;
};
struct TraceWrongSignature {
  int Trace() const { return 0; }
};
static_assert(Traceable<Node>);
static_assert(!Traceable<NoTrace>, "a type without Trace is not managed");
static_assert(!Traceable<TraceWrongSignature>);
static_assert(!Traceable<int>);

class PointerTest : public ::testing::Test {
 protected:
  Mutator mutator_;
};

TEST_F(PointerTest, AllocationHoldsOneLock) {
  Pointer<Node> p = mutator_.Allocate<Node>(1, nullptr);
  EXPECT_EQ(p.lock_count(), 1u);
  EXPECT_TRUE(p);
  EXPECT_EQ(p->id, 1);
  EXPECT_EQ((*p).id, 1);
  EXPECT_EQ(p.get()->id, 1);
}

TEST_F(PointerTest, CopyLocksAgainAndDestructionUnlocks) {
  Pointer<Node> p = mutator_.Allocate<Node>(1, nullptr);
  {
    Pointer<Node> q = p;
    EXPECT_EQ(p.lock_count(), 2u);
    EXPECT_EQ(p, q);
    Pointer<Node> r;
    r = q;
    EXPECT_EQ(p.lock_count(), 3u);
  }
  EXPECT_EQ(p.lock_count(), 1u);
}

TEST_F(PointerTest, MoveTransfersTheLock) {
  Pointer<Node> p = mutator_.Allocate<Node>(1, nullptr);
  Pointer<Node> q = std::move(p);
  EXPECT_FALSE(p);  // NOLINT(bugprone-use-after-move): moved-from is null.
  EXPECT_EQ(q.lock_count(), 1u);
  Pointer<Node> r = mutator_.Allocate<Node>(2, nullptr);
  Pointer<Node> r_copy = r;
  r = std::move(q);  // r's old target loses one lock
  EXPECT_EQ(r.lock_count(), 1u);
  EXPECT_EQ(r_copy.lock_count(), 1u);
  EXPECT_EQ(r->id, 1);
}

TEST_F(PointerTest, SelfAssignmentKeepsTheLockCount) {
  Pointer<Node> p = mutator_.Allocate<Node>(1, nullptr);
  Pointer<Node>& alias = p;
  p = alias;
  EXPECT_EQ(p.lock_count(), 1u);
  p = std::move(alias);
  EXPECT_EQ(p.lock_count(), 1u);
}

TEST_F(PointerTest, AssigningNullUnlocks) {
  Pointer<Node> p = mutator_.Allocate<Node>(1, nullptr);
  Pointer<Node> q = p;
  q = nullptr;
  EXPECT_FALSE(q);
  EXPECT_EQ(q, nullptr);
  EXPECT_EQ(p.lock_count(), 1u);
}

TEST_F(PointerTest, MemberHoldsNoLockAndLockTakesOne) {
  Pointer<Node> parent = mutator_.Allocate<Node>(1, nullptr);
  Pointer<Node> child = mutator_.Allocate<Node>(2, nullptr);
  parent->left = child;
  EXPECT_EQ(child.lock_count(), 1u) << "storing in a Member takes no lock";
  EXPECT_TRUE(parent->left == child);
  {
    Pointer<Node> out = parent->left.Lock();
    EXPECT_EQ(child.lock_count(), 2u);
    EXPECT_EQ(out, child);
  }
  EXPECT_EQ(child.lock_count(), 1u);
  Member<Node> empty;
  EXPECT_FALSE(empty);
  EXPECT_FALSE(empty.Lock());
}

TEST_F(PointerTest, NullPointerHasNoRoot) {
  Pointer<Node> p;
  EXPECT_TRUE(p.ToRoot().empty());
  EXPECT_EQ(p.lock_count(), 0u);
  EXPECT_EQ(p.get(), nullptr);
}

}  // namespace
}  // namespace kamo::mem
