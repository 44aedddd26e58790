// The Mutator: allocation and garbage collection for one heap.
//
// Hierarchy (the seed's): a Mutator owns one Arena per managed type, created
// on first use; an Arena owns Buckets; a Bucket is a fixed array of Slots; a
// Slot holds one value, and is exactly the value's size: its mark and
// occupied bits and its lock count live in the bucket's metadata
// (internal/bucket_header.h). Allocation hands out a Pointer, which locks
// its slot and so makes it a root. Managed values refer to each other
// through Member (unlocked) and report those references from Trace
// (trace.h).
//
// A collection, in order:
//   1. roots         every slot with locks > 0 is marked and pushed; buckets
//                    that hold no lock are skipped without reading their
//                    slots;
//   2. mark          pending values are traced until none are left; what
//                    they reach for the first time is marked and pushed (an
//                    explicit stack with a prefetch window, never
//                    recursion);
//   3. clear weaks   WeakMembers traced in step 2 and Weak handles whose
//                    targets are unmarked are set to null;
//   4. sweep         every occupied, unmarked slot is destroyed (its C++
//                    destructor runs) and made vacant, 64 slots a bitmap
//                    word at a time; marks are cleared (in a full heap);
//   5. compact       an arena with more than four buckets whose sweep freed
//                    more than a quarter of its capacity releases its empty
//                    buckets (all of them under Pacing::kSeed; under
//                    kLiveHeap those beyond the vacant slots the next
//                    pressure's worth of allocations needs);
//   6. callbacks     the collection observer hears what happened, then the
//                    on_clear callbacks of the cleared Weak handles run.
//
// In a generational heap (CollectionMode, the default) the sweep keeps the
// marks: marked values are old. A minor collection then marks only young
// values, from the remembered set the write barrier keeps
// (internal/write_barrier.h) and then from the roots among them, and reads
// only the buckets that may hold young values; a major one clears every
// mark first and is the collection above. Survivor aging: what a minor
// collection reaches from the remembered set is promoted (its holders are
// old), and what it reaches only from the roots is promoted if it survived
// a minor collection before, and otherwise kept young as a survivor,
// unmarked, for the next minor collection to trace again or free; every
// promoted value holding a survivor (and every remembered holder holding
// one weakly) is remembered.
//
// In an incremental heap a major collection the pacing (or stress mode)
// runs is spread over pauses, one after each kMarkingStepBytes of
// allocation: the first steps clear the marks (kClearingStepBuckets
// buckets each, or more in a heap of many buckets) and the last of them
// marks the roots; later steps trace a
// budget of values; the finish marks from the roots again (the Pointers
// locked since the start), traces what is left, and runs steps 3 to 6
// above at once. Between the pauses the write barrier shades what the
// mutator stores (internal/write_barrier.h), and values allocated are
// marked and traced like the others (internal/marker.h), so a value that
// became unreachable after the start may live until the next collection.
// An explicit collection (CollectGarbage or CollectYoung) or one at the
// heap limit drops a marking under way and runs a full collection at once:
// afterwards exactly the reachable values live.
//
// A collection invalidates every Member and raw address to a freed value;
// Pointers, and the Members of values that survive, stay valid. Collections
// run when CollectGarbage() is called and automatically when the bytes
// allocated since the last collection (slots, and external memory gained,
// see external_memory.h) reach the pressure, which the pacing policy sets
// (MutatorOptions::pacing): by default max(64 KiB, live bytes after the
// last collection * heap_growth). Stress mode (MutatorOptions::
// stress_interval, or the environment variable KAMO_MEM_STRESS) also
// collects before every Nth allocation.
//
// Threads: a Mutator and its values are used from the thread that made it;
// BindToCurrentThread() hands it to another (the caller makes sure the old
// one has stopped). Several Mutators share nothing and may run on different
// threads. Debug builds (see check.h) stop a Mutator used from another
// thread at its entry points, naming both threads.
//
// One heap per value: a managed value refers only to values of its own
// Mutator (a Member, a Weak, a value/ container's element). A reference
// into another Mutator's heap would be freed by that heap's collections
// while still in use; debug builds stop at the store when they can tell
// (the field lies in a value), and otherwise when tracing finds it, naming
// both types.
//
// Lifetime: destroying the Mutator destroys every value, reachable or not.
// No Pointer may outlive it; the destructor stops the program with a message
// naming the type if one still holds a lock. Code that passes a Mutator
// around shares it through MutatorRef (mutator_ref.h).
#ifndef KAMO_MEM_MUTATOR_H_
#define KAMO_MEM_MUTATOR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "mem/check.h"
#include "mem/collection_event.h"
#include "mem/ephemeron.h"
#include "mem/guardian.h"
#include "mem/internal/arena.h"
#include "mem/internal/ephemeron_table.h"
#include "mem/internal/heap_barrier.h"
#include "mem/internal/marker.h"
#include "mem/internal/remembered_set.h"
#include "mem/internal/type_info.h"
#include "mem/log.h"
#include "mem/member.h"
#include "mem/pointer.h"
#include "mem/stats.h"
#include "mem/trace.h"
#include "mem/weak.h"
#include "mem/weak_member.h"

