// heapsnap: builds a small Scheme heap, writes a heap snapshot of it in
// V8's format (open it in Chrome DevTools: Memory, Load profile) and says
// why one of its values is alive.
//
//   heapsnap FILE.heapsnapshot
//
// Prints the snapshot's node and edge counts and the retainer path of the
// string "needle".
#include <cstdio>
#include <fstream>

#include "mem/heap_snapshot.h"
#include "value/heap.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: heapsnap FILE.heapsnapshot\n");
    return 2;
  }
  kamo::mem::Mutator mutator;
  kamo::value::Heap heap(mutator);
  using kamo::value::Value;

  // #((1 "needle" hay)), and a weak pair whose car is that list.
  kamo::mem::Pointer<kamo::value::String> needle = *heap.NewString("needle");
  Value list = heap.List({Value::Int(1), needle, heap.Intern("hay")});
  auto vector = heap.NewVector({list});
  auto weak = heap.NewWeakPair(list, Value());
  const void* needle_at = needle.get();
  needle = nullptr;
  list = Value();
  mutator.CollectGarbage();  // nothing unreachable left in the snapshot

  std::ofstream out(argv[1], std::ios::binary);
  if (const absl::Status written = kamo::mem::WriteHeapSnapshot(mutator, out);
      !written.ok()) {
    std::fprintf(stderr, "heapsnap: %s\n", written.ToString().c_str());
    return 1;
  }
  const auto path = kamo::mem::RetainerPath(mutator, needle_at);
  if (!path.ok()) {
    std::fprintf(stderr, "heapsnap: %s\n", path.status().ToString().c_str());
    return 1;
  }
  const kamo::mem::Stats stats = mutator.stats();
  std::printf("live %zu\n", stats.live);
  std::printf("needle: %s\n", kamo::mem::ToString(*path).c_str());
  return 0;
}
