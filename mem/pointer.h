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

#include "mem/internal/slot.h"
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
template <typename T>
Pointer<T> LockSlot(Slot<T>* slot);
template <typename T>
Slot<T>* SlotOf(const Pointer<T>& pointer);
}  // namespace internal

template <typename T>
class Pointer {
 public:
  Pointer() = default;
  Pointer(std::nullptr_t) {}  // NOLINT: a null Pointer converts implicitly.

  Pointer(const Pointer& other) : slot_(other.slot_) { LockSlot(); }
  Pointer(Pointer&& other) noexcept : slot_(std::exchange(other.slot_, {})) {}

  Pointer& operator=(const Pointer& other) {
    Pointer copy(other);
    std::swap(slot_, copy.slot_);
    return *this;
  }
  Pointer& operator=(Pointer&& other) noexcept {
    Pointer moved(std::move(other));
    std::swap(slot_, moved.slot_);
    return *this;
  }
  Pointer& operator=(std::nullptr_t) {
    Pointer().swap(*this);
    return *this;
  }

  ~Pointer() {
    if (slot_ != nullptr) slot_->header.template Unlock<T>();
  }

  void swap(Pointer& other) noexcept { std::swap(slot_, other.slot_); }

  T* get() const { return slot_ == nullptr ? nullptr : slot_->value(); }
  T& operator*() const { return *get(); }
  T* operator->() const { return get(); }
  explicit operator bool() const { return slot_ != nullptr; }

  // Locks held on the slot by all Pointers (0 for a null Pointer).
  std::uint32_t lock_count() const {
    return slot_ == nullptr ? 0 : slot_->header.locks();
  }

  Root ToRoot() const { return internal::RootOf(slot_); }

  // Identity, like Scheme's eq?.
  friend bool operator==(const Pointer& a, const Pointer& b) {
    return a.slot_ == b.slot_;
  }
  friend bool operator==(const Pointer& a, std::nullptr_t) {
    return a.slot_ == nullptr;
  }

 private:
  friend class Mutator;
  friend class Member<T>;
  friend class Weak<T>;
  friend Pointer internal::LockSlot<T>(internal::Slot<T>* slot);
  friend internal::Slot<T>* internal::SlotOf<T>(const Pointer& pointer);

  // Takes a new lock on an occupied slot.
  explicit Pointer(internal::Slot<T>* slot) : slot_(slot) { LockSlot(); }

  void LockSlot() {
    if (slot_ != nullptr) slot_->header.template Lock<T>();
  }

  internal::Slot<T>* slot_ = nullptr;
};

namespace internal {

// A new locked Pointer to an occupied slot, for libraries built on mem that
// keep slots in their own handles (value/'s Value).
template <typename T>
Pointer<T> LockSlot(Slot<T>* slot) {
  return Pointer<T>(slot);
}

// The slot a Pointer refers to (null for a null Pointer), for the same
// libraries and for tests.
template <typename T>
Slot<T>* SlotOf(const Pointer<T>& pointer) {
  return pointer.slot_;
}

}  // namespace internal
}  // namespace kamo::mem

#endif  // KAMO_MEM_POINTER_H_
