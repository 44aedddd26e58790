#include "mem/mutator.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>

#include "absl/strings/numbers.h"
#include "mem/enum_name.h"
#include "mem/internal/heap_walker.h"
#include "mem/internal/marker.h"
#include "mem/mutator_ref.h"

namespace kamo::mem {

std::string_view ToString(Pacing pacing) {
  static constexpr std::array<std::string_view, 3> kNames = {
      "seed", "live-heap", "manual"};
  return EnumName(pacing, kNames);
}

std::string_view ToString(CollectionMode mode) {
  static constexpr std::array<std::string_view, 2> kNames = {"full",
                                                             "generational"};
  return EnumName(mode, kNames);
}

namespace {

// The stress interval: the options' if set, else KAMO_MEM_STRESS's, else 0.
// A malformed variable stops the program: running a suite believed to be
// under stress without it would be worse.
std::uint32_t StressInterval(const MutatorOptions& options) {
  if (options.stress_interval.has_value()) return *options.stress_interval;
  const char* text = std::getenv(kStressEnvironmentVariable);
  if (text == nullptr || *text == '\0') return 0;
  std::uint32_t interval = 0;
  MEM_CHECK(absl::SimpleAtoi(text, &interval),
            "%s=\"%s\" is not a number of allocations (1 collects before "
            "every allocation, 0 turns stress mode off)",
            kStressEnvironmentVariable, text);
  return interval;
}

// The mode: the options' if set, else KAMO_MEM_MODE's, else kGenerational. A
// malformed variable stops the program, as KAMO_MEM_STRESS's does.
CollectionMode ModeOf(const MutatorOptions& options) {
  if (options.mode.has_value()) return *options.mode;
  const char* text = std::getenv(kModeEnvironmentVariable);
  if (text == nullptr || *text == '\0') return CollectionMode::kGenerational;
  for (const CollectionMode mode :
       {CollectionMode::kFull, CollectionMode::kGenerational}) {
    if (ToString(mode) == text) return mode;
  }
  internal::Fail(absl::StrFormat(
      "%s=\"%s\" is not a collection mode (\"full\" or \"generational\")",
      kModeEnvironmentVariable, text));
}

}  // namespace

Mutator::Mutator(Options options)
    : options_(options),
      generational_(ModeOf(options) == CollectionMode::kGenerational),
      stress_interval_(StressInterval(options)) {
  stress_left_ = stress_interval_;
  UpdatePressure();
  MEM_CHECK(options.bucket_capacity > 0 &&
                options.bucket_capacity <= internal::kMaxBucketCapacity,
            "Mutator::Options::bucket_capacity %u out of range [1, %u]",
            options.bucket_capacity, internal::kMaxBucketCapacity);
  MEM_CHECK(options.heap_growth > 0 && options.heap_growth <= 1e6,
            "Mutator::Options::heap_growth %g out of range (0, 1e6]",
            options.heap_growth);
}

Mutator::~Mutator() {
  MEM_CHECK(!collecting_, "Mutator destroyed during a collection");
  for (const auto& arena : arenas_) {
    const std::size_t locked = arena->CountLocked();
    MEM_CHECK(locked == 0,
              "Mutator destroyed while %d slot(s) of %s are still locked by "
              "Pointers: a Pointer must not outlive its Mutator",
              locked, arena->type_name());
  }
  // Destroys every value; Weak handles they own unregister on the way.
  arenas_.clear();
}

MutatorRef Mutator::NewRef(Options options) {
  return MutatorRef::Create(options);
}

void Mutator::UpdatePressure() {
  switch (options_.pacing) {
    case Pacing::kSeed:
      pressure_ = std::clamp(HeldBytes() / 2, kMinPressure, kMaxPressure);
      break;
    case Pacing::kLiveHeap:
      // A generational heap splits the growth: half for the young values
      // between collections, half for the old ones between majors (see
      // major_due_), sized from the live bytes after the last major
      // collection, since the old values counted after a minor one
      // include those waiting for the next major.
      pressure_ =
          std::max(kMinPressure,
                   static_cast<std::size_t>(
                       generational_
                           ? static_cast<double>(live_bytes_after_major_) *
                                 options_.heap_growth / 2
                           : static_cast<double>(live_bytes_after_collection_) *
                                 options_.heap_growth));
      break;
    case Pacing::kManual:
      pressure_ = std::numeric_limits<std::size_t>::max();
      break;
  }
  UpdateAllocationLimit();
}

void Mutator::BeforeAllocation(std::string_view (*type_name)()) {
  MEM_CHECK(!collecting_,
            "Mutator::Allocate<%s> during a collection (from Trace or a "
            "destructor)",
            type_name());
  if (stress_interval_ != 0 && --stress_left_ == 0) {
    stress_left_ = stress_interval_;
    Collect(CollectionReason::kStress, CollectionKind::kMinor);
  } else if (allocated_bytes_ >= pressure_) {
    Log(LogLevel::kDebug, "allocation pressure of %d bytes reached",
        pressure_);
    Collect(CollectionReason::kPressure, CollectionKind::kMinor);
  }
}

void Mutator::GainExternal(internal::ArenaBase& arena, std::size_t bytes) {
  CheckThread("ExternalMemory::Grow");
  MEM_CHECK(!collecting_,
            "ExternalMemory::Grow during a collection (from Trace or a "
            "destructor)");
  if (bytes > options_.heap_limit_bytes - HeldBytes()) {
    Collect(CollectionReason::kHeapLimit, CollectionKind::kMajor);
    if (bytes > options_.heap_limit_bytes - HeldBytes()) {
      ThrowHeapLimit(absl::StrFormat("%d bytes of external memory", bytes));
    }
  } else if (allocated_bytes_ + bytes > pressure_) {
    Collect(CollectionReason::kPressure, CollectionKind::kMinor);
  }
  external_bytes_ += bytes;
  arena.AddExternal(bytes);
  allocated_bytes_ += bytes;
  if (options_.pacing == Pacing::kSeed) UpdatePressure();
}

void Mutator::LoseExternal(internal::ArenaBase& arena, std::size_t bytes) {
  MEM_CHECK(bytes <= arena.external_bytes(),
            "ExternalMemory gives back %d bytes but Arena<%s> counts only %d",
            bytes, arena.type_name(), arena.external_bytes());
  external_bytes_ -= bytes;
  arena.SubtractExternal(bytes);
  if (options_.pacing == Pacing::kSeed) UpdatePressure();
}

void Mutator::Compact() {
  // The seed (and manual pacing) releases every empty bucket; live-heap
  // pacing keeps enough vacant slots for the allocations before the next
  // collection, so that it does not free buckets only to allocate them
  // again.
  const bool keep = options_.pacing == Pacing::kLiveHeap;
  for (internal::ArenaBase* arena : compactable_) {
    const std::size_t keep_vacant = keep ? pressure_ / arena->slot_size() : 0;
    const std::size_t released = arena->ReleaseEmptyBuckets(keep_vacant);
    if (released == 0) continue;
    total_capacity_ -= released * arena->bucket_capacity();
    heap_bytes_ -= released * arena->bucket_bytes();
    Log(LogLevel::kDebug, "Arena<%s>: released %d empty bucket(s)",
        arena->type_name(), released);
  }
}

std::size_t Mutator::Collect(CollectionReason reason, CollectionKind kind) {
  CheckThread("CollectGarbage");
  MEM_CHECK(!collecting_,
            "Mutator::CollectGarbage during a collection (from Trace or a "
            "destructor)");
  collecting_ = true;
  UpdateAllocationLimit();  // an allocation now stops in BeforeAllocation
  using Clock = std::chrono::steady_clock;
  const bool observed = static_cast<bool>(observer_);
  CollectionEvent event;
  // With an observer, the end of each phase (see CollectionPhase).
  Clock::time_point last = observed ? Clock::now() : Clock::time_point();
  event.start = last;
  const auto end_phase = [&](CollectionPhase phase) {
    if (!observed) return;
    const Clock::time_point now = Clock::now();
    event.phases[static_cast<std::size_t>(phase)] = now - last;
    last = now;
  };

  if (!generational_ || major_due_) kind = CollectionKind::kMajor;
  for (const auto& arena : arenas_) arena->PrepareForCollection();
  MEM_DCHECK_EXPENSIVE(!generational_ || VerifyBarrier().ok(),
                       "the write barrier remembered every old-to-young "
                       "reference");
  if (generational_ && kind == CollectionKind::kMajor) {
    // Everything is marked anew: every value starts young.
    remembered_.Drain([](Root) {});
    for (const auto& arena : arenas_) arena->ClearMarks();
  }
  end_phase(CollectionPhase::kFinishSweeping);
  internal::Marker marker(pending_, weak_slots_, ephemerons_, this);
  const bool minor = kind == CollectionKind::kMinor;
  for (const auto& arena : arenas_) arena->MarkRoots(marker.tracer(), minor);
  guardian_registry_.MarkReady(marker.tracer());
  // A minor collection: old values are marked already and are not traced
  // from the roots; the remembered ones are, in full.
  if (minor) marker.MarkRemembered(remembered_);
  end_phase(CollectionPhase::kRoots);
  marker.Drain();
  // What the guardians get back is kept, with all it reaches.
  if (guardian_registry_.HandOverUnreached(marker.tracer()) > 0) {
    marker.Drain();
  }
  end_phase(CollectionPhase::kTrace);

  marker.ClearUnreachedWeaks();
  weak_registry_.ClearUnmarked(weak_callbacks_);
  end_phase(CollectionPhase::kWeaks);

  std::size_t freed = 0;
  std::size_t live = 0;
  std::size_t freed_bytes = 0;
  std::size_t live_bytes = 0;
  const std::size_t external_before = external_bytes_;
  // An explicit collection (or one at the heap limit) leaves everything
  // swept; the others leave buckets of types without destructors to be
  // swept as allocation reaches them.
  const bool lazy = reason == CollectionReason::kPressure ||
                    reason == CollectionReason::kStress;
  compactable_.clear();
  for (const auto& arena : arenas_) {
    const std::size_t capacity = arena->capacity();
    const std::size_t arena_freed = arena->Sweep(lazy, minor);
    freed += arena_freed;
    live += arena->len();
    freed_bytes += arena_freed * arena->slot_size();
    live_bytes += arena->len() * arena->slot_size();
    if (observed) {
      event.arenas.push_back({arena->type_name(), arena->len(), arena_freed,
                              arena->len() * arena->slot_size(),
                              arena->external_bytes()});
    }
    if (arena_freed * 4 > capacity && arena->bucket_count() > 4) {
      compactable_.push_back(arena.get());
    }
  }
  // The destructors of the freed values gave back their external memory.
  freed_bytes += external_before - external_bytes_;
  live_bytes += external_bytes_;
  end_phase(CollectionPhase::kSweep);
  live_bytes_after_collection_ = live_bytes;
  if (kind == CollectionKind::kMajor) {
    live_bytes_after_major_ = live_bytes;
  } else {
    ++minor_collections_;
  }
  // The old values have grown by their half of the growth since the last
  // major collection (the young values have the other half: the heap
  // stays near live * (1 + heap_growth) bytes, as in a full heap).
  major_due_ = generational_ &&
               live_bytes - std::min(live_bytes, live_bytes_after_major_) >=
                   std::max(kMinPressure,
                            static_cast<std::size_t>(
                                static_cast<double>(live_bytes_after_major_) *
                                options_.heap_growth / 2));
  last_kind_ = kind;
  allocations_ = 0;
  allocated_bytes_ = 0;
  ++collections_;
  UpdatePressure();
  Compact();
  UpdatePressure();  // the seed's pressure follows the capacity
  collecting_ = false;
  UpdateAllocationLimit();
  MEM_DCHECK_EXPENSIVE(VerifyHeap().ok(), "a collection keeps the heap whole");
  Log(LogLevel::kInfo,
      "collection %d (%s) freed %d values, %d live in %d arenas", collections_,
      ToString(kind), freed, live, arenas_.size());
  if (observed) {
    end_phase(CollectionPhase::kRelease);
    event.reason = reason;
    event.kind = kind;
    event.number = collections_;
    event.freed = freed;
    event.live = live;
    event.freed_bytes = freed_bytes;
    event.live_bytes = live_bytes;
    event.heap_bytes = HeldBytes();
    const auto& p = event.phases;
    event.mark = p[0] + p[1] + p[2];
    event.sweep = p[3] + p[4] + p[5];
    observer_(event);
  }

  // The callbacks may drop Weak handles or allocate: the heap is whole again.
  std::vector<std::function<void()>> callbacks;
  callbacks.swap(weak_callbacks_);
  for (auto& callback : callbacks) callback();
  callbacks.clear();
  if (weak_callbacks_.empty()) weak_callbacks_.swap(callbacks);  // reuse
  return freed;
}

Stats Mutator::stats() const {
  Stats stats;
  for (const auto& arena : arenas_) {
    stats.arenas.push_back({std::string(arena->type_name()), arena->len(),
                            arena->capacity(), arena->bucket_count(),
                            arena->bucket_capacity(), arena->slot_size(),
                            arena->external_bytes()});
    stats.live += arena->len();
    stats.slot_bytes += arena->len() * arena->slot_size();
  }
  stats.capacity = total_capacity_;
  stats.heap_bytes = heap_bytes_;
  stats.external_bytes = external_bytes_;
  stats.allocations = allocations_;
  stats.allocated_bytes = allocated_bytes_;
  stats.pressure = pressure_;
  stats.collections = collections_;
  stats.minor_collections = minor_collections_;
  stats.remembered = remembered_.size();
  stats.weak_refs = weak_registry_.size();
  return stats;
}

absl::Status Mutator::VerifyHeap() const {
  std::size_t capacity = 0;
  for (const auto& arena : arenas_) {
    if (!arena->IsConsistent()) {
      return absl::InternalError(
          absl::StrFormat("Arena<%s> is inconsistent", arena->type_name()));
    }
    capacity += arena->capacity();
  }
  if (capacity != total_capacity_) {
    return absl::InternalError(
        absl::StrFormat("total capacity %d differs from the arenas' sum %d",
                        total_capacity_, capacity));
  }
  return VerifyBarrier();
}

namespace {

// Reports the first reference from an old value that is not remembered to
// a young value that is not remembered either: a store that skipped the
// write barrier.
class OldToYoungCheck final : public internal::EdgeSink {
 public:
  void set_holder(const void* holder) { holder_ = holder; }
  const absl::Status& status() const { return status_; }

