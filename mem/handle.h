// Managed values by address: the public API for a library that builds its
// own value type on mem/, such as a tagged word that refers to managed values
// of several types (value/ is built on this header and nothing else of mem/'s
// internals).
//
// Pointer<T> and Member<T> serve code that knows T at compile time. A tagged
// value knows only an address; everything else comes from the value's
// bucket, whose header is the one load these calls make (it is also where
// the lock counts and the marks are found):
//
//   mem::LockAt(address);      // a root, as a Pointer's copy is
//   mem::LockReachableAt(address);  // the same, of a field's value
//   mem::UnlockAt(address);    // as a Pointer's destruction is
//   tracer.Visit(mem::RootAt(address), "car");   // in Trace
//   mem::TypeTagAt(address);   // T::kTypeTag, the type's own number
//
// `address` is always a live managed value's own address (what Pointer::get
// gives). LockAt and UnlockAt stop the program on misuse (a lock on a freed
// value, an unlock without a lock) with a message naming the type, as
// Pointer does; debug builds also stop on a store or a trace that crosses
// from one Mutator's heap into another's. Mutator::PointerFromRaw is the
// checked way in from an address that may be anything.
#ifndef KAMO_MEM_HANDLE_H_
#define KAMO_MEM_HANDLE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mem/internal/bucket_header.h"
#include "mem/internal/heap_registry.h"
#include "mem/internal/type_info.h"
#include "mem/internal/write_barrier.h"
#include "mem/pointer.h"
#include "mem/trace.h"

namespace kamo::mem {

class Mutator;

// A process-wide number per managed type, assigned on first use.
template <Traceable T>
std::size_t TypeIdOf() {
  return internal::TypeIdOf<T>();
}

// A managed type may declare
//
//   static constexpr std::uint8_t kTypeTag = ...;
//
// a number of its own choosing (0 if it declares none), which TypeTagAt
// reads back from any of its values: a tagged value type's way to tell a
// heap value's type with one load and a compare with a constant.
template <Traceable T>
constexpr std::uint8_t TypeTagOf() {
  return internal::TypeTagOf<T>();
}

inline std::uint8_t TypeTagAt(const void* address) {
  return internal::BucketHeader::Of(address)->type_tag();
}
inline std::size_t TypeIdAt(const void* address) {
  return internal::BucketHeader::Of(address)->type().id;
}
// T::kTypeName if T declares one, else T's C++ name.
inline std::string_view TypeNameAt(const void* address) {
  return internal::BucketHeader::Of(address)->type().name();
}

// The Mutator whose heap holds the managed value at `address`.
inline const Mutator& MutatorOf(const void* address) {
  return *static_cast<const Mutator*>(
      internal::BucketHeader::Of(address)->owner());
}

// What Trace reports for a reference to the value at `address`
// (Tracer::Visit); an empty Root for null.
inline Root RootAt(const void* address) {
  if (address == nullptr) return Root();
  // The collector marks through the Root; the value is not changed.
  return Root(const_cast<void*>(address),
              internal::BucketHeader::Of(address)->type().trace);
}

// One more lock, and one less, on the value at `address`; the locks it
// holds.
[[gnu::always_inline]] inline void LockAt(const void* address) {
  internal::BucketHeader* bucket = internal::BucketHeader::Of(address);
  bucket->Lock(bucket->IndexOf(address),
               [bucket] { return bucket->type().name(); });
}
// LockAt of a value known to be reachable: read from a traced field of a
// live value, or locked already. Such a value is live, and only debug
// builds check that it is, where LockAt always reads the slot's occupied
// bit to stop on a lock of a freed value (in opt builds the check was 4%
// of value/'s GCBench time). Given a freed value, opt builds corrupt the
// heap: an address that may be stale goes through LockAt.
[[gnu::always_inline]] inline void LockReachableAt(const void* address) {
  internal::BucketHeader* bucket = internal::BucketHeader::Of(address);
  bucket->Lock</*kReachable=*/true>(bucket->IndexOf(address),
                                    [bucket] { return bucket->type().name(); });
}
[[gnu::always_inline]] inline void UnlockAt(const void* address) {
  internal::BucketHeader* bucket = internal::BucketHeader::Of(address);
  bucket->Unlock(bucket->IndexOf(address),
                 [bucket] { return bucket->type().name(); });
}
inline std::uint32_t LocksAt(const void* address) {
  const internal::BucketHeader* bucket = internal::BucketHeader::Of(address);
  return bucket->locks(bucket->IndexOf(address));
}

// A new Pointer (a new lock) to the live managed value at `value`.
template <Traceable T>
Pointer<T> LockPointer(T* value) {
  return internal::LockedPointer(value);
}
// Moving a lock between a Pointer and a value type of one's own, without
// taking a new one: AdoptLock makes a Pointer of a lock the caller holds
// (from LockAt), ReleaseLock ends a Pointer and leaves its lock held,
// returning its value (null for a null Pointer), for the caller to
// UnlockAt later.
template <Traceable T>
Pointer<T> AdoptLock(T* value) {
  return internal::AdoptedPointer(value);
}
template <Traceable T>
T* ReleaseLock(Pointer<T>&& pointer) {
  return internal::ReleasedLock(std::move(pointer));
}

// A managed type whose destructor matters for some of its values only (a
// cons cell whose destructor releases a reference-counted box that one
// cell in a million holds) may declare
//
//   static constexpr bool kDestructorOnRequest = true;
//
// Its values are then freed by bitmap, with no destructor call and without
// reading them, as a trivially destructible type's are, except those that
// call RequestDestructorAt with their own address (in their constructor, or
// later while alive): their destructor runs exactly once, when a
// collection frees them or the Mutator is destroyed. The request lasts for
// the value's life. For other types it changes nothing: their destructors
// always run (if they have any).
inline void RequestDestructorAt(const void* address) {
  internal::BucketHeader* bucket = internal::BucketHeader::Of(address);
  const std::uint32_t index = bucket->IndexOf(address);
  MEM_CHECK(bucket->SlotAt(index) == address && !bucket->vacant(index),
            "RequestDestructorAt(%p): not a live %s's own address", address,
            bucket->type().name());
  bucket->RequestDestructor(index);
}

// The write barrier (internal/write_barrier.h): to be called on every
// store of a reference to the managed value at `target` (null for none)
// into the managed value at `holder` (its own address, also when the
// reference lies in storage the holder owns), before the store. A
// generational heap remembers an old holder given a young target, for the
// next minor collection; an incremental collection that is marking shades
// the target. A store that skips it leaves a value that only the holder
// reaches to be freed while still in use. Debug builds also stop if the
// two belong to different Mutators.
[[gnu::always_inline]] inline void WriteBarrier(const void* holder,
                                                const void* target) {
  internal::WriteBarrierInto(holder, target);
}
// The same for a store made by the holder's own constructor (cppgc's
// initializing store): a value under construction is young, so nothing is
// remembered, and an incremental collection traces it after its
// constructor returns (Mutator::Allocate), so the barrier's loads are
// skipped. Debug builds check that the holder is young and the heap the
// same.
[[gnu::always_inline]] inline void InitializingStore(
    [[maybe_unused]] const void* holder, [[maybe_unused]] const void* target) {
  internal::CheckStore(holder, target);
  MEM_DCHECK(!internal::BucketHeader::Of(holder)->marked(
                 internal::BucketHeader::Of(holder)->IndexOf(holder)),
             "InitializingStore into an old value: use WriteBarrier");
}

}  // namespace kamo::mem

#endif  // KAMO_MEM_HANDLE_H_
