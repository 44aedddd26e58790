// Managed values by address: the public API for a library that builds its
// own value type on mem/, such as a tagged word that refers to managed values
// of several types (value/ is built on this header and nothing else of mem/'s
// internals).
//
// Pointer<T> and Member<T> serve code that knows T at compile time. A tagged
// value knows its type only at run time, from its tag, and keeps one
// ManagedType per tag:
//
//   constexpr mem::ManagedType kPairType = mem::ManagedType::Of<Pair>();
//   kPairType.Lock(address);          // a root, as a Pointer's copy is
//   kPairType.Unlock(address);        // as a Pointer's destruction is
//   tracer.Visit(kPairType.RootAt(address), "car");   // in Trace
//
// `address` is always a live managed value's own address (what Pointer::get
// gives), of the type stated. Lock and Unlock check what they can without a
// lookup, and stop the program with a message naming the type on misuse (a
// lock on a freed value, an unlock without a lock), as Pointer does; debug
// builds also stop on a store or a trace that crosses from one Mutator's
// heap into another's. Mutator::PointerFromRaw is the checked way in from an
// address that may be anything.
#ifndef KAMO_MEM_HANDLE_H_
#define KAMO_MEM_HANDLE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mem/internal/bucket_header.h"
#include "mem/internal/heap_registry.h"
#include "mem/internal/type_info.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {

class Mutator;

// The Mutator whose heap holds the managed value at `address`.
inline const Mutator& MutatorOf(const void* address) {
  return *static_cast<const Mutator*>(
      internal::BucketHeader::Of(address)->owner());
}

// A process-wide number per managed type, assigned on first use.
template <Traceable T>
std::size_t TypeIdOf() {
  return internal::TypeIdOf<T>();
}

// The TypeIdOf of the managed value at `address`: one load from its
// bucket's header.
inline std::size_t TypeIdAt(const void* address) {
  return internal::BucketHeader::Of(address)->type_id();
}

// What locking, unlocking and tracing a managed type by address needs,
// computed at compile time: its name, its Trace, and the constants that
// find a value's slot index without a load of its bucket's header.
class ManagedType {
 public:
  template <Traceable T>
  static constexpr ManagedType Of() {
    return ManagedType(&internal::TypeName<T>, &internal::TraceAs<T>,
                       &internal::TypeIdOf<T>, alignof(T),
                       internal::BucketHeader::SlotReciprocal(sizeof(T)));
  }

  // T::kTypeName if T declares one, else T's C++ name.
  std::string_view name() const { return name_(); }
  std::size_t id() const { return id_(); }
  // Whether the managed value at `address` is of this type.
  bool Is(const void* address) const { return TypeIdAt(address) == id(); }

  // What Trace reports for a reference to the value at `address`
  // (Tracer::Visit); an empty Root for null.
  Root RootAt(const void* address) const {
    // The collector marks through the Root; the value is not changed.
    return address == nullptr ? Root()
                              : Root(const_cast<void*>(address), trace_);
  }
  Root::TraceFn trace_fn() const { return trace_; }

  // One more lock, and one less, on the value at `address`.
  [[gnu::always_inline]] void Lock(const void* address) const {
    internal::BucketHeader::Of(address)->Lock(IndexOf(address), name_);
  }
  [[gnu::always_inline]] void Unlock(const void* address) const {
    internal::BucketHeader::Of(address)->Unlock(IndexOf(address), name_);
  }
  // The locks held on the value at `address`.
  std::uint32_t LocksAt(const void* address) const {
    return internal::BucketHeader::Of(address)->locks(IndexOf(address));
  }

 private:
  constexpr ManagedType(std::string_view (*name_fn)(), Root::TraceFn trace,
                        std::size_t (*id_fn)(), std::size_t alignment,
                        std::uint64_t reciprocal)
      : name_(name_fn),
        trace_(trace),
        id_(id_fn),
        alignment_(alignment),
        reciprocal_(reciprocal) {}

  std::uint32_t IndexOf(const void* address) const {
    return internal::BucketHeader::IndexOfSlot(address, alignment_,
                                               reciprocal_);
  }

  std::string_view (*name_)();
  Root::TraceFn trace_;
  std::size_t (*id_)();
  std::size_t alignment_;
  std::uint64_t reciprocal_;
};

// A new Pointer (a new lock) to the live managed value at `value`.
template <Traceable T>
Pointer<T> LockPointer(T* value) {
  return internal::LockedPointer(value);
}

// A store of a reference to the managed value at `target` (null for none)
// into the managed value at `holder`: debug builds stop if the two belong
// to different Mutators; nothing in opt builds.
inline void CheckStore(const void* holder, const void* target) {
  internal::CheckStore(holder, target);
}

}  // namespace kamo::mem

#endif  // KAMO_MEM_HANDLE_H_
