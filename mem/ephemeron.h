// Ephemeron<K, V>: a key and a value held in a managed value, where the
// value is kept alive only while the key is reachable some other way
// (SRFI 124's ephemerons, cppgc's EphemeronPair, Lua's ephemeron tables).
//
// The key is held weakly, like a WeakMember. The value is held strongly,
// but only through the key: while the key is reachable without this
// ephemeron, the value is kept as a Member would keep it; once the key is
// unreachable, the value is not kept by this ephemeron (not even when the
// value itself refers back to the key, the case a weak-key table with strong
// values gets wrong), and the collection that frees the key breaks the
// ephemeron: key() and value() are null from then on. A value may be
// another ephemeron's key: chains resolve in one collection, in time linear
// in the ephemerons traced (internal/ephemeron_table.h).
//
// It is two words and allocates nothing. The holder's Trace reports it with
// tracer.Visit or TraceFields; like a Member, it is only kept and cleared if
// its holder is traced. A value without a key is meaningless: setting one
// with a null key stops the program (MEM_CHECK).
#ifndef KAMO_MEM_EPHEMERON_H_
#define KAMO_MEM_EPHEMERON_H_

#include <cstddef>

#include "mem/check.h"
#include "mem/internal/ephemeron_table.h"
#include "mem/internal/write_barrier.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {

template <typename K, typename V>
class Ephemeron {
 public:
  Ephemeron() = default;
  Ephemeron(std::nullptr_t) {}  // NOLINT: implicit null.
  Ephemeron(const Pointer<K>& key, const Pointer<V>& value) { Set(key, value); }

  // Debug builds stop if the Ephemeron lies in a value of one Mutator and
  // `key` or `value` leads into another's heap (internal/heap_registry.h).
  void Set(const Pointer<K>& key, const Pointer<V>& value) {
    MEM_CHECK(key != nullptr || value == nullptr,
              "Ephemeron::Set: a value needs a non-null key");
    internal::WriteBarrierAt(this, key.get());
    internal::WriteBarrierAt(this, value.get());
    key_ = key.get();
    value_ = value.get();
  }
  // Copies pass the write barrier too (member.h).
  Ephemeron(const Ephemeron& other) : key_(other.key_), value_(other.value_) {
    internal::WriteBarrierAt(this, key_);
    internal::WriteBarrierAt(this, value_);
  }
  Ephemeron& operator=(const Ephemeron& other) {
    internal::WriteBarrierAt(this, other.key_);
    internal::WriteBarrierAt(this, other.value_);
    key_ = other.key_;
    value_ = other.value_;
    return *this;
  }
  Ephemeron& operator=(std::nullptr_t) {
    key_ = value_ = nullptr;
    return *this;
  }

  // Locked handles (roots for as long as the caller keeps them), or null
  // once a collection has found the key unreachable.
  Pointer<K> LockKey() const { return internal::LockedPointer(key()); }
  Pointer<V> LockValue() const { return internal::LockedPointer(value()); }

  K* key() const { return static_cast<K*>(key_); }
  V* value() const { return static_cast<V*>(value_); }
  // False when empty or broken.
  explicit operator bool() const { return key_ != nullptr; }

  // For Tracer::Visit: where the key and value lie, so that the collection
  // can trace the value and break the ephemeron.
  mem::EphemeronFields EphemeronFields() const {
    return {const_cast<void**>(&key_), const_cast<void**>(&value_),
            &internal::TraceAs<V>};
  }

 private:
  // void*, not K* and V*: the collection clears them through void**.
  void* key_ = nullptr;
  void* value_ = nullptr;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_EPHEMERON_H_
