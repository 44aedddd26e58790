// Ephemeron: a value kept alive only while its key is reachable some other
// way, and broken (key and value null) in the collection that frees the key.
#include "mem/ephemeron.h"

#include <cstdint>
#include <type_traits>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/atomic_mode.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;

// Ephemerons from Node keys to Node values, then one strong reference.
// Trace reports the ephemerons first, so a key reached only through
// `strong` is marked after its ephemeron was seen.
struct EphemeronList {
  void Trace(Tracer& tracer) const {
    tracer.VisitAll(entries);
    tracer.Visit(strong);
  }
  std::vector<Ephemeron<Node, Node>> entries;
  Member<Node> strong;
};

// Trivially destructible, so pressure and stress collections sweep it
// lazily.
struct Leaf {
  static constexpr std::uint32_t kBucketCapacity = 8;
  explicit Leaf(int leaf_id) : id(leaf_id) {}
  void Trace(Tracer& tracer) const { tracer.Visit(entry); }
  int id;
  Ephemeron<Leaf, Leaf> entry;
};

MutatorOptions Manual() {
  return MutatorOptions{.pacing = Pacing::kManual, .stress_interval = 0};
}

TEST(EphemeronTest, IsTwoWordsAndRegistersNothing) {
  static_assert(sizeof(Ephemeron<Node, Node>) == 2 * sizeof(void*));
  DestructionLog log;  // outlives the Mutator, whose Nodes record in it
  Mutator mutator(Manual());
  Pointer<Node> key = mutator.Allocate<Node>(1, &log);
  Pointer<Node> value = mutator.Allocate<Node>(2, &log);
  Ephemeron<Node, Node> entry(key, value);
  EXPECT_EQ(entry.key(), key.get());
  EXPECT_EQ(entry.value(), value.get());
  EXPECT_TRUE(entry);
  EXPECT_EQ(mutator.stats().weak_refs, 0u) << "no Weak cell behind it";
  entry = nullptr;
  EXPECT_FALSE(entry);
  EXPECT_EQ(entry.value(), nullptr);
}

TEST(EphemeronTest, KeepsItsValueWhileTheKeyIsReachable) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  Pointer<Node> key = mutator.Allocate<Node>(1, &log);
  list->entries.emplace_back(key, mutator.Allocate<Node>(2, &log));

  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(log.total(), 0u);
  const Ephemeron<Node, Node>& entry = list->entries[0];
  EXPECT_EQ(entry.key(), key.get());
  ASSERT_NE(entry.value(), nullptr);
  EXPECT_EQ(entry.LockValue()->id, 2);
  EXPECT_EQ(entry.LockKey()->id, 1);
}

TEST(EphemeronTest, IsBrokenInTheCollectionThatFreesTheKey) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  list->entries.emplace_back(mutator.Allocate<Node>(1, &log),
                             mutator.Allocate<Node>(2, &log));

  EXPECT_EQ(mutator.CollectGarbage(), 2u) << "the value went with the key";
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
  const Ephemeron<Node, Node>& entry = list->entries[0];
  EXPECT_FALSE(entry);
  EXPECT_EQ(entry.key(), nullptr);
  EXPECT_EQ(entry.value(), nullptr);
  EXPECT_FALSE(entry.LockKey());
  EXPECT_FALSE(entry.LockValue());
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(EphemeronTest, AValueThatRefersToItsKeyDoesNotKeepIt) {
  // The case a table with weak keys and strong values gets wrong.
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  {
    Pointer<Node> key = mutator.Allocate<Node>(1, &log);
    Pointer<Node> value = mutator.Allocate<Node>(2, &log);
    value->left = key;
    list->entries.emplace_back(key, value);
  }
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_FALSE(list->entries[0]);
}

TEST(EphemeronTest, AKeyMarkedAfterItsEphemeronWasTracedKeepsTheValue) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  {
    // The key is reached only through `strong` -> via -> key, all traced
    // after the ephemeron.
    Pointer<Node> via = mutator.Allocate<Node>(1, &log);
    Pointer<Node> key = mutator.Allocate<Node>(2, &log);
    via->right = key;
    list->strong = via;
    list->entries.emplace_back(key, mutator.Allocate<Node>(3, &log));
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  ASSERT_TRUE(list->entries[0]);
  EXPECT_EQ(list->entries[0].key(), list->strong->right.get());
  EXPECT_EQ(list->entries[0].value()->id, 3);

  list->strong = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 3u);
  EXPECT_FALSE(list->entries[0]);
  EXPECT_EQ(log.total(), 3u);
}

TEST(EphemeronTest, AValueReachedElsewhereSurvivesTheBreak) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  Pointer<Node> value = mutator.Allocate<Node>(2, &log);
  list->entries.emplace_back(mutator.Allocate<Node>(1, &log), value);

  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(log.times(2), 0);
  EXPECT_FALSE(list->entries[0]);
  EXPECT_EQ(list->entries[0].value(), nullptr) << "broken as a whole";
  EXPECT_EQ(value->id, 2);
}

