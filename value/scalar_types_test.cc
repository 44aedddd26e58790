// String, ByteVector and Symbol (with the weak intern table).
#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "value/heap.h"

namespace kamo::value {
namespace {

class ScalarTypesTest : public ::testing::Test {
 protected:
  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(ScalarTypesTest, StringIsMutableUtf8) {
  mem::Pointer<String> s = *heap_.NewString("h\xC3\xA9");  // hé
  EXPECT_EQ(s->length(), 2u);
  EXPECT_EQ(s->byte_size(), 3u);
  ASSERT_TRUE(s->Push(U'λ').ok());
  ASSERT_TRUE(s->Append("!").ok());
  EXPECT_EQ(s->view(), "h\xC3\xA9\xCE\xBB!");
  EXPECT_EQ(s->length(), 4u);
  s->Clear();
  EXPECT_EQ(s->view(), "");
}

TEST_F(ScalarTypesTest, StringRefusesInvalidUtf8AndChangesNothing) {
  EXPECT_EQ(heap_.NewString("\xFF").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mutator_.CountLive<String>(), 0u);
  mem::Pointer<String> s = *heap_.NewString("ok");
  EXPECT_FALSE(s->Append("\xC0\x80").ok()) << "overlong NUL";
  EXPECT_FALSE(s->Append("\xED\xA0\x80").ok()) << "surrogate";
  EXPECT_FALSE(s->Append("\xF4\x90\x80\x80").ok()) << "past U+10FFFF";
  EXPECT_FALSE(s->Append("\xE2\x82").ok()) << "truncated";
  EXPECT_EQ(s->Push(0xD800).message(),
            "String::Push: U+D800 is not a Unicode scalar value");
  EXPECT_EQ(s->view(), "ok");
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));
}

TEST_F(ScalarTypesTest, ByteVectorGetSetChecked) {
  const std::uint8_t bytes[] = {1, 2, 3};
  mem::Pointer<ByteVector> b = heap_.NewByteVector(bytes);
  EXPECT_EQ(b->size(), 3u);
  EXPECT_EQ(*b->Get(2), 3);
  ASSERT_TRUE(b->Set(0, 255).ok());
  EXPECT_EQ(*b->Get(0), 255);
  EXPECT_EQ(b->Get(3).status().message(),
            "ByteVector::Get: index 3 out of range for a bytevector of 3");
  EXPECT_EQ(b->Set(3, 9).code(), absl::StatusCode::kOutOfRange);
  b->Push(4);
  EXPECT_EQ(std::vector<std::uint8_t>(b->bytes().begin(), b->bytes().end()),
            (std::vector<std::uint8_t>{255, 2, 3, 4}));
}

TEST_F(ScalarTypesTest, InternReturnsTheSameSlotWhileReachable) {
  mem::Pointer<Symbol> a = heap_.Intern("lambda");
  mem::Pointer<Symbol> b = heap_.Intern("lambda");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, heap_.Intern("define"));
  EXPECT_EQ(a->name(), "lambda");
  mutator_.CollectGarbage();
  EXPECT_EQ(heap_.Intern("lambda"), a);
  EXPECT_EQ(mutator_.CountLive<Symbol>(), 1u);
}

TEST_F(ScalarTypesTest, InternedSymbolReachableThroughAPairKeepsItsIdentity) {
  mem::Pointer<Pair> holder = heap_.NewPair(heap_.Intern("quote"), Value());
  const void* address = (*holder->car().AsSymbol()).get();
  mutator_.CollectGarbage();
  EXPECT_EQ(heap_.Intern("quote").get(), address);
}

TEST_F(ScalarTypesTest, TableDoesNotKeepSymbolsAlive) {
  std::vector<mem::Pointer<Symbol>> held = {
      heap_.Intern("temporary"), heap_.Intern(""),
      heap_.Intern(std::string_view("\xFF\x00", 2))};  // any bytes
  EXPECT_EQ(heap_.symbol_count(), 3u);
  held.clear();
  EXPECT_EQ(mutator_.CollectGarbage(), 3u);
  EXPECT_EQ(heap_.symbol_count(), 0u) << "collected symbols leave the table";
  EXPECT_EQ(mutator_.CountLive<Symbol>(), 0u);
}

TEST_F(ScalarTypesTest, SymbolsOfOneNameAreOneEntryUnderPressure) {
  // Many symbols interned and dropped while pressure collections run: the
  // table holds exactly the live ones after each collection.
  mem::Mutator mutator(mem::MutatorOptions{.stress_interval = 3});
  Heap heap(mutator);
  std::vector<mem::Pointer<Symbol>> held;
  for (int i = 0; i < 300; ++i) {
    mem::Pointer<Symbol> symbol = heap.Intern("s" + std::to_string(i % 50));
    if (i % 7 == 0) held.push_back(symbol);
  }
  mutator.CollectGarbage();
  EXPECT_EQ(heap.symbol_count(), mutator.CountLive<Symbol>());
  for (const auto& symbol : held) {
    EXPECT_EQ(heap.Intern(symbol->name()), symbol) << symbol->name();
  }
}

TEST(SymbolTableTest, TheHeapMayGoBeforeItsSymbols) {
  mem::Mutator mutator;
  mem::Pointer<Symbol> kept;  // destroyed before the Mutator
  {
    Heap heap(mutator);
    kept = heap.Intern("kept");
    heap.Intern("dropped");
    EXPECT_EQ(heap.symbol_count(), 2u);
  }
  // The table went first and detached its symbols, so neither the
  // collection that frees "dropped" nor the Mutator's destruction of
  // "kept" touches it (ASan would report the use after free).
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(kept->name(), "kept");
}

TEST_F(ScalarTypesTest, InternAfterCollectionMakesAFreshSymbol) {
  mem::Pointer<Symbol> first = heap_.Intern("x");
  mem::Pointer<Symbol> keep_bucket = heap_.Intern("y");
  first = nullptr;
  EXPECT_EQ(mutator_.CollectGarbage(), 1u);
  EXPECT_EQ(heap_.symbol_count(), 1u);
  mem::Pointer<Symbol> second = heap_.Intern("x");
  EXPECT_EQ(second->name(), "x");
  EXPECT_EQ(heap_.symbol_count(), 2u);
  EXPECT_EQ(heap_.Intern("x"), second);
  EXPECT_EQ(mutator_.CountLive<Symbol>(), 2u);
}

}  // namespace
}  // namespace kamo::value
