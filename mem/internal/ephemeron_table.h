// EphemeronTable: the ephemerons a collection has traced whose key was not
// marked yet, waiting by key.
//
// Marking resolves ephemerons in time linear in the ephemerons traced (the
// approach of Chez Scheme and V8's linear fallback): an ephemeron whose key
// is already marked when it is traced has its value visited at once; the
// others wait here by key. The marker asks Resolve about each value it
// traces while anything waits, so an ephemeron leaves the table the moment
// its key is traced, and each is looked at once: a chain of ephemerons (a
// value that is another's key) costs one pass, not one pass per link. What
// still waits when marking is done has an unreachable key: ClearUnresolved
// breaks it.
//
// The waiting keys are indexed per bucket (a small map from slot index,
// hung on the bucket's header for the marking's duration), not in one
// table keyed by address: Resolve on a value whose bucket holds no waiting
// key costs one load of a header field the marking has just touched, and
// keys allocated together share one small map instead of scattering over a
// large one.
#ifndef KAMO_MEM_INTERNAL_EPHEMERON_TABLE_H_
#define KAMO_MEM_INTERNAL_EPHEMERON_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace kamo::mem {

class Tracer;

// Where an ephemeron (mem/ephemeron.h, or a tagged value type's own; see
// trace.h's ToEphemeronFields) keeps its key and value, and how to trace the
// value. The holder is a managed value under collection: the collector may
// write through both. `value` is null for an ephemeron whose value is not a
// managed value (an immediate of a tagged value type): only its key is then
// weak, and only the key is cleared.
struct EphemeronFields {
  void** key;
  void** value;
  void (*trace_value)(void* value, Tracer& tracer);
};

namespace internal {

class BucketHeader;

class EphemeronTable {
 public:
  EphemeronTable() = default;
  EphemeronTable(const EphemeronTable&) = delete;
  EphemeronTable& operator=(const EphemeronTable&) = delete;
  ~EphemeronTable();

  bool empty() const { return waiting_ == 0; }

  // An ephemeron traced while its (non-null) key is unmarked.
  void Add(const EphemeronFields& fields);

  // The value at `value` has just been traced: if ephemerons wait on it as
  // their key, visits their values and forgets them.
  void Resolve(const void* value, Tracer& tracer);

  // After marking: sets the key and value of every ephemeron still waiting
  // (its key unreachable) to null, and forgets them all.
  void ClearUnresolved() { Reset(/*clear_fields=*/true); }
  // The end of an incremental step: forgets them all without reading or
  // writing their fields, which the mutator may move before the next one.
  void ForgetUnresolved() { Reset(/*clear_fields=*/false); }

  // Ephemerons added since the table was last cleared or forgotten.
  std::size_t added() const { return entries_.size(); }

 private:
  static constexpr std::uint32_t kEnd = UINT32_MAX;
  struct Entry {
    EphemeronFields fields;  // fields.key is null once resolved
    const void* key;         // *fields.key when added
    std::uint32_t next;      // the next entry with the same key, or kEnd
  };
  // The first waiting entry per key slot index of one bucket.
  using BucketWaits = absl::flat_hash_map<std::uint32_t, std::uint32_t>;

  void Reset(bool clear_fields);

  std::vector<Entry> entries_;  // chained by key; kept for their capacity
  std::size_t waiting_ = 0;     // entries not resolved
  std::vector<BucketHeader*> buckets_;  // those with waits, this marking
  std::vector<std::unique_ptr<BucketWaits>> spare_;  // cleared, for reuse
};

}  // namespace internal
}  // namespace kamo::mem

#endif  // KAMO_MEM_INTERNAL_EPHEMERON_TABLE_H_
