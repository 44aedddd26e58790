// Value: a Scheme datum in one 64-bit word. Either an immediate (nil,
// boolean, character, integer, double) or a reference to a managed Pair,
// Vector, String, Symbol, ByteVector, WeakPair, Ephemeron or Hashtable.
//
// Three types share the word (Word), and which one holds it says whether it
// is a root, so no flag in the word does:
//   - Value: what C++ code holds. A heap Value is locked (a root): copying
//     it locks again, destroying it unlocks, moving moves the lock.
//   - Field: what a Pair, Vector or table stores. Never locked; reached by
//     tracing. A Field is made only by a store into its container, and
//     reading it gives a Value (locked) or a View (borrowed, view.h).
//   - View: a borrowed word (view.h).
//
// The encoding (the low bits tag the word):
//   ...xxx1   fixnum: a 63-bit integer, the word shifted right by one
//   ...xx10   flonum: a double whose exponent lies in [-255, 256], or +0.0,
//             rotated so that it fits in 62 bits (Ruby's flonum)
//   ...x000   a managed value's address (the word itself, so the collector
//             can clear a weak reference in place); its type is the
//             kTypeTag its bucket records (mem::TypeTagAt). 0 is a weak
//             reference the collection cleared: it reads as #f.
//   ...0100   nil, #f, #t, or a character (bits 4..7 say which; a
//             character's code point is in bits 8..)
//   ...1100   a boxed number: an integer outside the fixnum range, or a
//             double that is not a flonum (NaN, infinities, -0.0, very
//             large or small). The box is immutable, outside the managed
//             heap, and reference counted: a number refers to nothing, so
//             no cycle can hold one.
#ifndef KAMO_VALUE_VALUE_H_
#define KAMO_VALUE_VALUE_H_

#include <bit>
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

// Each heap type's kTypeTag, the number its buckets record.
template <Tag tag>
constexpr std::uint8_t kHeapTag = static_cast<std::uint8_t>(tag);

// The word and everything that reads it; see the top of this file.
class Word {
 public:
  static constexpr std::int64_t kFixnumMin = -(std::int64_t{1} << 62);
  static constexpr std::int64_t kFixnumMax = (std::int64_t{1} << 62) - 1;

  Tag tag() const {
    if (bits_ & 1) return Tag::kInt;
    switch (bits_ & 7) {
      case 0:
        return bits_ == 0 ? Tag::kBool : HeapTag();
      case 2:
      case 6:
        return Tag::kFloat;
      default:
        return is_box() ? BoxTag(bits_) : kSpecialTags[(bits_ >> 4) & 3];
    }
  }
  // A reference to a managed value.
  bool is_heap() const { return (bits_ & 7) == 0 && bits_ != 0; }

  bool IsNil() const { return bits_ == kNilBits; }
  bool IsBool() const {
    return bits_ == kFalseBits || bits_ == kTrueBits || bits_ == 0;
  }
  bool IsChar() const { return (bits_ & 0xFF) == kCharTagBits; }
  bool IsInt() const { return (bits_ & 1) || BoxIs(Tag::kInt); }
  bool IsFloat() const { return (bits_ & 3) == 2 || BoxIs(Tag::kFloat); }
  bool IsPair() const { return HeapIs(Tag::kPair); }
  bool IsVector() const { return HeapIs(Tag::kVector); }
  bool IsString() const { return HeapIs(Tag::kString); }
  bool IsSymbol() const { return HeapIs(Tag::kSymbol); }
  bool IsByteVector() const { return HeapIs(Tag::kByteVector); }
  bool IsWeakPair() const { return HeapIs(Tag::kWeakPair); }
  bool IsEphemeron() const { return HeapIs(Tag::kEphemeron); }
  bool IsHashtable() const { return HeapIs(Tag::kHashtable); }
  // Scheme truth: everything but #f is true.
  bool IsTrue() const { return bits_ != kFalseBits && bits_ != 0; }

