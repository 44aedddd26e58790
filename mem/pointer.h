// Pointer<T>: a locked handle to a managed value, the way C++ code holds one.
//
// Every live Pointer holds one lock on its slot, which makes the slot a root:
// copying locks again, destruction unlocks, moving transfers the lock. A
// Pointer must not outlive its Mutator (the Mutator stops with a message
// naming the type if it is destroyed while Pointers still hold locks), and a
// managed value must not hold a Pointer (see trace.h, rule 4: use Member).
#ifndef KAMO_MEM_POINTER_H_
#define KAMO_MEM_POINTER_H_

#include <cstddef>
#include <cstdint>
#include <utility>

#include "mem/internal/bucket_header.h"
#include "mem/internal/type_info.h"
#include "mem/trace.h"

namespace kamo::mem {

class Mutator;
template <typename T>
class Member;
template <typename T>
class Weak;

template <typename T>
class Pointer;

namespace internal {
// A new Pointer (a new lock) to the occupied slot's value at `value`.
template <typename T>
Pointer<T> LockedPointer(T* value);
// A Pointer that takes over a lock its caller holds on `value`.
template <typename T>
Pointer<T> AdoptedPointer(T* value);
// The Pointer's value; its lock stays held, now the caller's.
template <typename T>
T* ReleasedLock(Pointer<T>&& pointer);
}  // namespace internal

template <typename T>
class Pointer {
 public:
  Pointer() = default;
  Pointer(std::nullptr_t) {}  // NOLINT: a null Pointer converts implicitly.

  Pointer(const Pointer& other) : value_(other.value_) { Lock(); }
  Pointer(Pointer&& other) noexcept : value_(std::exchange(other.value_, {})) {}

  Pointer& operator=(const Pointer& other) {
    Pointer copy(other);
    std::swap(value_, copy.value_);
    return *this;
  }
  Pointer& operator=(Pointer&& other) noexcept {
    Pointer moved(std::move(other));
    std::swap(value_, moved.value_);
    return *this;
  }
  Pointer& operator=(std::nullptr_t) {
    Pointer().swap(*this);
    return *this;
  }

  // Always inlined: an unlock is a few instructions, and a call to it cost
  // GCBench's typed Node 6% of its time once the inliner's budget ran out
  // in the caller.
  [[gnu::always_inline]] ~Pointer() {
    if (value_ != nullptr) {
      internal::UnlockValue(value_, [] { return internal::TypeName<T>(); });
    }
  }

  void swap(Pointer& other) noexcept { std::swap(value_, other.value_); }

  T* get() const { return value_; }
  T& operator*() const { return *value_; }
  T* operator->() const { return value_; }
  explicit operator bool() const { return value_ != nullptr; }

  // Locks held on the slot by all Pointers (0 for a null Pointer).
  std::uint32_t lock_count() const {
    return value_ == nullptr ? 0 : internal::LocksOf(value_);
  }

  Root ToRoot() const { return internal::RootOf(value_); }

  // Identity, like Scheme's eq?.
  friend bool operator==(const Pointer& a, const Pointer& b) {
    return a.value_ == b.value_;
  }
  friend bool operator==(const Pointer& a, std::nullptr_t) {
    return a.value_ == nullptr;
  }

 private:
  friend class Mutator;
  friend class Member<T>;
  friend class Weak<T>;
  friend Pointer internal::LockedPointer<T>(T* value);
  friend Pointer internal::AdoptedPointer<T>(T* value);
  friend T* internal::ReleasedLock<T>(Pointer&& pointer);

  // Takes a new lock on an occupied slot.
  explicit Pointer(T* value) : value_(value) { Lock(); }
  // Adopts the lock the slot was allocated with (Mutator::Allocate).
  struct AdoptLock {};
  Pointer(T* value, AdoptLock) : value_(value) {}

  void Lock() {
    if (value_ != nullptr) {
      internal::LockValue(value_, [] { return internal::TypeName<T>(); });
    }
  }

  T* value_ = nullptr;
};

namespace internal {

template <typename T>
Pointer<T> LockedPointer(T* value) {
  return Pointer<T>(value);
}

template <typename T>
Pointer<T> AdoptedPointer(T* value) {
  return Pointer<T>(value, typename Pointer<T>::AdoptLock{});
}

template <typename T>
T* ReleasedLock(Pointer<T>&& pointer) {
  return std::exchange(pointer.value_, nullptr);
}

}  // namespace internal
}  // namespace kamo::mem

#endif  // KAMO_MEM_POINTER_H_
