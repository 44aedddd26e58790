#include "fuzz/coercion_ops.h"

#include "absl/strings/str_format.h"
#include "fuzz/byte_reader.h"

namespace kamo::fuzz {

CoercionProgram DecodeCoercionOps(const std::uint8_t* data, std::size_t size) {
  // Allocation is listed twice so that inputs build up a heap.
  static constexpr CoercionOp::Kind kKinds[] = {
      CoercionOp::kAllocate,      CoercionOp::kAllocate,
      CoercionOp::kDrop,          CoercionOp::kCollect,
      CoercionOp::kAllocateOther, CoercionOp::kProbeLive,
      CoercionOp::kProbeFreed,    CoercionOp::kProbeOther,
      CoercionOp::kProbeStack,    CoercionOp::kProbeArbitrary};
  ByteReader in(data, size);
  CoercionProgram program;
  program.bucket_capacity = 1 + in.Byte() % 32;
  while (!in.empty()) {
    CoercionOp op;
    op.kind = kKinds[in.Byte() % std::size(kKinds)];
    op.arg = in.Byte();
    // A signed offset, often zero, sometimes a whole slot or more away.
    op.offset = static_cast<std::int8_t>(in.Byte());
    if (op.kind == CoercionOp::kProbeArbitrary) op.address = in.U64();
    program.ops.push_back(op);
  }
  return program;
}

std::string ToString(const CoercionOp& op) {
  switch (op.kind) {
    case CoercionOp::kAllocate:
      return absl::StrFormat("Allocate Cell into handle %d", op.arg);
    case CoercionOp::kDrop:
      return absl::StrFormat("Drop handle %d", op.arg);
    case CoercionOp::kCollect:
      return "Collect";
    case CoercionOp::kAllocateOther:
      return "Allocate Other";
    case CoercionOp::kProbeLive:
      return absl::StrFormat("Probe live cell #%d %+d bytes", op.arg,
                             op.offset);
    case CoercionOp::kProbeFreed:
      return absl::StrFormat("Probe freed cell #%d %+d bytes", op.arg,
                             op.offset);
    case CoercionOp::kProbeOther:
      return absl::StrFormat("Probe Other #%d %+d bytes", op.arg, op.offset);
    case CoercionOp::kProbeStack:
      return absl::StrFormat("Probe stack %+d bytes", op.offset * 8);
    case CoercionOp::kProbeArbitrary:
      return absl::StrFormat("Probe address %#x", op.address);
  }
  return "?";
}

}  // namespace kamo::fuzz
