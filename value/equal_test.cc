#include "value/equal.h"

#include <cmath>

#include "gtest/gtest.h"
#include "value/heap.h"
#include "value/list.h"

namespace kamo::value {
namespace {

class EqualTest : public ::testing::Test {
 protected:
  Value Int(int i) { return Value::Int(i); }
  Value Str(const char* s) { return *heap_.NewString(s); }
  // A circular list of `n` copies of `element`.
  Value Ring(int n, const Value& element) {
    Value first = heap_.NewPair(element, Value());
    Value last = first;
    for (int i = 1; i < n; ++i) {
      Value next = heap_.NewPair(element, Value());
      (*last.AsPair())->SetCdr(next);
      last = next;
    }
    (*last.AsPair())->SetCdr(first);
    return first;
  }
  void ExpectEqualWithEqualHash(const Value& a, const Value& b) {
    EXPECT_TRUE(Equal(a, b));
    EXPECT_TRUE(Equal(b, a));
    EXPECT_EQ(EqualHash(a), EqualHash(b));
  }

  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(EqualTest, EqIsIdentity) {
  Value a = Str("x");
  Value b = Str("x");
  EXPECT_TRUE(Eq(a, a));
  EXPECT_FALSE(Eq(a, b));
  EXPECT_TRUE(Eq(Int(3), Int(3)));
  EXPECT_FALSE(Eq(Int(3), Value::Float(3)));
  EXPECT_TRUE(Eq(heap_.Intern("s"), heap_.Intern("s")));
  EXPECT_TRUE(Eq(Value(), Value()));
  EXPECT_FALSE(Eq(Value(), Value::Bool(false)));
  EXPECT_EQ(EqHash(a), EqHash(Value(a)));
  EXPECT_EQ(EqHash(Int(3)), EqHash(Int(3)));
  EXPECT_TRUE(Eqv(*Value::Char(U'a'), *Value::Char(U'a')));
  EXPECT_FALSE(Eqv(Value::Float(0.0), Value::Float(-0.0)));
}

TEST_F(EqualTest, StructuralOnPairsVectorsStringsAndBytes) {
  const std::uint8_t bytes[] = {1, 2};
  Value a = heap_.List({Int(1), Str("two"), heap_.NewVector({Int(3)}),
                        heap_.NewByteVector(bytes)});
  Value b = heap_.List({Int(1), Str("two"), heap_.NewVector({Int(3)}),
                        heap_.NewByteVector(bytes)});
  EXPECT_FALSE(Eq(a, b));
  ExpectEqualWithEqualHash(a, b);
  EXPECT_FALSE(Equal(a, heap_.List({Int(1), Str("two")})));
  EXPECT_FALSE(Equal(heap_.NewVector({Int(1)}), heap_.NewVector({Int(2)})));
  EXPECT_FALSE(Equal(heap_.NewVector({Int(1)}), heap_.NewVector()));
  EXPECT_FALSE(Equal(Str("a"), Str("b")));
  EXPECT_FALSE(Equal(heap_.Intern("a"), heap_.Intern("b")));
  EXPECT_FALSE(Equal(Int(1), Value::Float(1)));
  EXPECT_FALSE(Equal(Str("a"), heap_.Intern("a")));
}

TEST_F(EqualTest, SharedAndUnsharedStructureAreEqual) {
  Value shared = heap_.List({Int(1), Int(2)});
  Value a = heap_.List({shared, shared});
  Value b =
      heap_.List({heap_.List({Int(1), Int(2)}), heap_.List({Int(1), Int(2)})});
  ExpectEqualWithEqualHash(a, b);
}

TEST_F(EqualTest, CircularListsTerminate) {
  Value one = Ring(1, Int(7));
  Value two = Ring(2, Int(7));
  Value other = Ring(2, Int(8));
  ExpectEqualWithEqualHash(one, two);  // the same infinite list
  EXPECT_FALSE(Equal(one, other));
  EXPECT_FALSE(Equal(one, heap_.List({Int(7), Int(7)})));
}

TEST_F(EqualTest, CircularVectorsTerminate) {
  mem::Pointer<Vector> a = heap_.NewVector({Int(1)});
  a->Push(a);
  mem::Pointer<Vector> b = heap_.NewVector({Int(1)});
  b->Push(b);
  ExpectEqualWithEqualHash(a, b);
  b->Set(0, Int(2)).IgnoreError();
  EXPECT_FALSE(Equal(a, b));
}

TEST_F(EqualTest, HashDiffersForDifferentSmallValues) {
  EXPECT_NE(EqualHash(heap_.List({Int(1), Int(2)})),
            EqualHash(heap_.List({Int(2), Int(1)})));
  EXPECT_NE(EqualHash(Str("a")), EqualHash(Str("b")));
  EXPECT_NE(EqualHash(Int(1)), EqualHash(Value::Float(1)));
}

}  // namespace
}  // namespace kamo::value
