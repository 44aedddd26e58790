// Vector: a growable array of Values, in the spirit of std::vector. The
// elements are unlocked while inside (reached by tracing) and locked when
// taken out. Checked operations report an index out of range as an
// absl::OutOfRangeError naming the index and the size, and change nothing.
#ifndef KAMO_VALUE_VECTOR_H_
#define KAMO_VALUE_VECTOR_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mem/external_memory.h"
#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class Vector {
 public:
  static constexpr const char* kTypeName = "Vector";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kVector>;

  // Use Heap::NewVector or Heap::MakeVector. The element storage is counted
  // as the Mutator's external memory.
  Vector(mem::Mutator& mutator, std::span<const Value> values);
  // `size` elements, each `fill`.
  Vector(mem::Mutator& mutator, std::size_t size, const Value& fill);
  ~Vector() { internal::RecordDestroyed(kTypeName, this); }
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;

  std::size_t size() const { return elements_.size(); }
  bool empty() const { return elements_.empty(); }
  std::size_t capacity() const { return elements_.capacity(); }

  // Checked element access.
  absl::StatusOr<Value> Get(std::size_t index) const;
  // Stores `value` at `index`; the old element is dropped, with no lock
  // taken on it.
  absl::Status Set(std::size_t index, const Value& value);
  // The same, returning the old element (locked).
  absl::StatusOr<Value> Exchange(std::size_t index, const Value& value);

  // Push, Insert and Reserve may collect when the element storage grows
  // (see mem/external_memory.h), or throw HeapLimitExceeded with nothing
  // changed.
  void Push(const Value& value);
  // The last element, removed; nullopt if empty.
  std::optional<Value> Pop();
  // Inserts before `index` (index == size() appends).
  absl::Status Insert(std::size_t index, const Value& value);
  // Removes the element at `index`, shifting the rest down; returns it.
  absl::StatusOr<Value> Remove(std::size_t index);
  // Removes the element at `index` by moving the last one into its place
  // (O(1), order not kept); returns it.
  absl::StatusOr<Value> SwapRemove(std::size_t index);
  // Keeps the first `size` elements (no-op if already shorter).
  void Truncate(std::size_t size);
  void Clear() { elements_.clear(); }
  // Keeps the elements for which `keep` returns true, in order.
  void Retain(const std::function<bool(const Value&)>& keep);
  void Reserve(std::size_t capacity);

  // Iteration yields locked copies.
  class const_iterator {
   public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    const_iterator() = default;
    Value operator*() const { return *it_; }
    const_iterator& operator++() {
      ++it_;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator old = *this;
      ++it_;
      return old;
    }
    friend bool operator==(const const_iterator&,
                           const const_iterator&) = default;

   private:
    friend class Vector;
    explicit const_iterator(std::vector<Field>::const_iterator it) : it_(it) {}
    std::vector<Field>::const_iterator it_;
  };
  const_iterator begin() const { return const_iterator(elements_.begin()); }
  const_iterator end() const { return const_iterator(elements_.end()); }

  // The stored elements, for iterative algorithms that run while nothing
  // allocates.
  const std::vector<Field>& elements() const { return elements_; }

  void Trace(mem::Tracer& tracer) const { tracer.VisitAll(elements_); }
  // For heap snapshots (mem/describe.h).
  std::size_t ExternalBytes() const { return external_.bytes(); }

 private:
  absl::Status CheckIndex(std::size_t index, std::size_t limit,
                          const char* operation) const;

  mem::ExternalMemory external_;  // the capacity of elements_
  std::vector<Field> elements_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_VECTOR_H_
