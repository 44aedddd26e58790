#include "value/printer.h"

#include <limits>

#include "gtest/gtest.h"
#include "value/heap.h"
#include "value/list.h"

namespace kamo::value {
namespace {

class PrinterTest : public ::testing::Test {
 protected:
  Value Int(int i) { return Value::Int(i); }
  Value Str(const char* s) { return *heap_.NewString(s); }
  Value Chr(char32_t c) { return *Value::Char(c); }
  Value Sym(std::string_view s) { return heap_.Intern(s); }

  mem::Mutator mutator_;
  Heap heap_{mutator_};
};

TEST_F(PrinterTest, Immediates) {
  EXPECT_EQ(Write(Value()), "()");
  EXPECT_EQ(Write(Value::Bool(true)), "#t");
  EXPECT_EQ(Write(Value::Bool(false)), "#f");
  EXPECT_EQ(Write(Int(-12)), "-12");
  EXPECT_EQ(Write(Value::Int(std::numeric_limits<std::int64_t>::min())),
            "-9223372036854775808");
  EXPECT_EQ(Write(Value::Float(1.5)), "1.5");
  EXPECT_EQ(Write(Value::Float(2)), "2.0");
  EXPECT_EQ(Write(Value::Float(-0.0)), "-0.0");
  EXPECT_EQ(Write(Value::Float(1e300)), "1e+300");
  EXPECT_EQ(Write(Value::Float(std::numeric_limits<double>::infinity())),
            "+inf.0");
  EXPECT_EQ(Write(Value::Float(-std::numeric_limits<double>::infinity())),
            "-inf.0");
  EXPECT_EQ(Write(Value::Float(std::nan(""))), "+nan.0");
}

TEST_F(PrinterTest, CharactersWriteEscapedAndDisplayRaw) {
  EXPECT_EQ(Write(Chr(U'a')), "#\\a");
  EXPECT_EQ(Write(Chr(U' ')), "#\\space");
  EXPECT_EQ(Write(Chr(U'\n')), "#\\newline");
  EXPECT_EQ(Write(Chr(U'\t')), "#\\tab");
  EXPECT_EQ(Write(Chr(0)), "#\\null");
  EXPECT_EQ(Write(Chr(0x7F)), "#\\delete");
  EXPECT_EQ(Write(Chr(0x1B)), "#\\escape");
  EXPECT_EQ(Write(Chr(0x01)), "#\\x1");
  EXPECT_EQ(Write(Chr(0x85)), "#\\x85");
  EXPECT_EQ(Write(Chr(U'λ')), "#\\\xCE\xBB");
  EXPECT_EQ(Display(Chr(U'a')), "a");
  EXPECT_EQ(Display(Chr(U'λ')), "\xCE\xBB");
}

TEST_F(PrinterTest, StringsWriteEscapedAndDisplayRaw) {
  Value s = Str("a\"b\\c\nd\te\x01 \xCE\xBB");
  EXPECT_EQ(Write(s), "\"a\\\"b\\\\c\\nd\\te\\x1; \xCE\xBB\"");
  EXPECT_EQ(Display(s), "a\"b\\c\nd\te\x01 \xCE\xBB");
  EXPECT_EQ(Write(Str("")), "\"\"");
}

TEST_F(PrinterTest, SymbolsNeedingItAreWrittenWithBars) {
  EXPECT_EQ(Write(Sym("lambda")), "lambda");
  EXPECT_EQ(Write(Sym("set-car!")), "set-car!");
  EXPECT_EQ(Write(Sym("+")), "+");
  EXPECT_EQ(Write(Sym("...")), "...");
  EXPECT_EQ(Write(Sym("->x")), "->x");
  EXPECT_EQ(Write(Sym("\xCE\xBB")), "\xCE\xBB");
  EXPECT_EQ(Write(Sym("")), "||");
  EXPECT_EQ(Write(Sym("hello world")), "|hello world|");
  EXPECT_EQ(Write(Sym("a|b")), "|a\\|b|");
  EXPECT_EQ(Write(Sym("a\\b")), "|a\\\\b|");
  EXPECT_EQ(Write(Sym("(")), "|(|");
  EXPECT_EQ(Write(Sym("1abc")), "|1abc|");
  EXPECT_EQ(Write(Sym("-5")), "|-5|");
  EXPECT_EQ(Write(Sym("+.5")), "|+.5|");
  EXPECT_EQ(Write(Sym(".5")), "|.5|");
  EXPECT_EQ(Write(Sym(".")), "|.|");
  EXPECT_EQ(Write(Sym("+inf.0")), "|+inf.0|");
  EXPECT_EQ(Write(Sym("#foo")), "|#foo|");
  EXPECT_EQ(Write(Sym("tab\there")), "|tab\\x9;here|");
  EXPECT_EQ(Write(Sym(std::string_view("\xFF"
                                       "a",
                                       2))),
            "|\\xFF;a|");
  EXPECT_EQ(Display(Sym("hello world")), "hello world");
}

TEST_F(PrinterTest, CompoundValues) {
  const std::uint8_t bytes[] = {0, 17, 255};
  EXPECT_EQ(Write(heap_.List({Int(1), Str("s"), Sym("x")})), "(1 \"s\" x)");
  EXPECT_EQ(Display(heap_.List({Int(1), Str("s"), Sym("x")})), "(1 s x)");
  EXPECT_EQ(Write(heap_.NewPair(Int(1), Int(2))), "(1 . 2)");
  EXPECT_EQ(Write(heap_.List({heap_.List({}), heap_.List({Int(1)})})),
            "(() (1))");
  EXPECT_EQ(Write(heap_.NewVector()), "#()");
  EXPECT_EQ(Write(heap_.NewVector({Int(1), heap_.NewVector({Int(2)})})),
            "#(1 #(2))");
  EXPECT_EQ(Write(heap_.NewByteVector(bytes)), "#u8(0 17 255)");
  EXPECT_EQ(Write(heap_.NewByteVector()), "#u8()");
}

TEST_F(PrinterTest, CircularListGetsALabel) {
  Value list = heap_.List({Int(1), Int(2), Int(3)});
  (*Cddr(list)->AsPair())->SetCdr(list);
  EXPECT_EQ(Write(list), "#0=(1 2 3 . #0#)");
}

TEST_F(PrinterTest, CycleThroughTheCarGetsALabel) {
  mem::Pointer<Pair> pair = heap_.NewPair(Value(), Value());
  pair->SetCar(pair);
  EXPECT_EQ(Write(pair), "#0=(#0#)");
}

TEST_F(PrinterTest, SharedStructureGetsLabels) {
  Value shared = heap_.List({Int(1), Int(2)});
  Value outer = heap_.List({shared, shared, heap_.NewVector({shared})});
  EXPECT_EQ(Write(outer), "(#0=(1 2) #0# #(#0#))");
}

TEST_F(PrinterTest, SharedTailIsWrittenDotted) {
  Value tail = heap_.List({Int(3)});
  Value a = heap_.DottedList({Int(1)}, tail);
  Value both = heap_.List({a, tail});
  EXPECT_EQ(Write(both), "((1 . #0=(3)) #0#)");
}

TEST_F(PrinterTest, SelfContainingVectorGetsALabel) {
  mem::Pointer<Vector> v = heap_.NewVector({Int(1)});
  v->Push(v);
  EXPECT_EQ(Write(v), "#0=#(1 #0#)");
}

TEST_F(PrinterTest, SeveralLabelsNumberInPrintOrder) {
  Value a = heap_.List({Int(1)});
  Value b = heap_.List({Int(2)});
  EXPECT_EQ(Write(heap_.List({b, a, b, a})), "(#0=(2) #1=(1) #0# #1#)");
}

}  // namespace
}  // namespace kamo::value