namespace kamo::mem {

class MutatorRef;

// Thrown by Mutator::Allocate when a new bucket would take the heap past
// Options::heap_limit_bytes even after a collection. Like any bad_alloc from
// the system, it leaves the heap as it was.
class HeapLimitExceeded : public std::bad_alloc {
 public:
  explicit HeapLimitExceeded(std::string message)
      : message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// When an allocation collects first. Every policy counts bytes: the slots
// of new values and the external memory values gain (external_memory.h).
enum class Pacing {
  // The seed's rule, in bytes: when the bytes allocated since the last
  // collection reach clamp(heap bytes / 2, 64 KiB, 64 MiB), where the heap
  // bytes are the buckets' and the external memory's.
  kSeed,
  // Sized from the live heap, in the spirit of Boehm's free-space divisor:
  // when the bytes allocated since the last collection reach
  // max(64 KiB, live bytes after it * heap_growth). Marking costs O(live),
  // so collection work per allocation stays bounded by 1 / heap_growth,
  // and the heap holds at most about live * (1 + heap_growth) bytes.
  kLiveHeap,
  // Never on its own: only CollectGarbage(), the heap limit and stress mode
  // collect.
  kManual,
};

std::string_view ToString(Pacing pacing);

// How the heap collects. kGenerational is the default (MutatorOptions::
// mode).
enum class CollectionMode {
  // Every collection marks the whole heap and frees every unreachable
  // value.
  kFull,
  // Generational, without moving (sticky mark bits, as MMTk's StickyImmix
  // and Lua 5.4's generational mode): a value that survives a major
  // collection or two minor ones is old (survivor aging, see the top of
  // this file). A minor collection marks from the remembered set the write
  // barrier keeps (old values given young references) and from the roots,
  // and frees only unreachable young values; a major collection is a full
  // one. Collections the
  // pacing runs are minor until the live bytes after one have grown past
  // the live bytes after the last major by heap_growth / 2 times those
  // bytes (at least kMinPressure); CollectGarbage() and the heap limit run
  // major ones. Under Pacing::kLiveHeap a minor collection runs after
  // max(64 KiB, live bytes after the last major * heap_growth / 2) bytes.
  kGenerational,
  // Every collection is major, and the ones the pacing and stress mode run
  // are incremental: spread over steps of bounded work between
  // allocations (see the top of this file), so that no pause traces the
  // whole heap. The pacing starts one after the same pressure as kFull,
  // and each step's budget is sized so that marking ends within about
  // half a pressure's worth more of allocation.
  kIncremental,
  // kGenerational whose major collections are incremental, and whose
  // minor collections, each a pause that traces the young survivors at
  // once, come after at most kIncrementalNurseryBytes of allocation, so
  // that no pause is long.
  kGenerationalIncremental,
};

std::string_view ToString(CollectionMode mode);

struct MutatorOptions {
  // Slots per bucket for types that do not declare
  // `static constexpr std::uint32_t kBucketCapacity`: at most this many, as
  // many as start within a bucket's first 64 KiB (Stats report the
  // capacity each arena got; a value larger than that has a bucket of its
  // own). The default asks for more than any block holds, so that every
  // bucket fills its block: fewer buckets to sweep and scan, and values
  // allocated together lie together (a 1e6-element list walks in 1.8 ns
  // an element, 3.1 ns with buckets of 1024 slots).
  std::uint32_t bucket_capacity = 1 << 16;
  Pacing pacing = Pacing::kLiveHeap;
  // For Pacing::kLiveHeap: allocations allowed between collections, as a
  // multiple of the values live after the last one.
  double heap_growth = 1.0;
  // Bytes of buckets and external memory the heap may hold in all; past it
  // Allocate (or ExternalMemory::Grow) collects, then throws
  // HeapLimitExceeded.
  std::size_t heap_limit_bytes = std::numeric_limits<std::size_t>::max();
  // Stress mode, for finding values held where the collector cannot see
  // them: collect before every Nth allocation (1: before every one), on top
  // of the pacing. 0 turns it off. Unset, it is read from the environment
  // variable KAMO_MEM_STRESS when the Mutator is made (absent: off), so a
  // whole test binary can run under stress without code changes.
  std::optional<std::uint32_t> stress_interval = std::nullopt;
  // Unset, it is read from the environment variable KAMO_MEM_MODE ("full",
  // "generational", "incremental" or "generational-incremental") when the
  // Mutator is made (absent: kGenerational, the
  // default because it wins on GCBench, see README), so that a whole test
  // binary can run in the other mode without code changes.
  std::optional<CollectionMode> mode = std::nullopt;
};

// The environment variables that set MutatorOptions::stress_interval and
// MutatorOptions::mode when the options leave them unset.
inline constexpr const char* kStressEnvironmentVariable = "KAMO_MEM_STRESS";
inline constexpr const char* kModeEnvironmentVariable = "KAMO_MEM_MODE";

class Mutator {
 public:
  // Bounds of the pressure, in bytes allocated between collections.
  static constexpr std::size_t kMinPressure = std::size_t{64} << 10;
  static constexpr std::size_t kMaxPressure = std::size_t{64} << 20;
  // An incremental collection's steps: one after every this many bytes
  // allocated while it marks. Stress mode makes one of kStressStepValues
  // values per allocation of its interval at each of its collection points
  // instead.
  static constexpr std::size_t kMarkingStepBytes = std::size_t{32} << 10;
  static constexpr std::size_t kStressStepValues = 2;
  // Before marking, a step sweeps what lazy sweeping left and clears the
  // marks of at least this many buckets, more in a heap of so many that
  // clearing would take more than a quarter of the pressure (stress mode:
  // as many as the values it would trace).
  static constexpr std::size_t kClearingStepBuckets = 64;
  // The least a step traces.
  static constexpr std::size_t kMinStepValues = 256;
  // kGenerationalIncremental: the most bytes allocated between two minor
  // collections. A minor collection is not incremental: it traces the
  // young survivors at once, and all of them may survive (a tree being
  // built), so the nursery is kept small enough for that pause to stay
  // well under a millisecond (0.4-0.7 ms on GCBench large, against 4-6 ms
  // uncapped).
  static constexpr std::size_t kIncrementalNurseryBytes = std::size_t{1} << 20;

