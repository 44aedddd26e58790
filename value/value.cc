#include "value/value.h"

#include <bit>
#include <utility>

#include "mem/enum_name.h"
#include "value/bytevector.h"
#include "value/ephemeron.h"
#include "value/hashtable.h"
#include "value/pair.h"
#include "value/string.h"
#include "value/symbol.h"
#include "value/vector.h"
#include "value/weak_pair.h"

namespace kamo::value {
namespace {

template <typename T>
std::optional<mem::Pointer<T>> AsHeap(const Value& value, Tag tag,
                                      void* address) {
  if (value.tag() != tag) return std::nullopt;
  return mem::LockPointer(static_cast<T*>(address));
}

}  // namespace

std::string_view ToString(Tag tag) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "nil",       "boolean",   "char",     "integer", "float",
      "pair",      "vector",    "string",   "symbol",  "bytevector",
      "weak pair", "ephemeron", "hashtable"};
  return mem::EnumName(tag, kNames);
}

std::optional<Value> Value::Char(char32_t c) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
  return Immediate(Tag::kChar, {.c = c});
}

template <typename T>
void Value::SetHeap(Tag tag, const mem::Pointer<T>& pointer) {
  if (!pointer) return;  // nil
  tag_ = tag;
  payload_.heap = pointer.get();
  Lock();
  locked_ = true;
}

Value::Value(const mem::Pointer<Pair>& pair) { SetHeap(Tag::kPair, pair); }
Value::Value(const mem::Pointer<Vector>& vector) {
  SetHeap(Tag::kVector, vector);
}
Value::Value(const mem::Pointer<String>& string) {
  SetHeap(Tag::kString, string);
}
Value::Value(const mem::Pointer<Symbol>& symbol) {
  SetHeap(Tag::kSymbol, symbol);
}
Value::Value(const mem::Pointer<ByteVector>& bytes) {
  SetHeap(Tag::kByteVector, bytes);
}
Value::Value(const mem::Pointer<WeakPair>& pair) {
  SetHeap(Tag::kWeakPair, pair);
}
Value::Value(const mem::Pointer<Ephemeron>& entry) {
  SetHeap(Tag::kEphemeron, entry);
}
Value::Value(const mem::Pointer<Hashtable>& table) {
  SetHeap(Tag::kHashtable, table);
}

std::optional<mem::Pointer<Pair>> Value::AsPair() const {
  return AsHeap<Pair>(*this, Tag::kPair, payload_.heap);
}
std::optional<mem::Pointer<Vector>> Value::AsVector() const {
  return AsHeap<Vector>(*this, Tag::kVector, payload_.heap);
}
std::optional<mem::Pointer<String>> Value::AsString() const {
  return AsHeap<String>(*this, Tag::kString, payload_.heap);
}
std::optional<mem::Pointer<Symbol>> Value::AsSymbol() const {
  return AsHeap<Symbol>(*this, Tag::kSymbol, payload_.heap);
}
std::optional<mem::Pointer<ByteVector>> Value::AsByteVector() const {
  return AsHeap<ByteVector>(*this, Tag::kByteVector, payload_.heap);
}
std::optional<mem::Pointer<WeakPair>> Value::AsWeakPair() const {
  return AsHeap<WeakPair>(*this, Tag::kWeakPair, payload_.heap);
}
std::optional<mem::Pointer<Ephemeron>> Value::AsEphemeron() const {
  return AsHeap<Ephemeron>(*this, Tag::kEphemeron, payload_.heap);
}
std::optional<mem::Pointer<Hashtable>> Value::AsHashtable() const {
  return AsHeap<Hashtable>(*this, Tag::kHashtable, payload_.heap);
}

mem::EphemeronFields EphemeronFieldsOf(const Value& key, const Value& value) {
  // The holder is a managed value under collection, constructed non-const.
  void** key_slot = const_cast<void**>(&key.payload_.heap);
  if (!value.is_heap()) return {key_slot, nullptr, nullptr};
  return {key_slot, const_cast<void**>(&value.payload_.heap),
          value.ToRoot().trace_fn()};
}

std::uint64_t Value::immediate_bits() const {
  switch (tag_) {
    case Tag::kBool:
      return payload_.b ? 1 : 0;
    case Tag::kChar:
      return payload_.c;
    case Tag::kInt:
      return static_cast<std::uint64_t>(payload_.i);
    case Tag::kFloat:
      return std::bit_cast<std::uint64_t>(payload_.d);
    default:
      return 0;
  }
}

const mem::ManagedType Value::kHeapTypes[] = {
    mem::ManagedType::Of<Pair>(),       mem::ManagedType::Of<Vector>(),
    mem::ManagedType::Of<String>(),     mem::ManagedType::Of<Symbol>(),
    mem::ManagedType::Of<ByteVector>(), mem::ManagedType::Of<WeakPair>(),
    mem::ManagedType::Of<Ephemeron>(),  mem::ManagedType::Of<Hashtable>()};

}  // namespace kamo::value