  // Immediates' values, or nullopt if this word holds another type.
  std::optional<bool> AsBool() const {
    if (!IsBool()) return std::nullopt;
    return bits_ == kTrueBits;
  }
  std::optional<char32_t> AsChar() const {
    if (!IsChar()) return std::nullopt;
    return static_cast<char32_t>(bits_ >> 8);
  }
  std::optional<std::int64_t> AsInt() const {
    if (bits_ & 1) return static_cast<std::int64_t>(bits_) >> 1;
    if (BoxIs(Tag::kInt)) return BoxedInt(bits_);
    return std::nullopt;
  }
  std::optional<double> AsFloat() const {
    if ((bits_ & 3) == 2) return FlonumValue(bits_);
    if (BoxIs(Tag::kFloat)) return BoxedFloat(bits_);
    return std::nullopt;
  }

  // Unchecked access to a heap value's object, for algorithms that run
  // while nothing allocates. Null when the type differs.
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

  // The address of a heap value (null otherwise): its identity.
  const void* heap_address() const {
    return is_heap() ? reinterpret_cast<const void*>(bits_) : nullptr;
  }
  // The bits an immediate's value is compared and hashed by: a number's
  // value (boxed or not), a character's code point, a boolean's 0 or 1;
  // 0 for nil and heap values.
  std::uint64_t immediate_bits() const;

  // A heap reference a weak container held, cleared by the collection that
  // freed its target; it reads as #f.
  bool is_cleared() const { return bits_ == 0; }

  // For Tracer::Visit: the heap value, or an empty Root.
  mem::Root ToRoot() const {
    return is_heap() ? mem::RootAt(heap_address()) : mem::Root();
  }

 protected:
  friend class WeakValueRef;
  friend class View;
  friend mem::EphemeronFields EphemeronFieldsOf(const Word& key,
                                                const Word& value);

  static constexpr std::uint64_t kNilBits = 0x04;
  static constexpr std::uint64_t kFalseBits = 0x14;
  static constexpr std::uint64_t kTrueBits = 0x24;
  static constexpr std::uint64_t kCharTagBits = 0x34;

  Word() = default;
  explicit Word(std::uint64_t bits) : bits_(bits) {}
  // Copies are made by Value, Field and View, which say what the copy owns.
  Word(const Word& other) : bits_(other.bits_) {}
  Word& operator=(const Word& other) {
    bits_ = other.bits_;
    return *this;
  }

  static std::uint64_t BitsOf(const Word& word) { return word.bits_; }
  bool is_box() const { return (bits_ & 0xF) == 0xC; }
  // Boxed numbers' reference counts (the words that hold a box own one).
  void RetainBox() const {
    if (is_box()) RetainBoxSlow(bits_);
  }
  void ReleaseBox() const {
    if (is_box()) ReleaseBoxSlow(bits_);
  }
  // Out of line, given the bits (see BoxTag).
  static void RetainBoxSlow(std::uint64_t bits);
  static void ReleaseBoxSlow(std::uint64_t bits);

  // Words that own a new box's one reference, if they need a box. The
  // immediates are made inline, the boxes out of line.
  static Word FromInt(std::int64_t i) {
    if (i >= kFixnumMin && i <= kFixnumMax) [[likely]] {
      return Word(static_cast<std::uint64_t>(i) << 1 | 1);
    }
    return BoxInt(i);
  }
  static Word FromFloat(double d) {
    const auto v = std::bit_cast<std::uint64_t>(d);
    // Exponent bits 62..60 of 011 or 100: |d| in [2^-255, 2^257), except
    // the one double whose word would be +0.0's.
    const std::uint64_t top = (v >> 60) & 7;
    if ((top == 3 || top == 4) && v != 0x3000000000000000) [[likely]] {
      return Word((std::rotl(v, 3) & ~std::uint64_t{1}) | 2);
    }
    return FromOtherFloat(d);
  }

  union {
    std::uint64_t bits_ = kNilBits;
    void* address_;  // a heap word, as the collector reads and clears it
  };

 private:
  static constexpr Tag kSpecialTags[4] = {Tag::kNil, Tag::kBool, Tag::kBool,
                                          Tag::kChar};
  Tag HeapTag() const {
    return static_cast<Tag>(mem::TypeTagAt(heap_address()));
  }
  bool HeapIs(Tag tag) const { return is_heap() && HeapTag() == tag; }
  template <typename T>
  const T* ObjectOrNull(Tag tag) const {
    return HeapIs(tag) ? static_cast<const T*>(heap_address()) : nullptr;
  }
  // Out of line, and given the bits rather than this word: a call that
  // took the word's address would keep every Value and View that reaches
  // one in memory, stored and reloaded around each use.
  static Tag BoxTag(std::uint64_t bits);
  bool BoxIs(Tag tag) const { return is_box() && BoxTag(bits_) == tag; }
  static std::int64_t BoxedInt(std::uint64_t bits);
  static double BoxedFloat(std::uint64_t bits);
  static double FlonumValue(std::uint64_t bits);
  static Word BoxInt(std::int64_t i);
  // +0.0, or a box.
  static Word FromOtherFloat(double d);
};

