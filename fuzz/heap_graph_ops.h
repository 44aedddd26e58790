// The operations the heap-graph fuzz targets decode from their input and
// run on a HeapGraph (testing/heap_graph.h), and their readable form.
#ifndef KAMO_FUZZ_HEAP_GRAPH_OPS_H_
#define KAMO_FUZZ_HEAP_GRAPH_OPS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "testing/heap_graph.h"

namespace kamo::fuzz {

enum class OpCode : std::uint8_t {
  kSetInt,
  kNewPair,
  kNewVector,
  kNewString,
  kStringAppend,
  kIntern,
  kNewByteVector,
  kNewBlob,
  kSetCar,
  kSetCdr,
  kVectorPush,
  kVectorSet,
  kVectorInsert,
  kVectorRemove,
  kVectorPop,
  kLink,
  kUnlink,
  kTakeOut,
  kCopy,
  kDrop,
  kAllocateGarbage,
  kCollect,
  kCount,  // not an operation
};

struct Op {
  OpCode code = OpCode::kCollect;
  int a = 0;  // usually the handle written or changed
  int b = 0;
  int c = 0;
  std::int64_t number = 0;
  std::string bytes = {};
};

// Each operation is an opcode byte, then three argument bytes, then for
// SetInt eight bytes of integer and for the string operations a length byte
// and that many bytes.
std::vector<Op> DecodeHeapGraphOps(const std::uint8_t* data, std::size_t size);

// Only the operations on symbols and handles (intern, copy, drop, store in
// a pair, collect), with names from the input: the symbol-table fuzzer.
std::vector<Op> DecodeSymbolOps(const std::uint8_t* data, std::size_t size);

void Apply(const Op& op, testing::HeapGraph& graph);

// "NewPair h1 (car h2, cdr h3)", one line.
std::string ToString(const Op& op);

// Runs `ops`, collects at the end, and if the harness finds a violation
// prints it with the operations so far to stderr and aborts.
void RunOrAbort(const std::vector<Op>& ops,
                testing::HeapGraph::Options options = {});

// Runs `ops` and returns the first violation, empty if none.
std::string RunOps(const std::vector<Op>& ops,
                   testing::HeapGraph::Options options = {});

}  // namespace kamo::fuzz

#endif  // KAMO_FUZZ_HEAP_GRAPH_OPS_H_
