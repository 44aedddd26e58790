// Hashtable: an eq?/eqv? hashtable of Values (R6RS make-eq-hashtable and
// make-eqv-hashtable, which agree here: immediates are unboxed), strong or
// weak (Chez Scheme's make-weak-eq-hashtable, make-ephemeron-eq-hashtable):
//
//   kStrong      keys and values are kept.
//   kWeakKeys    keys are held weakly, values strongly: an entry goes in the
//                collection that frees its key (its value, traced through
//                the entry in that collection, goes in the next one). A
//                value that refers to its key keeps the key, and the entry,
//                forever (use kEphemeron).
//   kWeakValues  keys strongly, values weakly: an entry goes in the
//                collection that frees its value.
//   kEphemeron   each entry is an ephemeron (mem/ephemeron.h): the value is
//                kept only while the key is reachable some other way, and
//                the entry goes with the key.
// Immediates (integers, characters, booleans, nil) never die: an entry
// whose weak part is an immediate is kept as if strong.
//
// The entries live in one open-addressed array (counted as external
// memory), unlocked and reached by tracing; Get hands out locked copies.
// Dead entries are dropped without a scan per lookup: the collection clears
// the weak parts it frees, and the first operation after a collection
// removes the cleared entries in one pass over the array (O(capacity) once
// per collection, and only for a table that is used), shrinking the array
// when most of it is empty. Operations that add entries may collect (the
// array grows as external memory) or throw HeapLimitExceeded with nothing
// changed.
#ifndef KAMO_VALUE_HASHTABLE_H_
#define KAMO_VALUE_HASHTABLE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "mem/external_memory.h"
#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class Hashtable {
 public:
  static constexpr const char* kTypeName = "Hashtable";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kHashtable>;

  enum class Weakness : std::uint8_t {
    kStrong,
    kWeakKeys,
    kWeakValues,
    kEphemeron
  };

  // Use Heap::NewHashtable.
  Hashtable(mem::Mutator& mutator, Weakness weakness);
  ~Hashtable() { internal::RecordDestroyed(kTypeName, this); }
  Hashtable(const Hashtable&) = delete;
  Hashtable& operator=(const Hashtable&) = delete;

  Weakness weakness() const { return weakness_; }

  // The value stored under `key` (locked), or nullopt.
  std::optional<Value> Get(const Value& key);
  bool Contains(const Value& key) { return Find(key) != kNone; }
  // Stores `value` under `key`, replacing the value stored before.
  void Set(const Value& key, const Value& value);
  // Removes the entry of `key`; false if there was none.
  bool Remove(const Value& key);
  void Clear();
  // Live entries.
  std::size_t size();
  // Locked copies of the live entries, in no particular order.
  std::vector<std::pair<Value, Value>> Entries();

  // Slots in the entry array (for tests and the Costs table).
  std::size_t capacity() const { return entries_.size(); }

  void Trace(mem::Tracer& tracer) const;
  // For heap snapshots (mem/describe.h).
  std::size_t ExternalBytes() const { return external_.bytes(); }

 private:
  static constexpr std::size_t kNone = SIZE_MAX;
  enum class State : std::uint8_t { kEmpty, kFull, kDeleted };
  struct Entry {
    Field key;
    Field value;
    State state = State::kEmpty;
  };

  // Whether a collection cleared a weak part of the entry.
  bool Broken(const Entry& entry) const;
  // Drops the entries the collections since the last call broke.
  void DropBroken();
  // The slot of `key`'s entry, or kNone (after DropBroken).
  std::size_t Find(const Word& key);
  // The first slot not full on `key`'s probe sequence (one exists: the
  // array is at most three quarters full).
  std::size_t FreeSlot(const Word& key) const;
  // Turns a full entry into a tombstone.
  void Erase(Entry& entry);
  // Rebuilds the array with `capacity` slots (a power of two, above the
  // live entries), leaving out broken and deleted entries. May collect.
  void Rebuild(std::size_t capacity);

  mem::ExternalMemory external_;  // the entry array
  const mem::Mutator& mutator_;
  std::vector<Entry> entries_;  // capacity a power of two, or empty
  std::size_t live_ = 0;        // full entries
  std::size_t deleted_ = 0;     // deleted entries (tombstones)
  std::size_t collections_seen_;
  const Weakness weakness_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_HASHTABLE_H_
