// The operations the coercion fuzzer decodes from its input, and their
// readable form (for print_ops).
#ifndef KAMO_FUZZ_COERCION_OPS_H_
#define KAMO_FUZZ_COERCION_OPS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kamo::fuzz {

struct CoercionOp {
  enum Kind {
    kAllocate,  // a Cell into handle `arg`
    kDrop,      // handle `arg`
    kCollect,
    kAllocateOther,   // a value of another managed type
    kProbeLive,       // a live Cell's address + offset
    kProbeFreed,      // a freed Cell's address + offset
    kProbeOther,      // another type's value address + offset
    kProbeStack,      // a stack address + 8 * offset
    kProbeArbitrary,  // `address`
  };
  Kind kind = kCollect;
  std::uint8_t arg = 0;
  std::intptr_t offset = 0;
  std::uint64_t address = 0;
};

struct CoercionProgram {
  std::uint32_t bucket_capacity = 1;
  std::vector<CoercionOp> ops;
};

// A bucket-capacity byte, then operations of three bytes (kind, argument,
// signed offset), plus eight address bytes for an arbitrary probe.
CoercionProgram DecodeCoercionOps(const std::uint8_t* data, std::size_t size);

std::string ToString(const CoercionOp& op);

}  // namespace kamo::fuzz

#endif  // KAMO_FUZZ_COERCION_OPS_H_
