// Heap: the Scheme values' constructors on top of a Mutator, and the symbol
// table. One Heap per Mutator: symbols interned through two Heaps are two
// symbols. The Heap must outlive nothing it made (values belong to the
// Mutator) but must not be moved: its table entries call back into it.
#ifndef KAMO_VALUE_HEAP_H_
#define KAMO_VALUE_HEAP_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "mem/mutator.h"
#include "value/bytevector.h"
#include "value/ephemeron.h"
#include "value/hashtable.h"
#include "value/pair.h"
#include "value/string.h"
#include "value/symbol.h"
#include "value/symbol_table.h"
#include "value/value.h"
#include "value/vector.h"
#include "value/view.h"
#include "value/weak_pair.h"

namespace kamo::value {

class Heap {
 public:
  explicit Heap(mem::Mutator& mutator) : mutator_(mutator) {}
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  mem::Mutator& mutator() const { return mutator_; }

  // Inlined into its callers: an interpreter's most frequent allocation.
  [[gnu::always_inline]] mem::Pointer<Pair> NewPair(const Value& car,
                                                    const Value& cdr) {
    return mutator_.Allocate<Pair>(car, cdr);
  }
  // (vector a b ...)
  mem::Pointer<Vector> NewVector(std::initializer_list<Value> values = {});
  mem::Pointer<Vector> NewVector(std::span<const Value> values);
  // (make-vector size fill)
  mem::Pointer<Vector> MakeVector(std::size_t size,
                                  const Value& fill = Value::Nil());
  // Refuses bytes that are not valid UTF-8.
  absl::StatusOr<mem::Pointer<String>> NewString(std::string_view utf8);
  mem::Pointer<ByteVector> NewByteVector(
      std::span<const std::uint8_t> bytes = {});

  // (weak-cons car cdr): the car held weakly (weak_pair.h).
  mem::Pointer<WeakPair> NewWeakPair(const Value& car, const Value& cdr);
  // (make-ephemeron key datum) (ephemeron.h).
  mem::Pointer<Ephemeron> NewEphemeron(const Value& key, const Value& datum);
  // An empty eq?/eqv? hashtable, strong or weak (hashtable.h).
  mem::Pointer<Hashtable> NewHashtable(
      Hashtable::Weakness weakness = Hashtable::Weakness::kStrong);

  // The symbol named `name` (any bytes): the same slot as long as the symbol
  // is reachable, a new one after it was collected.
  mem::Pointer<Symbol> Intern(std::string_view name);
  // Entries in the symbol table (collected symbols leave it).
  std::size_t symbol_count() const { return symbols_.size(); }

  // (list a b c)
  Value List(std::initializer_list<Value> values);
  // (cons* a b tail): (a b . tail)
  Value DottedList(std::initializer_list<Value> values, const Value& tail);
  // A proper list of f(x) for each x in `range`, in order.
  template <std::ranges::input_range Range, typename F>
  Value ListFrom(Range&& range, F&& f) {
    std::vector<Value> values;  // locked while the list is built
    for (auto&& x : range) values.push_back(Value(f(x)));
    return ListOf(values, Value::Nil());
  }

 private:
  Value ListOf(std::span<const Value> values, const Value& tail);

  mem::Mutator& mutator_;
  SymbolTable symbols_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_HEAP_H_