TEST(EphemeronTest, EphemeronsSharingAKeyAllResolveWithIt) {
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  Pointer<Node> via = mutator.Allocate<Node>(0, &log);
  list->strong = via;
  {
    Pointer<Node> key = mutator.Allocate<Node>(1, &log);
    for (int id = 2; id < 6; ++id) {
      list->entries.emplace_back(key, mutator.Allocate<Node>(id, &log));
    }
    via->left = key;  // reached only after the ephemerons
  }
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  for (int k = 0; k < 4; ++k) {
    ASSERT_TRUE(list->entries[k]);
    EXPECT_EQ(list->entries[k].value()->id, k + 2);
  }
  via->left = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 5u);
  for (int id = 1; id < 6; ++id) EXPECT_EQ(log.times(id), 1) << id;
  for (const auto& entry : list->entries) EXPECT_FALSE(entry);
}

// Ephemeron k -> k+1 for each link, listed last link first, so each key is
// marked only after its ephemeron was traced: a fixpoint that rescans the
// list would need one pass per link.
TEST(EphemeronTest, AChainResolvesInOneCollectionAndBreaksWhereItsKeyDies) {
  constexpr int kLinks = 1000;
  DestructionLog log;
  Mutator mutator(Manual());
  Pointer<EphemeronList> list = mutator.Allocate<EphemeronList>();
  std::vector<Pointer<Node>> keys;
  for (int id = 0; id <= kLinks; ++id) {
    keys.push_back(mutator.Allocate<Node>(id, &log));
  }
  for (int id = kLinks - 1; id >= 0; --id) {
    list->entries.emplace_back(keys[id], keys[id + 1]);
  }
  Pointer<Node> first = keys[0];
  // A second chain head, cut off from the first: 600 -> ... is kept only
  // while 600 is held.
  Pointer<Node> middle = keys[600];
  keys.clear();

  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  for (const auto& entry : list->entries) ASSERT_TRUE(entry);

  // Break the chain between 599 and 600: 600..1000 stay through `middle`.
  list->entries[kLinks - 1 - 599] = nullptr;
  first = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 600u) << "links 0..599 freed";
  for (int id = 0; id < 600; ++id) ASSERT_EQ(log.times(id), 1) << id;
  for (int id = 600; id <= kLinks; ++id) ASSERT_EQ(log.times(id), 0) << id;
  for (int id = 0; id < kLinks; ++id) {
    const Ephemeron<Node, Node>& entry = list->entries[kLinks - 1 - id];
    if (id < 600) {
      ASSERT_FALSE(entry) << id;
    } else {
      ASSERT_TRUE(entry) << id;
      ASSERT_EQ(entry.key()->id, id);
      ASSERT_EQ(entry.value()->id, id + 1);
    }
  }
  middle = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 401u);
  EXPECT_EQ(log.total(), static_cast<std::size_t>(kLinks + 1));
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(EphemeronTest, AKeyThatIsItsOwnValueOrItsHolderKeepsNothingExtra) {
  Mutator mutator(Manual());
  Pointer<Leaf> holder = mutator.Allocate<Leaf>(0);
  Pointer<Leaf> self = mutator.Allocate<Leaf>(1);
  self->entry.Set(self, self);  // key and value the holder itself
  holder->entry.Set(holder, mutator.Allocate<Leaf>(2));  // keyed by holder
  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  EXPECT_EQ(self->entry.key(), self.get());
  EXPECT_EQ(holder->entry.value()->id, 2);

  self = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 1u) << "its own ephemeron kept nothing";
  holder = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_EQ(mutator.CountLive<Leaf>(), 0u);
}

TEST(EphemeronTest, IsBrokenByLazilySweptStressCollections) {
  static_assert(std::is_trivially_destructible_v<Leaf>);
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .stress_interval = 5,
                                 .mode = testing::AtomicMode()});
  Pointer<Leaf> holder = mutator.Allocate<Leaf>(0);
  Pointer<Leaf> kept_key = mutator.Allocate<Leaf>(1);
  Pointer<Leaf> kept = mutator.Allocate<Leaf>(2);
  kept->entry.Set(kept_key, mutator.Allocate<Leaf>(3));
  holder->entry.Set(mutator.Allocate<Leaf>(4), mutator.Allocate<Leaf>(5));
  const std::size_t before = mutator.collections();
  for (int id = 6; id < 30; ++id) mutator.Allocate<Leaf>(id);
  ASSERT_GT(mutator.collections(), before);
  EXPECT_FALSE(holder->entry);
  EXPECT_EQ(holder->entry.value(), nullptr);
  ASSERT_TRUE(kept->entry);
  EXPECT_EQ(kept->entry.key(), kept_key.get());
  EXPECT_EQ(kept->entry.value()->id, 3);
  mutator.CollectGarbage();  // the last few Leaves, allocated since
  EXPECT_EQ(mutator.CountLive<Leaf>(), 4u) << "holder, kept, its key, value";
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

void SetAValueWithoutAKey() {
  Mutator mutator(Manual());
  Pointer<Leaf> value = mutator.Allocate<Leaf>(1);
  Ephemeron<Leaf, Leaf> entry;
  entry.Set(nullptr, value);
}

TEST(EphemeronDeathTest, AValueWithoutAKeyIsRefused) {
  EXPECT_DEATH(SetAValueWithoutAKey(),
               "Ephemeron::Set: a value needs a non-null key");
}

}  // namespace
}  // namespace kamo::mem
