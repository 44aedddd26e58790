// A Bucket<T> is a fixed-capacity block of slots for values of type T, with
// their states in bitmaps and a lock array beside them (bucket_header.h has
// the layout). Allocation takes the first free bit from a cursor; the sweep
// works a 64-slot word at a time, and runs no per-slot loop at all for
// types with trivial destructors, or for the values of a type declaring
// kDestructorOnRequest that did not request theirs (except under ASan,
// which poisons each freed slot).
//
// Invariant (IsConsistent): free, occupied and taken slots partition the
// capacity; vacant_, occupied_count_ and locked_slots_ agree with the
// bitmaps and the locks; no slot is marked outside a collection (with
// sticky marks: only occupied slots are marked, and only they are
// remembered; in another, none is remembered); only
// occupied slots are locked; the lock overflow table holds entries only for
// saturated counts; the free cursor is at or before the first free word.
#ifndef KAMO_MEM_INTERNAL_BUCKET_H_
#define KAMO_MEM_INTERNAL_BUCKET_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "mem/check.h"
#include "mem/internal/block_pool.h"
#include "mem/internal/bucket_header.h"
#include "mem/internal/type_info.h"
#include "mem/trace.h"

namespace kamo::mem::internal {

// The largest bucket_capacity an option may ask for; FittingCapacity may
// give fewer.
inline constexpr std::uint32_t kMaxBucketCapacity = (1u << 30) - 1;

template <typename T>
class Bucket final : public BucketHeader {
 public:
  static_assert(alignof(T) <= kBucketAlignment / 2,
                "a managed type's alignment must leave room for metadata");

  // The slots a bucket has when `requested` are asked for: as many, unless
  // fewer already fill a block of kBucketAlignment bytes (at least one: a
  // value larger than a block has a bucket, and an allocation, to itself).
  static std::uint32_t FittingCapacity(std::uint32_t requested) {
    MEM_CHECK(requested > 0 && requested <= kMaxBucketCapacity,
              "Bucket<%s>: capacity %u out of range [1, %u]", TypeName<T>(),
              requested, kMaxBucketCapacity);
    auto fits = [](std::uint32_t capacity) {
      return SlotBlockBytes(capacity) <= kBucketAlignment;
    };
    if (fits(requested)) return requested;
    std::uint32_t capacity = static_cast<std::uint32_t>(
        std::min<std::size_t>(requested, kBucketAlignment / sizeof(T)));
    while (capacity > 1 && !fits(capacity)) --capacity;
    return std::max<std::uint32_t>(capacity, 1);
  }

  // The bytes of a bucket of `capacity` slots: its block (the header and
  // the slots) and its metadata.
  static std::size_t BucketBytes(std::uint32_t capacity) {
    return SlotBlockBytes(capacity) + MetadataBytes(capacity);
  }
  // The block's bytes alone.
  static std::size_t SlotBlockBytes(std::uint32_t capacity) {
    return SlotsOffset(alignof(T)) + std::size_t{capacity} * sizeof(T);
  }

  // A new bucket of FittingCapacity(capacity) == capacity slots, owned by
  // the Mutator at `owner`, with sticky marks if `barrier` is not null (see
  // Sticky marks). Throws std::bad_alloc, having allocated
  // nothing.
  static Bucket* Create(std::uint32_t capacity, const void* owner,
                        HeapBarrier* barrier) {
    MEM_CHECK(capacity == FittingCapacity(capacity),
              "Bucket<%s>: %u slots do not fit a bucket", TypeName<T>(),
              capacity);
    void* metadata = AllocateMetadata(capacity);
    void* block;
    try {
      block = AllocateBucketBytes(SlotBlockBytes(capacity));
    } catch (...) {
      FreeMetadata(metadata, capacity);
      throw;
    }
    return ::new (block) Bucket(capacity, owner, barrier, metadata);
  }

  // Destroys every value still here (the Mutator is going away, or the
  // bucket is empty) and frees the block and the metadata.
  static void Destroy(Bucket* bucket) {
    const std::uint32_t capacity = bucket->capacity();
    void* const metadata = bucket->free_;  // read by the destructor
    bucket->~Bucket();
    FreeMetadata(metadata, capacity);
    FreeBucketBytes(bucket, SlotBlockBytes(capacity));
  }

  struct Deleter {
    void operator()(Bucket* bucket) const { Destroy(bucket); }
  };

  T* value(std::uint32_t index) const {
    return std::launder(reinterpret_cast<T*>(SlotAt(index)));
  }

