// Symbol interning against the model: names of any bytes (invalid UTF-8 and
// empty included) interned, held, dropped and collected in any order; the
// identity of live symbols and the weak table's size are checked.
#include <cstddef>
#include <cstdint>

#include "fuzz/heap_graph_ops.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  kamo::fuzz::RunOrAbort(kamo::fuzz::DecodeSymbolProgram(data, size));
  return 0;
}
