// Hashtable: eq?/eqv? tables, strong, with weak keys, weak values or
// ephemeron entries. Which entries survive a collection, which values are
// freed, and what the table then reads back.
#include "value/hashtable.h"

#include <algorithm>
#include <vector>

#include "gtest/gtest.h"
#include "value/heap.h"

namespace kamo::value {
namespace {

using Weakness = Hashtable::Weakness;

class HashtableTest : public ::testing::Test {
 protected:
  mem::Mutator mutator_{mem::MutatorOptions{.pacing = mem::Pacing::kManual,
                                            .stress_interval = 0}};
  Heap heap_{mutator_};

  mem::Pointer<Pair> NewPair(std::int64_t i) {
    return heap_.NewPair(Value::Int(i), Value());
  }
  static std::int64_t CarOf(const Value& pair) {
    return *(*pair.AsPair())->car().AsInt();
  }
};

TEST_F(HashtableTest, StrongTableMapsKeysByIdentity) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable();
  mem::Pointer<Pair> a = NewPair(1);
  mem::Pointer<Pair> a_twin = NewPair(1);  // equal?, not eq?
  table->Set(a, Value::Int(10));
  table->Set(Value::Int(7), a_twin);
  table->Set(Value::Nil(), Value::Int(0));  // nil is a key like any other
  EXPECT_EQ(table->size(), 3u);
  EXPECT_EQ(*table->Get(a)->AsInt(), 10);
  EXPECT_FALSE(table->Get(a_twin).has_value());
  EXPECT_EQ(table->Get(Value::Int(7))->heap_address(), a_twin.get());
  EXPECT_EQ(*table->Get(Value::Nil())->AsInt(), 0);

  table->Set(a, Value::Int(11));  // replaces
  EXPECT_EQ(*table->Get(a)->AsInt(), 11);
  EXPECT_EQ(table->size(), 3u);
  EXPECT_TRUE(table->Remove(Value::Int(7)));
  EXPECT_FALSE(table->Remove(Value::Int(7)));
  EXPECT_FALSE(table->Contains(Value::Int(7)));
  EXPECT_EQ(table->size(), 2u);
  table->Clear();
  EXPECT_EQ(table->size(), 0u);
  EXPECT_EQ(table->capacity(), 0u);
}

TEST_F(HashtableTest, StrongTableKeepsItsKeysAndValuesThroughGrowth) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable();
  for (std::int64_t i = 0; i < 2000; ++i) table->Set(NewPair(i), NewPair(-i));
  for (std::int64_t i = 0; i < 2000; i += 2)
    table->Set(Value::Int(i), Value::Int(i));
  EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "the table holds every pair";
  EXPECT_EQ(table->size(), 3000u);
  std::size_t pairs = 0;
  for (const auto& [key, value] : table->Entries()) {
    if (key.IsPair()) {
      EXPECT_EQ(CarOf(key), -CarOf(value));
      EXPECT_EQ(table->Get(key)->heap_address(), value.heap_address());
      ++pairs;
    } else {
      EXPECT_EQ(*key.AsInt(), *value.AsInt());
    }
  }
  EXPECT_EQ(pairs, 2000u);
  EXPECT_LE(table->capacity(), 8192u);
}

TEST_F(HashtableTest, WeakKeysGoWithTheirKeysAndTheirValuesFollow) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable(Weakness::kWeakKeys);
  std::vector<mem::Pointer<Pair>> kept;
  for (std::int64_t i = 0; i < 100; ++i) {
    mem::Pointer<Pair> key = NewPair(i);
    table->Set(key, NewPair(1000 + i));
    if (i % 2 == 0) kept.push_back(key);
  }
  table->Set(Value::Int(5), NewPair(5000));  // an immediate key never dies
  // The 50 dropped keys go; their values were still traced by the entries
  // in this collection, and go in the next, once the entries are dropped.
  EXPECT_EQ(mutator_.CollectGarbage(), 50u);
  EXPECT_EQ(table->size(), 51u);
  EXPECT_EQ(mutator_.CollectGarbage(), 50u);
  EXPECT_EQ(mutator_.CountLive<Pair>(), 50u + 50u + 1u);
  for (const mem::Pointer<Pair>& key : kept) {
    ASSERT_TRUE(table->Contains(key));
    EXPECT_EQ(CarOf(*table->Get(key)), 1000 + *key->car().AsInt());
  }
  EXPECT_EQ(CarOf(*table->Get(Value::Int(5))), 5000);
}

TEST_F(HashtableTest, AWeakKeyTableKeepsAKeyItsValueRefersTo) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable(Weakness::kWeakKeys);
  {
    mem::Pointer<Pair> key = NewPair(1);
    table->Set(key, heap_.NewPair(key, Value()));  // the value holds the key
  }
  mutator_.CollectGarbage();
  EXPECT_EQ(table->size(), 1u) << "weak keys, strong values: kept forever";
}