  void Strong(Root target, std::string_view name) override {
    Check(target.address(), name);
  }
  void Element(Root target, std::size_t index) override {
    Check(target.address(), absl::StrFormat("[%d]", index));
  }
  void Weak(const void* target, std::string_view name) override {
    Check(target, name);
  }

 private:
  static bool OldOrRemembered(const void* value) {
    const internal::BucketHeader* bucket = internal::BucketHeader::Of(value);
    const std::uint32_t index = bucket->IndexOf(value);
    return bucket->marked(index) || bucket->remembered(index);
  }
  void Check(const void* target, std::string_view name) {
    if (!status_.ok() || OldOrRemembered(target)) return;
    status_ = absl::InternalError(absl::StrFormat(
        "an old %s at %p refers (%s) to a young %s at %p, and neither is "
        "in the remembered set: a store skipped the write barrier",
        internal::BucketHeader::Of(holder_)->type().name(), holder_, name,
        internal::BucketHeader::Of(target)->type().name(), target));
  }

  const void* holder_ = nullptr;
  absl::Status status_;
};

}  // namespace

absl::Status Mutator::VerifyBarrier() const {
  if (!generational_) return absl::OkStatus();
  std::size_t remembered = 0;
  for (const auto& arena : arenas_) remembered += arena->CountRemembered();
  if (remembered != remembered_.size()) {
    return absl::InternalError(absl::StrFormat(
        "%d values have their remembered bit set, but the remembered set "
        "holds %d",
        remembered, remembered_.size()));
  }
  OldToYoungCheck check;
  internal::HeapWalker walker(*this, check);
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root value) {
      const internal::BucketHeader* bucket =
          internal::BucketHeader::Of(value.address());
      const std::uint32_t index = bucket->IndexOf(value.address());
      if (!bucket->marked(index) || bucket->remembered(index)) return;
      check.set_holder(value.address());
      walker.ReportEdges(value);
    });
  }
  return check.status();
}

void Mutator::AddArena(std::unique_ptr<internal::ArenaBase> arena,
                       std::size_t id) {
  if (id >= arenas_by_type_.size()) arenas_by_type_.resize(id + 1, nullptr);
  arenas_.reserve(arenas_.size() + 1);
  // No allocation from here on.
  arenas_by_type_[id] = arena.get();
  Log(LogLevel::kDebug, "Arena<%s> created, %d slots per bucket",
      arena->type_name(), arena->bucket_capacity());
  arenas_.push_back(std::move(arena));
}

void Mutator::FailThread(std::string_view operation) const {
  std::ostringstream threads;
  threads << "thread " << std::this_thread::get_id() << " but it belongs to "
          << "thread " << owner_thread_;
  internal::Fail(absl::StrFormat(
      "Mutator::%s called from %s: a Mutator is used from one thread (hand "
      "it over with BindToCurrentThread)",
      operation, threads.str()));
}

void Mutator::ThrowHeapLimit(std::string_view type) const {
  throw HeapLimitExceeded(absl::StrFormat(
      "kamo::mem: heap limit of %d bytes reached allocating %s (%d bytes "
      "in use)",
      options_.heap_limit_bytes, type, HeldBytes()));
}

}  // namespace kamo::mem
