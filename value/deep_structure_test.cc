// A million-element list and a million-deep car chain print, compare, hash,
// measure and collect without recursion.
#include <string>

#include "gtest/gtest.h"
#include "mem/testing/chain_length.h"
#include "value/equal.h"
#include "value/heap.h"
#include "value/list.h"
#include "value/printer.h"

namespace kamo::value {
namespace {

// A million by default; the sanitizer and stress suites set it lower.
const int kSize = static_cast<int>(mem::testing::ChainLength(1'000'000));

class DeepStructureTest : public ::testing::Test {
 protected:
  // (0 1 2 ... n-1)
  Value LongList() {
    Value list;
    for (int i = kSize - 1; i >= 0; --i) {
      list = heap_.NewPair(Value::Int(i), list);
    }
    return list;
  }
  // ((((... (0) ...))))  nested through the car, kSize deep.
  Value DeepCarChain() {
    Value chain = heap_.NewPair(Value::Int(0), Value());
    for (int i = 1; i < kSize; ++i) chain = heap_.NewPair(chain, Value());
    return chain;
  }

  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(DeepStructureTest, LongList) {
  Value a = LongList();
  Value b = LongList();
  EXPECT_EQ(ListLength(a), static_cast<std::size_t>(kSize));
  EXPECT_TRUE(Equal(a, b));
  EXPECT_EQ(EqualHash(a), EqualHash(b));
  const std::string text = Write(a);
  EXPECT_EQ(text.substr(0, 8), "(0 1 2 3");
  const std::string last = " " + std::to_string(kSize - 1) + ")";
  EXPECT_EQ(text.substr(text.size() - last.size()), last);
  (*a.AsPair())->SetCar(Value::Int(-1));
  EXPECT_FALSE(Equal(a, b));
  a = Value();
  b = Value();
  EXPECT_EQ(mutator_.CollectGarbage(), 2u * kSize);
}

TEST_F(DeepStructureTest, DeepCarChain) {
  Value a = DeepCarChain();
  Value b = DeepCarChain();
  EXPECT_TRUE(Equal(a, b));
  EXPECT_EQ(EqualHash(a), EqualHash(b));
  const std::string text = Write(a);
  EXPECT_EQ(text.size(), 2u * kSize + 1);
  EXPECT_EQ(text.substr(kSize - 2, 5), "((0))");
  EXPECT_EQ(Display(a), text);
  a = Value();
  EXPECT_EQ(mutator_.CollectGarbage(), static_cast<std::size_t>(kSize));
}

}  // namespace
}  // namespace kamo::value
