// Value: a Scheme datum. Either an immediate (nil, boolean, character,
// 64-bit integer, double) or a reference to a managed Pair, Vector, String,
// Symbol, ByteVector, WeakPair, Ephemeron or Hashtable.
//
// A Value that refers to the heap carries its own locked/unlocked state:
//   - every Value that C++ code gets from this library is locked (a root);
//     copying it gives another locked Value, destroying it unlocks;
//   - a Value stored inside a Pair or Vector is unlocked and reached by
//     tracing; only those containers, and View (a borrowed value, view.h),
//     make unlocked Values, and they hand out locked copies.
// Moving a Value keeps its state; so an unlocked Value never leaves its
// container, and a locked one moves its lock.
#ifndef KAMO_VALUE_VALUE_H_
#define KAMO_VALUE_VALUE_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "mem/handle.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::value {

class Pair;
class Vector;
class String;
class Symbol;
class ByteVector;
class WeakPair;
class Ephemeron;
class Hashtable;

enum class Tag : std::uint8_t {
  kNil,
  kBool,
  kChar,
  kInt,
  kFloat,
  kPair,
  kVector,
  kString,
  kSymbol,
  kByteVector,
  kWeakPair,
  kEphemeron,
  kHashtable,
};

std::string_view ToString(Tag tag);

class Value {
 public:
  // Nil, the empty list.
  Value() = default;
  static Value Nil() { return Value(); }
  static Value Bool(bool b) { return Immediate(Tag::kBool, {.b = b}); }
  static Value Int(std::int64_t i) { return Immediate(Tag::kInt, {.i = i}); }
  static Value Float(double d) { return Immediate(Tag::kFloat, {.d = d}); }
  // A character, if `c` is a Unicode scalar value (not a surrogate, at most
  // U+10FFFF); nullopt otherwise.
  static std::optional<Value> Char(char32_t c);

  // References to managed values; a null Pointer gives nil.
  Value(const mem::Pointer<Pair>& pair);         // NOLINT: implicit.
  Value(const mem::Pointer<Vector>& vector);     // NOLINT: implicit.
  Value(const mem::Pointer<String>& string);     // NOLINT: implicit.
  Value(const mem::Pointer<Symbol>& symbol);     // NOLINT: implicit.
  Value(const mem::Pointer<ByteVector>& bytes);  // NOLINT: implicit.
  Value(const mem::Pointer<WeakPair>& pair);     // NOLINT: implicit.
  Value(const mem::Pointer<Ephemeron>& entry);   // NOLINT: implicit.
  Value(const mem::Pointer<Hashtable>& table);   // NOLINT: implicit.

