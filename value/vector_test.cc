#include "value/vector.h"

#include <vector>

#include "gtest/gtest.h"
#include "mem/testing/atomic_mode.h"
#include "value/heap.h"
#include "value/printer.h"

namespace kamo::value {
namespace {

class VectorTest : public ::testing::Test {
 protected:
  Value Str(const char* s) { return *heap_.NewString(s); }
  static std::string Text(const Value& v) {
    return std::string((*v.AsString())->view());
  }
  // The vector's strings, in order.
  static std::vector<std::string> Texts(const Vector& vector) {
    std::vector<std::string> out;
    for (Value v : vector) out.push_back(Text(v));
    return out;
  }
  using Texts_t = std::vector<std::string>;

  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(VectorTest, ElementsAreUnlockedInsideAndLockedOutside) {
  mem::Pointer<String> s = *heap_.NewString("a");
  mem::Pointer<Vector> v = heap_.NewVector({s});
  v->Push(s);
  EXPECT_EQ(s.lock_count(), 1u) << "the stored elements hold no lock";
  Value out = *v->Get(0);
  EXPECT_TRUE(out.is_locked());
  EXPECT_EQ(s.lock_count(), 2u);
}

TEST_F(VectorTest, ElementsHeldOnlyInsideSurviveWithContents) {
  mem::Pointer<Vector> v = heap_.NewVector({Str("a"), Str("b")});
  for (int i = 0; i < 100; ++i) v->Push(Str("c"));  // reallocates storage
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(v->size(), 102u);
  EXPECT_EQ(Text(*v->Get(0)), "a");
  EXPECT_EQ(Text(*v->Get(1)), "b");
  EXPECT_EQ(Text(*v->Get(101)), "c");
  for (const Field& stored : v->elements()) {
    EXPECT_EQ(mem::LocksAt(stored.heap_address()), 0u);
  }
}

TEST_F(VectorTest, GetAndSetAreChecked) {
  mem::Pointer<Vector> v = heap_.NewVector({Value::Int(1)});
  absl::StatusOr<Value> bad = v->Get(1);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(bad.status().message(),
            "Vector::Get: index 1 out of range for a vector of 1");
  EXPECT_EQ(v->Set(5, Value::Int(2)).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(v->Exchange(1, Value::Int(2)).status().message(),
            "Vector::Exchange: index 1 out of range for a vector of 1");
  EXPECT_EQ(v->Get(0)->AsInt(), 1) << "a refused Set changes nothing";
  EXPECT_EQ(v->Exchange(0, Value::Int(2))->AsInt(), 1)
      << "Exchange returns the old";
  EXPECT_TRUE(v->Set(0, Value::Int(3)).ok());
  EXPECT_EQ(v->Get(0)->AsInt(), 3);
}

TEST_F(VectorTest, SetDropsTheOldElementWithoutLockingIt) {
  mem::Pointer<Vector> v = heap_.NewVector({Str("old"), Str("kept")});
  EXPECT_TRUE(v->Set(0, Value::Int(1)).ok());
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(v->Get(0)->AsInt(), 1);
  EXPECT_EQ(Text(*v->Get(1)), "kept");
}

TEST_F(VectorTest, MakeVectorFillsEveryElementUnlocked) {
  mem::Pointer<Vector> v = heap_.MakeVector(1000, Str("fill"));
  EXPECT_EQ(v->size(), 1000u);
  const Field& first = v->elements().front();
  EXPECT_EQ(mem::LocksAt(first.heap_address()), 0u);
  // One String, shared by all elements and held by tracing alone.
  EXPECT_EQ(mutator_.CollectGarbage(), 0u);
  EXPECT_EQ(mutator_.CountLive<String>(), 1u);
  EXPECT_EQ(first.heap_address(), v->elements()[999].heap_address());
  EXPECT_EQ(Text(*v->Get(500)), "fill");
  v = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 2u);  // the Vector and its String
  EXPECT_TRUE(heap_.MakeVector(3)->Get(2)->IsNil()) << "nil by default";
}

TEST_F(VectorTest, PushPopInOrder) {
  mem::Pointer<Vector> v = heap_.NewVector();
  EXPECT_FALSE(v->Pop());
  v->Push(Str("a"));
  v->Push(Str("b"));
  EXPECT_EQ(Text(*v->Pop()), "b");
  EXPECT_EQ(Text(*v->Pop()), "a");
  EXPECT_TRUE(v->empty());
}

TEST_F(VectorTest, InsertRemoveAndSwapRemove) {
  mem::Pointer<Vector> v = heap_.NewVector({Str("a"), Str("c")});
  ASSERT_TRUE(v->Insert(1, Str("b")).ok());
  ASSERT_TRUE(v->Insert(3, Str("d")).ok()) << "inserting at size() appends";
  EXPECT_EQ(Texts(*v), (Texts_t{"a", "b", "c", "d"}));
  EXPECT_EQ(v->Insert(5, Str("x")).code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Text(*v->Remove(1)), "b");
  EXPECT_EQ(Texts(*v), (Texts_t{"a", "c", "d"}));
  EXPECT_EQ(Text(*v->SwapRemove(0)), "a");
  EXPECT_EQ(Texts(*v), (Texts_t{"d", "c"}));
  EXPECT_EQ(Text(*v->SwapRemove(1)), "c");
  EXPECT_EQ(Texts(*v), (Texts_t{"d"}));
  EXPECT_EQ(v->Remove(1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(v->SwapRemove(1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(Texts(*v), (Texts_t{"d"})) << "refusals change nothing";
}

TEST_F(VectorTest, TruncateClearRetainReserve) {
  mem::Pointer<Vector> v =
      heap_.NewVector({Value::Int(1), Value::Int(2), Value::Int(3),
                       Value::Int(4), Value::Int(5)});
  v->Retain([](const Value& x) { return *x.AsInt() % 2 == 1; });
  EXPECT_EQ(Write(v), "#(1 3 5)");
  v->Truncate(10);
  EXPECT_EQ(v->size(), 3u);
  v->Truncate(2);
  EXPECT_EQ(Write(v), "#(1 3)");
  v->Reserve(100);
  EXPECT_GE(v->capacity(), 100u);
  v->Clear();
  EXPECT_TRUE(v->empty());
}

TEST_F(VectorTest, EveryRemovalMakesTheOldElementCollectable) {
  mem::Pointer<Vector> v = heap_.NewVector();
  for (const char* s : {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) {
    v->Push(Str(s));
  }
  auto collect = [this] { return mutator_.CollectGarbage(); };
  ASSERT_EQ(collect(), 0u);
  v->Set(0, Value::Int(0)).IgnoreError();
  EXPECT_EQ(collect(), 1u) << "set";
  v->Remove(0).IgnoreError();
  v->SwapRemove(0).IgnoreError();
  EXPECT_EQ(collect(), 1u) << "remove of an int, swap-remove of a string";
  v->Pop();
  EXPECT_EQ(collect(), 1u) << "pop";
  v->Retain([](const Value& x) { return (*x.AsString())->view() != "2"; });
  EXPECT_EQ(collect(), 1u) << "retain";
  v->Truncate(3);
  EXPECT_EQ(collect(), 3u) << "truncate";
  EXPECT_EQ(Texts(*v), (Texts_t{"9", "3", "4"}));
  v->Clear();
  EXPECT_EQ(collect(), 3u) << "clear";
  EXPECT_EQ(mutator_.CountLive<String>(), 0u);
}

TEST_F(VectorTest, VectorContainingItselfIsFreedWhenDropped) {
  {
    mem::Pointer<Vector> v = heap_.NewVector();
    v->Push(v);
    v->Push(heap_.NewVector({v}));
  }
  EXPECT_EQ(mutator_.CollectGarbage(), 2u);
}


// The element storage is external memory: it shows in Stats, drives
// collections without any allocation, and counts against the heap limit.
TEST(VectorExternalMemoryTest, StorageIsCountedAndDrivesCollections) {
  mem::Mutator mutator(mem::MutatorOptions{.stress_interval = 0,
                                           .mode = mem::testing::AtomicMode()});
  Heap heap(mutator);
  mem::Pointer<Vector> vector = heap.NewVector();
  heap.NewPair(Value::Int(1), Value());  // garbage
  // 12.5 million elements, 100 MB of Values, and no allocation after the
  // first two.
  constexpr std::size_t kElements = 12'500'000;
  for (std::size_t i = 0; i < kElements; ++i) vector->Push(Value::Int(1));
  EXPECT_EQ(mutator.external_bytes(), vector->capacity() * sizeof(Value));
  EXPECT_GE(mutator.external_bytes(), kElements * sizeof(Value));
  EXPECT_GE(mutator.collections(), 5u);
  EXPECT_EQ(mutator.CountLive<Pair>(), 0u) << "the growth collected";
  vector = nullptr;
  mutator.CollectGarbage();
  EXPECT_EQ(mutator.external_bytes(), 0u);
}

TEST(VectorExternalMemoryTest, PushPastTheHeapLimitThrowsAndChangesNothing) {
  mem::Mutator mutator(mem::MutatorOptions{.heap_limit_bytes = 1 << 20,
                                           .stress_interval = 0});
  Heap heap(mutator);
  mem::Pointer<Vector> vector = heap.NewVector();
  std::size_t pushed = 0;
  try {
    while (true) {
      vector->Push(Value::Int(static_cast<std::int64_t>(pushed)));
      ++pushed;
    }
  } catch (const mem::HeapLimitExceeded&) {
  }
  EXPECT_EQ(vector->size(), pushed) << "the refused push added nothing";
  EXPECT_EQ(mutator.external_bytes(), vector->capacity() * sizeof(Value));
  EXPECT_LE(mutator.stats().heap_bytes + mutator.external_bytes(), 1u << 20);
  for (std::size_t i = 0; i < pushed; i += 997) {
    EXPECT_EQ((*vector->Get(i)).AsInt(), static_cast<std::int64_t>(i));
  }
}

TEST(StringExternalMemoryTest, AppendCountsAndMayAppendItself) {
  mem::Mutator mutator(mem::MutatorOptions{.stress_interval = 0});
  Heap heap(mutator);
  mem::Pointer<String> s = *heap.NewString("abcdefghijklmnopqrstuvwxyz");
  const std::size_t counted = mutator.external_bytes();
  EXPECT_GE(counted, 27u);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->Append(s->view()).ok());
  EXPECT_EQ(s->byte_size(), 26u << 10);
  EXPECT_EQ(s->view().substr(26, 26), "abcdefghijklmnopqrstuvwxyz");
  EXPECT_GE(mutator.external_bytes(), 26u << 10);
  s = nullptr;
  mutator.CollectGarbage();
  EXPECT_EQ(mutator.external_bytes(), 0u);
}

}  // namespace
}  // namespace kamo::value
