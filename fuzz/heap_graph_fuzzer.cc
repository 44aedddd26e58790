// Random heap-graph mutations against a shadow model (testing/heap_graph.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/heap_graph_ops.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  kamo::fuzz::RunOrAbort(kamo::fuzz::DecodeHeapGraphProgram(data, size));
  return 0;
}