TEST_F(HashtableTest, EphemeronEntriesGoWithTheirKeysEvenWhenValuesReferBack) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable(Weakness::kEphemeron);
  mem::Pointer<Pair> kept_key = NewPair(1);
  {
    mem::Pointer<Pair> key = NewPair(2);
    table->Set(key, heap_.NewPair(key, Value()));  // the value holds the key
    table->Set(kept_key, heap_.NewPair(kept_key, Value()));
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 2u) << "key 2 and its value";
  EXPECT_EQ(table->size(), 1u);
  const Value value = *table->Get(kept_key);
  EXPECT_EQ((*value.AsPair())->car().heap_address(), kept_key.get());
}

TEST_F(HashtableTest, EphemeronChainsThroughTheTableResolveInOneCollection) {
  // key i -> value key i + 1, inserted last link first; only key 0 held.
  mem::Pointer<Hashtable> table = heap_.NewHashtable(Weakness::kEphemeron);
  std::vector<mem::Pointer<Pair>> keys;
  for (std::int64_t i = 0; i <= 200; ++i) keys.push_back(NewPair(i));
  for (std::int64_t i = 199; i >= 0; --i) table->Set(keys[i], keys[i + 1]);
  mem::Pointer<Pair> first = keys[0];
  mem::Pointer<Pair> middle = keys[120];
  keys.clear();
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(table->size(), 200u);
  first = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 120u) << "links 0..119";
  EXPECT_EQ(table->size(), 80u);
  EXPECT_EQ(CarOf(*table->Get(middle)), 121);
  middle = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 81u);
  EXPECT_EQ(table->size(), 0u);
}

TEST_F(HashtableTest, WeakValuesGoWithTheirValues) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable(Weakness::kWeakValues);
  mem::Pointer<Pair> kept = NewPair(1);
  table->Set(Value::Int(1), kept);
  table->Set(Value::Int(2), NewPair(2));
  table->Set(Value::Int(3), Value::Int(30));  // an immediate value stays
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(table->size(), 2u);
  EXPECT_FALSE(table->Contains(Value::Int(2)));
  EXPECT_EQ(table->Get(Value::Int(1))->heap_address(), kept.get());
  EXPECT_EQ(*table->Get(Value::Int(3))->AsInt(), 30);
}

TEST_F(HashtableTest, DroppingMostEntriesShrinksTheArray) {
  mem::Pointer<Hashtable> table = heap_.NewHashtable(Weakness::kWeakKeys);
  mem::Pointer<Pair> kept = NewPair(0);
  table->Set(kept, Value::Int(0));
  for (std::int64_t i = 1; i < 4096; ++i) table->Set(NewPair(i), Value::Int(i));
  const std::size_t full = table->capacity();
  const std::size_t external = mutator_.external_bytes();
  mutator_.CollectGarbage();
  EXPECT_EQ(table->size(), 1u);
  EXPECT_LE(table->capacity(), 8u) << "was " << full;
  EXPECT_LT(mutator_.external_bytes(), external / 100);
  EXPECT_EQ(*table->Get(kept)->AsInt(), 0);
}

TEST_F(HashtableTest, AWeakTableCostsWhatAStrongOneDoes) {
  // The same entries in a strong and in an ephemeron table: the same array,
  // counted as the same external memory.
  std::vector<mem::Pointer<Pair>> keys;
  for (std::int64_t i = 0; i < 10000; ++i) keys.push_back(NewPair(i));
  std::size_t bytes[2] = {};
  std::vector<mem::Pointer<Hashtable>> tables;
  for (const Weakness weakness : {Weakness::kStrong, Weakness::kEphemeron}) {
    const std::size_t before = mutator_.external_bytes();
    tables.push_back(heap_.NewHashtable(weakness));
    for (const mem::Pointer<Pair>& key : keys) tables.back()->Set(key, key);
    bytes[tables.size() - 1] = mutator_.external_bytes() - before;
  }
  EXPECT_GT(bytes[0], 10000u * 2 * sizeof(Value));
  EXPECT_EQ(bytes[0], bytes[1]);
  EXPECT_EQ(tables[0]->capacity(), tables[1]->capacity());
}

TEST(HashtableStressTest, StressCollectionsWhileTheTableGrows) {
  // A collection at every allocation, including the array's growth.
  mem::Mutator mutator(mem::MutatorOptions{.stress_interval = 1});
  Heap heap(mutator);
  mem::Pointer<Hashtable> table = heap.NewHashtable(Weakness::kEphemeron);
  std::vector<mem::Pointer<Pair>> kept;
  for (std::int64_t i = 0; i < 300; ++i) {
    mem::Pointer<Pair> key = heap.NewPair(Value::Int(i), Value());
    table->Set(key, heap.NewPair(Value::Int(-i), Value()));
    if (i % 3 == 0) kept.push_back(key);
  }
  mutator.CollectGarbage();
  EXPECT_EQ(table->size(), kept.size());
  for (const mem::Pointer<Pair>& key : kept) {
    const std::optional<Value> value = table->Get(key);
    ASSERT_TRUE(value.has_value());
    EXPECT_EQ(*(*value->AsPair())->car().AsInt(), -*key->car().AsInt());
  }
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

}  // namespace
}  // namespace kamo::value
