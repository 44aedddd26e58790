// The remembered set of a generational heap: the values a minor collection
// traces besides the roots, because the write barrier (write_barrier.h)
// saw a reference to a young value stored where the roots' marking would
// not find it:
//
//   - an old value given a reference to a young one (the holder is
//     remembered, and traced again in full: what it holds at the minor
//     collection counts, not what it was given);
//   - a young value stored into a Member outside the heap's slots (a
//     std::vector's buffer that a managed value owns), where the barrier
//     cannot tell the holder: the young value itself is remembered, and so
//     lives through the next collection.
//
// Each value is in the set at most once (its bucket's remembered bit).
// Every collection empties the set: a minor one traces it (and then adds
// the old holders of the survivors it keeps young, see mutator.h), a major
// one marks everything anyway. Between collections no value in the set is
// freed (only collections free), so an entry never dangles.
#ifndef KAMO_MEM_INTERNAL_REMEMBERED_SET_H_
#define KAMO_MEM_INTERNAL_REMEMBERED_SET_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mem/internal/bucket_header.h"
#include "mem/trace.h"

namespace kamo::mem::internal {

class RememberedSet {
 public:
  // Adds the value at `index` of `bucket` unless it is in already. Throws
  // std::bad_alloc, having changed nothing.
  void Add(BucketHeader* bucket, std::uint32_t index) {
    if (bucket->remembered(index)) return;
    entries_.push_back(Root(bucket->SlotAt(index), bucket->type().trace));
    bucket->Remember(index);
  }

  std::size_t size() const { return entries_.size(); }
  const std::vector<Root>& entries() const { return entries_; }
  // Room for `count` more entries. Throws std::bad_alloc, having changed
  // nothing.
  void Reserve(std::size_t count) { entries_.reserve(entries_.size() + count); }

  // Calls `visit(root)` for every entry and empties the set.
  template <typename Visit>
  void Drain(Visit&& visit) {
    for (const Root& root : entries_) {
      BucketHeader* bucket = BucketHeader::Of(root.address());
      bucket->Forget(bucket->IndexOf(root.address()));
      visit(root);
    }
    entries_.clear();
  }

 private:
  std::vector<Root> entries_;
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_REMEMBERED_SET_H_