class Field;

class Value : public Word {
 public:
  // Nil, the empty list.
  Value() = default;
  static Value Nil() { return Value(); }
  static Value Bool(bool b) { return Value(b ? kTrueBits : kFalseBits); }
  // Any integer: a fixnum, or boxed outside [kFixnumMin, kFixnumMax].
  static Value Int(std::int64_t i) { return Value(BitsOf(FromInt(i))); }
  // Any double: a flonum, or boxed.
  static Value Float(double d) { return Value(BitsOf(FromFloat(d))); }
  // A character, if `c` is a Unicode scalar value (not a surrogate, at most
  // U+10FFFF); nullopt otherwise.
  static std::optional<Value> Char(char32_t c);

  // A reference to a managed value of this library (a locked copy of the
  // Pointer); a null Pointer gives nil.
  template <typename T>
  requires(mem::TypeTagOf<T>() >= kHeapTag<Tag::kPair>)
      Value(const mem::Pointer<T>& pointer)  // NOLINT: implicit.
      : Word(pointer ? reinterpret_cast<std::uintptr_t>(pointer.get())
                     : kNilBits) {
    Acquire();
  }
  // The same, taking over the Pointer's lock.
  template <typename T>
  requires(mem::TypeTagOf<T>() >= kHeapTag<Tag::kPair>)
      Value(mem::Pointer<T>&& pointer)  // NOLINT: implicit.
      : Word(pointer ? reinterpret_cast<std::uintptr_t>(
                           mem::ReleaseLock(std::move(pointer)))
                     : kNilBits) {}
  // A locked copy of a stored field.
  Value(const Field& field);  // NOLINT: implicit.
  // A locked copy of `word`, a live value's (a Field's, a View's). A
  // cleared word gives #f.
  [[gnu::always_inline]] explicit Value(const Word& word)
      : Word(word.is_cleared() ? kFalseBits : BitsOf(word)) {
    Acquire();
  }

  [[gnu::always_inline]] Value(const Value& other) : Word(other.bits_) {
    Acquire();
  }
  Value(Value&& other) noexcept : Word(std::exchange(other.bits_, kNilBits)) {}
  Value& operator=(const Value& other) {
    Value copy(other);
    return *this = std::move(copy);
  }
  Value& operator=(Value&& other) noexcept {
    std::swap(bits_, other.bits_);
    return *this;
  }
  [[gnu::always_inline]] ~Value() { Release(); }

  // Whether this Value holds a lock: every heap Value does.
  bool is_locked() const { return is_heap(); }

  // Locked Pointers to heap values, or nullopt if this Value has another
  // type. Of an rvalue (`pair->car().AsPair()`) the Pointer takes over the
  // Value's own lock instead of taking a new one, and the Value is left nil;
  // of another type, it is left as it was.
  std::optional<mem::Pointer<Pair>> AsPair() const&;
  // Inline (pair.h, where Pair is complete): walking a list takes one per
  // element, and out of line its result went through memory.
  inline std::optional<mem::Pointer<Pair>> AsPair() &&;
  std::optional<mem::Pointer<Vector>> AsVector() const&;
  std::optional<mem::Pointer<Vector>> AsVector() &&;
  std::optional<mem::Pointer<String>> AsString() const&;
  std::optional<mem::Pointer<String>> AsString() &&;
  std::optional<mem::Pointer<Symbol>> AsSymbol() const&;
  std::optional<mem::Pointer<Symbol>> AsSymbol() &&;
  std::optional<mem::Pointer<ByteVector>> AsByteVector() const&;
  std::optional<mem::Pointer<ByteVector>> AsByteVector() &&;
  std::optional<mem::Pointer<WeakPair>> AsWeakPair() const&;
  std::optional<mem::Pointer<WeakPair>> AsWeakPair() &&;
  std::optional<mem::Pointer<Ephemeron>> AsEphemeron() const&;
  std::optional<mem::Pointer<Ephemeron>> AsEphemeron() &&;
  std::optional<mem::Pointer<Hashtable>> AsHashtable() const&;
  std::optional<mem::Pointer<Hashtable>> AsHashtable() &&;

