#include "value/value.h"

#include <bit>
#include <cmath>
#include <limits>

#include "gtest/gtest.h"
#include "value/equal.h"
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

TEST_F(ValueTest, IsOneWord) {
  static_assert(sizeof(Value) == 8 && sizeof(Field) == 8);
  static_assert(sizeof(Pair) == 16, "a Pair's slot is its two words");
}

TEST_F(ValueTest, EveryIntegerRoundTripsFixnumOrBoxed) {
  using Limits = std::numeric_limits<std::int64_t>;
  for (std::int64_t i :
       {std::int64_t{0}, std::int64_t{-1}, Word::kFixnumMin, Word::kFixnumMax,
        Word::kFixnumMin - 1, Word::kFixnumMax + 1, Limits::min(),
        Limits::max(), std::int64_t{1} << 62, -(std::int64_t{1} << 62) - 7}) {
    const Value v = Value::Int(i);
    EXPECT_TRUE(v.IsInt()) << i;
    EXPECT_EQ(v.tag(), Tag::kInt) << i;
    EXPECT_EQ(v.AsInt(), i);
    EXPECT_FALSE(v.IsFloat()) << i;
    EXPECT_FALSE(v.is_heap()) << i;
    EXPECT_EQ(v.immediate_bits(), static_cast<std::uint64_t>(i));
  }
}

TEST_F(ValueTest, EveryDoubleRoundTripsFlonumOrBoxed) {
  using Limits = std::numeric_limits<double>;
  for (double d :
       {0.0, -0.0, 1.0, -1.0, 2.5, 1e-300, 1e300, 1e-77, 1.7272337110188889e-77,
        Limits::min(), Limits::max(), Limits::denorm_min(), Limits::infinity(),
        -Limits::infinity(), 0.1, 1.0 / 3, -123456.789}) {
    const Value v = Value::Float(d);
    EXPECT_TRUE(v.IsFloat()) << d;
    EXPECT_EQ(v.tag(), Tag::kFloat) << d;
    ASSERT_TRUE(v.AsFloat()) << d;
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*v.AsFloat()),
              std::bit_cast<std::uint64_t>(d))
        << d;
    EXPECT_FALSE(v.IsInt()) << d;
  }
  const Value nan = Value::Float(Limits::quiet_NaN());
  EXPECT_TRUE(std::isnan(*nan.AsFloat()));
  // The double whose flonum word would be +0.0's is boxed, not confused.
  const double tricky =
      std::bit_cast<double>(std::uint64_t{0x3000000000000000});
  EXPECT_EQ(*Value::Float(tricky).AsFloat(), tricky);
  EXPECT_EQ(*Value::Float(0.0).AsFloat(), 0.0);
  EXPECT_TRUE(std::signbit(*Value::Float(-0.0).AsFloat()));
}

TEST_F(ValueTest, BoxedNumbersAreSharedByCopiesAndFields) {
  // Boxes are counted: ASan's leak check fails the test if one is lost,
  // and a use after its release is reported.
  const std::int64_t big = std::int64_t{1} << 62;
  Value a = Value::Int(big);
  Value copy = a;
  Value moved = std::move(copy);
  mem::Pointer<Pair> pair = heap_.NewPair(a, Value::Float(1e300));
  a = Value();
  EXPECT_EQ(mutator_.CollectGarbage(), 0u) << "boxes are not managed values";
  EXPECT_EQ(pair->car().AsInt(), big);
  EXPECT_EQ(pair->cdr().AsFloat(), 1e300);
  pair->SetCar(Value::Int(1));
  EXPECT_EQ(moved.AsInt(), big);
  pair = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(moved.AsInt(), big);

  // A Pair's destructor runs only for Pairs that held a box (Field asks
  // for it, mem::RequestDestructorAt); one stored later counts too.
  mem::Pointer<Pair> later = heap_.NewPair(Value::Int(1), Value());
  later->SetCdr(Value::Float(-1e300));
  later->SetCdr(Value());  // the request outlives the box
  later->SetCar(Value::Int(-big - 1));
  later = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
}

TEST_F(ValueTest, NumbersCompareByValueBoxedOrNot) {
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(Eqv(Value::Int(big), Value::Int(big))) << "two boxes";
  EXPECT_EQ(EqHash(Value::Int(big)), EqHash(Value::Int(big)));
  EXPECT_FALSE(Eqv(Value::Int(big), Value::Int(big - 1)));
  EXPECT_TRUE(Eqv(Value::Float(1e300), Value::Float(1e300)));
  EXPECT_FALSE(Eqv(Value::Float(1.0), Value::Int(1)));
  EXPECT_TRUE(
      Equal(heap_.List({Value::Int(big)}), heap_.List({Value::Int(big)})));
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

TEST_F(ValueTest, AValueMadeFromATemporaryPointerTakesItsLock) {
  Value v = heap_.NewPair(Value(), Value());
  EXPECT_EQ(mem::LocksAt(v.heap_address()), 1u);
  mem::Pointer<Pair> pair = *v.AsPair();
  Value moved_in = std::move(pair);
  EXPECT_FALSE(pair);
  EXPECT_EQ(mem::LocksAt(v.heap_address()), 2u);
}

TEST_F(ValueTest, AsOfAnRvalueTakesTheValuesOwnLock) {
  mem::Pointer<Pair> pair =
      heap_.NewPair(heap_.NewPair(Value::Int(7), Value()), Value());
  mem::Pointer<Pair> car = *pair->car().AsPair();
  EXPECT_EQ(car.lock_count(), 1u) << "car()'s lock, moved: no second one";
  EXPECT_EQ(car->car().AsInt(), 7);

  Value v = car;
  EXPECT_EQ(car.lock_count(), 2u);
  std::optional<mem::Pointer<Pair>> taken = std::move(v).AsPair();
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->get(), car.get());
  EXPECT_TRUE(v.IsNil()) << "the Value gave its lock away";
  EXPECT_EQ(car.lock_count(), 2u);
  taken.reset();
  EXPECT_EQ(car.lock_count(), 1u);

  // Of another type: nothing is taken, the Value keeps its lock.
  Value w = car;
  EXPECT_FALSE(std::move(w).AsVector().has_value());
  EXPECT_TRUE(w.IsPair());
  EXPECT_EQ(car.lock_count(), 2u);
  Value n = Value::Int(-3);
  EXPECT_FALSE(std::move(n).AsPair().has_value());
  EXPECT_EQ(n.AsInt(), -3);
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