  using Options = MutatorOptions;

  Mutator() : Mutator(Options()) {}
  explicit Mutator(Options options);
  Mutator(const Mutator&) = delete;
  Mutator& operator=(const Mutator&) = delete;
  ~Mutator();

  // A shared handle to a new Mutator (the seed's Mutator::new_ref).
  static MutatorRef NewRef(Options options = Options());

  // Constructs a T from `args` in a slot of T's arena and returns a locked
  // Pointer to it. May collect first (pressure, heap limit). If T's
  // constructor throws, or memory runs out, the exception propagates and the
  // heap is as it was. A constructor may allocate; but until it returns, the
  // Members it stores are not traced, so it must hold what it allocates in
  // Pointers.
  template <Traceable T, typename... Args>
  Pointer<T> Allocate(Args&&... args);

  // Runs a full (major) collection now, at once (dropping the marking of
  // an incremental one under way); returns the number of values freed.
  std::size_t CollectGarbage() {
    return Collect(CollectionReason::kExplicit, CollectionKind::kMajor);
  }
  // Runs a minor collection now in a generational heap (a major one if it
  // is due, or if an incremental one is marking), a full one in another;
  // returns the number of values freed.
  std::size_t CollectYoung() {
    return Collect(CollectionReason::kExplicit, CollectionKind::kMinor);
  }

  // One pause of an incremental collection, now (at idle time, say, as
  // Lua's collectgarbage("step")): starts a major one if none is marking,
  // else traces up to `budget` values (at least one), or finishes it once
  // a step has left nothing to trace. Returns whether it finished one. In
  // a heap that is not incremental it runs CollectYoung() and returns
  // true.
  bool CollectStep(std::size_t budget = kMinStepValues);

