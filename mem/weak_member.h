// WeakMember<T>: a reference held inside a managed value that does not keep
// its target alive (cppgc's WeakMember, gc-arena's GcWeak).
//
// It is one word and allocates nothing. The holder's Trace reports it like a
// Member (tracer.Visit, TraceFields); the collection remembers where it lies
// instead of marking its target, and once marking is done, before anything
// is swept, sets every remembered WeakMember whose target was not reached to
// null. So a WeakMember is null from the collection that frees its target
// on, and never dangles. It needs no callback and no registration: for a
// weak reference from outside the heap (C++ stack or heap), use Weak.
//
// Like a Member, it is cleared only if its holder is traced: a WeakMember
// outside a managed value, or in a value whose Trace leaves it out, is never
// cleared and may dangle.
#ifndef KAMO_MEM_WEAK_MEMBER_H_
#define KAMO_MEM_WEAK_MEMBER_H_

#include <cstddef>

#include "mem/internal/write_barrier.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {

template <typename T>
class WeakMember {
 public:
  WeakMember() = default;
  WeakMember(std::nullptr_t) {}      // NOLINT: implicit null.
  WeakMember(const Pointer<T>& ptr)  // NOLINT: implicit.
      : target_(ptr.get()) {
    internal::WriteBarrierAt(this, target_);
  }
  // Copies pass the write barrier too (member.h).
  WeakMember(const WeakMember& other) : target_(other.target_) {
    internal::WriteBarrierAt(this, target_);
  }
  WeakMember& operator=(const WeakMember& other) {
    internal::WriteBarrierAt(this, other.target_);
    target_ = other.target_;
    return *this;
  }

  // Debug builds stop if the WeakMember lies in a value of one Mutator and
  // `ptr` leads into another's heap (see internal/heap_registry.h).
  WeakMember& operator=(const Pointer<T>& ptr) {
    internal::WriteBarrierAt(this, ptr.get());
    target_ = ptr.get();
    return *this;
  }
  WeakMember& operator=(std::nullptr_t) {
    target_ = nullptr;
    return *this;
  }

  // A locked handle to the target (a root for as long as the caller keeps
  // it), or null once a collection has found the target unreachable.
  Pointer<T> Lock() const { return internal::LockedPointer(get()); }

  T* get() const { return static_cast<T*>(target_); }
  explicit operator bool() const { return target_ != nullptr; }

  // For Tracer::Visit: where the target's address lies, so that the
  // collection can clear it.
  void* const* WeakSlot() const { return &target_; }

  friend bool operator==(const WeakMember& a, const WeakMember& b) {
    return a.target_ == b.target_;
  }
  friend bool operator==(const WeakMember& a, const Pointer<T>& b) {
    return a.target_ == b.get();
  }

 private:
  // void*, not T*: the collection clears it through a void**.
  void* target_ = nullptr;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_WEAK_MEMBER_H_
