// Prints a fuzz input as the operations it decodes to, one per line, so a
// crash report can be read:
//
//   print_ops heap_graph_fuzzer crash-1234...
//   print_ops symbol_fuzzer FILE...
//   print_ops coercion_fuzzer FILE...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>
#include <vector>

#include "fuzz/coercion_ops.h"
#include "fuzz/heap_graph_ops.h"

int main(int argc, char** argv) {
  const std::string_view target = argc > 1 ? argv[1] : "";
  const bool symbols = target == "symbol_fuzzer";
  const bool coercion = target == "coercion_fuzzer";
  if (argc < 3 || (!symbols && !coercion && target != "heap_graph_fuzzer")) {
    std::fprintf(stderr,
                 "usage: print_ops "
                 "heap_graph_fuzzer|symbol_fuzzer|coercion_fuzzer FILE...\n");
    return 2;
  }
  int status = 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream file(argv[i], std::ios::binary);
    if (!file) {
      std::fprintf(stderr, "print_ops: cannot read %s\n", argv[i]);
      status = 1;
      continue;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    if (coercion) {
      const auto program = kamo::fuzz::DecodeCoercionOps(data, bytes.size());
      std::printf("%s: bucket capacity %u, %zu operations\n", argv[i],
                  program.bucket_capacity, program.ops.size());
      for (std::size_t k = 0; k < program.ops.size(); ++k) {
        std::printf("  %3zu  %s\n", k,
                    kamo::fuzz::ToString(program.ops[k]).c_str());
      }
      continue;
    }
    const auto program =
        symbols ? kamo::fuzz::DecodeSymbolProgram(data, bytes.size())
                : kamo::fuzz::DecodeHeapGraphProgram(data, bytes.size());
    const auto& ops = program.ops;
    std::printf("%s: %s; %zu operations\n", argv[i],
                kamo::fuzz::ToString(program.options).c_str(), ops.size());
    for (std::size_t k = 0; k < ops.size(); ++k) {
      std::printf("  %3zu  %s\n", k, kamo::fuzz::ToString(ops[k]).c_str());
    }
  }
  return status;
}