  // Turns a raw address (the T* a Pointer's get() returned, coming back over
  // an FFI boundary, from a debugger or a fuzzer) into a locked Pointer, if
  // and only if it is the value of an occupied slot of T's arena. Anything
  // else (null, foreign, stale, interior, misaligned) is refused with an
  // error naming the reason; the address is never dereferenced.
  // O(1).
  template <Traceable T>
  absl::StatusOr<Pointer<T>> PointerFromRaw(const void* address) const;

  // A Weak handle to `target`; `on_clear` runs after the collection that
  // frees the target (see weak.h).
  template <Traceable T>
  Weak<T> MakeWeak(const Pointer<T>& target,
                   std::function<void()> on_clear = nullptr);

  // A Guardian of values of type T, with nothing registered (see
  // guardian.h).
  template <Traceable T>
  Guardian<T> MakeGuardian();

  // Live values of type T (0 if T has no arena yet). O(1).
  template <Traceable T>
  std::size_t CountLive() const;

  Stats stats() const;
  // Bytes allocated since the last collection that trigger the next one
  // (the largest size_t under Pacing::kManual).
  std::size_t pressure() const { return pressure_; }
  // Values, and bytes (slots and external memory gained), allocated since
  // the last collection.
  std::size_t allocations_since_collection() const { return allocations_; }
  std::size_t allocated_bytes_since_collection() const {
    return allocated_bytes_;
  }
  std::size_t collections() const { return collections_; }
  // Of collections(), the minor ones (0 unless generational).
  std::size_t minor_collections() const { return minor_collections_; }
  // The kind of the last collection (kMajor before the first), and whether
  // it was the finish of an incremental one (see CollectionEvent).
  CollectionKind last_collection_kind() const { return last_kind_; }
  bool last_collection_incremental() const { return last_incremental_; }
  CollectionMode mode() const { return mode_; }
  // Whether an incremental collection is marking (between the step that
  // marks its roots and its finish), or under way at all (from its first
  // step, which may spend a few steps clearing marks before marking).
  bool marking() const { return marking_; }
  bool incremental_under_way() const { return marking_ || clearing_; }
  // Incremental collections started, and their steps, since the Mutator
  // was made.
  std::size_t incremental_collections() const {
    return incremental_collections_;
  }
  std::size_t marking_steps() const { return marking_steps_; }
  // The same count as a location that later collections update, for a
  // borrowed reference's debug check (value/'s View).
  const std::size_t& collection_counter() const { return collections_; }
  // Bytes of external memory the live values report (external_memory.h).
  std::size_t external_bytes() const { return external_bytes_; }
  // 0 when stress mode is off.
  std::uint32_t stress_interval() const { return stress_interval_; }

  // Messages about collections and arena growth go to `sink` (not owned;
  // null turns logging off, the default).
  void set_log_sink(LogSink* sink) { log_sink_ = sink; }

  // `observer` hears of every collection (see collection_event.h); an empty
  // function turns it off, the default.
  void set_collection_observer(CollectionObserver observer) {
    observer_ = std::move(observer);
  }
  // `observer` hears of every step of an incremental collection; an empty
  // function turns it off, the default.
  void set_marking_step_observer(MarkingStepObserver observer) {
    step_observer_ = std::move(observer);
  }

  // Walks the whole heap and checks every arena's invariants and the write
  // barrier's: while an incremental collection marks, every strong
  // reference a marked value that is not waiting to be traced holds leads
  // to a marked value (the tri-color invariant); otherwise, in a
  // generational heap, every reference an old value holds leads to an old
  // value, unless the holder or the target is remembered. O(capacity).
  absl::Status VerifyHeap() const;

  // Makes the calling thread the Mutator's owner (see Threads above).
  void BindToCurrentThread() { owner_thread_ = std::this_thread::get_id(); }

 private:
  friend class ExternalMemory;
  friend class internal::HeapWalker;

