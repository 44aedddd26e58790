// An Arena<T> keeps every value of one managed type in a list of Buckets.
//
// Complexity (where the seed scans buckets, this keeps indexes):
//   allocation   O(1): `available_` is a stack of the buckets that have a
//                vacant slot. Allocation takes a bitmap word of free slots
//                at a time from its top into the allocation cache and hands
//                them out from there: a bit scan, with no load of the
//                bucket's free bitmap or of the stack.
//   coercion     O(1): the process's ChunkTable names the bucket an
//                address lies in, and `own_buckets_`, a hash set, says
//                whether it is one of this arena's (the table also names
//                free pool blocks, and other Mutators' buckets); adding
//                or releasing a bucket is O(1) too.
//   len/capacity O(1): counters.
//   root scan    O(buckets) plus O(capacity) of the buckets that hold
//                locks (Bucket::MarkRoots); a minor collection reads only
//                the buckets allocation took slots from since the last
//                collection and those holding survivors (`young_buckets_`):
//                only they hold young values, and an old root is marked
//                already.
//   sweep        O(capacity / 64) words, plus O(1) per freed value with a
//                destructor; a minor collection's, of the young buckets
//                only. Lazy where no freed value has a destructor
//                to run (pressure and stress collections): the collection
//                counts the dead from the marks, and each bucket is swept
//                when allocation next takes from it, or before the next
//                marking.
//
// Invariant: a bucket is on `available_` (once, with listed() set) exactly
// when it has a vacant slot or will after its pending sweep (has_room());
// the cache's slots are taken slots of cache_.bucket (outside a collection
// only: PrepareForCollection gives them back);
// len_ is the sum of the buckets' live values, capacity_ of their slots;
// `unswept_` holds every bucket a Sweep left unswept (and perhaps some
// allocation has swept since); `young_buckets_` holds exactly the buckets
// with has_young() set.
#ifndef KAMO_MEM_INTERNAL_ARENA_H_
#define KAMO_MEM_INTERNAL_ARENA_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "mem/check.h"
#include "mem/describe.h"
#include "mem/internal/bucket.h"
#include "mem/internal/chunk_table.h"
#include "mem/internal/heap_registry.h"
#include "mem/internal/type_info.h"
#include "mem/trace.h"

namespace kamo::mem::internal {

// The type-erased face of an arena, what a collection works with.
class ArenaBase {
 public:
  virtual ~ArenaBase() = default;

  virtual std::string_view type_name() const = 0;
  virtual std::size_t len() const = 0;
  virtual std::size_t capacity() const = 0;
  virtual std::size_t bucket_count() const = 0;
  virtual std::size_t bucket_capacity() const = 0;
  virtual std::size_t slot_size() const = 0;
  virtual std::size_t bucket_bytes() const = 0;

  // With `young_only` (a minor collection), only the buckets that may hold
  // young values are read.
  virtual void MarkRoots(Tracer& tracer, bool young_only) = 0;
  // How a sweep treats a bucket whose dead values have no destructor to
  // run: sweeps it now (kEager), or only counts its dead from the marks
  // and leaves it to be swept when allocation next needs it, or
  // PrepareForCollection does (kLazy). Either way a bucket whose values
  // all died is left unswept, its bitmaps unread: ReleaseEmptyBuckets
  // may release it as it is, and FinishSweeping sweeps the ones it keeps.
  enum class SweepMode { kEager, kLazy };
  // Frees unmarked unlocked values; returns how many. Every bucket holds
  // old values only afterwards.
  virtual std::size_t Sweep(SweepMode mode, bool young_only) = 0;
  // Sweeps every bucket a Sweep left unswept.
  virtual void FinishSweeping() = 0;
  // Gives the allocation cache's slots back to their bucket and finishes
  // sweeping: the start of every collection.
  virtual void PrepareForCollection() = 0;
  // Releases buckets that are empty, or will be once swept (every value
  // dead), while the vacant slots left stay at least `keep_vacant`;
  // returns how many.
  virtual std::size_t ReleaseEmptyBuckets(std::size_t keep_vacant) = 0;
  virtual std::size_t CountLocked() const = 0;
  // A major collection with sticky marks: every value young again.
  virtual void ClearMarks() = 0;
  // The same in steps, before an incremental collection marks: from the
  // first bucket on (RestartClearing), sweeps what a lazy sweep left and
  // clears the marks of up to `budget` buckets, taking them from it;
  // returns whether every bucket is done. Buckets added meanwhile have no
  // marks; none is released until the collection ends.
  virtual void RestartClearing() = 0;
  virtual bool ClearSome(std::size_t& budget) = 0;
  virtual std::size_t CountRemembered() const = 0;
  virtual bool IsConsistent() const = 0;

