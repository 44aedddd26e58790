// The type-erased half of a bucket: where a value's metadata lives, found
// from the value's address alone.
//
// A bucket is a block aligned to kBucketAlignment, and its metadata, an
// allocation of its own:
//
//   block:     [BucketHeader (the Bucket<T> object)][padding][slot 0]
//              [slot 1]...
//   metadata:  [free bits][occupied bits][mark bits][destructor-requested
//              bits][remembered bits][survivor bits][promoted bits]
//              [lock counts, 16 bits a slot]
//
// A slot is exactly sizeof(T): its state lives in the bitmaps and the lock
// array, not beside the value. The metadata lies outside the block so that
// the slots of buckets in adjacent blocks are apart by a header only: what
// is allocated bucket after bucket (a list consed, a vector of values) is
// one run of memory, which the hardware prefetcher follows from block to
// block. (With the metadata after the slots, 9 KiB apart in a block of
// Pairs, a walk of a million-element list took 1.1x as long: the
// prefetcher loses the run at every gap.) Every slot starts within the first
// kBucketAlignment bytes of its bucket (Bucket<T>::FittingCapacity caps the
// slots), so a value's bucket is its address with the low bits cleared
// (Of). Slot 0 sits right after the header, at an offset that depends only
// on T's alignment, so that code that knows T finds a value's index from
// its address alone (IndexOfValue: a mask, a subtraction and a multiply by
// a constant), without waiting for a load of the header.
//
// Slot states:
//
//   state      free  occupied  marked  locks
//   vacant     1     0         0       0
//   taken      0     0         0       0    (in the arena's allocation
//                                            cache, or a value under
//                                            construction)
//   unlocked   0     1         0       0
//   locked     0     1         0       >0   (a root)
//   marked     0     1         1       any  (between the mark and the sweep
//                                            of one collection; with
//                                            sticky marks, from the
//                                            collection it survived on: an
//                                            old value, see Sticky marks)
//
// Sticky marks (a heap made with a HeapBarrier: a generational or an
// incremental one): the sweep leaves the marks, so that a marked slot is an
// old value and an occupied unmarked one a young value, allocated since the
// last collection; a major collection clears them all first. While an
// incremental collection marks, a marked slot is one it has reached (gray
// or black) and an unmarked one is white.
// A remembered bit is set on a value that the write barrier put in the
// remembered set (remembered_set.h) since the last collection: an old
// value that was given a reference to a young one, or a young value stored
// where the barrier could not find the holder. A survivor bit is set on a
// young (unmarked) value that a minor collection kept and did not promote
// (survivor aging, see mutator.h): a lazy sweep keeps it as it keeps the
// marked ones, and the next minor collection that reaches it promotes it.
// The promoted bits are a minor collection's scratch (AgeSurvivors).
//
// A slot's lock count is 16 bits: a slot with more than 65,535 locks keeps
// the count saturated at kSaturatedLocks and the rest in the bucket's
// overflow table, so that the dense array costs 2 bytes a slot and the
// total still goes to kMaxLocks.
//
// Locks are taken by Pointers (one each) and never by Members; a slot that
// is not occupied is never locked and never marked. A destructor-requested
// bit (RequestDestructor, for types declaring kDestructorOnRequest) is set
// only on a taken or occupied slot, and cleared when the slot is freed.
// locked_slots() counts the slots with locks > 0, so that the root scan skips
// buckets that hold no root without reading their lock counts.
#ifndef KAMO_MEM_INTERNAL_BUCKET_HEADER_H_
#define KAMO_MEM_INTERNAL_BUCKET_HEADER_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

#include "mem/check.h"
#include "mem/internal/type_info.h"

#if defined(__SANITIZE_ADDRESS__)
#define KAMO_MEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KAMO_MEM_ASAN 1
#endif
#endif
#ifdef KAMO_MEM_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace kamo::mem::internal {