  // A locked copy.
  Value(const Value& other)
      : tag_(other.tag_), locked_(other.is_heap()), payload_(other.payload_) {
    if (locked_) Lock();
  }
  Value(Value&& other) noexcept
      : tag_(std::exchange(other.tag_, Tag::kNil)),
        locked_(std::exchange(other.locked_, false)),
        payload_(std::exchange(other.payload_, Payload{.i = 0})) {}
  Value& operator=(const Value& other) {
    Value copy(other);
    return *this = std::move(copy);
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      if (locked_) Unlock();
      tag_ = std::exchange(other.tag_, Tag::kNil);
      locked_ = std::exchange(other.locked_, false);
      payload_ = std::exchange(other.payload_, Payload{.i = 0});
    }
    return *this;
  }
  ~Value() {
    if (locked_) Unlock();
  }

  Tag tag() const { return tag_; }
  bool is_heap() const { return tag_ >= Tag::kPair; }
  // Whether this Value holds a lock (false for immediates).
  bool is_locked() const { return locked_; }

  bool IsNil() const { return tag_ == Tag::kNil; }
  bool IsBool() const { return tag_ == Tag::kBool; }
  bool IsChar() const { return tag_ == Tag::kChar; }
  bool IsInt() const { return tag_ == Tag::kInt; }
  bool IsFloat() const { return tag_ == Tag::kFloat; }
  bool IsPair() const { return tag_ == Tag::kPair; }
  bool IsVector() const { return tag_ == Tag::kVector; }
  bool IsString() const { return tag_ == Tag::kString; }
  bool IsSymbol() const { return tag_ == Tag::kSymbol; }
  bool IsByteVector() const { return tag_ == Tag::kByteVector; }
  bool IsWeakPair() const { return tag_ == Tag::kWeakPair; }
  bool IsEphemeron() const { return tag_ == Tag::kEphemeron; }
  bool IsHashtable() const { return tag_ == Tag::kHashtable; }
  // Scheme truth: everything but #f is true.
  bool IsTrue() const { return !(tag_ == Tag::kBool && !payload_.b); }

  // Typed accessors: the value, or nullopt if this Value has another type.
  // (Inline: an out-of-line std::optional return costs a failed store
  // forwarding, a third of a borrowed list walk's time.)
  std::optional<bool> AsBool() const {
    return tag_ == Tag::kBool ? std::optional(payload_.b) : std::nullopt;
  }
  std::optional<char32_t> AsChar() const {
    return tag_ == Tag::kChar ? std::optional(payload_.c) : std::nullopt;
  }
  std::optional<std::int64_t> AsInt() const {
    return tag_ == Tag::kInt ? std::optional(payload_.i) : std::nullopt;
  }
  std::optional<double> AsFloat() const {
    return tag_ == Tag::kFloat ? std::optional(payload_.d) : std::nullopt;
  }
  std::optional<mem::Pointer<Pair>> AsPair() const;
  std::optional<mem::Pointer<Vector>> AsVector() const;
  std::optional<mem::Pointer<String>> AsString() const;
  std::optional<mem::Pointer<Symbol>> AsSymbol() const;
  std::optional<mem::Pointer<ByteVector>> AsByteVector() const;
  std::optional<mem::Pointer<WeakPair>> AsWeakPair() const;
  std::optional<mem::Pointer<Ephemeron>> AsEphemeron() const;
  std::optional<mem::Pointer<Hashtable>> AsHashtable() const;

  // Unchecked access to a heap value's object, for the library's iterative
  // algorithms: valid while this Value (or what holds it) is reachable.
  // Null when the tag differs.
  const Pair* PairOrNull() const { return ObjectOrNull<Pair>(Tag::kPair); }
  const Vector* VectorOrNull() const {
    return ObjectOrNull<Vector>(Tag::kVector);
  }
  const String* StringOrNull() const {
    return ObjectOrNull<String>(Tag::kString);
  }
  const Symbol* SymbolOrNull() const {
    return ObjectOrNull<Symbol>(Tag::kSymbol);
  }
  const ByteVector* ByteVectorOrNull() const {
    return ObjectOrNull<ByteVector>(Tag::kByteVector);
  }

  // The address of a heap value (null for immediates): its identity.
  const void* heap_address() const {
    return is_heap() ? payload_.heap : nullptr;
  }
  // The raw payload bits of an immediate (0 for nil), for hashing.
  std::uint64_t immediate_bits() const;

  // A heap value held weakly in a container (WeakPair, Ephemeron, a weak
  // Hashtable) that a collection found unreachable: its address was
  // cleared, and the container reads it as gone.
  bool is_cleared() const { return is_heap() && payload_.heap == nullptr; }

  // The root of a heap value, empty for an immediate.
  mem::Root ToRoot() const {
    if (!is_heap()) return mem::Root();
    return HeapType().RootAt(payload_.heap);
  }

 private:
  friend class Pair;
  friend class Vector;
  friend class WeakPair;
  friend class Ephemeron;
  friend class Hashtable;
  friend class WeakValueRef;
  friend class View;
  friend mem::EphemeronFields EphemeronFieldsOf(const Value& key,
                                                const Value& value);

  // An unlocked copy, for storage inside the container at `holder`; debug
  // builds stop if the value belongs to another Mutator's heap.
  static Value Stored(const void* holder, const Value& value) {
    mem::CheckStore(holder, value.heap_address());
    return Unlocked(value);
  }
  // An unlocked copy, for storage inside a container.
  static Value Unlocked(const Value& value) {
    Value v;
    v.tag_ = value.tag_;
    v.payload_ = value.payload_;
    return v;
  }

  union Payload {
    bool b;
    char32_t c;
    std::int64_t i;
    double d;
    void* heap;  // the managed value's address
  };
  static Value Immediate(Tag tag, Payload payload) {
    Value v;
    v.tag_ = tag;
    v.payload_ = payload;
    return v;
  }

  template <typename T>
  const T* ObjectOrNull(Tag tag) const {
    return tag_ == tag ? static_cast<const T*>(payload_.heap) : nullptr;
  }

  // Misuse messages name the managed type.
  void Lock() const { HeapType().Lock(payload_.heap); }
  void Unlock() const { HeapType().Unlock(payload_.heap); }
  // The managed type of a heap value, from its tag.
  const mem::ManagedType& HeapType() const {
    return kHeapTypes[static_cast<int>(tag_) - static_cast<int>(Tag::kPair)];
  }
  // Each heap type, indexed by tag - Tag::kPair.
  static const mem::ManagedType kHeapTypes[8];
  template <typename T>
  void SetHeap(Tag tag, const mem::Pointer<T>& pointer);

  Tag tag_ = Tag::kNil;
  bool locked_ = false;  // only heap values are ever locked
  Payload payload_{.i = 0};
};

// For a container that holds `value` (a heap Value stored in it) weakly:
// Tracer::Visit records where its address lies, and the collection that
// frees it clears the address (Value::is_cleared).
class WeakValueRef {
 public:
  explicit WeakValueRef(const Value& value) : value_(&value) {}
  void* const* WeakSlot() const { return &value_->payload_.heap; }

 private:
  const Value* value_;
};

// For a container that holds `key` (a heap Value) and `value` as an
// ephemeron (mem/ephemeron.h): Tracer::Visit(EphemeronRef{...}).
mem::EphemeronFields EphemeronFieldsOf(const Value& key, const Value& value);
struct EphemeronRef {
  const Value* key;
  const Value* value;
  mem::EphemeronFields EphemeronFields() const {
    return EphemeronFieldsOf(*key, *value);
  }
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_VALUE_H_
