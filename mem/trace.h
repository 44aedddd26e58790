// Tracing: how the collector finds the managed values a value holds.
//
// A managed type T is Traceable when it has a member
//
//   void Trace(kamo::mem::Tracer& tracer) const;
//
// that visits every Member (and every other heap reference, such as a value/
// Value) it holds. The contract, in the spirit of gc-arena's Collect:
//
//   1. Trace visits every heap reference the value holds. A reference that is
//      not visited is not kept alive: it dangles after the next collection.
//   2. Trace only reads. It allocates nothing, frees nothing, takes no lock
//      and does not call back into the Mutator.
//   3. The destructor of a managed value does not touch other managed values
//      (they may already have been destroyed in the same sweep). It runs
//      exactly once: in the sweep that frees the value, or when the Mutator
//      is destroyed.
//   4. A managed value holds other managed values through Member (unlocked),
//      never through Pointer (a lock: a root that would keep a cycle alive
//      forever, and that the Mutator reports as a leak when it is destroyed).
//
// TraceFields(tracer, a_, b_, ...) visits several fields at once; a type with
// no references writes an empty Trace.
//
// Root is the type-erased reference to a slot that tracing works with (the
// seed's Root); anything with a ToRoot() member (the seed's ToRoot trait) can
// be visited. An empty Root refers to nothing and is ignored.
#ifndef KAMO_MEM_TRACE_H_
#define KAMO_MEM_TRACE_H_

#include <concepts>
#include <ranges>
#include <vector>

#include "mem/internal/heap_registry.h"
#include "mem/internal/slot.h"

namespace kamo::mem {

class Tracer;

class Root {
 public:
  using TraceFn = void (*)(internal::SlotHeader*, Tracer&);

  Root() = default;
  Root(internal::SlotHeader* header, TraceFn trace)
      : header_(header), trace_(trace) {}

  bool empty() const { return header_ == nullptr; }
  internal::SlotHeader* header() const { return header_; }

  // Visits the references held by the value in this slot.
  void TraceValue(Tracer& tracer) const { trace_(header_, tracer); }

  friend bool operator==(const Root& a, const Root& b) {
    return a.header_ == b.header_;
  }

 private:
  internal::SlotHeader* header_ = nullptr;
  TraceFn trace_ = nullptr;
};

template <typename T>
concept ToRoot = requires(const T& value) {
  { value.ToRoot() } -> std::same_as<Root>;
};

// Keeps the values still to trace on an explicit pending stack, so tracing
// a 10-million-node chain uses no C stack. A value is pushed when it is
// visited and marked when it is taken off (see Drain), so that the memory
// latency of its header overlaps other work, as with Boehm's mark stack
// and prefetch queue. A value reached twice before it is taken off is
// pushed twice and traced once.
class Tracer {
 public:
  // `mutator` is the Mutator whose heap is traced; debug builds check that
  // every reference leads into it (internal/heap_registry.h).
  Tracer(std::vector<Root>& pending, const void* mutator)
      : pending_(pending), mutator_(mutator) {}

  [[gnu::always_inline]] void Visit(Root root) {
    if (root.empty()) return;
#if KAMO_MEM_DEBUG_CHECKS
    internal::CheckTraced(mutator_, holder_, root.header());
#endif
    MEM_DCHECK(root.header()->occupied(), "a traced reference dangles");
    __builtin_prefetch(root.header(), /*rw=*/1);
    pending_.push_back(root);
  }

  template <ToRoot Ref>
  void Visit(const Ref& ref) {
    Visit(ref.ToRoot());
  }

  template <std::ranges::input_range Range>
  requires ToRoot<std::ranges::range_value_t<Range>>
  void VisitAll(const Range& range) {
    for (const auto& ref : range) Visit(ref);
  }

  // Marks and traces pending values until none are left. Values pass from
  // the stack through a small FIFO of kLookahead entries: each is
  // prefetched when it enters and marked when it leaves, so its header
  // has had kLookahead values' worth of time to arrive from memory.
  void Drain() {
    static constexpr std::size_t kLookahead = 16;
    Root window[kLookahead];
    std::size_t head = 0;
    std::size_t size = 0;
    while (true) {
      while (size < kLookahead && !pending_.empty()) {
        const Root root = pending_.back();
        pending_.pop_back();
        __builtin_prefetch(root.header(), /*rw=*/1);
        window[(head + size++) % kLookahead] = root;
      }
      if (size == 0) return;
      const Root root = window[head];
      head = (head + 1) % kLookahead;
      --size;
      if (root.header()->marked()) continue;
      root.header()->Mark();
#if KAMO_MEM_DEBUG_CHECKS
      holder_ = root.header();
#endif
      root.TraceValue(*this);
    }
  }

 private:
  std::vector<Root>& pending_;
  [[maybe_unused]] const void* mutator_;
#if KAMO_MEM_DEBUG_CHECKS
  const void* holder_ = nullptr;  // the value being traced, null for roots
#endif
};

template <typename T>
concept Traceable = std::destructible<T> &&
    requires(const T& value, Tracer& tracer) {
  { value.Trace(tracer) } -> std::same_as<void>;
};

template <typename... Refs>
void TraceFields(Tracer& tracer, const Refs&... refs) {
  (tracer.Visit(refs), ...);
}

namespace internal {

template <typename T>
void TraceSlot(SlotHeader* header, Tracer& tracer) {
  Slot<T>::FromHeader(header)->value()->Trace(tracer);
}

template <typename T>
Root RootOf(Slot<T>* slot) {
  return slot == nullptr ? Root() : Root(&slot->header, &TraceSlot<T>);
}

}  // namespace internal
}  // namespace kamo::mem

#endif  // KAMO_MEM_TRACE_H_
