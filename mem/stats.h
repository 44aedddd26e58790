// Stats: a snapshot of a Mutator's heap, as the seed's Stats reports it.
#ifndef KAMO_MEM_STATS_H_
#define KAMO_MEM_STATS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kamo::mem {

struct ArenaStats {
  std::string type;          // TypeName<T>()
  std::size_t live = 0;      // occupied slots
  std::size_t capacity = 0;  // slots in all buckets
  std::size_t buckets = 0;
  std::size_t bucket_capacity = 0;
  std::size_t slot_size = 0;  // bytes per slot
  std::size_t external_bytes = 0;  // reported by its live values
};

struct Stats {
  std::vector<ArenaStats> arenas;  // in order of creation
  std::size_t live = 0;            // over all arenas
  std::size_t capacity = 0;        // over all arenas
  std::size_t slot_bytes = 0;      // bytes of the live values' slots
  std::size_t heap_bytes = 0;      // bytes of all buckets
  std::size_t external_bytes = 0;  // reported by live values (ExternalMemory)
  std::size_t allocations = 0;     // values since the last collection
  std::size_t allocated_bytes = 0;  // slot and external, since the last one
  std::size_t pressure = 0;  // allocated bytes that trigger a collection
  std::size_t collections = 0;     // since the Mutator was created
  std::size_t minor_collections = 0;  // of those (generational heaps)
  std::size_t remembered = 0;         // in the remembered set (generational)
  // Young values the last minor collection kept without promoting them
  // (survivor aging; generational).
  std::size_t survivors = 0;
  std::size_t marking_steps = 0;      // of incremental collections, all told
  bool marking = false;            // an incremental collection is marking now
  // The next collection CollectYoung() or the pacing runs is a major one:
  // in a generational heap, once the old values have grown enough since
  // the last major (or while an incremental one is under way); always in
  // another heap.
  bool major_due = true;
  std::size_t weak_refs = 0;       // live Weak handles

  // The arena of the named type, or null.
  const ArenaStats* Find(std::string_view type) const;

  // Multi-line, one arena per line.
  std::string ToString() const;
};

}  // namespace kamo::mem

#endif  // KAMO_MEM_STATS_H_