// Under ASan the storage of every slot that holds no value is poisoned (as
// cppgc does), so a read through a stale raw pointer or Member is reported
// where it happens. ASan poisons in 8-byte granules: a granule shared with
// a live neighbour stays addressable. Nothing in other builds.
inline void PoisonSlot([[maybe_unused]] const void* slot,
                       [[maybe_unused]] std::size_t size) {
#ifdef KAMO_MEM_ASAN
  ASAN_POISON_MEMORY_REGION(slot, size);
#endif
}
inline void UnpoisonSlot([[maybe_unused]] const void* slot,
                         [[maybe_unused]] std::size_t size) {
#ifdef KAMO_MEM_ASAN
  ASAN_UNPOISON_MEMORY_REGION(slot, size);
#endif
}

// Every bucket starts at a multiple of this.
inline constexpr std::size_t kBucketAlignment = std::size_t{1} << 16;

class RememberedSet;
struct HeapBarrier;

class BucketHeader {
 public:
  // The most locks a slot holds; a count of kSaturatedLocks in the lock
  // array means "this many, plus the overflow table's entry".
  static constexpr std::uint32_t kMaxLocks =
      std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint16_t kSaturatedLocks =
      std::numeric_limits<std::uint16_t>::max();

  BucketHeader(const BucketHeader&) = delete;
  BucketHeader& operator=(const BucketHeader&) = delete;

  // The bucket of the value at `value` (a slot's start address).
  static BucketHeader* Of(const void* value) {
    return reinterpret_cast<BucketHeader*>(
        reinterpret_cast<std::uintptr_t>(value) & ~(kBucketAlignment - 1));
  }

  // The slot index of the value at `value` (a slot's start address): exact
  // for slot starts (the offset is below 2^32 and a multiple of the slot
  // size, see reciprocal_).
  std::uint32_t IndexOf(const void* value) const {
    const std::uint64_t offset = reinterpret_cast<std::uintptr_t>(value) -
                                 reinterpret_cast<std::uintptr_t>(slots_);
    return static_cast<std::uint32_t>((offset * reciprocal_) >> 32);
  }
  // The same for a value of a known type, from constants alone.
  template <typename T>
  static std::uint32_t IndexOfValue(const T* value) {
    constexpr std::size_t kFirst = SlotsOffset(alignof(T));
    const std::uintptr_t offset =
        (reinterpret_cast<std::uintptr_t>(value) & (kBucketAlignment - 1)) -
        kFirst;
    return static_cast<std::uint32_t>(offset / sizeof(T));
  }
  // The same for code that knows the type only at run time (a tagged
  // value): from its alignment and SlotReciprocal(sizeof(T)), kept in a
  // table of its own rather than read from the header.
  static constexpr std::uint64_t SlotReciprocal(std::size_t slot_size) {
    return ((std::uint64_t{1} << 32) + slot_size - 1) / slot_size;
  }
  static std::uint32_t IndexOfSlot(const void* value, std::size_t alignment,
                                   std::uint64_t reciprocal) {
    const std::uint64_t offset =
        (reinterpret_cast<std::uintptr_t>(value) & (kBucketAlignment - 1)) -
        SlotsOffset(alignment);
    return static_cast<std::uint32_t>((offset * reciprocal) >> 32);
  }
  void* SlotAt(std::uint32_t index) const {
    return slots_ + std::size_t{index} * slot_size_;
  }

  // The index of the slot that contains `address` (any byte of it, not
  // only its start); `address` must lie among the slots. The reciprocal is
  // exact here too for slots of at most 32 KiB: an offset below
  // 64 KiB + slot_size, times the reciprocal's rounding error (below
  // slot_size), stays below 2^32. Larger slots divide.
  std::uint32_t IndexContaining(const void* address) const {
    const auto offset = static_cast<std::uint64_t>(
        static_cast<const std::byte*>(address) - slots_);
    if (slot_size_ > kMaxReciprocalSlot) [[unlikely]] {
      return static_cast<std::uint32_t>(offset / slot_size_);
    }
    const auto index = static_cast<std::uint32_t>((offset * reciprocal_) >> 32);
    MEM_DCHECK(index == offset / slot_size_, "IndexContaining is exact");
    return index;
  }
  static constexpr std::uint32_t kMaxReciprocalSlot = 32 << 10;