  bool full() const { return vacant_ == 0; }
  // A vacant slot now, or after the sweep still to come.
  bool has_room() const { return vacant_ != 0 || dead_ != 0; }
  // Values alive: occupied, less the dead ones an unswept bucket holds.
  std::uint32_t live() const { return occupied_count_ - dead_; }
  bool empty() const { return vacant_ == capacity_; }
  // Empty, or unswept with every value dead (and none taken).
  bool empty_once_swept() const { return vacant_ + dead_ == capacity_; }

  // Whether the bucket is on its arena's list of buckets with a vacant slot.
  bool listed() const { return listed_; }
  void set_listed(bool listed) { listed_ = listed; }

  // Allocation takes free slots a bitmap word at a time (TakeFreeWord): the
  // word's free slots become taken, and the arena hands them out one by one
  // (its allocation cache) without touching the bucket again until the
  // word is used up, then gives back whatever it did not use (ReturnFree).
  // A taken slot's value is constructed in SlotAt(index) (Construct), then
  // Occupy publishes it; a constructor may itself allocate (or throw)
  // without seeing a half-updated bucket, and if it throws, Release frees
  // the slot again.
  struct FreeWord {
    std::uint32_t first_index;  // the slot of bit 0, a multiple of 64
    std::uint64_t bits;         // the taken slots, never 0
  };
  FreeWord TakeFreeWord() {
    MEM_DCHECK(!full(), "TakeFreeWord needs a vacant slot");
    std::uint32_t word = free_cursor_;
    while (free_[word] == 0) ++word;  // stops: the bucket is not full
    free_cursor_ = word;
    const std::uint64_t bits = std::exchange(free_[word], 0);
    vacant_ -= static_cast<std::uint32_t>(std::popcount(bits));
    return {word * 64, bits};
  }

  // Frees taken slots that were never occupied (their storage stays
  // poisoned under ASan: it was never handed out).
  void ReturnFree(FreeWord taken) {
    MEM_DCHECK(AreTaken(taken), "ReturnFree of slots that were not taken");
    const std::uint32_t word = taken.first_index / 64;
    free_[word] |= taken.bits;
    free_cursor_ = std::min(free_cursor_, word);
    vacant_ += static_cast<std::uint32_t>(std::popcount(taken.bits));
  }

  // Whether the slots are taken: neither free nor occupied.
  bool AreTaken(FreeWord slots) const {
    const std::uint32_t word = slots.first_index / 64;
    return slots.first_index % 64 == 0 && word < BitmapWords(capacity_) &&
           (slots.bits & ~ValidBits(word)) == 0 &&
           ((free_[word] | occupied_[word]) & slots.bits) == 0;
  }

  // Constructs a T in a taken slot (unpoisoned first, under ASan): with a
  // constructor if T has a matching one, else as an aggregate (clang 14 has
  // no parenthesised aggregate initialisation).
  template <typename... Args>
  static T* Construct(void* slot, Args&&... args) {
    UnpoisonSlot(slot, sizeof(T));
    if constexpr (std::is_constructible_v<T, Args&&...>) {
      return ::new (slot) T(std::forward<Args>(args)...);
    } else {
      return ::new (slot) T{std::forward<Args>(args)...};
    }
  }

  // Publishes the value at a taken slot, holding one lock: the Pointer that
  // Allocate returns (taken here, where the index is known, rather than
  // through LockValue).
  void Occupy(std::uint32_t index) {
    Set(occupied_, index);
    locks_[index] = 1;
    ++locked_slots_;
    ++occupied_count_;
  }

  // Frees a taken slot whose constructor threw.
  void Release(std::uint32_t index) {
    Clear(destructor_requested_, index);
    PoisonSlot(SlotAt(index), sizeof(T));
    ReturnFree({index / 64 * 64, std::uint64_t{1} << (index % 64)});
  }

  // Marks every locked slot and pushes it to the tracer: the roots. Reads
  // nothing of a bucket without locks.
  void MarkRoots(Tracer& tracer) {
    std::uint32_t left = locked_slots_;
    for (std::uint32_t i = 0; left != 0; ++i) {
      if (locks_[i] == 0) continue;
      MEM_DCHECK(occupied(i), "only occupied slots are locked");
      tracer.Visit(RootOf(value(i)));
      --left;
    }
  }

  // Whether the marks leave every occupied slot alive: a sweep would free
  // nothing, and only clear the marks if they are not sticky (KeepAll).
  bool AllMarked() const {
    return marked_count_ + survivor_count_ == occupied_count_;
  }
  void KeepAll() {
    MEM_DCHECK(AllMarked() && !unswept_,
               "KeepAll of a bucket with dead values");
    if (barrier_ == nullptr) ClearMarks();
  }

