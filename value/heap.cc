#include "value/heap.h"

#include <utility>

namespace kamo::value {

mem::Pointer<Pair> Heap::NewPair(const Value& car, const Value& cdr) {
  return mutator_.Allocate<Pair>(car, cdr);
}

mem::Pointer<Vector> Heap::NewVector(std::initializer_list<Value> values) {
  return NewVector(std::span(values.begin(), values.size()));
}

mem::Pointer<Vector> Heap::NewVector(std::span<const Value> values) {
  return mutator_.Allocate<Vector>(mutator_, values);
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

mem::Pointer<Symbol> Heap::Intern(std::string_view name) {
  // Debian's Abseil has its own string_view type.
  auto it = symbols_.find(absl::string_view(name.data(), name.size()));
  if (it != symbols_.end()) {
    if (mem::Pointer<Symbol> existing = it->second.Lock()) return existing;
  }
  mem::Pointer<Symbol> symbol = mutator_.Allocate<Symbol>(mutator_, name);
  // The entry goes when the symbol is collected, unless by then the name
  // was interned again (the entry then holds the new symbol).
  mem::Weak<Symbol> weak =
      mutator_.MakeWeak(symbol, [this, key = std::string(name)] {
        auto entry = symbols_.find(key);
        if (entry != symbols_.end() && entry->second.expired()) {
          symbols_.erase(entry);
        }
      });
  symbols_.insert_or_assign(std::string(name), std::move(weak));
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
