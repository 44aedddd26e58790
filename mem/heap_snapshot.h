// Heap snapshots and retainer paths: what is on the heap, and why a value
// is still alive.
//
// WriteHeapSnapshot writes the live heap in V8's .heapsnapshot JSON, the
// format Chrome DevTools' Memory panel loads ("Load profile"):
//
//   - one node per live value: its type name (or, for a type with a
//     SnapshotLabel, its text: see describe.h), a stable id (its address:
//     the same while the value lives), its self size (slot plus the
//     ExternalBytes it reports), and its references as edges, named as
//     Trace named them (Visit(field, "name")), numbered otherwise (a
//     VisitAll range's by their index, other unnamed references in
//     order, null ones not counted); weak
//     references (WeakMember, an ephemeron's key) are weak edges;
//   - a synthetic root whose children are one "(Pointers: T)" node per type
//     with locked values, each leading to the values Pointers hold, and a
//     "(Guardians)" node leading to the values guardians hold until they
//     are taken.
//
// It streams: the nodes, then the edges, each found by tracing the values
// again, so it needs memory for the strings (type and field names, labels)
// and a number per bucket, not a copy of the heap. It does not collect:
// values no root reaches appear with no retainers until a collection frees
// them (call CollectGarbage first to see only what is reachable). The heap
// must not change while it runs.
//
// RetainerPath answers "why is this alive": the shortest chain of
// references from a Pointer to the value, each step with its type and the
// field that leads on.
#ifndef KAMO_MEM_HEAP_SNAPSHOT_H_
#define KAMO_MEM_HEAP_SNAPSHOT_H_

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mem/mutator.h"

namespace kamo::mem {

// Writes the snapshot; an error if the stream failed.
absl::Status WriteHeapSnapshot(const Mutator& mutator, std::ostream& out);

struct RetainerStep {
  // The first step's: what holds it, "Pointer" or "Guardian" (a value
  // handed over and not yet taken); empty for the others.
  std::string held_by;
  std::string type_name;
  const void* value;
  // The field of this value that leads to the next step: its name in
  // Trace, "[i]" for element i of a range Trace visited with VisitAll or
  // for the value's i-th other unnamed reference, "" for the last step.
  std::string field;
};

// The shortest path from a root to `value`: the first step is a value a
// Pointer (or a Guardian) holds, the last is `value` itself. NotFound if no
// root reaches it (it is garbage the next collection frees); InvalidArgument if
// no live value of `mutator` is at that address. O(live values + references).
absl::StatusOr<std::vector<RetainerStep>> RetainerPath(const Mutator& mutator,
                                                       const void* value);

// Writes the heap as a Graphviz DOT graph (`dot -Tsvg`), for small heaps:
// the first `max_values` values breadth first from the Pointers (a
// "Pointers" node leads to those), each edge with its field name (weak
// ones dashed), and one note for the rest: "N more values", by type.
absl::Status WriteHeapDot(const Mutator& mutator, std::ostream& out,
                          std::size_t max_values = 50);

// The path as one line, from what holds its first value:
// "Pointer<Node> => Node.left -> Node.right -> Node".
std::string ToString(const std::vector<RetainerStep>& path);

}  // namespace kamo::mem

#endif  // KAMO_MEM_HEAP_SNAPSHOT_H_