  std::uint32_t capacity() const { return capacity_; }
  std::uint32_t slot_size() const { return slot_size_; }
  std::uint32_t occupied() const { return occupied_count_; }
  std::uint32_t locked_slots() const { return locked_slots_; }
  // The Mutator that owns the bucket (for the debug cross-heap checks).
  const void* owner() const { return owner_; }
  // The type whose values the bucket holds.
  const TypeInfo& type() const { return *type_; }
  // type().tag, kept in the header itself: a tagged value's type check is
  // then one load.
  std::uint8_t type_tag() const { return type_tag_; }

  bool occupied(std::uint32_t index) const { return Test(occupied_, index); }
  // Calls `visit(index)` for every slot holding a live value, in slot
  // order (heap walks: snapshots, retainer paths).
  template <typename Visit>
  void ForEachLive(Visit&& visit) const {
    const std::size_t words = BitmapWords(capacity_);
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t bits = LiveWord(w); bits != 0; bits &= bits - 1) {
        visit(static_cast<std::uint32_t>(w * 64 + std::countr_zero(bits)));
      }
    }
  }
  // How many slots before `index` hold live values: a walk's number for
  // the value at `index` within its bucket. O(index / 64).
  std::uint32_t LiveBefore(std::uint32_t index) const {
    std::uint32_t count = 0;
    for (std::uint32_t w = 0; w < index / 64; ++w) {
      count += static_cast<std::uint32_t>(std::popcount(LiveWord(w)));
    }
    const std::uint64_t below = (std::uint64_t{1} << (index % 64)) - 1;
    return count + static_cast<std::uint32_t>(
                       std::popcount(LiveWord(index / 64) & below));
  }
  // Whether the slot holds a value that is alive: occupied, and not left
  // dead by a collection whose sweep of this bucket is still to come.
  bool holds_live(std::uint32_t index) const {
    return occupied(index) &&
           (!unswept_ || marked(index) || Test(survivors_, index));
  }
  bool unswept() const { return unswept_; }
  bool marked(std::uint32_t index) const { return Test(marks_, index); }
  // Survivor aging (see Sticky marks): young values that lived through
  // one minor collection, and are promoted by the next one that reaches
  // them.
  std::uint32_t survivor_count() const { return survivor_count_; }
  // Whether allocation has taken slots here since the last collection, or
  // survivors live here: in a generational heap, the only buckets that can
  // hold young values, and so the only ones a minor collection reads.
  bool has_young() const { return has_young_; }
  void set_has_young(bool has_young) { has_young_ = has_young; }

  // The heap's write barrier state (see Sticky marks), null in a heap that
  // clears its marks in every sweep.
  HeapBarrier* barrier() const { return barrier_; }
  bool remembered(std::uint32_t index) const {
    return Test(remembered_, index);
  }
  // Sets the remembered bit; false if it was set already.
  bool Remember(std::uint32_t index) {
    if (remembered(index)) return false;
    Set(remembered_, index);
    return true;
  }
  void Forget(std::uint32_t index) { Clear(remembered_, index); }
  std::uint32_t CountRemembered() const {
    std::uint32_t count = 0;
    for (std::size_t w = 0; w < BitmapWords(capacity_); ++w) {
      count += static_cast<std::uint32_t>(std::popcount(remembered_[w]));
    }
    return count;
  }
  // Starts loading the bitmaps a sweep reads first (the hardware follows
  // on from there): a pass over many buckets asks for the next ones'.
  void PrefetchBitmaps() const {
    __builtin_prefetch(free_);
    __builtin_prefetch(occupied_);
    __builtin_prefetch(marks_);
  }

  // Clears every mark: a major collection with sticky marks starts with
  // every value young.
  void ClearMarks() {
    std::fill_n(marks_, BitmapWords(capacity_), std::uint64_t{0});
    marked_count_ = 0;
    if (survivor_count_ != 0) {
      std::fill_n(survivors_, BitmapWords(capacity_), std::uint64_t{0});
      survivor_count_ = 0;
    }
  }

  // A minor collection, once the remembered set's marking is drained:
  // what it marked is promoted (its holders are old), so a survivor it
  // reached is no longer one; the marks are kept to tell those values
  // from the ones the roots reach next (AgeSurvivors).
  void EndRememberedMarking() {
    const std::size_t words = BitmapWords(capacity_);
    if (survivor_count_ != 0) {
      for (std::size_t w = 0; w < words; ++w) {
        if (const std::uint64_t promoted = survivors_[w] & marks_[w];
            promoted != 0) {
          survivors_[w] &= ~promoted;
          survivor_count_ -=
              static_cast<std::uint32_t>(std::popcount(promoted));
        }
      }
    }
    std::copy_n(marks_, words, promoted_);
    marked_by_remembered_ = marked_count_;
    promoted_count_ = 0;
  }
  // A minor collection, once marking and the weak references are done:
  // of the values marked since EndRememberedMarking, a survivor is
  // promoted (it stays marked, and is left for ForEachPromoted), and any
  // other stays young (unmarked) as a survivor. Survivors not marked were
  // unreached, and are dead. Returns how many it kept young.
  std::uint32_t AgeSurvivors() {
    const std::size_t words = BitmapWords(capacity_);
    if (marked_count_ == marked_by_remembered_) {
      // Nothing reached since: no survivor lives on.
      if (survivor_count_ != 0) {
        std::fill_n(survivors_, words, std::uint64_t{0});
        survivor_count_ = 0;
      }
      return 0;
    }
    std::uint32_t kept = 0;
    for (std::size_t w = 0; w < words; ++w) {
      const std::uint64_t reached = marks_[w] & ~promoted_[w];
      const std::uint64_t keep = reached & ~survivors_[w];
      const std::uint64_t promote = reached & survivors_[w];
      promoted_[w] = promote;
      survivors_[w] = keep;
      // Population counts only of words with bits: a call into libgcc
      // on baseline x86-64.
      if (keep != 0) {
        marks_[w] &= ~keep;
        kept += static_cast<std::uint32_t>(std::popcount(keep));
      }
      if (promote != 0) {
        promoted_count_ += static_cast<std::uint32_t>(std::popcount(promote));
      }
    }
    marked_count_ -= kept;
    survivor_count_ = kept;
    return kept;
  }
  // Calls `visit(index)` for every value AgeSurvivors promoted.
  template <typename Visit>
  void ForEachPromoted(Visit&& visit) const {
    if (promoted_count_ == 0) return;
    const std::size_t words = BitmapWords(capacity_);
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t bits = promoted_[w]; bits != 0; bits &= bits - 1) {
        visit(static_cast<std::uint32_t>(w * 64 + std::countr_zero(bits)));
      }
    }
  }

  // The value at `index` (taken: under construction, or occupied) asks for
  // its destructor to run when it is freed (handle.h's RequestDestructorAt).
  void RequestDestructor(std::uint32_t index) {
    MEM_DCHECK(!vacant(index), "a vacant slot requests no destructor");
    Set(destructor_requested_, index);
    any_destructor_requested_ = true;
  }
  bool vacant(std::uint32_t index) const { return Test(free_, index); }
  std::uint32_t locks(std::uint32_t index) const {
    const std::uint16_t count = locks_[index];
    return count == kSaturatedLocks ? count + OverflowLocks(index) : count;
  }

  // Sets the mark; false if it was set already.
  bool Mark(std::uint32_t index) {
    std::uint64_t& word = marks_[index / 64];
    const std::uint64_t bit = std::uint64_t{1} << (index % 64);
    if (word & bit) return false;
    word |= bit;
    ++marked_count_;
    return true;
  }
  // The slots marked: the marks' population count, kept as they are set.
  std::uint32_t marked_count() const { return marked_count_; }

  // Lock and Unlock stop on misuse (a slot that holds no value, an
  // overflow, an unlock without a lock) with a message naming the type;
  // `type_name()` is called only then. Only occupied slots hold locks and a
  // vacant slot's count is 0, so a slot with a lock is occupied: the
  // occupied bit is read only when the first lock is taken, and Unlock
  // needs only the count (FailUnlock tells the two misuses apart).
  // kReachable: the caller knows the value is reachable (handle.h's
  // LockReachableAt), and only debug builds check that the slot holds it.
  template <bool kReachable = false, typename NameFn>
  [[gnu::always_inline]] void Lock(std::uint32_t index, NameFn&& type_name) {
    std::uint16_t& locks = locks_[index];
    // 0 or saturated.
    if (static_cast<std::uint16_t>(locks - 1) >= kSaturatedLocks - 1)
        [[unlikely]] {
      if (locks == kSaturatedLocks) {
        if (!AddOverflowLock(index)) [[unlikely]] {
          FailLock(index, type_name());
        }
        return;
      }
      if ((!kReachable || KAMO_MEM_DEBUG_CHECKS) && !holds_live(index))
          [[unlikely]] {
        FailLock(index, type_name());
      }
      ++locked_slots_;
    }
    ++locks;
  }
  template <typename NameFn>
  [[gnu::always_inline]] void Unlock(std::uint32_t index, NameFn&& type_name) {
    std::uint16_t& locks = locks_[index];
    // 0, 1 or saturated.
    if (static_cast<std::uint16_t>(locks - 2) >= kSaturatedLocks - 2)
        [[unlikely]] {
      if (locks == kSaturatedLocks) {
        if (RemoveOverflowLock(index)) return;
      } else if (locks == 0) [[unlikely]] {
        FailUnlock(index, type_name());
      } else {
        --locked_slots_;
      }
    }
    --locks;
  }

  // During a collection's marking, the ephemerons waiting on keys in this
  // bucket (EphemeronTable's, opaque here); null otherwise.
  void* waiting_ephemerons() const { return waiting_ephemerons_; }
  void set_waiting_ephemerons(void* waiting) { waiting_ephemerons_ = waiting; }

  // For tests of the overflow and underflow checks only.
  void SetLocksForTesting(std::uint32_t index, std::uint32_t locks);

 protected:
  // Slot index -> locks beyond kSaturatedLocks (bucket_header.cc).
  struct LockOverflow;

  // The header of a bucket laid out as above for `capacity` slots of
  // `slot_size` bytes aligned to `slot_alignment`, with `metadata` from
  // AllocateMetadata(capacity).
  BucketHeader(std::uint32_t capacity, std::uint32_t slot_size,
               std::uint32_t slot_alignment, const TypeInfo& type,
               const void* owner, HeapBarrier* barrier, void* metadata);
  ~BucketHeader();

  // A bucket's metadata, MetadataBytes(capacity) from the block pool's
  // (block_pool.h). Throws std::bad_alloc.
  static void* AllocateMetadata(std::uint32_t capacity);
  static void FreeMetadata(void* metadata, std::uint32_t capacity);

  // Bytes from the bucket's start to slot 0 for slots aligned to
  // `alignment`: the header, rounded up.
  static constexpr std::size_t SlotsOffset(std::size_t alignment) {
    return (sizeof(BucketHeader) + alignment - 1) / alignment * alignment;
  }
  // The metadata's bytes.
  static std::size_t MetadataBytes(std::uint32_t capacity) {
    return 7 * BitmapWords(capacity) * sizeof(std::uint64_t) +
           std::size_t{capacity} * sizeof(std::uint16_t);
  }
  static std::size_t BitmapWords(std::uint32_t capacity) {
    return (std::size_t{capacity} + 63) / 64;
  }
  // The bits of bitmap word `word` that stand for slots.
  std::uint64_t ValidBits(std::uint32_t word) const {
    const std::uint32_t slots = capacity_ - word * 64;
    return slots >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << slots) - 1;
  }
  std::uint64_t LiveWord(std::size_t w) const {
    return occupied_[w] &
           (unswept_ ? marks_[w] | survivors_[w] : ~std::uint64_t{0});
  }
  static bool Test(const std::uint64_t* bits, std::uint32_t index) {
    return (bits[index / 64] >> (index % 64)) & 1;
  }
  static void Set(std::uint64_t* bits, std::uint32_t index) {
    bits[index / 64] |= std::uint64_t{1} << (index % 64);
  }
  static void Clear(std::uint64_t* bits, std::uint32_t index) {
    bits[index / 64] &= ~(std::uint64_t{1} << (index % 64));
  }

  // The overflow table's part of a saturated slot's count. Add fails (and
  // changes nothing) at kMaxLocks; Remove is false if the entry is empty.
  std::uint32_t OverflowLocks(std::uint32_t index) const;
  [[gnu::cold]] bool AddOverflowLock(std::uint32_t index);
  [[gnu::cold]] bool RemoveOverflowLock(std::uint32_t index);
  // Whether the overflow table holds entries only for saturated slots.
  bool OverflowIsConsistent() const;

  [[noreturn, gnu::cold]] void FailLock(std::uint32_t index,
                                        std::string_view type) const;
  [[noreturn, gnu::cold]] void FailUnlock(std::uint32_t index,
                                          std::string_view type) const;

  std::uint64_t* free_;                  // vacant slots, to allocate from;
                                         // the start of the metadata
  std::uint64_t* occupied_;              // slots holding a constructed value
  std::uint64_t* marks_;                 // reached in the current collection
  std::uint64_t* destructor_requested_;  // see RequestDestructor
  std::uint64_t* remembered_;            // see Sticky marks
  std::uint64_t* survivors_;             // see survivor_count()
  std::uint64_t* promoted_;              // see AgeSurvivors
  std::uint16_t* locks_;                 // Pointers per slot, saturating
  std::unique_ptr<LockOverflow> lock_overflow_;  // made on first use
  std::byte* slots_;
  // ceil(2^32 / slot_size): IndexOf's division by the slot size.
  std::uint64_t reciprocal_;
  const void* owner_;
  HeapBarrier* barrier_;  // null: marks are cleared by the sweep
  const TypeInfo* type_;
  std::uint8_t type_tag_;
  // The counters that allocation updates (vacant_, occupied_count_,
  // locked_slots_) are kept apart: the compiler merges updates of adjacent
  // counters into one 8-byte access, which then waits for the 4-byte store
  // of the previous update (a failed store forwarding).
  std::uint32_t occupied_count_ = 0;
  std::uint32_t slot_size_;
  std::uint32_t vacant_;  // free bits set; the rest of the capacity is
                          // occupied or taken (under construction)
  std::uint32_t capacity_;
  std::uint32_t locked_slots_ = 0;  // slots with locks > 0
  std::uint32_t free_cursor_ = 0;   // the first free_ word that may be set
  bool listed_ = false;             // on the arena's available list
  // Marked by the last collection and not swept yet (lazy sweeping): the
  // marks are the live set, and occupied unmarked slots are dead values
  // that still look occupied.
  bool unswept_ = false;
  bool has_young_ = false;
  // A slot has ever requested its destructor here: if not, a sweep looks
  // for none (a bucket of Pairs never reads that bitmap).
  bool any_destructor_requested_ = false;
  std::uint32_t dead_ = 0;  // unswept: the values its sweep will free
  // Bits set in marks_: a lazy sweep counts the dead without reading the
  // bitmap (an incremental collection's finish would otherwise read the
  // mark bitmap of every bucket, one cache and TLB miss each, 0.8 ms on
  // GCBench large).
  std::uint32_t marked_count_ = 0;
  std::uint32_t survivor_count_ = 0;  // bits set in survivors_
  // A minor collection's (EndRememberedMarking, AgeSurvivors): the marks
  // after the remembered set's marking; the survivors promoted.
  std::uint32_t marked_by_remembered_ = 0;
  std::uint32_t promoted_count_ = 0;
  void* waiting_ephemerons_ = nullptr;
};

// Lock and unlock the value at `value`, which must be a slot's start.
// Inlined: a Pointer's copy and destruction are these and nothing else, and
// T's constants give the index without a load of the header. (value/, which
// knows its types only at run time, computes the index with IndexOfSlot.)
template <typename T, typename NameFn>
[[gnu::always_inline]] inline void LockValue(const T* value,
                                             NameFn&& type_name) {
  BucketHeader::Of(value)->Lock(BucketHeader::IndexOfValue(value), type_name);
}
template <typename T, typename NameFn>
[[gnu::always_inline]] inline void UnlockValue(const T* value,
                                               NameFn&& type_name) {
  BucketHeader::Of(value)->Unlock(BucketHeader::IndexOfValue(value), type_name);
}
template <typename T>
std::uint32_t LocksOf(const T* value) {
  return BucketHeader::Of(value)->locks(BucketHeader::IndexOfValue(value));
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_BUCKET_HEADER_H_
