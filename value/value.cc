#include "value/value.h"

#include <atomic>
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

// A number that does not fit in a word. Immutable; the words that hold it
// count their references.
struct alignas(16) NumberBox {
  std::atomic<std::uint32_t> refs;
  Tag tag;  // kInt or kFloat
  union {
    std::int64_t i;
    double d;
  };
};
constexpr std::uint64_t kBoxTagBits = 0xC;

const NumberBox* BoxOf(std::uint64_t bits) {
  return reinterpret_cast<const NumberBox*>(bits & ~std::uint64_t{0xF});
}

// +0.0 as a flonum; the double whose rotation would give the same word
// (0x3000000000000000, about 1.7e-77) is boxed.
constexpr std::uint64_t kPositiveZeroBits = 0x8000000000000002;

template <typename T>
std::optional<mem::Pointer<T>> AsHeap(const Value& value, Tag tag) {
  if (value.tag() != tag) return std::nullopt;
  return mem::LockPointer(
      static_cast<T*>(const_cast<void*>(value.heap_address())));
}

}  // namespace

// Every heap type records its tag, and its values' addresses leave the low
// three bits of the word free.
static_assert(Pair::kTypeTag == kHeapTag<Tag::kPair> &&
              Vector::kTypeTag == kHeapTag<Tag::kVector> &&
              String::kTypeTag == kHeapTag<Tag::kString> &&
              Symbol::kTypeTag == kHeapTag<Tag::kSymbol> &&
              ByteVector::kTypeTag == kHeapTag<Tag::kByteVector> &&
              WeakPair::kTypeTag == kHeapTag<Tag::kWeakPair> &&
              Ephemeron::kTypeTag == kHeapTag<Tag::kEphemeron> &&
              Hashtable::kTypeTag == kHeapTag<Tag::kHashtable>);
static_assert(alignof(Pair) >= 8 && alignof(Vector) >= 8 &&
              alignof(String) >= 8 && alignof(Symbol) >= 8 &&
              alignof(ByteVector) >= 8 && alignof(WeakPair) >= 8 &&
              alignof(Ephemeron) >= 8 && alignof(Hashtable) >= 8);
static_assert(sizeof(Value) == 8 && sizeof(Field) == 8);

std::string_view ToString(Tag tag) {
  static constexpr std::array<std::string_view, 13> kNames = {
      "nil",       "boolean",   "char",     "integer", "float",
      "pair",      "vector",    "string",   "symbol",  "bytevector",
      "weak pair", "ephemeron", "hashtable"};
  return mem::EnumName(tag, kNames);
}

Word Word::BoxInt(std::int64_t i) {
  auto* box = new NumberBox{.refs{1}, .tag = Tag::kInt, .i = i};
  return Word(reinterpret_cast<std::uint64_t>(box) | kBoxTagBits);
}

Word Word::FromOtherFloat(double d) {
  if (std::bit_cast<std::uint64_t>(d) == 0) return Word(kPositiveZeroBits);
  auto* box = new NumberBox{.refs{1}, .tag = Tag::kFloat, .d = d};
  return Word(reinterpret_cast<std::uint64_t>(box) | kBoxTagBits);
}

double Word::FlonumValue(std::uint64_t bits) {
  if (bits == kPositiveZeroBits) return 0.0;
  // Bit 63 of the word is exponent bit 60, which tells 011 from 100.
  const std::uint64_t b63 = bits >> 63;
  return std::bit_cast<double>(
      std::rotr((2 - b63) | (bits & ~std::uint64_t{3}), 3));
}

Tag Word::BoxTag(std::uint64_t bits) { return BoxOf(bits)->tag; }
std::int64_t Word::BoxedInt(std::uint64_t bits) { return BoxOf(bits)->i; }
double Word::BoxedFloat(std::uint64_t bits) { return BoxOf(bits)->d; }