  template <typename T>
  internal::Arena<T>& ArenaOf();
  template <typename T>
  const internal::Arena<T>* FindArena() const;
  // CreateArena and GrowArena run once per arena and once per bucket: kept
  // out of Allocate's code, which they would burden with a stack frame.
  template <typename T>
  [[gnu::noinline]] internal::Arena<T>& CreateArena();
  void AddArena(std::unique_ptr<internal::ArenaBase> arena, std::size_t id);
  template <typename T>
  [[gnu::noinline]] void GrowArena(internal::Arena<T>& arena);
  [[noreturn]] void ThrowHeapLimit(std::string_view type) const;
  // Debug builds: stops unless called on the owner thread.
  void CheckThread([[maybe_unused]] std::string_view operation) const {
#if KAMO_MEM_DEBUG_CHECKS
    if (std::this_thread::get_id() != owner_thread_) [[unlikely]] {
      FailThread(operation);
    }
#endif
  }
  [[noreturn]] void FailThread(std::string_view operation) const;
  // Runs a collection of `kind`, or a major one if the heap is not
  // generational or a major one is due or an incremental one is marking
  // (whose marking it drops); in an incremental heap, starts an
  // incremental one instead if the pacing or stress mode asks for a major
  // one (and returns 0).
  std::size_t Collect(CollectionReason reason, CollectionKind kind);
  class PhaseTimer;
  // A collection's start: the allocation caches given back and lazy sweeps
  // finished, every mark cleared for a major collection with sticky marks,
  // the roots marked (and for a minor one the remembered set).
  void BeginMarking(CollectionKind kind, PhaseTimer& timer,
                    bool marks_cleared = false);
  // An incremental collection's first step; a step that clears marks
  // before marking (of up to `buckets` buckets, then marking the roots);
  // a later step (tracing `budget` values, or the finish once nothing is
  // left); and its finish.
  void StartIncremental();
  // The steps in `share` of the pressure the policy gives (at least one).
  double StepsWithin(double share) const;
  void ClearingStep(std::size_t buckets);
  void MarkingStep(std::size_t budget, CollectionReason reason);
  std::size_t FinishIncremental(CollectionReason reason);
  // A collection's end, once the roots are marked: tracing, guardians,
  // weak references, the sweep, pacing, the event and the callbacks.
  std::size_t EndCollection(CollectionReason reason, CollectionKind kind,
                            bool incremental, PhaseTimer& timer);
  // A step's end: the next one scheduled, the allocation limit restored,
  // the observer told (`event` has the step's own fields and start).
  void EndStep(MarkingStepEvent event);
  // The write barrier's invariants (see VerifyHeap).
  absl::Status VerifyBarrier() const;
  absl::Status VerifyTriColor() const;
  // Survivor aging, at a minor collection's end (after the weak
  // references): promotes the survivors it reached and keeps the other
  // values it reached young, then remembers every old holder of a young
  // value among those it promoted and those the remembered set held.
  void AgeSurvivors();
  // Where an allocation goes when allocated_bytes_ reaches
  // allocation_limit_: stops if a collection is running, else runs the
  // collection or marking step that is due (stress, pressure), if any.
  void BeforeAllocation(std::string_view (*type_name)());
  // Sets allocation_limit_ from pressure_ (or the next marking step), stress
  // mode and collecting_.
  void UpdateAllocationLimit() {
    allocation_limit_ = collecting_ || stress_interval_ != 0 ? 0
                        : incremental_under_way()            ? next_step_at_
                                                             : pressure_;
  }
  // ExternalMemory's accounting, per arena and in total: Gain may collect,
  // then throws HeapLimitExceeded (counting nothing) past the heap limit.
  void GainExternal(internal::ArenaBase& arena, std::size_t bytes);
  void LoseExternal(internal::ArenaBase& arena, std::size_t bytes);
  // Bytes held by buckets and external memory; heap_limit_bytes caps it.
  std::size_t HeldBytes() const { return heap_bytes_ + external_bytes_; }
  // Releases empty buckets of the arenas in compactable_ (see mutator.cc).
  void Compact();
  // Sets pressure_ from the pacing policy: after each collection, and for
  // Pacing::kSeed whenever the capacity changes.
  void UpdatePressure();

  template <typename... Args>
  void Log(LogLevel level, const absl::FormatSpec<Args...>& format,
           const Args&... args) const {
    if (log_sink_ != nullptr) [[unlikely]] {
      log_sink_->Log(level, kLogTarget, absl::StrFormat(format, args...));
    }
  }

