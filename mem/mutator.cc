#include "mem/mutator.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>

#include "absl/container/flat_hash_set.h"
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
  static constexpr std::array<std::string_view, 4> kNames = {
      "full", "generational", "incremental", "generational-incremental"};
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
       {CollectionMode::kFull, CollectionMode::kGenerational,
        CollectionMode::kIncremental,
        CollectionMode::kGenerationalIncremental}) {
    if (ToString(mode) == text) return mode;
  }
  internal::Fail(absl::StrFormat(
      "%s=\"%s\" is not a collection mode (\"full\", \"generational\", "
      "\"incremental\" or \"generational-incremental\")",
      kModeEnvironmentVariable, text));
}

}  // namespace

Mutator::Mutator(Options options)
    : options_(options),
      mode_(ModeOf(options)),
      generational_(mode_ == CollectionMode::kGenerational ||
                    mode_ == CollectionMode::kGenerationalIncremental),
      incremental_(mode_ == CollectionMode::kIncremental ||
                   mode_ == CollectionMode::kGenerationalIncremental),
      stress_interval_(StressInterval(options)) {
  if (generational_) barrier_.remembered = &remembered_;
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
  // An incremental major collection's steps are spread over the pressure
  // the policy gives; with generational-incremental collection, the minor
  // ones, which trace their survivors at once, come after at most
  // kIncrementalNurseryBytes.
  marking_allowance_ = pressure_;
  if (generational_ && incremental_) {
    pressure_ = std::min(pressure_, kIncrementalNurseryBytes);
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
    if (incremental_under_way()) {
      // Each allocation since the last step left a value to trace
      // (allocated black): a step of less than one value per allocation
      // would never finish the collection.
      MarkingStep(kStressStepValues * stress_interval_,
                  CollectionReason::kStress);
    } else {
      Collect(CollectionReason::kStress, CollectionKind::kMinor);
    }
  } else if (incremental_under_way()) {
    if (allocated_bytes_ >= next_step_at_) {
      MarkingStep(step_budget_, CollectionReason::kPressure);
    }
  } else if (allocated_bytes_ >= pressure_) {
    Log(LogLevel::kDebug, "allocation pressure of %d bytes reached", pressure_);
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
  } else if (incremental_under_way()) {
    if (allocated_bytes_ + bytes > next_step_at_) {
      MarkingStep(step_budget_, CollectionReason::kPressure);
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

// The end of each phase of a collection, measured only for an observer.
class Mutator::PhaseTimer {
 public:
  using Clock = std::chrono::steady_clock;

  PhaseTimer(bool on, CollectionEvent& event)
      : on_(on), event_(event), last_(on ? Clock::now() : Clock::time_point()) {
    event.start = last_;
  }
  bool on() const { return on_; }
  CollectionEvent& event() { return event_; }
  void End(CollectionPhase phase) {
    if (!on_) return;
    const Clock::time_point now = Clock::now();
    event_.phases[static_cast<std::size_t>(phase)] = now - last_;
    last_ = now;
  }

 private:
  const bool on_;
  CollectionEvent& event_;
  Clock::time_point last_;
};

std::size_t Mutator::Collect(CollectionReason reason, CollectionKind kind) {
  CheckThread("CollectGarbage");
  MEM_CHECK(!collecting_,
            "Mutator::CollectGarbage during a collection (from Trace or a "
            "destructor)");
  // A collection asked for while an incremental one marks (explicitly, or
  // at the heap limit) is a full one, at once: the marking so far is
  // dropped, since its values allocated or stored since the start would
  // live through its finish.
  bool marks_cleared = false;
  if (marking_ || clearing_) {
    // Some marks are cleared, or set by this marking: only a major
    // collection is sound, and no invariant holds until they are all
    // cleared.
    marking_ = clearing_ = false;
    barrier_.marking = nullptr;
    marker_.Abandon();
    for (const auto& arena : arenas_) {
      arena->PrepareForCollection();
      arena->ClearMarks();
    }
    marks_cleared = true;
    kind = CollectionKind::kMajor;
  }
  if (!generational_ || major_due_) kind = CollectionKind::kMajor;
  if (incremental_ && kind == CollectionKind::kMajor &&
      (reason == CollectionReason::kPressure ||
       reason == CollectionReason::kStress)) {
    StartIncremental();
    return 0;
  }
  collecting_ = true;
  UpdateAllocationLimit();  // an allocation now stops in BeforeAllocation
  CollectionEvent event;
  PhaseTimer timer(static_cast<bool>(observer_), event);
  BeginMarking(kind, timer, marks_cleared);
  return EndCollection(reason, kind, /*incremental=*/false, timer);
}

void Mutator::BeginMarking(CollectionKind kind, PhaseTimer& timer,
                           bool marks_cleared) {
  for (const auto& arena : arenas_) arena->PrepareForCollection();
  MEM_DCHECK_EXPENSIVE(VerifyBarrier().ok(),
                       "the write barrier remembered every old-to-young "
                       "reference");
  if ((generational_ || incremental_) && kind == CollectionKind::kMajor) {
    // Everything is marked anew: every value starts young (white).
    remembered_.Drain([](Root) {});
    survivors_ = 0;  // ClearMarks forgets them
    if (!marks_cleared) {
      for (const auto& arena : arenas_) arena->ClearMarks();
    }
  }
  timer.End(CollectionPhase::kFinishSweeping);
  const bool minor = kind == CollectionKind::kMinor;
  // A minor collection: old values are marked already and are not traced
  // from the roots; the remembered ones are, in full. They are marked
  // first: a young one remembered (stored outside the heap) may be a root
  // too, and a value marked already is not pushed again, so it is traced
  // once (twice would clear its weak references twice).
  if (minor) {
    // Survivor aging: what the remembered set reaches is promoted (its
    // holders are old), so it is marked first, on its own.
    remembered_holders_.assign(remembered_.entries().begin(),
                               remembered_.entries().end());
    // AgeSurvivors remembers at most every holder and every survivor.
    remembered_.Reserve(remembered_holders_.size() + survivors_);
    marker_.MarkRemembered(remembered_);
    marker_.Drain();
    for (const auto& arena : arenas_) arena->EndRememberedMarking();
  }
  for (const auto& arena : arenas_) arena->MarkRoots(marker_.tracer(), minor);
  guardian_registry_.MarkReady(marker_.tracer());
  timer.End(CollectionPhase::kRoots);
}

double Mutator::StepsWithin(double share) const {
  return std::max(
      1.0, static_cast<double>(std::min(marking_allowance_, kMaxPressure)) *
               share / static_cast<double>(kMarkingStepBytes));
}

void Mutator::StartIncremental() {
  clearing_ = true;
  ++incremental_collections_;
  std::size_t buckets = 0;
  for (const auto& arena : arenas_) {
    arena->RestartClearing();
    buckets += arena->bucket_count();
  }
  // Clearing ends within about a quarter of a pressure of allocation,
  // however small the buckets (a fixed number a step fell behind a heap of
  // many small ones: the heap grew while nothing was marked).
  clearing_budget_ =
      std::max(kClearingStepBuckets,
               static_cast<std::size_t>(static_cast<double>(buckets) /
                                        StepsWithin(0.25)) +
                   1);
  ClearingStep(clearing_budget_);
}

void Mutator::ClearingStep(std::size_t buckets) {
  collecting_ = true;
  UpdateAllocationLimit();
  CollectionEvent unused;
  PhaseTimer timer(static_cast<bool>(step_observer_), unused);
  ++marking_steps_;
  // The marks of a bucket are cleared once its lazy sweep has run: until
  // the last one, nothing is marked (a generational heap runs no minor
  // collection meanwhile).
  bool cleared = true;
  for (const auto& arena : arenas_) cleared &= arena->ClearSome(buckets);
  if (cleared) {
    clearing_ = false;
    BeginMarking(CollectionKind::kMajor, timer, /*marks_cleared=*/true);
    marking_ = true;
    marking_traced_ = false;
    barrier_.marking = &marker_;
    // Marking should end within about half a pressure of allocation (the
    // policy's, before a nursery's cap): the values to trace are at most
    // those live now and those allocated until then.
    std::size_t values = 0;
    for (const auto& arena : arenas_) values += arena->len();
    step_budget_ = std::max(
        kMinStepValues, static_cast<std::size_t>(static_cast<double>(values) /
                                                 StepsWithin(0.5)) +
                            1);
    marker_.ReserveForAllocations(kMarkingStepBytes / 16);
  }
  EndStep({.first = cleared, .start = unused.start});
  if (cleared) {
    Log(LogLevel::kDebug, "incremental collection %d marks, %d values marked",
        collections_ + 1, marker_.pending().size());
  }
}

void Mutator::MarkingStep(std::size_t budget, CollectionReason reason) {
  if (clearing_) {
    ClearingStep(reason == CollectionReason::kStress ? budget
                                                     : clearing_budget_);
    return;
  }
  // The finish is a pause of its own, after the step that emptied the
  // stack (values allocated since then are traced in it).
  if (marking_traced_) {
    FinishIncremental(reason);
    return;
  }
  collecting_ = true;
  UpdateAllocationLimit();
  const auto start = step_observer_ ? PhaseTimer::Clock::now()
                                    : PhaseTimer::Clock::time_point();
  const std::size_t traced = marker_.Step(budget);
  marking_traced_ = marker_.pending().empty();
  ++marking_steps_;
  marker_.ReserveForAllocations(kMarkingStepBytes / 16);
  EndStep({.traced = traced, .start = start});
}

void Mutator::EndStep(MarkingStepEvent event) {
  next_step_at_ = allocated_bytes_ + kMarkingStepBytes;
  collecting_ = false;
  UpdateAllocationLimit();
  if (step_observer_) {
    event.collection = collections_ + 1;
    event.pending = marker_.pending().size();
    event.heap_bytes = HeldBytes();
    event.duration = PhaseTimer::Clock::now() - event.start;
    step_observer_(event);
  }
  MEM_DCHECK_EXPENSIVE(VerifyHeap().ok(), "marking keeps the heap whole");
}

bool Mutator::CollectStep(std::size_t budget) {
  CheckThread("CollectStep");
  MEM_CHECK(!collecting_,
            "Mutator::CollectStep during a collection (from Trace or a "
            "destructor)");
  if (!incremental_) {
    CollectYoung();
    return true;
  }
  if (!incremental_under_way()) {
    StartIncremental();
    return false;
  }
  const std::size_t before = collections_;
  MarkingStep(std::max<std::size_t>(budget, 1), CollectionReason::kExplicit);
  return collections_ != before;
}

std::size_t Mutator::FinishIncremental(CollectionReason reason) {
  collecting_ = true;
  marking_ = false;
  barrier_.marking = nullptr;
  UpdateAllocationLimit();
  CollectionEvent event;
  PhaseTimer timer(static_cast<bool>(observer_), event);
  for (const auto& arena : arenas_) arena->PrepareForCollection();
  timer.End(CollectionPhase::kFinishSweeping);
  // The roots again: Pointers locked since the start, to values no store
  // shaded. Then the holders of the weak references and ephemerons the
  // steps found, where they are now.
  for (const auto& arena : arenas_) arena->MarkRoots(marker_.tracer(), false);
  marker_.Revisit();
  timer.End(CollectionPhase::kRoots);
  return EndCollection(reason, CollectionKind::kMajor, /*incremental=*/true,
                       timer);
}

std::size_t Mutator::EndCollection(CollectionReason reason, CollectionKind kind,
                                   bool incremental, PhaseTimer& timer) {
  marker_.Drain();
  // What the guardians get back is kept, with all it reaches.
  if (guardian_registry_.HandOverUnreached(marker_.tracer()) > 0) {
    marker_.Drain();
  }
  timer.End(CollectionPhase::kTrace);

  marker_.ClearUnreachedWeaks();
  weak_registry_.ClearUnmarked(weak_callbacks_);
  timer.End(CollectionPhase::kWeaks);

  const bool observed = timer.on();
  CollectionEvent& event = timer.event();
  const bool minor = kind == CollectionKind::kMinor;
  if (minor) AgeSurvivors();
  std::size_t freed = 0;
  std::size_t live = 0;
  std::size_t freed_bytes = 0;
  std::size_t live_bytes = 0;
  const std::size_t external_before = external_bytes_;
  // An explicit collection (or one at the heap limit) leaves everything
  // swept (FinishSweeping, after Compact has released the buckets whose
  // values all died, unswept); the others leave buckets of types without
  // destructors to be swept as allocation reaches them (see SweepMode).
  using SweepMode = internal::ArenaBase::SweepMode;
  const SweepMode sweep = reason != CollectionReason::kPressure &&
                                  reason != CollectionReason::kStress
                              ? SweepMode::kEager
                              : SweepMode::kLazy;
  compactable_.clear();
  for (const auto& arena : arenas_) {
    const std::size_t capacity = arena->capacity();
    const std::size_t arena_freed = arena->Sweep(sweep, minor);
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
  timer.End(CollectionPhase::kSweep);
  live_bytes_after_collection_ = live_bytes;
  if (kind == CollectionKind::kMajor) {
    live_bytes_after_major_ = live_bytes;
  } else {
    ++minor_collections_;
  }
  // The old values have grown by their half of the growth since the last
  // major collection (the young values have the other half: the heap
  // stays near live * (1 + heap_growth) bytes, as in a full heap).
  // Survivors count as old here: leaving them out (they are young, and
  // the next minor collection may free them) made majors later and
  // GCBench's peak RSS up to 1.47x.
  major_due_ = generational_ &&
               live_bytes - std::min(live_bytes, live_bytes_after_major_) >=
                   std::max(kMinPressure,
                            static_cast<std::size_t>(
                                static_cast<double>(live_bytes_after_major_) *
                                options_.heap_growth / 2));
  last_kind_ = kind;
  last_incremental_ = incremental;
  allocations_ = 0;
  allocated_bytes_ = 0;
  ++collections_;
  UpdatePressure();
  Compact();
  if (sweep == SweepMode::kEager) {
    for (const auto& arena : arenas_) arena->FinishSweeping();
  }
  UpdatePressure();  // the seed's pressure follows the capacity
  collecting_ = false;
  UpdateAllocationLimit();
  MEM_DCHECK_EXPENSIVE(VerifyHeap().ok(), "a collection keeps the heap whole");
  Log(LogLevel::kInfo,
      "collection %d (%s) freed %d values, %d live in %d arenas", collections_,
      ToString(kind), freed, live, arenas_.size());
  if (observed) {
    timer.End(CollectionPhase::kRelease);
    event.reason = reason;
    event.kind = kind;
    event.incremental = incremental;
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
  stats.survivors = survivors_;
  stats.marking_steps = marking_steps_;
  stats.marking = marking_;
  stats.major_due = !generational_ || major_due_ || incremental_under_way();
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

// Reports the first reference from a holder (set_holder) to a value that
// `reaches_ok` refuses: a store that skipped the write barrier.
class BarrierCheck final : public internal::EdgeSink {
 public:
  // `weak_edges`: whether weak references (and ephemerons' values) count.
  // `format` describes a broken edge from the holder's type, the holder,
  // the edge's name, the target's type and the target.
  using Format =
      absl::FormatSpec<std::string_view, const void*, std::string_view,
                       std::string_view, const void*>;
  BarrierCheck(bool (*reaches_ok)(const void* target), bool weak_edges,
               const Format& format)
      : reaches_ok_(reaches_ok), weak_edges_(weak_edges), format_(format) {}

  void set_holder(const void* holder) { holder_ = holder; }
  const absl::Status& status() const { return status_; }

  void Strong(Root target, std::string_view name) override {
    Check(target.address(), name);
  }
  void Element(Root target, std::size_t index) override {
    Check(target.address(), absl::StrFormat("[%d]", index));
  }
  void Weak(const void* target, std::string_view name) override {
    if (weak_edges_) Check(target, name);
  }
  void EphemeronValue(Root target, std::string_view name) override {
    if (weak_edges_) Check(target.address(), name);
  }

 private:
  void Check(const void* target, std::string_view name) {
    if (!status_.ok() || reaches_ok_(target)) return;
    status_ = absl::InternalError(absl::StrFormat(
        format_, internal::BucketHeader::Of(holder_)->type().name(), holder_,
        name, internal::BucketHeader::Of(target)->type().name(), target));
  }

  bool (*const reaches_ok_)(const void* target);
  const bool weak_edges_;
  const Format& format_;
  const void* holder_ = nullptr;
  absl::Status status_;
};

bool Marked(const void* value) {
  const internal::BucketHeader* bucket = internal::BucketHeader::Of(value);
  return bucket->marked(bucket->IndexOf(value));
}

bool Remembered(const void* value) {
  const internal::BucketHeader* bucket = internal::BucketHeader::Of(value);
  return bucket->remembered(bucket->IndexOf(value));
}

// Whether the values walked refer to a young (unmarked) value, weakly or
// not: BarrierCheck's question without its message, which a collection
// would format for every holder it finds.
class YoungTargetFinder final : public internal::EdgeSink {
 public:
  bool found() const { return found_; }
  void Reset() { found_ = false; }

  void Strong(Root target, std::string_view) override {
    Check(target.address());
  }
  void Element(Root target, std::size_t) override { Check(target.address()); }
  void Weak(const void* target, std::string_view) override { Check(target); }
  void EphemeronValue(Root target, std::string_view) override {
    Check(target.address());
  }

 private:
  void Check(const void* target) { found_ = found_ || !Marked(target); }
  bool found_ = false;
};

}  // namespace

void Mutator::AgeSurvivors() {
  survivors_ = 0;
  for (const auto& arena : arenas_) survivors_ += arena->AgeSurvivors();
  // With no young value left, no value holds one.
  if (survivors_ == 0) {
    remembered_holders_.clear();
    return;
  }
  // A promoted value may hold a value kept young, and a remembered holder
  // may hold one weakly (its strong references were all promoted): both
  // are remembered, so that the next minor collection traces them. (Room
  // was reserved before marking.)
  YoungTargetFinder finder;
  internal::HeapWalker walker(*this, finder);
  auto remember_if_holding_young = [&](Root holder) {
    finder.Reset();
    walker.ReportEdges(holder);
    if (!finder.found()) return;
    internal::BucketHeader* bucket =
        internal::BucketHeader::Of(holder.address());
    remembered_.Add(bucket, bucket->IndexOf(holder.address()));
  };
  for (const Root& holder : remembered_holders_) {
    remember_if_holding_young(holder);
  }
  remembered_holders_.clear();
  for (const auto& arena : arenas_) {
    arena->ForEachPromoted(remember_if_holding_young);
  }
}

absl::Status Mutator::VerifyBarrier() const {
  if (marking_) return VerifyTriColor();
  // Half the marks cleared: no invariant until the roots are marked.
  if (!generational_ || clearing_) return absl::OkStatus();
  std::size_t remembered = 0;
  for (const auto& arena : arenas_) remembered += arena->CountRemembered();
  if (remembered != remembered_.size()) {
    return absl::InternalError(absl::StrFormat(
        "%d values have their remembered bit set, but the remembered set "
        "holds %d",
        remembered, remembered_.size()));
  }
  static const BarrierCheck::Format kFormat(
      "an old %s at %p refers (%s) to a young %s at %p, and neither is in "
      "the remembered set: a store skipped the write barrier");
  BarrierCheck check(
      [](const void* target) { return Marked(target) || Remembered(target); },
      /*weak_edges=*/true, kFormat);
  internal::HeapWalker walker(*this, check);
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root value) {
      if (!Marked(value.address()) || Remembered(value.address())) return;
      check.set_holder(value.address());
      walker.ReportEdges(value);
    });
  }
  return check.status();
}

absl::Status Mutator::VerifyTriColor() const {
  // Black: marked and not on the stack. Weak references and ephemerons'
  // values are not traced as strong ones, so they may stay white.
  absl::flat_hash_set<const void*> gray;
  for (const Root& root : marker_.pending()) gray.insert(root.address());
  static const BarrierCheck::Format kFormat(
      "a traced %s at %p refers (%s) to an unmarked %s at %p while an "
      "incremental collection marks: a store skipped the write barrier");
  BarrierCheck check(&Marked, /*weak_edges=*/false, kFormat);
  internal::HeapWalker walker(*this, check);
  for (const auto& arena : walker.arenas()) {
    arena->ForEachLive([&](Root value) {
      if (!Marked(value.address()) || gray.contains(value.address())) return;
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
