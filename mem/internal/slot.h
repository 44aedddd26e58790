// A Slot holds one managed value or is vacant.
//
// Slot states (the header's bits and locks):
//
//   state      occupied  marked  locks  value        next
//   vacant     0         0       0      destroyed    next vacant index
//   unlocked   1         0       0      constructed  -
//   locked     1         0       >0     constructed  -    (a root)
//   marked     1         1       any    constructed  -    (only between the
//                                                          mark and sweep of
//                                                          one collection)
//
// Locks are taken by Pointers (one each) and never by Members; a vacant slot
// is never locked and never marked.
#ifndef KAMO_MEM_INTERNAL_SLOT_H_
#define KAMO_MEM_INTERNAL_SLOT_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <string_view>
#include <type_traits>
#include <utility>

#include "mem/check.h"
#include "mem/internal/type_info.h"

namespace kamo::mem::internal {

class SlotHeader {
 public:
  static constexpr std::uint32_t kMaxLocks =
      std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kNoNext = (1u << 30) - 1;

  bool occupied() const { return bits_ & kOccupied; }
  bool marked() const { return bits_ & kMarked; }
  bool locked() const { return locks_ != 0; }
  std::uint32_t locks() const { return locks_; }

  // Index of the next vacant slot in the bucket, kNoNext at the chain's end.
  std::uint32_t next_vacant() const { return bits_ & kNextMask; }

  void Mark() { bits_ |= kMarked; }
  void Unmark() { bits_ &= ~kMarked; }

  void Occupy() { bits_ = kOccupied; }
  void Vacate(std::uint32_t next) { bits_ = next; }

  // Lock and Unlock stop on misuse with a message naming the type; the name
  // (TypeName<T>(), or what `type_name()` returns) is computed only then.
  template <typename T>
  void Lock() {
    Lock([] { return TypeName<T>(); });
  }
  template <typename T>
  void Unlock() {
    Unlock([] { return TypeName<T>(); });
  }

  template <typename NameFn>
  void Lock(NameFn&& type_name) {
    if (!occupied() || locks_ == kMaxLocks) [[unlikely]] {
      FailLock(type_name());
    }
    ++locks_;
  }
  template <typename NameFn>
  void Unlock(NameFn&& type_name) {
    if (!occupied() || locks_ == 0) [[unlikely]]
      FailUnlock(type_name());
    --locks_;
  }

  // For tests of the overflow check only.
  void SetLocksForTesting(std::uint32_t locks) { locks_ = locks; }

 private:
  [[noreturn]] void FailLock(std::string_view type) const;
  [[noreturn]] void FailUnlock(std::string_view type) const;

  static constexpr std::uint32_t kOccupied = 1u << 31;
  static constexpr std::uint32_t kMarked = 1u << 30;
  static constexpr std::uint32_t kNextMask = kNoNext;

  std::uint32_t locks_ = 0;
  std::uint32_t bits_ = kNoNext;  // kOccupied | kMarked | next vacant index
};

template <typename T>
struct Slot {
  SlotHeader header;
  alignas(T) std::byte storage[sizeof(T)];

  // The value of an occupied slot.
  T* value() { return std::launder(reinterpret_cast<T*>(storage)); }

  // Constructs the value in a vacant slot's storage: with a constructor if
  // T has a matching one, else as an aggregate (clang 14 has no
  // parenthesised aggregate initialisation).
  template <typename... Args>
  void Construct(Args&&... args) {
    void* raw = storage;
    if constexpr (std::is_constructible_v<T, Args&&...>) {
      ::new (raw) T(std::forward<Args>(args)...);
    } else {
      ::new (raw) T{std::forward<Args>(args)...};
    }
  }

  // A header is the first member of its standard-layout Slot, so the two
  // addresses are interconvertible.
  static Slot* FromHeader(SlotHeader* header) {
    return reinterpret_cast<Slot*>(header);
  }
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_SLOT_H_
