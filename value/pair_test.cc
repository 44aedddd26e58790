#include "value/pair.h"

#include <vector>

#include "gtest/gtest.h"
#include "value/equal.h"
#include "value/heap.h"
#include "value/list.h"
#include "value/printer.h"

namespace kamo::value {
namespace {

class PairTest : public ::testing::Test {
 protected:
  Value Int(int i) { return Value::Int(i); }

  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(PairTest, CarAndCdrAreLockedCopiesOfUnlockedFields) {
  mem::Pointer<String> s = *heap_.NewString("x");
  mem::Pointer<Pair> pair = heap_.NewPair(s, Int(2));
  EXPECT_EQ(s.lock_count(), 1u) << "storing in a pair takes no lock";
  EXPECT_EQ(pair->car_ref().heap_address(), s.get());
  {
    Value car = pair->car();
    EXPECT_TRUE(car.is_locked());
    EXPECT_EQ(s.lock_count(), 2u);
  }
  EXPECT_EQ(pair->cdr().AsInt(), 2);
}

TEST_F(PairTest, ValueHeldOnlyInsideAPairSurvivesWithItsContents) {
  mem::Pointer<Pair> pair =
      heap_.NewPair(*heap_.NewString("only here"), heap_.Intern("sym"));
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ((*pair->car().AsString())->view(), "only here");
  EXPECT_EQ((*pair->cdr().AsSymbol())->name(), "sym");
}

TEST_F(PairTest, SetCarDropsTheOldValueWithoutLockingIt) {
  mem::Pointer<Pair> pair = heap_.NewPair(*heap_.NewString("old"), Value());
  const String* old = pair->car().StringOrNull();
  ASSERT_NE(old, nullptr);
  pair->SetCar(*heap_.NewString("new"));
  EXPECT_EQ(mem::LocksAt(old), 0u);
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ((*pair->car().AsString())->view(), "new");
  EXPECT_EQ(mutator_.CountLive<String>(), 1u);
}

TEST_F(PairTest, ExchangeCarReturnsTheOldValueAndMakesItCollectable) {
  mem::Pointer<Pair> pair = heap_.NewPair(*heap_.NewString("old"), Value());
  Value old = pair->ExchangeCar(*heap_.NewString("new"));
  EXPECT_TRUE(old.is_locked());
  EXPECT_EQ((*old.AsString())->view(), "old");
  EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "the returned old value is held";
  old = Value();
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ((*pair->car().AsString())->view(), "new");
  EXPECT_EQ(mutator_.CountLive<String>(), 1u);
}

TEST_F(PairTest, SetCdrDropsTheOldValue) {
  mem::Pointer<Pair> pair =
      heap_.NewPair(Value(), heap_.NewPair(Int(1), Int(2)));
  pair->SetCdr(Int(3));  // the old cdr is dropped at once
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(pair->cdr().AsInt(), 3);
}

TEST_F(PairTest, ExchangeCdrReturnsTheOldValueLocked) {
  mem::Pointer<Pair> pair =
      heap_.NewPair(Value(), heap_.NewPair(Int(1), Int(2)));
  Value old = pair->ExchangeCdr(Int(3));
  EXPECT_TRUE(old.is_locked());
  EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "the returned old cdr is held";
  EXPECT_EQ((*old.AsPair())->car().AsInt(), 1);
  old = Value();
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(pair->cdr().AsInt(), 3);
}

TEST_F(PairTest, ListBuildsAProperList) {
  Value list = heap_.List({Int(1), Int(2), Int(3)});
  EXPECT_EQ(ListLength(list), 3u);
  EXPECT_TRUE(IsProperList(list));
  EXPECT_EQ(Write(list), "(1 2 3)");
  EXPECT_EQ(mutator_.CountLive<Pair>(), 3u);
  EXPECT_EQ(heap_.List({}).tag(), Tag::kNil);
}

TEST_F(PairTest, DottedListEndsInItsTail) {
  Value list = heap_.DottedList({Int(1), Int(2)}, Int(3));
  EXPECT_EQ(Write(list), "(1 2 . 3)");
  EXPECT_FALSE(IsProperList(list));
  EXPECT_FALSE(ListLength(list));
}

TEST_F(PairTest, ListFromMapsARange) {
  std::vector<int> numbers = {1, 2, 3, 4};
  Value list = heap_.ListFrom(numbers, [](int n) { return Value::Int(n * n); });
  EXPECT_EQ(Write(list), "(1 4 9 16)");
}

TEST_F(PairTest, ListBuildingSurvivesPressureCollections) {
  std::vector<int> numbers(5000);
  for (int i = 0; i < 5000; ++i) numbers[i] = i;
  Value list = heap_.ListFrom(numbers, [this](int n) {
    return Value(heap_.NewPair(Value::Int(n), Value()));
  });
  EXPECT_GT(mutator_.collections(), 0u);
  EXPECT_EQ(ListLength(list), 5000u);
  int expected = 0;
  for (Value v = list; v.IsPair(); v = *Cdr(v)) {
    ASSERT_EQ(Caar(v)->AsInt(), expected++);
  }
}

TEST_F(PairTest, LengthTerminatesOnCircularLists) {
  for (int size = 1; size <= 5; ++size) {
    std::vector<int> numbers(size, 0);
    Value list = heap_.ListFrom(numbers, [](int n) { return Value::Int(n); });
    Value last = list;
    while (!Cdr(last)->IsNil()) last = *Cdr(last);
    (*last.AsPair())->SetCdr(list);
    EXPECT_FALSE(ListLength(list)) << size;
    EXPECT_FALSE(IsProperList(list));
    (*last.AsPair())->SetCdr(Value());  // break the cycle
    EXPECT_EQ(ListLength(list), static_cast<std::size_t>(size));
  }
}

TEST_F(PairTest, NonListsHaveNoLength) {
  EXPECT_EQ(ListLength(Value()), 0u);
  EXPECT_FALSE(ListLength(Value::Int(1)));
  EXPECT_FALSE(IsProperList(heap_.NewVector()));
}

TEST_F(PairTest, CxrAccessorsWalkCarsAndCdrs) {
  // ((1 . 2) (3 4) 5 6)
  Value tree = heap_.List({heap_.NewPair(Int(1), Int(2)),
                           heap_.List({Int(3), Int(4)}), Int(5), Int(6)});
  EXPECT_EQ(Caar(tree)->AsInt(), 1);
  EXPECT_EQ(Cdar(tree)->AsInt(), 2);
  EXPECT_EQ(Caadr(tree)->AsInt(), 3);
  EXPECT_EQ(Write(*Cdadr(tree)), "(4)");
  EXPECT_EQ(Caddr(tree)->AsInt(), 5);
  EXPECT_EQ(Write(*Cdddr(tree)), "(6)");
  EXPECT_EQ(Write(*Cddr(tree)), "(5 6)");
  EXPECT_EQ(Write(*Cadr(tree)), "(3 4)");
  EXPECT_EQ(Write(*Caar(tree)), "1");
  EXPECT_FALSE(Caaar(tree)) << "car of 1 is not a pair";
  EXPECT_FALSE(Cadar(tree));
  EXPECT_FALSE(Cddar(tree));
  EXPECT_FALSE(Cdaar(tree));
  EXPECT_FALSE(Car(Value::Int(1)));
  EXPECT_FALSE(CxR("x", tree)) << "only a and d are steps";
}

TEST_F(PairTest, UnreachableListCycleIsFreed) {
  {
    Value list = heap_.List({Int(1), Int(2), Int(3)});
    Value last = *Cddr(list);
    (*last.AsPair())->SetCdr(list);
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 3u);
  EXPECT_EQ(mutator_.CountLive<Pair>(), 0u);
}

// Debug builds stop a container store of a value from another Mutator's
// heap, naming both types (opt builds have no check: skipped there).
TEST(ContainerStoreDeathTest, ValueFromAnotherHeapStopsAtTheStore) {
  if (!KAMO_MEM_DEBUG_CHECKS) {
    GTEST_SKIP() << "debug builds only: run with --config=asan or ubsan";
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        mem::Mutator here;
        mem::Mutator there;
        Heap a(here);
        Heap b(there);
        mem::Pointer<Pair> pair = a.NewPair(Value(), Value());
        pair->SetCar(Value(b.NewPair(Value(), Value())));
      },
      "a Pair of one Mutator stores a reference to a Pair of another "
      "Mutator");
  EXPECT_DEATH(
      {
        mem::Mutator here;
        mem::Mutator there;
        Heap a(here);
        Heap b(there);
        mem::Pointer<Vector> vector = a.NewVector();
        vector->Push(b.Intern("elsewhere"));
      },
      "a Vector of one Mutator stores a reference to a Symbol of another "
      "Mutator");
}

}  // namespace
}  // namespace kamo::value