  // Lazy sweeping: counts the values the sweep will free (occupied and
  // unmarked) and leaves the bucket unswept, its marks the live set, until
  // allocation needs it or the next collection starts. Returns the count.
  std::uint32_t DeferSweep() {
    unswept_ = true;
    dead_ = occupied_count_ - marked_count_ - survivor_count_;
    return dead_;
  }

  // Whether a value the marks leave dead has a destructor to run: a sweep
  // of a type with destructors may be deferred only if none does.
  bool DeadHaveDestructors() const {
    if constexpr (std::is_trivially_destructible_v<T>) return false;
    if (!kDestroysAll && !any_destructor_requested_) return false;
    const std::size_t words = BitmapWords(capacity_);
    for (std::uint32_t w = 0; w < words; ++w) {
      if (DestructorsDue(w, occupied_[w] & ~(marks_[w] | survivors_[w])) != 0) {
        return true;
      }
    }
    return false;
  }

  // Destroys every occupied slot that is not marked (locked slots are
  // marked as roots) and frees it, and clears the marks unless they are
  // sticky. Returns the number freed: the occupied slots less the marked
  // ones (only occupied slots are marked), counted before the loop, which
  // then needs no population count (a call into libgcc on baseline
  // x86-64, with the loop's registers spilled around it).
  std::uint32_t Sweep() {
    const std::uint32_t freed =
        occupied_count_ - marked_count_ - survivor_count_;
    [[maybe_unused]] std::uint32_t freed_bits = 0;
    std::uint32_t first_free = kNoWord;
    const std::size_t words = BitmapWords(capacity_);
    const bool sticky = barrier_ != nullptr;
    // A bucket left with no marks and no survivors (every value dead) has
    // no mark bitmap to read or clear.
    const bool any_marked = marked_count_ != 0;
    const bool any_survivors = survivor_count_ != 0;
    for (std::uint32_t w = 0; w < words; ++w) {
      std::uint64_t dead =
          any_marked ? occupied_[w] & ~marks_[w] : occupied_[w];
      if (any_survivors) dead &= ~survivors_[w];
      if (!sticky && any_marked) marks_[w] = 0;
      if (dead != 0) {
        const std::uint64_t destroy = DestructorsDue(w, dead);
        if (kPoisons || destroy != 0) {
          for (std::uint64_t bits = kPoisons ? dead : destroy; bits != 0;
               bits &= bits - 1) {
            const int bit = std::countr_zero(bits);
            const auto index = static_cast<std::uint32_t>(w * 64 + bit);
            MEM_DCHECK(locks_[index] == 0, "locked slots are marked as roots");
            if ((destroy >> bit) & 1) std::destroy_at(value(index));
            PoisonSlot(SlotAt(index), sizeof(T));
          }
        }
        // Only a bucket where a destructor was requested has bits to clear:
        // the rest never touch that bitmap.
        if (any_destructor_requested_) destructor_requested_[w] &= ~dead;
        occupied_[w] &= ~dead;
        free_[w] |= dead;
#if KAMO_MEM_DEBUG_CHECKS
        freed_bits += static_cast<std::uint32_t>(std::popcount(dead));
#endif
      }
      if (free_[w] != 0 && first_free == kNoWord) first_free = w;
    }
    if (first_free != kNoWord) free_cursor_ = first_free;
    if (!sticky) marked_count_ = 0;
    MEM_DCHECK(freed == freed_bits, "the marks count the live values");
    MEM_DCHECK(!unswept_ || freed == dead_, "DeferSweep counted the dead");
    occupied_count_ -= freed;
    vacant_ += freed;
    unswept_ = false;
    dead_ = 0;
    return freed;
  }

  // The address range of the slots, for raw-pointer coercion.
  std::uintptr_t begin_address() const {
    return reinterpret_cast<std::uintptr_t>(slots_);
  }
  std::uintptr_t end_address() const {
    return begin_address() + std::uintptr_t{capacity_} * sizeof(T);
  }

