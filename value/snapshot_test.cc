// value/ in heap walks: named edges (car, cdr, vector indices, datum),
// strings and symbols shown by their text, external bytes in self sizes.
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "mem/heap_snapshot.h"
#include "value/heap.h"

namespace kamo::value {
namespace {

TEST(ValueSnapshotTest, RetainerPathsNameCarCdrAndVectorIndices) {
  mem::Mutator mutator;
  Heap heap(mutator);
  mem::Pointer<Symbol> three = heap.Intern("three");
  // #(1 2 (a b three))
  mem::Pointer<Vector> vector = heap.NewVector(
      {Value::Int(1), Value::Int(2),
       heap.List({heap.Intern("a"), heap.Intern("b"), Value(three)})});
  const Symbol* at = three.get();
  three = nullptr;
  auto path = mem::RetainerPath(mutator, at);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(mem::ToString(*path),
            "Pointer<Vector> => Vector.[2] -> Pair.cdr -> Pair.cdr -> "
            "Pair.car -> Symbol");
}

TEST(ValueSnapshotTest, StringsAndSymbolsShowTheirText) {
  mem::Mutator mutator;
  Heap heap(mutator);
  mem::Pointer<Pair> pair =
      heap.NewPair(*heap.NewString("hello"), heap.Intern("world"));
  mem::Pointer<Ephemeron> ephemeron =
      heap.NewEphemeron(Value(pair), Value::Int(7));
  std::ostringstream out;
  ASSERT_TRUE(mem::WriteHeapSnapshot(mutator, out).ok());
  const std::string json = out.str();
  for (const char* s : {"\"hello\"", "\"world\"", "\"car\"", "\"cdr\"",
                        "\"key\"", "\"Pair\"", "\"Ephemeron\""}) {
    EXPECT_NE(json.find(s), std::string::npos) << s << " in " << json;
  }
}

}  // namespace
}  // namespace kamo::value
