#include "value/value.h"

#include <bit>
#include <utility>

#include "mem/internal/enum_name.h"
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

// Calls `f` with a null pointer of the managed type a heap tag stands for.
template <typename F>
decltype(auto) WithHeapType(Tag tag, F&& f) {
  switch (tag) {
    case Tag::kPair:
      return f(static_cast<Pair*>(nullptr));
    case Tag::kVector:
      return f(static_cast<Vector*>(nullptr));
    case Tag::kString:
      return f(static_cast<String*>(nullptr));
    case Tag::kSymbol:
      return f(static_cast<Symbol*>(nullptr));
    case Tag::kWeakPair:
      return f(static_cast<WeakPair*>(nullptr));
    case Tag::kEphemeron:
      return f(static_cast<Ephemeron*>(nullptr));
    case Tag::kHashtable:
      return f(static_cast<Hashtable*>(nullptr));
    default:
      return f(static_cast<ByteVector*>(nullptr));
  }
}

template <typename T>
std::optional<mem::Pointer<T>> AsHeap(const Value& value, Tag tag,
                                      void* address) {
  if (value.tag() != tag) return std::nullopt;
  return mem::internal::LockedPointer(static_cast<T*>(address));
}

template <typename T>
const T* ObjectOrNull(const Value& value, Tag tag, void* address) {
  if (value.tag() != tag) return nullptr;
  return static_cast<const T*>(address);
}

}  // namespace

std::string_view ToString(Tag tag) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "nil",       "boolean",   "char",     "integer", "float",
      "pair",      "vector",    "string",   "symbol",  "bytevector",
      "weak pair", "ephemeron", "hashtable"};
  return mem::internal::EnumName(tag, kNames);
}

Value Value::Bool(bool b) {
  Value v;
  v.tag_ = Tag::kBool;
  v.payload_.b = b;
  return v;
}

Value Value::Int(std::int64_t i) {
  Value v;
  v.tag_ = Tag::kInt;
  v.payload_.i = i;
  return v;
}

Value Value::Float(double d) {
  Value v;
  v.tag_ = Tag::kFloat;
  v.payload_.d = d;
  return v;
}

std::optional<Value> Value::Char(char32_t c) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
  Value v;
  v.tag_ = Tag::kChar;
  v.payload_.c = c;
  return v;
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

std::string_view Value::HeapTypeName(Tag tag) {
  return WithHeapType(
      tag, []<typename T>(T*) { return mem::internal::TypeName<T>(); });
}

std::optional<bool> Value::AsBool() const {
  if (tag_ != Tag::kBool) return std::nullopt;
  return payload_.b;
}
std::optional<char32_t> Value::AsChar() const {
  if (tag_ != Tag::kChar) return std::nullopt;
  return payload_.c;
}
std::optional<std::int64_t> Value::AsInt() const {
  if (tag_ != Tag::kInt) return std::nullopt;
  return payload_.i;
}
std::optional<double> Value::AsFloat() const {
  if (tag_ != Tag::kFloat) return std::nullopt;
  return payload_.d;
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

mem::internal::EphemeronFields EphemeronFieldsOf(const Value& key,
                                                 const Value& value) {
  // The holder is a managed value under collection, constructed non-const.
  void** key_slot = const_cast<void**>(&key.payload_.heap);
  if (!value.is_heap()) return {key_slot, nullptr, nullptr};
  return {key_slot, const_cast<void**>(&value.payload_.heap),
          value.ToRoot().trace_fn()};
}

const Pair* Value::PairOrNull() const {
  return ObjectOrNull<Pair>(*this, Tag::kPair, payload_.heap);
}
const Vector* Value::VectorOrNull() const {
  return ObjectOrNull<Vector>(*this, Tag::kVector, payload_.heap);
}
const String* Value::StringOrNull() const {
  return ObjectOrNull<String>(*this, Tag::kString, payload_.heap);
}
const Symbol* Value::SymbolOrNull() const {
  return ObjectOrNull<Symbol>(*this, Tag::kSymbol, payload_.heap);
}
const ByteVector* Value::ByteVectorOrNull() const {
  return ObjectOrNull<ByteVector>(*this, Tag::kByteVector, payload_.heap);
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

// Value::SlotIndex assumes every heap type is aligned like a pointer.
static_assert(alignof(Pair) == alignof(void*) &&
              alignof(Vector) == alignof(void*) &&
              alignof(String) == alignof(void*) &&
              alignof(Symbol) == alignof(void*) &&
              alignof(ByteVector) == alignof(void*) &&
              alignof(WeakPair) == alignof(void*) &&
              alignof(Ephemeron) == alignof(void*) &&
              alignof(Hashtable) == alignof(void*));
const std::uint64_t Value::kSlotReciprocals[] = {
    mem::internal::BucketHeader::SlotReciprocal(sizeof(Pair)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(Vector)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(String)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(Symbol)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(ByteVector)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(WeakPair)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(Ephemeron)),
    mem::internal::BucketHeader::SlotReciprocal(sizeof(Hashtable))};

const mem::Root::TraceFn Value::kTraceFns[] = {
    &mem::internal::TraceAs<Pair>,       &mem::internal::TraceAs<Vector>,
    &mem::internal::TraceAs<String>,     &mem::internal::TraceAs<Symbol>,
    &mem::internal::TraceAs<ByteVector>, &mem::internal::TraceAs<WeakPair>,
    &mem::internal::TraceAs<Ephemeron>,  &mem::internal::TraceAs<Hashtable>};

}  // namespace kamo::value