  // Survivor aging in a minor collection (BucketHeader::AgeSurvivors),
  // on the young buckets: EndRememberedMarking; AgeSurvivors, which
  // returns how many values it kept young; the Root of each value it
  // promoted.
  virtual void EndRememberedMarking() = 0;
  virtual std::size_t AgeSurvivors() = 0;
  virtual void ForEachPromoted(absl::FunctionRef<void(Root)> visit) const = 0;

  // Heap walks (heap_walker.h), never a collection: the Root of every live
  // value, bucket by bucket; what a walk shows of one of them.
  virtual void ForEachLive(absl::FunctionRef<void(Root)> visit) const = 0;
  virtual ValueDescription DescribeValue(const void* value) const = 0;

  // Bytes the arena's live values report through ExternalMemory.
  std::size_t external_bytes() const { return external_bytes_; }
  void AddExternal(std::size_t bytes) { external_bytes_ += bytes; }
  void SubtractExternal(std::size_t bytes) { external_bytes_ -= bytes; }

 private:
  std::size_t external_bytes_ = 0;
};

template <typename T>
class Arena final : public ArenaBase {
 public:
  // `mutator` owns the arena and its buckets (debug builds register them
  // under it, see heap_registry.h); `barrier` is its heap's if the heap's
  // marks are sticky (generational or incremental), else null. Buckets have
  // bucket_capacity slots, or as many as fit (Bucket<T>::FittingCapacity).
  Arena(std::uint32_t bucket_capacity, const void* mutator,
        HeapBarrier* barrier = nullptr)
      : bucket_capacity_(Bucket<T>::FittingCapacity(bucket_capacity)),
        mutator_(mutator),
        barrier_(barrier) {}

#if KAMO_MEM_DEBUG_CHECKS
  ~Arena() override {
    for (const auto& bucket : buckets_) {
      UnregisterBucket(bucket->begin_address());
    }
  }
#endif

  std::string_view type_name() const override { return TypeName<T>(); }
  std::size_t len() const override { return len_; }
  std::size_t capacity() const override { return capacity_; }
  std::size_t available() const { return capacity_ - len_; }
  std::size_t bucket_count() const override { return buckets_.size(); }
  std::size_t bucket_capacity() const override { return bucket_capacity_; }
  std::size_t slot_size() const override { return sizeof(T); }
  // A bucket's bytes, metadata included: what the heap limit counts.
  std::size_t bucket_bytes() const override {
    return Bucket<T>::BucketBytes(bucket_capacity_);
  }

  bool has_vacant() const { return cache_.bits != 0 || !available_.empty(); }

  // Adds an empty bucket. On std::bad_alloc nothing has changed. O(1)
  // amortized: the vectors and the hash set grow geometrically (a reserve of
  // one more element would copy them on every call, O(buckets) per bucket
  // added).
  void Grow() {
    BucketPtr bucket(Bucket<T>::Create(bucket_capacity_, mutator_, barrier_));
    ReserveAtLeast(buckets_, buckets_.size() + 1);
    ReserveAtLeast(available_, buckets_.size() + 1);
    ReserveAtLeast(unswept_, buckets_.size() + 1);
    ReserveAtLeast(young_buckets_, buckets_.size() + 1);
    own_buckets_.insert(bucket.get());
#if KAMO_MEM_DEBUG_CHECKS
    try {
      RegisterBucket(bucket->begin_address(), bucket->end_address(), mutator_,
                     TypeName<T>());
    } catch (...) {
      own_buckets_.erase(bucket.get());
      throw;
    }
#endif
    // No allocation from here on: everything fits the reserved space.
    bucket->set_listed(true);
    available_.push_back(bucket.get());
    buckets_.push_back(std::move(bucket));
    capacity_ += bucket_capacity_;
  }

