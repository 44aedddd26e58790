// A Bucket is a fixed-capacity array of Slots allocated in one block. Its
// vacant slots form a chain through their headers, so taking a slot and
// giving one back are O(1).
//
// Invariant (IsConsistent): occupied_ + taken_ + |vacant chain| ==
// capacity_, every slot on the chain is vacant, and no slot is marked
// outside a collection.
#ifndef KAMO_MEM_INTERNAL_BUCKET_H_
#define KAMO_MEM_INTERNAL_BUCKET_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "mem/check.h"
#include "mem/internal/slot.h"
#include "mem/trace.h"

namespace kamo::mem::internal {

template <typename T>
class Bucket {
 public:
  static constexpr std::uint32_t kMaxCapacity = SlotHeader::kNoNext;

  explicit Bucket(std::uint32_t capacity)
      : slots_(new Slot<T>[capacity]), capacity_(capacity) {
    MEM_CHECK(capacity > 0 && capacity <= kMaxCapacity,
              "Bucket<%s>: capacity %u out of range [1, %u]", TypeName<T>(),
              capacity, kMaxCapacity);
    for (std::uint32_t i = 0; i < capacity; ++i) {
      slots_[i].header.Vacate(i + 1 < capacity ? i + 1 : SlotHeader::kNoNext);
    }
  }

  Bucket(const Bucket&) = delete;
  Bucket& operator=(const Bucket&) = delete;

  // Destroys every value still here (the Mutator is going away).
  ~Bucket() {
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      if (slots_[i].header.occupied()) std::destroy_at(slots_[i].value());
    }
  }

  std::uint32_t IndexOf(const Slot<T>* slot) const {
    return static_cast<std::uint32_t>(slot - slots_.get());
  }

  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t occupied() const { return occupied_; }
  bool full() const { return next_vacant_ == SlotHeader::kNoNext; }
  bool empty() const { return occupied_ == 0 && taken_ == 0; }

  // Whether the bucket is on its arena's list of buckets with a vacant slot.
  bool listed() const { return listed_; }
  void set_listed(bool listed) { listed_ = listed; }

  // Allocation is three steps so that a constructor may itself allocate (or
  // throw) without seeing a half-updated bucket: TakeVacant unlinks a slot
  // from the chain, the caller constructs the value in it, then Occupy
  // publishes it; if the constructor throws, Release relinks the slot.
  Slot<T>* TakeVacant() {
    MEM_DCHECK(!full(), "TakeVacant needs a vacant slot");
    Slot<T>* slot = &slots_[next_vacant_];
    next_vacant_ = slot->header.next_vacant();
    // The next allocation reads that slot's header: start loading it now
    // (slots were swept long before they are reused, so they are cold).
    if (next_vacant_ != SlotHeader::kNoNext) {
      __builtin_prefetch(&slots_[next_vacant_], /*rw=*/1);
    }
    ++taken_;
    return slot;
  }

  void Occupy(Slot<T>* slot) {
    slot->header.Occupy();
    --taken_;
    ++occupied_;
  }

  void Release(Slot<T>* slot) {
    slot->header.Vacate(next_vacant_);
    next_vacant_ = IndexOf(slot);
    --taken_;
  }

  // Pushes every locked slot to the tracer: the roots.
  void MarkRoots(Tracer& tracer) {
    if (empty()) return;
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      SlotHeader& header = slots_[i].header;
      if (header.occupied() && header.locked()) {
        tracer.Visit(RootOf(&slots_[i]));
      }
    }
  }

  // Destroys every occupied slot that is neither marked nor locked, returns
  // it to the chain, and unmarks the rest. Returns the number freed.
  std::uint32_t Sweep() {
    if (empty()) return 0;
    std::uint32_t freed = 0;
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      SlotHeader& header = slots_[i].header;
      if (!header.occupied()) continue;
      if (header.marked()) {
        header.Unmark();
        continue;
      }
      MEM_DCHECK(!header.locked(), "locked slots are marked as roots");
      std::destroy_at(slots_[i].value());
      header.Vacate(next_vacant_);
      next_vacant_ = i;
      ++freed;
    }
    occupied_ -= freed;
    return freed;
  }

  std::uint32_t CountLocked() const {
    std::uint32_t locked = 0;
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      locked += slots_[i].header.occupied() && slots_[i].header.locked();
    }
    return locked;
  }

  // The address range of the slot array, for raw-pointer coercion.
  std::uintptr_t begin_address() const {
    return reinterpret_cast<std::uintptr_t>(slots_.get());
  }
  std::uintptr_t end_address() const {
    return begin_address() + std::uintptr_t{capacity_} * sizeof(Slot<T>);
  }

  // The occupied slot whose value lives at `address`, or an error saying why
  // there is none. Reads only headers of this bucket's own slots, and only
  // after checking the address lies inside the bucket.
  absl::StatusOr<Slot<T>*> SlotOfValue(std::uintptr_t address) {
    if (address < begin_address() || address >= end_address()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("address %#x is outside this bucket of Arena<%s>",
                          address, TypeName<T>()));
    }
    const std::uintptr_t offset = address - begin_address();
    Slot<T>* slot = &slots_[offset / sizeof(Slot<T>)];
    if (reinterpret_cast<std::uintptr_t>(slot->storage) != address) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "address %#x points into a slot of Arena<%s> but not at its value "
          "(interior or misaligned)",
          address, TypeName<T>()));
    }
    if (!slot->header.occupied()) {
      return absl::FailedPreconditionError(
          absl::StrFormat("address %#x is a vacant (freed) slot of Arena<%s>",
                          address, TypeName<T>()));
    }
    return slot;
  }

  // O(capacity): the chain closes, counts agree, nothing is marked.
  bool IsConsistent() const {
    std::uint32_t vacant = 0;
    for (std::uint32_t i = next_vacant_; i != SlotHeader::kNoNext;
         i = slots_[i].header.next_vacant()) {
      if (i >= capacity_ || slots_[i].header.occupied()) return false;
      if (++vacant > capacity_) return false;  // a loop in the chain
    }
    std::uint32_t occupied = 0;
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      const SlotHeader& header = slots_[i].header;
      if (header.marked()) return false;
      if (!header.occupied() && header.locked()) return false;
      occupied += header.occupied();
    }
    // Slots taken for a value under construction (whose constructor may
    // allocate, and so collect) are neither occupied nor on the chain.
    return occupied == occupied_ && occupied_ + taken_ + vacant == capacity_;
  }

 private:
  std::unique_ptr<Slot<T>[]> slots_;
  std::uint32_t capacity_;
  std::uint32_t occupied_ = 0;     // slots holding a value
  std::uint32_t taken_ = 0;        // off the chain, value being constructed
  bool listed_ = false;            // on the arena's available list
  std::uint32_t next_vacant_ = 0;  // head of the vacant chain, kNoNext if full
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_BUCKET_H_
