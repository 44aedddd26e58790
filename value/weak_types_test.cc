// WeakPair and Ephemeron as Scheme values, and Hashtable as a Value: what
// survives a collection, what reads #f once broken, and how they print and
// compare.
#include <vector>

#include "gtest/gtest.h"
#include "value/equal.h"
#include "value/heap.h"
#include "value/printer.h"

namespace kamo::value {
namespace {

class WeakTypesTest : public ::testing::Test {
 protected:
  mem::Mutator mutator_{mem::MutatorOptions{.pacing = mem::Pacing::kManual,
                                            .stress_interval = 0}};
  Heap heap_{mutator_};

  mem::Pointer<Pair> NewPair(std::int64_t i) {
    return heap_.NewPair(Value::Int(i), Value());
  }
};

TEST_F(WeakTypesTest, AWeakPairsCarIsWeakAndItsCdrStrong) {
  mem::Pointer<WeakPair> pair;
  {
    mem::Pointer<Pair> car = NewPair(1);
    pair = heap_.NewWeakPair(car, NewPair(2));
    EXPECT_EQ(pair->car().heap_address(), car.get());
    EXPECT_FALSE(pair->broken());
    EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "the car is still held";
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 1u) << "the car, not the cdr";
  EXPECT_TRUE(pair->broken());
  EXPECT_EQ(pair->car().AsBool(), false);
  EXPECT_EQ(*(*pair->cdr().AsPair())->car().AsInt(), 2);
  EXPECT_EQ(mutator_.CountLive<Pair>(), 1u);

  // Setting the car mends it; an immediate car never breaks.
  EXPECT_EQ(pair->ExchangeCar(Value::Int(5)).AsBool(), false);
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_FALSE(pair->broken());
  EXPECT_EQ(*pair->car().AsInt(), 5);
}

TEST_F(WeakTypesTest, AWeakListKeepsNoElementAlive) {
  // (weak-cons a (weak-cons b '())): the spine is strong, the elements not.
  mem::Pointer<Pair> kept = NewPair(1);
  Value list = heap_.NewWeakPair(kept, heap_.NewWeakPair(NewPair(2), Value()));
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  const mem::Pointer<WeakPair> first = *list.AsWeakPair();
  const mem::Pointer<WeakPair> second = *first->cdr().AsWeakPair();
  EXPECT_EQ(first->car().heap_address(), kept.get());
  EXPECT_TRUE(second->broken());
  EXPECT_EQ(mutator_.CountLive<WeakPair>(), 2u);
}

TEST_F(WeakTypesTest, AnEphemeronKeepsItsDatumOnlyThroughItsKey) {
  mem::Pointer<Pair> key = NewPair(1);
  mem::Pointer<Ephemeron> kept;
  mem::Pointer<Ephemeron> cyclic;
  {
    kept = heap_.NewEphemeron(key, NewPair(2));
    mem::Pointer<Pair> lonely = NewPair(3);
    // The datum refers back to the key: that keeps nothing.
    cyclic = heap_.NewEphemeron(lonely, heap_.NewPair(lonely, Value()));
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 2u) << "3 and the pair holding it";
  EXPECT_FALSE(kept->broken());
  EXPECT_EQ(kept->key().heap_address(), key.get());
  EXPECT_EQ(*(*kept->datum().AsPair())->car().AsInt(), 2);
  EXPECT_TRUE(cyclic->broken());
  EXPECT_EQ(cyclic->key().AsBool(), false);
  EXPECT_EQ(cyclic->datum().AsBool(), false);

  key = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 2u) << "the key and its datum";
  EXPECT_TRUE(kept->broken());
}

TEST_F(WeakTypesTest, AnEphemeronWithAnImmediateKeyIsStrong) {
  mem::Pointer<Ephemeron> entry = heap_.NewEphemeron(Value::Int(7), NewPair(1));
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_FALSE(entry->broken());
  EXPECT_EQ(*entry->key().AsInt(), 7);
  EXPECT_EQ(*(*entry->datum().AsPair())->car().AsInt(), 1);
}

TEST_F(WeakTypesTest, AHashtableIsAValueThatContainersKeep) {
  mem::Pointer<Vector> holder = heap_.NewVector();
  mem::Pointer<Pair> key = NewPair(1);
  {
    mem::Pointer<Hashtable> table =
        heap_.NewHashtable(Hashtable::Weakness::kWeakKeys);
    table->Set(key, Value::Int(10));
    holder->Push(table);
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "the vector holds the table";
  const Value element = *holder->Get(0);
  ASSERT_TRUE(element.IsHashtable());
  EXPECT_EQ(*(*element.AsHashtable())->Get(key)->AsInt(), 10);
  holder->Clear();
  EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "element still holds it";
}

TEST_F(WeakTypesTest, TheyPrintOpaquelyAndCompareByIdentity) {
  const Value weak_pair = heap_.NewWeakPair(Value::Int(1), Value());
  const Value entry = heap_.NewEphemeron(Value::Int(1), Value());
  const Value table = heap_.NewHashtable();
  EXPECT_EQ(Write(weak_pair), "#<weak-pair>");
  EXPECT_EQ(Write(entry), "#<ephemeron>");
  EXPECT_EQ(Write(heap_.List({table, entry})), "(#<hashtable> #<ephemeron>)");
  const Value other = heap_.NewWeakPair(Value::Int(1), Value());
  EXPECT_TRUE(Equal(weak_pair, weak_pair));
  EXPECT_FALSE(Equal(weak_pair, other)) << "equal? is eqv? for weak pairs";
  EXPECT_EQ(EqualHash(table), EqualHash(Value(table)));
  EXPECT_EQ(ToString(Tag::kEphemeron), "ephemeron");
}

}  // namespace
}  // namespace kamo::value
