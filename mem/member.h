// Member<T>: a reference held inside a managed value (cppgc's Member, as
// opposed to Pointer, its Persistent).
//
// A Member holds no lock: it keeps its target alive only while the value that
// holds it is itself reachable and reports it from its Trace (trace.h). That
// is what lets unreachable cycles be freed. Storing a Pointer in a Member
// leaves the Pointer's own lock alone; Lock() takes a new lock and hands it
// out as a Pointer. A Member on the C++ stack keeps nothing alive.
#ifndef KAMO_MEM_MEMBER_H_
#define KAMO_MEM_MEMBER_H_

#include <cstddef>

#include "mem/internal/heap_registry.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {

template <typename T>
class Member {
 public:
  Member() = default;
  Member(std::nullptr_t) {}                            // NOLINT: implicit null.
  Member(const Pointer<T>& ptr) : slot_(ptr.slot_) {  // NOLINT: implicit.
    internal::CheckStore(this, slot_);
  }

  // Debug builds stop if the Member lies in a value of one Mutator and
  // `ptr` leads into another's heap (see internal/heap_registry.h).
  Member& operator=(const Pointer<T>& ptr) {
    internal::CheckStore(this, ptr.slot_);
    slot_ = ptr.slot_;
    return *this;
  }
  Member& operator=(std::nullptr_t) {
    slot_ = nullptr;
    return *this;
  }

  // A locked handle to the target: a root for as long as the caller keeps it.
  Pointer<T> Lock() const { return Pointer<T>(slot_); }

  T* get() const { return slot_ == nullptr ? nullptr : slot_->value(); }
  T& operator*() const { return *get(); }
  T* operator->() const { return get(); }
  explicit operator bool() const { return slot_ != nullptr; }

  Root ToRoot() const { return internal::RootOf(slot_); }

  friend bool operator==(const Member& a, const Member& b) {
    return a.slot_ == b.slot_;
  }
  friend bool operator==(const Member& a, const Pointer<T>& b) {
    return a.get() == b.get();
  }

 private:
  internal::Slot<T>* slot_ = nullptr;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_MEMBER_H_
