// View: borrowed reads take no lock, Keep() locks, misuse stops the
// program naming the type, and (debug builds) a View used after a
// collection is caught.
#include "value/view.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "value/heap.h"

namespace kamo::value {
namespace {

class ViewTest : public ::testing::Test {
 protected:
  // (0 1 ... n-1)
  Value Iota(int n) {
    Value list;
    for (int i = n - 1; i >= 0; --i) list = heap_.NewPair(Value::Int(i), list);
    return list;
  }

  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(ViewTest, WalksAListWithoutTakingALock) {
  Value list = Iota(100);
  const void* second = (*list.AsPair())->cdr().heap_address();
  std::int64_t sum = 0;
  std::size_t length = 0;
  for (View v(list); v->IsPair(); v = v.cdr()) {
    sum += *v.car()->AsInt();
    ++length;
    EXPECT_EQ(mem::LocksAt(second), 0u);
  }
  EXPECT_EQ(length, 100u);
  EXPECT_EQ(sum, 99 * 100 / 2);
  EXPECT_EQ(mem::LocksAt(list.heap_address()), 1u) << "only `list`";
}

TEST_F(ViewTest, CopiesAreBorrowedToo) {
  Value list = Iota(3);
  View a(list);
  View b = a;
  b = b.cdr();
  EXPECT_EQ(mem::LocksAt(list.heap_address()), 1u);
  EXPECT_EQ(*b.car()->AsInt(), 1);
  EXPECT_EQ(*a.car()->AsInt(), 0);
}

TEST_F(ViewTest, KeepLocksWhatTheCallerHolds) {
  Value list = Iota(3);
  Value tail = View(list).cdr().Keep();
  EXPECT_TRUE(tail.is_locked());
  EXPECT_EQ(mem::LocksAt(tail.heap_address()), 1u);
  list = Value();
  EXPECT_EQ(mutator_.CollectGarbage(), 1u) << "the first pair only";
  EXPECT_EQ(*View(tail).car()->AsInt(), 1);
  EXPECT_EQ(*View(tail).cdr().car()->AsInt(), 2);
  EXPECT_TRUE(View(tail).cdr().cdr()->IsNil());
}

TEST_F(ViewTest, ReadsVectorElementsAndImmediates) {
  mem::Pointer<Vector> vector =
      heap_.NewVector({Value::Int(7), *heap_.NewString("s"), Value()});
  View v{Value(vector)};
  EXPECT_TRUE(v->IsVector());
  EXPECT_EQ(*v.element(0)->AsInt(), 7);
  EXPECT_EQ((*v.element(1)).StringOrNull()->view(), "s");
  EXPECT_TRUE(v.element(2)->IsNil());
  EXPECT_EQ(View(Value::Bool(false))->IsTrue(), false);
  EXPECT_TRUE(View()->IsNil());
}

TEST(ViewDeathTest, MisuseNamesTheType) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  mem::Mutator mutator;
  Heap heap(mutator);
  EXPECT_DEATH(View(Value::Int(1)).car(), "View::car of a integer");
  EXPECT_DEATH(View(Value(*heap.NewString("x"))).cdr(),
               "View::cdr of a string");
  Value vector = heap.MakeVector(2);
  EXPECT_DEATH(View(vector).element(2),
               "View::element\\(2\\) of a vector of 2 elements");
  EXPECT_DEATH(View(heap.List({Value()})).element(0),
               "View::element\\(0\\) of a pair of 0 elements");
}

TEST(ViewDeathTest, UseAfterACollectionStopsDebugBuilds) {
  if (!KAMO_MEM_DEBUG_CHECKS) {
    GTEST_SKIP() << "debug builds only: run with --config=asan or ubsan";
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        mem::Mutator mutator;
        Heap heap(mutator);
        Value list = heap.List({Value::Int(1)});
        View view(list);
        mutator.CollectGarbage();  // `list` survives; the View is stale
        (void)view->IsPair();
      },
      "a View of a pair was used after a collection");
}

}  // namespace
}  // namespace kamo::value
