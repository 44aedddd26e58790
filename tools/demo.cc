// kamo-mem demo: builds a live list and an unreachable ring of the same
// size, prints the Stats, collects, and prints them again. The ring is a
// cycle, which reference counting would leak; the collector frees it.
//
// Usage: demo [NODES]   (default 100000)
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "mem/mutator.h"

namespace {

struct Cell {
  static constexpr const char* kTypeName = "Cell";
  explicit Cell(long v) : value(v) {}
  void Trace(kamo::mem::Tracer& tracer) const { tracer.Visit(next); }

  long value;
  kamo::mem::Member<Cell> next;
};

// Links `count` cells into a chain; if `ring`, the last links to the first.
kamo::mem::Pointer<Cell> Build(kamo::mem::Mutator& mutator, long count,
                               bool ring) {
  kamo::mem::Pointer<Cell> first = mutator.Allocate<Cell>(0);
  kamo::mem::Pointer<Cell> last = first;
  for (long i = 1; i < count; ++i) {
    kamo::mem::Pointer<Cell> cell = mutator.Allocate<Cell>(i);
    last->next = cell;
    last = cell;
  }
  if (ring) last->next = first;
  return first;
}

}  // namespace

int main(int argc, char** argv) {
  long nodes = 100000;
  if (argc > 2) {
    std::fprintf(stderr, "usage: demo [NODES]\n");
    return 2;
  }
  if (argc == 2) {
    std::string_view arg = argv[1];
    auto [end, error] =
        std::from_chars(arg.data(), arg.data() + arg.size(), nodes);
    if (error != std::errc() || end != arg.data() + arg.size() || nodes < 1) {
      std::fprintf(stderr,
                   "demo: NODES must be a positive integer, got '%s'\n"
                   "usage: demo [NODES]\n",
                   argv[1]);
      return 2;
    }
  }

  kamo::mem::Mutator mutator;
  kamo::mem::Pointer<Cell> list = Build(mutator, nodes, /*ring=*/false);
  Build(mutator, nodes, /*ring=*/true);  // dropped at once: unreachable

  std::printf("Before collection:\n%s", mutator.stats().ToString().c_str());
  const std::size_t freed = mutator.CollectGarbage();
  std::printf("\nCollected: %zu values freed\n\nAfter collection:\n%s", freed,
              mutator.stats().ToString().c_str());

  long sum = 0;
  for (Cell* cell = list.get(); cell != nullptr; cell = cell->next.get()) {
    sum += cell->value;
  }
  std::printf("\nThe live list still holds %ld cells summing to %ld.\n",
              static_cast<long>(mutator.CountLive<Cell>()), sum);
  return 0;
}