void Word::RetainBoxSlow(std::uint64_t bits) {
  const_cast<NumberBox*>(BoxOf(bits))
      ->refs.fetch_add(1, std::memory_order_relaxed);
}

void Field::HoldBoxSlow(std::uint64_t bits, const void* holder) {
  RetainBoxSlow(bits);
  mem::RequestDestructorAt(holder);
}

void Word::ReleaseBoxSlow(std::uint64_t bits) {
  auto* box = const_cast<NumberBox*>(BoxOf(bits));
  if (box->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete box;
}

std::uint64_t Word::immediate_bits() const {
  switch (tag()) {
    case Tag::kBool:
      return *AsBool() ? 1 : 0;
    case Tag::kChar:
      return *AsChar();
    case Tag::kInt:
      return static_cast<std::uint64_t>(*AsInt());
    case Tag::kFloat:
      return std::bit_cast<std::uint64_t>(*AsFloat());
    default:
      return 0;
  }
}

std::optional<Value> Value::Char(char32_t c) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
  return Value(std::uint64_t{c} << 8 | kCharTagBits);
}

std::optional<mem::Pointer<Pair>> Value::AsPair() const& {
  return AsHeap<Pair>(*this, Tag::kPair);
}
std::optional<mem::Pointer<Vector>> Value::AsVector() const& {
  return AsHeap<Vector>(*this, Tag::kVector);
}
std::optional<mem::Pointer<Vector>> Value::AsVector() && {
  return std::move(*this).TakeHeap<Vector>(Tag::kVector);
}
std::optional<mem::Pointer<String>> Value::AsString() const& {
  return AsHeap<String>(*this, Tag::kString);
}
std::optional<mem::Pointer<String>> Value::AsString() && {
  return std::move(*this).TakeHeap<String>(Tag::kString);
}
std::optional<mem::Pointer<Symbol>> Value::AsSymbol() const& {
  return AsHeap<Symbol>(*this, Tag::kSymbol);
}
std::optional<mem::Pointer<Symbol>> Value::AsSymbol() && {
  return std::move(*this).TakeHeap<Symbol>(Tag::kSymbol);
}
std::optional<mem::Pointer<ByteVector>> Value::AsByteVector() const& {
  return AsHeap<ByteVector>(*this, Tag::kByteVector);
}
std::optional<mem::Pointer<ByteVector>> Value::AsByteVector() && {
  return std::move(*this).TakeHeap<ByteVector>(Tag::kByteVector);
}
std::optional<mem::Pointer<WeakPair>> Value::AsWeakPair() const& {
  return AsHeap<WeakPair>(*this, Tag::kWeakPair);
}
std::optional<mem::Pointer<WeakPair>> Value::AsWeakPair() && {
  return std::move(*this).TakeHeap<WeakPair>(Tag::kWeakPair);
}
std::optional<mem::Pointer<Ephemeron>> Value::AsEphemeron() const& {
  return AsHeap<Ephemeron>(*this, Tag::kEphemeron);
}
std::optional<mem::Pointer<Ephemeron>> Value::AsEphemeron() && {
  return std::move(*this).TakeHeap<Ephemeron>(Tag::kEphemeron);
}
std::optional<mem::Pointer<Hashtable>> Value::AsHashtable() const& {
  return AsHeap<Hashtable>(*this, Tag::kHashtable);
}
std::optional<mem::Pointer<Hashtable>> Value::AsHashtable() && {
  return std::move(*this).TakeHeap<Hashtable>(Tag::kHashtable);
}

mem::EphemeronFields EphemeronFieldsOf(const Word& key, const Word& value) {
  // The holder is a managed value under collection, constructed non-const.
  void** key_slot = const_cast<void**>(&key.address_);
  if (!value.is_heap()) return {key_slot, nullptr, nullptr};
  return {key_slot, const_cast<void**>(&value.address_),
          value.ToRoot().trace_fn()};
}

}  // namespace kamo::value