  // Constructs a value in a vacant slot, locked once (for the caller's
  // Pointer); there must be a vacant slot (has_vacant()). If the
  // constructor throws, the slot is vacant again.
  template <typename... Args>
  [[gnu::always_inline]] T* Emplace(Args&&... args) {
    MEM_DCHECK(has_vacant(), "Emplace after Grow");
    if (cache_.bits == 0) [[unlikely]]
      RefillCache();
    // Taken out of the cache before constructing: a constructor that
    // allocates a T itself takes the next slot, or refills the cache.
    Bucket<T>* const bucket = cache_.bucket;
    const auto bit = static_cast<std::uint32_t>(std::countr_zero(cache_.bits));
    cache_.bits &= cache_.bits - 1;
    const std::uint32_t index = cache_.first_index + bit;
    void* const slot = cache_.first_slot + std::size_t{bit} * sizeof(T);
    T* value;
    try {
      value = Bucket<T>::Construct(slot, std::forward<Args>(args)...);
    } catch (...) {
      bucket->Release(index);
      if (!bucket->listed()) List(bucket);
      throw;
    }
    bucket->Occupy(index);
    // Here, not when the cache is refilled: the constructor may have
    // collected, and that collection's sweep forgot the young buckets.
    if (!bucket->has_young()) [[unlikely]]
      AddYoungBucket(bucket);
    ++len_;
    return value;
  }

  void MarkRoots(Tracer& tracer, bool young_only) override {
    ForEachBucket(young_only,
                  [&](Bucket<T>* bucket) { bucket->MarkRoots(tracer); });
  }

  std::size_t Sweep(SweepMode mode, bool young_only) override {
    MEM_DCHECK(unswept_.empty() && cache_.bits == 0,
               "PrepareForCollection before marking");
    // Destructors run in the collection that frees their values: only
    // buckets whose dead values have none to run are swept lazily.
    constexpr bool kDeferrable =
        std::is_trivially_destructible_v<T> || DestructorOnRequest<T>();
    std::size_t freed = 0;
    ForEachBucket(young_only, [&](Bucket<T>* bucket) {
      if (bucket->occupied() == 0) {
        // Nothing to free or unmark: its bitmaps are not read.
      } else if (bucket->AllMarked()) {
        // Nothing to free: no sweep to defer, which the next collection
        // would have to finish, reading the bitmaps of every full bucket.
        bucket->KeepAll();
      } else if (kDeferrable &&
                 (mode == SweepMode::kLazy || bucket->marked_count() == 0) &&
                 !bucket->DeadHaveDestructors()) {
        freed += bucket->DeferSweep();
        unswept_.push_back(bucket);  // room reserved in Grow
      } else {
        freed += bucket->Sweep();
      }
      if (!bucket->listed() && bucket->has_room()) List(bucket);
    });
    // Buckets with survivors stay young: the next minor collection reads
    // them.
    std::erase_if(young_buckets_, [](Bucket<T>* bucket) {
      if (bucket->survivor_count() != 0) return false;
      bucket->set_has_young(false);
      return true;
    });
    len_ -= freed;
    return freed;
  }

  void FinishSweeping() override {
    VisitPrefetching(
        unswept_, [](Bucket<T>* b) { return b; },
        [](Bucket<T>* bucket) {
          if (bucket->unswept()) bucket->Sweep();
        });
    unswept_.clear();
  }

  void PrepareForCollection() override {
    if (cache_.bits != 0) {
      cache_.bucket->ReturnFree({cache_.first_index, cache_.bits});
      if (!cache_.bucket->listed()) List(cache_.bucket);
      cache_.bits = 0;
    }
    FinishSweeping();
  }

  std::size_t ReleaseEmptyBuckets(std::size_t keep_vacant) override {
    // An empty bucket is always listed (one left unswept has room after
    // its sweep); unlisting one marks it for release. Its dead values have
    // no destructor to run (Sweep would not have left it otherwise), so it
    // is released unswept.
    auto released_here = [](const Bucket<T>* b) {
      return b->empty_once_swept() && !b->listed();
    };
    std::size_t released = 0;
    ForEachBucket(false, [&](Bucket<T>* bucket) {
      if (bucket->empty_once_swept() &&
          available() >= keep_vacant + bucket_capacity_) {
        bucket->set_listed(false);
        capacity_ -= bucket_capacity_;
        ++released;
      }
    });
    if (released == 0) return 0;
    std::erase_if(available_, [](Bucket<T>* b) { return !b->listed(); });
    std::erase_if(unswept_, released_here);
    // remove_if asks the predicate once per bucket.
    std::erase_if(buckets_, [&](const BucketPtr& b) {
      if (!released_here(b.get())) return false;
      own_buckets_.erase(b.get());
#if KAMO_MEM_DEBUG_CHECKS
      UnregisterBucket(b->begin_address());
#endif
      return true;
    });
    return released;
  }

