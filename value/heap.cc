#include "value/heap.h"

#include <utility>

namespace kamo::value {

mem::Pointer<Vector> Heap::NewVector(std::initializer_list<Value> values) {
  return NewVector(std::span(values.begin(), values.size()));
}

mem::Pointer<Vector> Heap::NewVector(std::span<const Value> values) {
  return mutator_.Allocate<Vector>(mutator_, values);
}

mem::Pointer<Vector> Heap::MakeVector(std::size_t size, const Value& fill) {
  return mutator_.Allocate<Vector>(mutator_, size, fill);
}

absl::StatusOr<mem::Pointer<String>> Heap::NewString(std::string_view utf8) {
  if (!IsValidUtf8(utf8)) {
    return absl::InvalidArgumentError(
        "Heap::NewString: the bytes are not valid UTF-8");
  }
  return mutator_.Allocate<String>(mutator_, std::string(utf8));
}

mem::Pointer<ByteVector> Heap::NewByteVector(
    std::span<const std::uint8_t> bytes) {
  return mutator_.Allocate<ByteVector>(mutator_, bytes);
}

mem::Pointer<WeakPair> Heap::NewWeakPair(const Value& car, const Value& cdr) {
  return mutator_.Allocate<WeakPair>(car, cdr);
}

mem::Pointer<Ephemeron> Heap::NewEphemeron(const Value& key,
                                           const Value& datum) {
  return mutator_.Allocate<Ephemeron>(key, datum);
}

mem::Pointer<Hashtable> Heap::NewHashtable(Hashtable::Weakness weakness) {
  return mutator_.Allocate<Hashtable>(mutator_, weakness);
}

mem::Pointer<Symbol> Heap::Intern(std::string_view name) {
  // A Symbol in the table is alive: it leaves the table in the sweep that
  // frees it (symbol_table.h).
  if (Symbol* existing = symbols_.Find(name)) {
    return mem::LockPointer(existing);
  }
  mem::Pointer<Symbol> symbol = mutator_.Allocate<Symbol>(mutator_, name);
  symbols_.Add(symbol.get());
  return symbol;
}

Value Heap::List(std::initializer_list<Value> values) {
  return ListOf(std::span(values.begin(), values.size()), Value::Nil());
}

Value Heap::DottedList(std::initializer_list<Value> values, const Value& tail) {
  return ListOf(std::span(values.begin(), values.size()), tail);
}

Value Heap::ListOf(std::span<const Value> values, const Value& tail) {
  Value list = tail;  // locked: the part built so far survives collections
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    list = Value(NewPair(*it, list));
  }
  return list;
}

}  // namespace kamo::value
