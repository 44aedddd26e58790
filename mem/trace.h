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
// no references writes an empty Trace. Visit(field, "name") reports a field
// by name, for heap snapshots and retainer paths (mem/heap_snapshot.h); a
// collection ignores the name, and it costs nothing there.
//
// Root is the type-erased reference to a slot that tracing works with (the
// seed's Root); anything with a ToRoot() member (the seed's ToRoot trait) can
// be visited. An empty Root refers to nothing and is ignored.
#ifndef KAMO_MEM_TRACE_H_
#define KAMO_MEM_TRACE_H_

#include <concepts>
#include <cstddef>
#include <ranges>
#include <string_view>
#include <vector>

#include "mem/internal/bucket_header.h"
#include "mem/internal/ephemeron_table.h"
#include "mem/internal/heap_registry.h"

namespace kamo::mem {

class Tracer;
namespace internal {
class Marker;
class HeapWalker;
}  // namespace internal

class Root {
 public:
  using TraceFn = void (*)(void* value, Tracer&);

  Root() = default;
  Root(void* value, TraceFn trace) : value_(value), trace_(trace) {}

  bool empty() const { return value_ == nullptr; }
  // The managed value's address: its identity.
  void* address() const { return value_; }

  // Visits the references held by the value.
  void TraceValue(Tracer& tracer) const { trace_(value_, tracer); }
  TraceFn trace_fn() const { return trace_; }

  friend bool operator==(const Root& a, const Root& b) {
    return a.value_ == b.value_;
  }

 private:
  void* value_ = nullptr;
  TraceFn trace_ = nullptr;
};

namespace internal {
// Where a Tracer made for a heap walk (a snapshot, a retainer path; see
// heap_walker.h) reports each reference, instead of marking it.
class EdgeSink {
 public:
  virtual ~EdgeSink() = default;
  virtual void Strong(Root target, std::string_view name) = 0;
  // The element at `index` of a range (VisitAll).
  virtual void Element(Root target, std::size_t index) = 0;
  virtual void Weak(const void* target, std::string_view name) = 0;
  // An ephemeron's value: held only while its key is reachable some other
  // way. Most sinks show it as held.
  virtual void EphemeronValue(Root target, std::string_view name) {
    Strong(target, name);
  }
};
}  // namespace internal

template <typename T>
concept ToRoot = requires(const T& value) {
  { value.ToRoot() } -> std::same_as<Root>;
};

// A weak reference held in a managed value (WeakMember): where its target's
// address lies, for the collection to clear.
template <typename T>
concept ToWeakSlot = requires(const T& value) {
  { value.WeakSlot() } -> std::same_as<void* const*>;
};

// An ephemeron held in a managed value (Ephemeron): its key weak, its value
// kept alive only while the key is reachable from elsewhere.
template <typename T>
concept ToEphemeronFields = requires(const T& value) {
  { value.EphemeronFields() } -> std::same_as<EphemeronFields>;
};

// What Trace reports its references to. A value is marked when it is first
// visited (its mark bit lives in its bucket's bitmap, see
// internal/bucket_header.h) and traced later, from an explicit stack that
// the collector drains (internal/marker.h): tracing a 10-million-node chain
// uses no C stack, and a value reached twice is pushed once.
class Tracer {
 public:
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  [[gnu::always_inline]] void Visit(Root root, std::string_view name = {}) {
    if (root.empty()) return;
    if (edges_ != nullptr) [[unlikely]] {
      edges_->Strong(root, name);
      return;
    }
    internal::BucketHeader* bucket = internal::BucketHeader::Of(root.address());
#if KAMO_MEM_DEBUG_CHECKS
    // The bucket names its owner; only a stranger costs a registry lookup.
    if (bucket->owner() != mutator_) {
      internal::CheckTraced(mutator_, holder_, root.address());
    }
#endif
    const std::uint32_t index = bucket->IndexOf(root.address());
    MEM_DCHECK(bucket->occupied(index), "a traced reference dangles");
    if (bucket->Mark(index)) Push(root);
  }

  // Inlined, as Visit(Root) is, wherever it is called: a call per edge
  // costs value/ 2% of GCBench when the compiler leaves it out of line.
  template <ToRoot Ref>
  [[gnu::always_inline]] void Visit(const Ref& ref,
                                    std::string_view name = {}) {
    Visit(ref.ToRoot(), name);
  }

