// heapsnap: builds a small Scheme heap, writes a heap snapshot of it in
// V8's format (open it in Chrome DevTools: Memory, Load profile) and says
// why one of its values is alive.
//
//   heapsnap FILE.heapsnapshot [AFTER.heapsnapshot]
//
// Prints the live values, the retainer path of the string "needle" and the
// heap as a Graphviz DOT graph.
// With a second file, it then grows the vector by two strings, drops the
// weak pair, collects and writes the second snapshot (heapdiff compares
// the two).
#include <cstdio>
#include <fstream>
#include <iostream>

#include "mem/heap_snapshot.h"
#include "value/heap.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr,
                 "usage: heapsnap FILE.heapsnapshot [AFTER.heapsnapshot]\n");
    return 2;
  }
  const auto write = [](const kamo::mem::Mutator& mutator, const char* file) {
    std::ofstream out(file, std::ios::binary);
    const absl::Status written = kamo::mem::WriteHeapSnapshot(mutator, out);
    if (!written.ok()) {
      std::fprintf(stderr, "heapsnap: %s\n", written.ToString().c_str());
    }
    return written.ok();
  };
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

  if (!write(mutator, argv[1])) return 1;
  const auto path = kamo::mem::RetainerPath(mutator, needle_at);
  if (!path.ok()) {
    std::fprintf(stderr, "heapsnap: %s\n", path.status().ToString().c_str());
    return 1;
  }
  const kamo::mem::Stats stats = mutator.stats();
  std::printf("live %zu\n", stats.live);
  std::printf("needle: %s\n", kamo::mem::ToString(*path).c_str());
  if (!kamo::mem::WriteHeapDot(mutator, std::cout).ok()) return 1;
  if (argc == 2) return 0;

  for (const char* text : {"grown-1", "grown-2"}) {
    vector->Push(*heap.NewString(text));
  }
  weak = nullptr;
  mutator.CollectGarbage();
  return write(mutator, argv[2]) ? 0 : 1;
}