  const Options options_;
  const CollectionMode mode_;
  const bool generational_;
  const bool incremental_;
  // Declared before the arenas, whose buckets refer to them: the barrier
  // (when marks are sticky: generational or incremental) and its
  // remembered set (generational).
  internal::RememberedSet remembered_;
  // A minor collection's remembered set as it was drained (AgeSurvivors).
  std::vector<Root> remembered_holders_;
  // The young values the last collection kept (none after a major one).
  std::size_t survivors_ = 0;
  internal::HeapBarrier barrier_;
  // Declared before the arenas: values destroyed with the arenas may own
  // Weak handles, which unregister from it.
  internal::WeakRegistry weak_registry_;
  internal::GuardianRegistry guardian_registry_{this};        // likewise
  std::vector<std::unique_ptr<internal::ArenaBase>> arenas_;  // by creation
  std::vector<internal::ArenaBase*> arenas_by_type_;  // by TypeIdOf<T>()
  std::vector<Root> pending_;  // the tracer's stack, kept between collections
  std::vector<void**> weak_slots_;       // the WeakMembers traced, likewise
  internal::EphemeronTable ephemerons_;  // those waiting on a key, likewise
  internal::Marker marker_{pending_, weak_slots_, ephemerons_, this};
  std::vector<internal::ArenaBase*> compactable_;  // per collection, reused
  std::vector<std::function<void()>> weak_callbacks_;
  CollectionObserver observer_;
  MarkingStepObserver step_observer_;
  std::size_t total_capacity_ = 0;       // slots over all arenas
  std::size_t pressure_ = kMinPressure;  // in bytes
  // The pressure before the nursery's cap (kIncrementalNurseryBytes): the
  // allocation an incremental major collection's steps are spread over.
  std::size_t marking_allowance_ = kMinPressure;
  std::size_t live_bytes_after_collection_ = 0;
  std::size_t heap_bytes_ = 0;       // bytes of buckets over all arenas
  std::size_t external_bytes_ = 0;   // reported by live values
  std::size_t allocations_ = 0;      // values since the last collection
  std::size_t allocated_bytes_ = 0;  // bytes since the last collection
  std::size_t collections_ = 0;
  std::size_t minor_collections_ = 0;
  CollectionKind last_kind_ = CollectionKind::kMajor;
  bool last_incremental_ = false;
  // Generational: live bytes after the last major collection, and whether
  // the next collection the pacing runs must be major.
  std::size_t live_bytes_after_major_ = 0;
  bool major_due_ = false;
  // Incremental: whether a collection is marking, and whether a step has
  // emptied its stack (the next step is the finish); the allocated_bytes_
  // at which its next step runs; the values each step traces.
  bool marking_ = false;
  bool marking_traced_ = false;
  // Before it marks: clearing the marks in steps (ClearingStep).
  bool clearing_ = false;
  std::size_t next_step_at_ = 0;
  std::size_t step_budget_ = kMinStepValues;
  std::size_t clearing_budget_ = kClearingStepBuckets;  // buckets a step
  std::size_t incremental_collections_ = 0;
  std::size_t marking_steps_ = 0;
  // Allocate's one test, so that the checks for stress mode and for an
  // allocation during a collection stay off its fast path: pressure_, or 0
  // (every allocation calls BeforeAllocation) in stress mode and during a
  // collection.
  std::size_t allocation_limit_ = 0;
  std::uint32_t stress_interval_ = 0;  // 0: off
  std::uint32_t stress_left_ = 0;      // allocations before the next one
  bool collecting_ = false;
  LogSink* log_sink_ = nullptr;
  std::thread::id owner_thread_ = std::this_thread::get_id();
};

// ---- Template definitions --------------------------------------------------

// Inlined, with ArenaOf, into every caller: the fast path is a few loads,
// a bit scan and stores, and a call would cost as much again (GCBench's
// typed Node: 0.95x the wall time); collections, refills and growth are
// calls out of it.
template <Traceable T, typename... Args>
[[gnu::always_inline]] inline Pointer<T> Mutator::Allocate(Args&&... args) {
  CheckThread("Allocate");
  if (allocated_bytes_ >= allocation_limit_) [[unlikely]] {
    BeforeAllocation(&internal::TypeName<T>);
  }
  internal::Arena<T>& arena = ArenaOf<T>();
  if (!arena.has_vacant()) [[unlikely]]
    GrowArena(arena);
  T* value = arena.Emplace(std::forward<Args>(args)...);
  // Allocate gray (internal/marker.h), after the constructor has stored
  // what it stores.
  if (marking_) [[unlikely]]
    marker_.ShadeAllocated(internal::RootOf(value));
  ++allocations_;
  allocated_bytes_ += sizeof(T);
  return Pointer<T>(value, typename Pointer<T>::AdoptLock());
}

template <Traceable T>
absl::StatusOr<Pointer<T>> Mutator::PointerFromRaw(const void* address) const {
  CheckThread("PointerFromRaw");
  const internal::Arena<T>* arena = FindArena<T>();
  if (arena == nullptr) {
    return absl::NotFoundError(absl::StrFormat(
        "no Arena<%s> in this Mutator: no %s was ever allocated here",
        internal::TypeName<T>(), internal::TypeName<T>()));
  }
  absl::StatusOr<T*> value = arena->SlotOfValue(address);
  if (!value.ok()) return value.status();
  return Pointer<T>(*value);
}

template <Traceable T>
Weak<T> Mutator::MakeWeak(const Pointer<T>& target,
                          std::function<void()> on_clear) {
  CheckThread("MakeWeak");
  MEM_CHECK(target, "Mutator::MakeWeak<%s> of a null Pointer",
            internal::TypeName<T>());
#if KAMO_MEM_DEBUG_CHECKS
  const std::optional<internal::HeapOwner> owner =
      internal::OwnerOf(target.value_);
  MEM_CHECK(!owner.has_value() || owner->mutator == this,
            "Mutator::MakeWeak<%s> of a value of another Mutator: a Weak "
            "refers only to values of its own Mutator",
            internal::TypeName<T>());
#endif
  auto cell = std::make_unique<internal::WeakCell>();
  cell->target = target.value_;
  cell->on_clear = std::move(on_clear);
  weak_registry_.Add(cell.get());
  return Weak<T>(std::move(cell));
}

template <Traceable T>
Guardian<T> Mutator::MakeGuardian() {
  CheckThread("MakeGuardian");
  auto cell = std::make_unique<internal::GuardianCell>();
  guardian_registry_.Add(cell.get());
  return Guardian<T>(std::move(cell));
}

template <Traceable T>
std::size_t Mutator::CountLive() const {
  const internal::Arena<T>* arena = FindArena<T>();
  return arena == nullptr ? 0 : arena->len();
}

template <typename T>
[[gnu::always_inline]] inline internal::Arena<T>& Mutator::ArenaOf() {
  const std::size_t id = internal::TypeIdOf<T>();
  if (id < arenas_by_type_.size() && arenas_by_type_[id] != nullptr)
      [[likely]] {
    return *static_cast<internal::Arena<T>*>(arenas_by_type_[id]);
  }
  return CreateArena<T>();
}

template <typename T>
const internal::Arena<T>* Mutator::FindArena() const {
  const std::size_t id = internal::TypeIdOf<T>();
  if (id >= arenas_by_type_.size()) return nullptr;
  return static_cast<const internal::Arena<T>*>(arenas_by_type_[id]);
}

template <typename T>
internal::Arena<T>& Mutator::CreateArena() {
  std::uint32_t capacity = options_.bucket_capacity;
  if constexpr (requires { std::uint32_t{T::kBucketCapacity}; }) {
    capacity = T::kBucketCapacity;
  }
  auto arena = std::make_unique<internal::Arena<T>>(
      capacity, this, generational_ || incremental_ ? &barrier_ : nullptr);
  internal::Arena<T>& result = *arena;
  AddArena(std::move(arena), internal::TypeIdOf<T>());
  return result;
}

template <typename T>
void Mutator::GrowArena(internal::Arena<T>& arena) {
  if (arena.bucket_bytes() > options_.heap_limit_bytes - HeldBytes()) {
    Collect(CollectionReason::kHeapLimit, CollectionKind::kMajor);
    if (arena.has_vacant()) return;
    if (arena.bucket_bytes() > options_.heap_limit_bytes - HeldBytes()) {
      ThrowHeapLimit(internal::TypeName<T>());
    }
  }
  arena.Grow();
  total_capacity_ += arena.bucket_capacity();
  heap_bytes_ += arena.bucket_bytes();
  UpdatePressure();
  Log(LogLevel::kDebug, "Arena<%s>: bucket %d added, capacity %d",
      internal::TypeName<T>(), arena.bucket_count(), arena.capacity());
}

}  // namespace kamo::mem

#endif  // KAMO_MEM_MUTATOR_H_