  // A weak reference: its target is not marked; the collection remembers
  // the reference and clears it after marking unless the target was
  // reached some other way.
  template <ToWeakSlot Ref>
  void Visit(const Ref& ref, std::string_view name = {}) {
    void* const* slot = ref.WeakSlot();
    if (*slot == nullptr) return;
    if (edges_ != nullptr) [[unlikely]] {
      edges_->Weak(*slot, name);
      return;
    }
#if KAMO_MEM_DEBUG_CHECKS
    if (internal::BucketHeader::Of(*slot)->owner() != mutator_) {
      internal::CheckTraced(mutator_, holder_, *slot);
    }
#endif
    // The holder is a managed value, constructed non-const: the collection
    // may write through the slot.
    weak_slots_.push_back(const_cast<void**>(slot));
  }

  // An ephemeron: its value is visited now if its key is already marked,
  // or the moment the key is (internal/ephemeron_table.h); if the key is
  // never reached, the collection sets both to null after marking.
  template <ToEphemeronFields Ref>
  void Visit(const Ref& ref, std::string_view name = {}) {
    const EphemeronFields fields = ref.EphemeronFields();
    if (*fields.key == nullptr) return;
    if (edges_ != nullptr) [[unlikely]] {
      // A snapshot shows the key as weak and the value as held (as V8
      // shows a WeakMap's entries).
      edges_->Weak(*fields.key, name.empty() ? "key" : name);
      if (fields.value != nullptr && *fields.value != nullptr) {
        edges_->EphemeronValue(Root(*fields.value, fields.trace_value),
                               name.empty() ? "value" : name);
      }
      return;
    }
#if KAMO_MEM_DEBUG_CHECKS
    for (const void* target :
         {*fields.key, fields.value == nullptr ? nullptr : *fields.value}) {
      if (target != nullptr &&
          internal::BucketHeader::Of(target)->owner() != mutator_) {
        internal::CheckTraced(mutator_, holder_, target);
      }
    }
#endif
    const internal::BucketHeader* key_bucket =
        internal::BucketHeader::Of(*fields.key);
    if (!key_bucket->marked(key_bucket->IndexOf(*fields.key))) {
      ephemerons_.Add(fields);
    } else if (fields.value != nullptr && *fields.value != nullptr) {
      Visit(Root(*fields.value, fields.trace_value));
    }
  }

  template <std::ranges::input_range Range>
  requires ToRoot<std::ranges::range_value_t<Range>> ||
      ToWeakSlot<std::ranges::range_value_t<Range>> ||
      ToEphemeronFields<std::ranges::range_value_t<Range>>
  void VisitAll(const Range& range) {
    if constexpr (ToRoot<std::ranges::range_value_t<Range>>) {
      if (edges_ != nullptr) [[unlikely]] {
        std::size_t index = 0;
        for (const auto& ref : range) {
          if (const Root root = ref.ToRoot(); !root.empty()) {
            edges_->Element(root, index);
          }
          ++index;
        }
        return;
      }
    }
    for (const auto& ref : range) Visit(ref);
  }

 private:
  friend class internal::Marker;
  friend class internal::HeapWalker;

  // `mutator` is the Mutator whose heap is traced; debug builds check that
  // every reference leads into it (internal/heap_registry.h).
  Tracer(std::vector<Root>& pending, std::vector<void**>& weak_slots,
         internal::EphemeronTable& ephemerons, const void* mutator)
      : pending_(pending),
        weak_slots_(weak_slots),
        ephemerons_(ephemerons),
        mutator_(mutator) {}
  // A Tracer that reports each reference to `edges` and marks nothing.
  Tracer(internal::EdgeSink& edges, std::vector<Root>& pending,
         std::vector<void**>& weak_slots, internal::EphemeronTable& ephemerons,
         const void* mutator)
      : Tracer(pending, weak_slots, ephemerons, mutator) {
    edges_ = &edges;
  }

  // The values marked and not traced yet: pending_[0, depth_). The vector
  // is storage only, its size the room (grown by GrowPending, out of line),
  // so that a push is a compare and a store, inlined into every Trace:
  // std::vector::push_back was a call that reloaded the Root from memory
  // (a failed store forwarding).
  [[gnu::always_inline]] void Push(Root root) {
    if (depth_ == pending_.size()) [[unlikely]]
      GrowPending();
    pending_[depth_++] = root;
  }
  [[gnu::noinline]] void GrowPending();

  std::vector<Root>& pending_;
  std::size_t depth_ = 0;
  std::vector<void**>& weak_slots_;       // the weak references traced
  internal::EphemeronTable& ephemerons_;  // those waiting for their key
  internal::EdgeSink* edges_ = nullptr;   // set only outside collections
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
void TraceAs(void* value, Tracer& tracer) {
  static_cast<const T*>(value)->Trace(tracer);
}

template <typename T>
Root RootOf(T* value) {
  return value == nullptr ? Root() : Root(value, &TraceAs<T>);
}

}  // namespace internal
}  // namespace kamo::mem

#endif  // KAMO_MEM_TRACE_H_
