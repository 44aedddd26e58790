// CollectionEvent: what one collection did, for a user who subscribes with
// Mutator::set_collection_observer. With no observer nothing is measured or
// built: the collector only tests whether one is set.
#ifndef KAMO_MEM_COLLECTION_EVENT_H_
#define KAMO_MEM_COLLECTION_EVENT_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

namespace kamo::mem {

enum class CollectionReason {
  kExplicit,   // CollectGarbage() was called
  kPressure,   // an allocation reached the pacing trigger
  kHeapLimit,  // a new bucket or external memory would pass heap_limit_bytes
  kStress,     // stress mode: the Nth allocation since the last one
};

std::string_view ToString(CollectionReason reason);

// What a collection marked and freed. A heap in CollectionMode::kFull runs
// only major collections.
enum class CollectionKind {
  kMajor,  // the whole heap: every unreachable value is freed
  kMinor,  // a generational heap's young values only: every unreachable
           // young value is freed, old ones wait for a major collection
};

std::string_view ToString(CollectionKind kind);

struct ArenaCollectionStats {
  std::string_view type;  // TypeName<T>(); lives as long as the program
  std::size_t live = 0;   // after the sweep
  std::size_t freed = 0;
  std::size_t slot_bytes = 0;      // of the live values, after the sweep
  std::size_t external_bytes = 0;  // the live values report, after
};

// The steps of a collection, in the order they run; each starts where the
// one before it ended.
enum class CollectionPhase {
  kFinishSweeping,  // sweeping the buckets the last collection left
  kRoots,           // the locked slots (Pointers), and in a minor
                    // collection the remembered set
  kTrace,           // marking what they reach
  kWeaks,           // clearing Weak handles and weak entries
  kSweep,           // freeing unmarked values (or counting them: lazily)
  kRelease,         // releasing empty buckets, pacing
};
inline constexpr std::size_t kCollectionPhases = 6;

std::string_view ToString(CollectionPhase phase);

struct CollectionEvent {
  CollectionReason reason = CollectionReason::kExplicit;
  CollectionKind kind = CollectionKind::kMajor;
  // The finish of an incremental collection (its steps had their own
  // MarkingStepEvents): values that became unreachable while it marked,
  // and those allocated then, may live until the next collection.
  bool incremental = false;
  std::size_t number = 0;  // 1 for the Mutator's first collection
  std::size_t live = 0;    // over all arenas, after the sweep
  std::size_t freed = 0;
  std::size_t live_bytes = 0;   // live slots and external memory, after
  std::size_t freed_bytes = 0;  // slots and external memory freed
  std::size_t heap_bytes = 0;   // buckets and external memory held, after
  std::vector<ArenaCollectionStats> arenas;  // in order of creation
  std::chrono::steady_clock::time_point start{};  // when the collection began
  // Durations by CollectionPhase; mark is the sum of the first three,
  // sweep of the last three.
  std::array<std::chrono::nanoseconds, kCollectionPhases> phases{};
  std::chrono::nanoseconds mark{0};   // finishing sweeps, roots and tracing
  std::chrono::nanoseconds sweep{0};  // weak clearing, sweep and release

  std::chrono::nanoseconds duration(CollectionPhase phase) const {
    return phases[static_cast<std::size_t>(phase)];
  }
};

// Called on the Mutator's thread after the collection, before weak
// callbacks run. Must not call back into the Mutator.
using CollectionObserver = std::function<void(const CollectionEvent&)>;

// One pause of an incremental collection's marking (CollectionMode::
// kIncremental): the step that starts it (marking the roots) or a later
// one (tracing). Its finish is a collection, with a CollectionEvent of its
// own.
struct MarkingStepEvent {
  std::size_t collection = 0;  // the number its finish will have
  bool first = false;          // the step that started it
  std::size_t traced = 0;      // values traced in the step
  std::size_t pending = 0;     // values marked and waiting after it
  std::size_t heap_bytes = 0;  // buckets and external memory held
  std::chrono::steady_clock::time_point start{};
  std::chrono::nanoseconds duration{0};
};

// Called on the Mutator's thread after each step. Must not call back into
// the Mutator.
using MarkingStepObserver = std::function<void(const MarkingStepEvent&)>;

}  // namespace kamo::mem

#endif  // KAMO_MEM_COLLECTION_EVENT_H_