  // The occupied slot's value at `address`, or an error saying why there is
  // none. Reads only this bucket's metadata, and only after checking the
  // address lies among its slots.
  absl::StatusOr<T*> SlotOfValue(std::uintptr_t address) const {
    if (address < begin_address() || address >= end_address()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("address %#x is outside this bucket of Arena<%s>",
                          address, TypeName<T>()));
    }
    const auto index =
        static_cast<std::uint32_t>((address - begin_address()) / sizeof(T));
    if (reinterpret_cast<std::uintptr_t>(SlotAt(index)) != address) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "address %#x points into a slot of Arena<%s> but not at its value "
          "(interior or misaligned)",
          address, TypeName<T>()));
    }
    if (!holds_live(index)) {
      return absl::FailedPreconditionError(
          absl::StrFormat("address %#x is a vacant (freed) slot of Arena<%s>",
                          address, TypeName<T>()));
    }
    return value(index);
  }

  // O(capacity): see the invariant above.
  bool IsConsistent() const {
    const std::size_t words = BitmapWords(capacity_);
    std::uint32_t occupied = 0;
    std::uint32_t vacant = 0;
    std::uint32_t marked = 0;
    std::uint32_t survivors = 0;
    const bool sticky = barrier_ != nullptr;
    for (std::uint32_t w = 0; w < words; ++w) {
      if ((free_[w] & occupied_[w]) != 0) return false;
      // Marks outlive a collection only if sticky or in an unswept bucket,
      // and then only on occupied slots; only occupied slots of a
      // generational heap are remembered.
      if ((marks_[w] &
           (unswept_ || sticky ? ~occupied_[w] : ~std::uint64_t{0})) != 0) {
        return false;
      }
      if ((remembered_[w] & (sticky ? ~occupied_[w] : ~std::uint64_t{0})) !=
          0) {
        return false;
      }
      // Survivors are young (unmarked) occupied slots of a generational
      // heap.
      if ((survivors_[w] &
           (sticky ? ~occupied_[w] | marks_[w] : ~std::uint64_t{0})) != 0) {
        return false;
      }
      marked += static_cast<std::uint32_t>(std::popcount(marks_[w]));
      survivors += static_cast<std::uint32_t>(std::popcount(survivors_[w]));
      if (free_[w] != 0 && w < free_cursor_) return false;
      if ((destructor_requested_[w] & free_[w]) != 0) return false;
      occupied += static_cast<std::uint32_t>(std::popcount(occupied_[w]));
      vacant += static_cast<std::uint32_t>(std::popcount(free_[w]));
    }
    const auto last = static_cast<std::uint32_t>(words - 1);
    if (((free_[last] | occupied_[last]) & ~ValidBits(last)) != 0) {
      return false;
    }
    std::uint32_t locked = 0;
    for (std::uint32_t i = 0; i < capacity_; ++i) {
      if (locks_[i] == 0) continue;
      if (!holds_live(i)) return false;
      ++locked;
    }
    return OverflowIsConsistent() && occupied == occupied_count_ &&
           locked == locked_slots_ && vacant == vacant_ &&
           occupied_count_ + vacant_ <= capacity_ && marked == marked_count_ &&
           survivors == survivor_count_ &&
           (unswept_ ? dead_ == occupied_count_ - marked - survivors
                     : dead_ == 0);
  }

 private:
  static constexpr std::uint32_t kNoWord = ~0u;
  // Whether every value's destructor runs, or only requested ones'.
  static constexpr bool kDestroysAll =
      !std::is_trivially_destructible_v<T> && !DestructorOnRequest<T>();

  // The slots among `slots` (of bitmap word `w`) whose destructor runs when
  // they are freed.
  std::uint64_t DestructorsDue(std::uint32_t w, std::uint64_t slots) const {
    if constexpr (std::is_trivially_destructible_v<T>) {
      return 0;
    } else if constexpr (kDestroysAll) {
      return slots;
    } else {
      return slots & destructor_requested_[w];
    }
  }
#ifdef KAMO_MEM_ASAN
  static constexpr bool kPoisons = true;
#else
  static constexpr bool kPoisons = false;
#endif

  Bucket(std::uint32_t capacity, const void* owner, HeapBarrier* barrier,
         void* metadata)
      : BucketHeader(capacity, sizeof(T), alignof(T), TypeInfoOf<T>(), owner,
                     barrier, metadata) {
    static_assert(sizeof(Bucket) == sizeof(BucketHeader),
                  "IndexOfValue places slot 0 right after the header");
    PoisonSlot(slots_, std::size_t{capacity} * sizeof(T));
  }

  ~Bucket() {
    if constexpr (!std::is_trivially_destructible_v<T>) {
      const std::size_t words = BitmapWords(capacity_);
      for (std::uint32_t w = 0; w < words; ++w) {
        for (std::uint64_t bits = DestructorsDue(w, occupied_[w]); bits != 0;
             bits &= bits - 1) {
          std::destroy_at(value(
              static_cast<std::uint32_t>(w * 64 + std::countr_zero(bits))));
        }
      }
    }
    // The block goes back to the allocator whole.
    UnpoisonSlot(slots_, std::size_t{capacity_} * sizeof(T));
  }
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_BUCKET_H_