  void ForEachLive(absl::FunctionRef<void(Root)> visit) const override {
    for (const auto& bucket : buckets_) {
      bucket->ForEachLive([&](std::uint32_t index) {
        visit(Root(bucket->SlotAt(index), &TraceAs<T>));
      });
    }
  }
  ValueDescription DescribeValue(const void* value) const override {
    return Describe(*static_cast<const T*>(value));
  }

  void ClearMarks() override {
    MEM_DCHECK(unswept_.empty(), "PrepareForCollection first");
    ForEachBucket(false, [](Bucket<T>* bucket) { bucket->ClearMarks(); });
  }
  // Only the buckets there now: those Grow appends meanwhile have no marks,
  // and may come faster than steps clear (small buckets).
  void RestartClearing() override {
    clear_cursor_ = 0;
    clear_end_ = buckets_.size();
  }
  bool ClearSome(std::size_t& budget) override {
    for (; clear_cursor_ < clear_end_ && budget != 0; --budget) {
      Bucket<T>* const bucket = buckets_[clear_cursor_++].get();
      if (bucket->unswept()) bucket->Sweep();
      bucket->ClearMarks();
    }
    return clear_cursor_ == clear_end_;
  }
  std::size_t CountRemembered() const override {
    std::size_t remembered = 0;
    for (const auto& bucket : buckets_) {
      remembered += bucket->CountRemembered();
    }
    return remembered;
  }

  void EndRememberedMarking() override {
    for (Bucket<T>* bucket : young_buckets_) bucket->EndRememberedMarking();
  }
  std::size_t AgeSurvivors() override {
    std::size_t kept = 0;
    for (Bucket<T>* bucket : young_buckets_) kept += bucket->AgeSurvivors();
    return kept;
  }
  void ForEachPromoted(absl::FunctionRef<void(Root)> visit) const override {
    for (const Bucket<T>* bucket : young_buckets_) {
      bucket->ForEachPromoted([&](std::uint32_t index) {
        visit(Root(bucket->SlotAt(index), &TraceAs<T>));
      });
    }
  }

  std::size_t CountLocked() const override {
    std::size_t locked = 0;
    for (const auto& bucket : buckets_) locked += bucket->locked_slots();
    return locked;
  }

  // The occupied slot whose value is at `address`, found without
  // dereferencing the address.
  absl::StatusOr<T*> SlotOfValue(const void* address) const {
    const auto key = reinterpret_cast<std::uintptr_t>(address);
    if (key == 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("null address offered as a %s", TypeName<T>()));
    }
    // The bucket the chunk table names is read only once it is known to
    // be one of ours: the table also names free pool blocks.
    const void* start = ChunkTable::BucketStart(address);
    const auto* bucket = static_cast<const Bucket<T>*>(start);
    if (start == nullptr || !own_buckets_.contains(start) ||
        key < bucket->begin_address() || key >= bucket->end_address()) {
      return absl::NotFoundError(
          absl::StrFormat("address %p is not inside any bucket of Arena<%s>",
                          address, TypeName<T>()));
    }
    return bucket->SlotOfValue(key);
  }

  bool IsConsistent() const override {
    std::size_t len = 0;
    std::size_t with_vacant = 0;
    std::size_t with_young = 0;
    for (const auto& bucket : buckets_) {
      if (!bucket->IsConsistent()) return false;
      if (bucket->listed() != bucket->has_room()) return false;
      if (bucket->unswept() && std::find(unswept_.begin(), unswept_.end(),
                                         bucket.get()) == unswept_.end()) {
        return false;
      }
      with_vacant += bucket->listed();
      with_young += bucket->has_young();
      len += bucket->live();
    }
    return CacheIsConsistent() && len == len_ &&
           with_vacant == available_.size() &&
           with_young == young_buckets_.size() &&
           std::all_of(young_buckets_.begin(), young_buckets_.end(),
                       [](const Bucket<T>* b) { return b->has_young(); }) &&
           capacity_ == buckets_.size() * bucket_capacity_ &&
           own_buckets_.size() == buckets_.size() &&
           std::all_of(
               buckets_.begin(), buckets_.end(), [this](const BucketPtr& b) {
                 return own_buckets_.contains(b.get()) &&
                        ChunkTable::BucketStart(b->SlotAt(0)) == b.get();
               });
  }

 private:
  // Room for `size` elements, at least doubling the capacity when it grows.
  template <typename Vector>
  static void ReserveAtLeast(Vector& vector, std::size_t size) {
    if (vector.capacity() < size) {
      vector.reserve(std::max(size, 2 * vector.capacity()));
    }
  }

