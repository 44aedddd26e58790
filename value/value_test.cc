#include "value/value.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "value/heap.h"

namespace kamo::value {
namespace {

class ValueTest : public ::testing::Test {
 protected:
  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(ValueTest, DefaultIsNil) {
  Value v;
  EXPECT_TRUE(v.IsNil());
  EXPECT_EQ(v.tag(), Tag::kNil);
  EXPECT_FALSE(v.is_heap());
  EXPECT_FALSE(v.is_locked());
  EXPECT_TRUE(v.IsTrue()) << "only #f is false in Scheme";
}

TEST_F(ValueTest, ImmediatesRoundTripThroughTheirAccessors) {
  EXPECT_EQ(Value::Bool(true).AsBool(), true);
  EXPECT_EQ(Value::Bool(false).AsBool(), false);
  EXPECT_FALSE(Value::Bool(false).IsTrue());
  EXPECT_EQ(Value::Int(-42).AsInt(), -42);
  EXPECT_EQ(Value::Int(std::numeric_limits<std::int64_t>::min()).AsInt(),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(Value::Float(2.5).AsFloat(), 2.5);
  EXPECT_EQ(Value::Char(U'λ')->AsChar(), U'λ');
  EXPECT_EQ(Value::Char(0x10FFFF)->AsChar(), char32_t{0x10FFFF});
}

TEST_F(ValueTest, CharRefusesNonScalarValues) {
  EXPECT_FALSE(Value::Char(0xD800).has_value());
  EXPECT_FALSE(Value::Char(0xDFFF).has_value());
  EXPECT_FALSE(Value::Char(0x110000).has_value());
  EXPECT_TRUE(Value::Char(0xE000).has_value());
}

TEST_F(ValueTest, WrongTypeAccessGivesNullopt) {
  Value i = Value::Int(1);
  EXPECT_FALSE(i.AsBool());
  EXPECT_FALSE(i.AsFloat());
  EXPECT_FALSE(i.AsChar());
  EXPECT_FALSE(i.AsPair());
  EXPECT_FALSE(i.AsString());
  EXPECT_EQ(i.PairOrNull(), nullptr);
  Value pair = heap_.NewPair(Value::Int(1), Value());
  EXPECT_FALSE(pair.AsInt());
  EXPECT_FALSE(pair.AsVector());
  EXPECT_FALSE(pair.AsSymbol());
  EXPECT_FALSE(pair.AsByteVector());
  EXPECT_TRUE(pair.AsPair());
  EXPECT_EQ(mutator_.CountLive<Pair>(), 1u);
}

TEST_F(ValueTest, PredicatesMatchTags) {
  Value values[] = {
      Value(),
      Value::Bool(true),
      *Value::Char(U'a'),
      Value::Int(1),
      Value::Float(1),
      heap_.NewPair(Value(), Value()),
      heap_.NewVector(),
      *heap_.NewString("s"),
      heap_.Intern("sym"),
      heap_.NewByteVector(),
  };
  for (int i = 0; i < 10; ++i) {
    const Value& v = values[i];
    EXPECT_EQ(static_cast<int>(v.tag()), i) << ToString(v.tag());
    EXPECT_EQ(v.IsNil(), i == 0);
    EXPECT_EQ(v.IsBool(), i == 1);
    EXPECT_EQ(v.IsChar(), i == 2);
    EXPECT_EQ(v.IsInt(), i == 3);
    EXPECT_EQ(v.IsFloat(), i == 4);
    EXPECT_EQ(v.IsPair(), i == 5);
    EXPECT_EQ(v.IsVector(), i == 6);
    EXPECT_EQ(v.IsString(), i == 7);
    EXPECT_EQ(v.IsSymbol(), i == 8);
    EXPECT_EQ(v.IsByteVector(), i == 9);
    EXPECT_EQ(v.is_heap(), i >= 5);
    EXPECT_EQ(v.is_locked(), i >= 5);
  }
}

TEST_F(ValueTest, HeapValueHoldsOneLockAndCopiesLockAgain) {
  mem::Pointer<Pair> pair = heap_.NewPair(Value(), Value());
  EXPECT_EQ(pair.lock_count(), 1u);
  {
    Value v = pair;
    EXPECT_TRUE(v.is_locked());
    EXPECT_EQ(pair.lock_count(), 2u);
    Value copy = v;
    EXPECT_EQ(pair.lock_count(), 3u);
    Value moved = std::move(copy);
    EXPECT_EQ(pair.lock_count(), 3u) << "a move transfers the lock";
    EXPECT_TRUE(moved.is_locked());
    moved = Value::Int(3);
    EXPECT_EQ(pair.lock_count(), 2u);
  }
  EXPECT_EQ(pair.lock_count(), 1u);
}

TEST_F(ValueTest, ALockedValueIsARoot) {
  Value v = *heap_.NewString("kept");
  heap_.NewString("dropped").value();
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ((*v.AsString())->view(), "kept");
}

TEST_F(ValueTest, NullPointerGivesNil) {
  Value v = mem::Pointer<Pair>();
  EXPECT_TRUE(v.IsNil());
}

}  // namespace
}  // namespace kamo::value