 private:
  friend class View;

  // Adopts `bits`: a box's reference, if it holds one, becomes this Value's.
  explicit Value(std::uint64_t bits) : Word(bits) {}

  // As*() of an rvalue: the heap value of type T, with this Value's lock.
  template <typename T>
  std::optional<mem::Pointer<T>> TakeHeap(Tag tag) && {
    if (this->tag() != tag) return std::nullopt;
    auto* value = static_cast<T*>(const_cast<void*>(heap_address()));
    bits_ = kNilBits;  // the lock is the Pointer's now
    return mem::AdoptLock(value);
  }

  // Inlined everywhere: each is a test and a lock count (or a box's
  // count), and GCC left them out of line in every hot path. What a Value
  // locks is reachable (a copy of a locked Value or Pointer, or of a live
  // container's Field or a View of one), hence LockReachableAt.
  [[gnu::always_inline]] void Acquire() const {
    if (is_heap()) {
      mem::LockReachableAt(heap_address());
    } else {
      RetainBox();
    }
  }
  [[gnu::always_inline]] void Release() const {
    if (is_heap()) {
      mem::UnlockAt(heap_address());
    } else {
      ReleaseBox();
    }
  }
};

// A container's stored word: never locked, reached by tracing. Made by a
// store into the container at `holder` (debug builds stop if the value
// belongs to another Mutator's heap).
class Field : public Word {
 public:
  Field() = default;  // nil
  // `holder` is the managed value the Field lies in (or whose storage holds
  // it). A box held makes the holder's destructor run when it is freed
  // (mem::RequestDestructorAt): that destructor releases the box.
  [[gnu::always_inline]] Field(const void* holder, const Word& value)
      : Word(value) {
    mem::WriteBarrier(holder, heap_address());
    HoldBox(holder);
  }
  // A store by the holder's own constructor (mem::InitializingStore).
  struct Initializing {};
  [[gnu::always_inline]] Field(Initializing, const void* holder,
                               const Word& value)
      : Word(value) {
    mem::InitializingStore(holder, heap_address());
    HoldBox(holder);
  }
  // A Field moves only within its holder's storage (a vector's growth, a
  // table's rehash), where the write barrier has seen it stored already.
  Field(Field&& other) noexcept : Word(std::exchange(other.bits_, kNilBits)) {}
  Field& operator=(Field&& other) noexcept {
    std::swap(bits_, other.bits_);
    return *this;
  }
  Field(const Field&) = delete;
  Field& operator=(const Field&) = delete;
  ~Field() { ReleaseBox(); }

  // Stores `value`; the old value is dropped (no lock is taken on it).
  [[gnu::always_inline]] void Set(const void* holder, const Word& value) {
    Field stored(holder, value);
    std::swap(bits_, stored.bits_);
  }

 private:
  // The test inline, the rest out of line: a constructor that stores two
  // Fields then stays small enough to be inlined into its allocation.
  [[gnu::always_inline]] void HoldBox(const void* holder) {
    if (is_box()) [[unlikely]]
      HoldBoxSlow(bits_, holder);
  }
  static void HoldBoxSlow(std::uint64_t bits, const void* holder);
};

[[gnu::always_inline]] inline Value::Value(const Field& field)
    : Value(static_cast<const Word&>(field)) {}

// For a container that holds `field` (a heap Field) weakly:
// Tracer::Visit records where its address lies, and the collection that
// frees it clears the word (Word::is_cleared).
class WeakValueRef {
 public:
  explicit WeakValueRef(const Field& field) : field_(&field) {}
  void* const* WeakSlot() const { return &field_->address_; }

 private:
  const Field* field_;
};

// For a container that holds `key` (a heap Field) and `value` as an
// ephemeron (mem/ephemeron.h): Tracer::Visit(EphemeronRef{...}).
mem::EphemeronFields EphemeronFieldsOf(const Word& key, const Word& value);
struct EphemeronRef {
  const Field* key;
  const Field* value;
  mem::EphemeronFields EphemeronFields() const {
    return EphemeronFieldsOf(*key, *value);
  }
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_VALUE_H_