  // Takes the free slots of a bitmap word of the bucket on top of
  // available_ (sweeping it first if a lazy Sweep left it): once per 64
  // allocations at most.
  [[gnu::noinline]] void RefillCache() {
    Bucket<T>* const bucket = available_.back();
    if (bucket->unswept()) bucket->Sweep();  // once per bucket per collection
    const typename Bucket<T>::FreeWord taken = bucket->TakeFreeWord();
    if (bucket->full()) Unlist(bucket);
    cache_ = {bucket, taken.first_index,
              static_cast<std::byte*>(bucket->SlotAt(taken.first_index)),
              taken.bits};
  }

  // Out of line, once per bucket per collection: Emplace stays small
  // enough to be inlined into its callers.
  [[gnu::noinline]] void AddYoungBucket(Bucket<T>* bucket) {
    bucket->set_has_young(true);
    young_buckets_.push_back(bucket);  // room reserved in Grow
  }

  // The cache's slots are taken slots of one of the arena's buckets.
  bool CacheIsConsistent() const {
    if (cache_.bits == 0) return true;
    const bool ours = std::any_of(
        buckets_.begin(), buckets_.end(),
        [this](const BucketPtr& b) { return b.get() == cache_.bucket; });
    return ours && cache_.bucket->AreTaken({cache_.first_index, cache_.bits}) &&
           cache_.first_slot == cache_.bucket->SlotAt(cache_.first_index);
  }

  // available_ has room for every bucket (reserved in Grow), so List never
  // allocates.
  void List(Bucket<T>* bucket) {
    bucket->set_listed(true);
    available_.push_back(bucket);
  }

  // Only the top of the stack is ever unlisted: the bucket just filled.
  void Unlist(Bucket<T>* bucket) {
    MEM_DCHECK(available_.back() == bucket, "allocation takes from the top");
    bucket->set_listed(false);
    available_.pop_back();
  }

  const std::uint32_t bucket_capacity_;
  [[maybe_unused]] const void* mutator_;
  HeapBarrier* const barrier_;  // null unless marks are sticky
  using BucketPtr = std::unique_ptr<Bucket<T>, typename Bucket<T>::Deleter>;

  // The allocation cache: taken slots of one bucket, handed out by Emplace.
  struct Cache {
    Bucket<T>* bucket = nullptr;
    std::uint32_t first_index = 0;    // the slot of bit 0
    std::byte* first_slot = nullptr;  // its storage
    std::uint64_t bits = 0;           // the slots left; 0: empty
  };
  Cache cache_;
  std::size_t len_ = 0;  // occupied slots; beside the cache, which Emplace
                         // reads with it
  std::vector<BucketPtr> buckets_;
  std::vector<Bucket<T>*> available_;             // buckets with a vacant slot
  absl::flat_hash_set<const void*> own_buckets_;  // the buckets' starts
  std::size_t capacity_ = 0;                      // slots in all buckets
  std::vector<Bucket<T>*> unswept_;               // left by a lazy Sweep
  std::vector<Bucket<T>*> young_buckets_;         // allocated from since then
  std::size_t clear_cursor_ = 0;                  // see ClearSome
  std::size_t clear_end_ = 0;

  // Calls `visit(bucket)` for every bucket, or with `young_only` for the
  // young buckets.
  template <typename Visit>
  void ForEachBucket(bool young_only, Visit&& visit) {
    if (young_only) {
      VisitPrefetching(
          young_buckets_, [](Bucket<T>* b) { return b; }, visit);
    } else {
      VisitPrefetching(
          buckets_, [](const BucketPtr& b) { return b.get(); }, visit);
    }
  }

  // Each bucket's header and bitmaps lie in its own block, so a pass over
  // a large heap misses the cache (and the TLB) on every one: the header
  // four buckets ahead is loaded, and the bitmaps two ahead (whose header
  // is loaded by then), while this one is visited.
  template <typename List, typename Get, typename Visit>
  static void VisitPrefetching(const List& list, Get get, Visit&& visit) {
    const std::size_t size = list.size();
    for (std::size_t i = 0; i < size; ++i) {
      if (i + 4 < size) {
        const auto* ahead = reinterpret_cast<const char*>(get(list[i + 4]));
        for (std::size_t line = 0; line < sizeof(Bucket<T>); line += 64) {
          __builtin_prefetch(ahead + line);
        }
      }
      if (i + 2 < size) get(list[i + 2])->PrefetchBitmaps();
      visit(get(list[i]));
    }
  }
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_ARENA_H_
