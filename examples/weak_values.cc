#include <cstdio>

#include "value/heap.h"
#include "value/printer.h"

int main() {
  kamo::mem::Mutator mutator;
  kamo::value::Heap heap(mutator);
  using kamo::value::Value;

  Value key = heap.List({heap.Intern("key")});
  Value other = heap.List({heap.Intern("other")});
  // (weak-cons key 'cdr): the car does not keep `key` alive.
  auto weak = heap.NewWeakPair(key, heap.Intern("cdr"));
  // (make-ephemeron key other): `other` lives while `key` does.
  auto ephemeron = heap.NewEphemeron(key, other);
  // An ephemeron table: 'plist lives while `key` does.
  auto table = heap.NewHashtable(kamo::value::Hashtable::Weakness::kEphemeron);
  table->Set(key, heap.Intern("plist"));
  other = Value();

  mutator.CollectGarbage();  // `key` is held: nothing breaks
  std::printf("%s %s %zu\n", kamo::value::Write(weak->car()).c_str(),
              kamo::value::Write(ephemeron->datum()).c_str(), table->size());
  // Prints: (key) (other) 1

  key = Value();
  mutator.CollectGarbage();  // frees `key`, `other` and 'plist
  std::printf("%s %s %d %zu\n", kamo::value::Write(weak->car()).c_str(),
              kamo::value::Write(ephemeron->datum()).c_str(),
              ephemeron->broken(), table->size());
  // Prints: #f #f 1 0
}
