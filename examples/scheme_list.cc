#include <cstdio>

#include "value/heap.h"
#include "value/printer.h"

int main() {
  kamo::mem::Mutator mutator;
  kamo::value::Heap heap(mutator);
  using kamo::value::Value;

  // (define x '(1 "two" three #\4))
  Value list = heap.List({Value::Int(1), *heap.NewString("two"),
                          heap.Intern("three"), *Value::Char(U'4')});
  std::printf("%s\n", kamo::value::Write(list).c_str());

  // Make it circular: (set-cdr! (cdddr x) x)
  Value last = list;
  for (int i = 0; i < 3; ++i) last = (*last.AsPair())->cdr();
  (*last.AsPair())->SetCdr(list);
  std::printf("%s\n", kamo::value::Write(list).c_str());
  // Prints: (1 "two" three #\4)
  // Prints: #0=(1 "two" three #\4 . #0#)
}
