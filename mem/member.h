// Member<T>: a reference held inside a managed value (cppgc's Member, as
// opposed to Pointer, its Persistent).
//
// A Member holds no lock: it keeps its target alive only while the value that
// holds it is itself reachable and reports it from its Trace (trace.h). That
// is what lets unreachable cycles be freed. Storing a Pointer in a Member
// leaves the Pointer's own lock alone; Lock() takes a new lock and hands it
// out as a Pointer. A Member on the C++ stack keeps nothing alive.
//
// Every store into a Member, copies included, goes through the write
// barrier (internal/write_barrier.h): in a generational heap a young value
// stored into a Member outside any managed value's slot (a std::vector's
// buffer) is kept through the next collection, since the barrier cannot
// tell its holder.
#ifndef KAMO_MEM_MEMBER_H_
#define KAMO_MEM_MEMBER_H_

#include <cstddef>

#include "mem/internal/write_barrier.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {

template <typename T>
class Member {
 public:
  Member() = default;
  Member(std::nullptr_t) {}                            // NOLINT: implicit null.
  Member(const Pointer<T>& ptr) : value_(ptr.value_) {  // NOLINT: implicit.
    internal::WriteBarrierAt(this, value_);
  }
  Member(const Member& other) : value_(other.value_) {
    internal::WriteBarrierAt(this, value_);
  }

  // Debug builds stop if the Member lies in a value of one Mutator and
  // `ptr` leads into another's heap (see internal/heap_registry.h).
  Member& operator=(const Pointer<T>& ptr) {
    internal::WriteBarrierAt(this, ptr.value_);
    value_ = ptr.value_;
    return *this;
  }
  Member& operator=(const Member& other) {
    internal::WriteBarrierAt(this, other.value_);
    value_ = other.value_;
    return *this;
  }
  Member& operator=(std::nullptr_t) {
    value_ = nullptr;
    return *this;
  }

  // A locked handle to the target: a root for as long as the caller keeps it.
  Pointer<T> Lock() const { return Pointer<T>(value_); }

  T* get() const { return value_; }
  T& operator*() const { return *get(); }
  T* operator->() const { return get(); }
  explicit operator bool() const { return value_ != nullptr; }

  Root ToRoot() const { return internal::RootOf(value_); }

  friend bool operator==(const Member& a, const Member& b) {
    return a.value_ == b.value_;
  }
  friend bool operator==(const Member& a, const Pointer<T>& b) {
    return a.value_ == b.get();
  }

 private:
  T* value_ = nullptr;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_MEMBER_H_
