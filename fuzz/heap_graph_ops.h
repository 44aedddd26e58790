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
  kMakeWeak,
  kWeakLock,
  kCount,  // not an operation
};

struct Op {
  OpCode code = OpCode::kCollect;
  int a = 0;  // usually the handle written or changed
  int b = 0;
  int c = 0;
  std::int64_t number = 0;  // SetInt's integer
  std::string bytes = {};
};

// What a fuzz input runs: the Mutator's options, then the operations.
struct Program {
  testing::HeapGraph::Options options;
  std::vector<Op> ops;
};

// The first byte chooses the Mutator's options (see DecodeOptions). Then
// each operation is an opcode byte, three argument bytes, for SetInt eight
// bytes of integer and for the string operations a length byte and that
// many bytes.
Program DecodeHeapGraphProgram(const std::uint8_t* data, std::size_t size);

// The same options byte, then only the operations on symbols and handles
// (intern, copy, drop, store in a pair, collect), with names from the
// input: the symbol-table fuzzer.
Program DecodeSymbolProgram(const std::uint8_t* data, std::size_t size);

// One byte's choice of pacing (live-heap, seed, manual, live-heap with
// growth 0.25), stress interval (off, 1, 3, 17), heap limit (none, 64 KiB,
// 256 KiB, 1 MiB), bucket capacity (1, 2, 16, 1024: two bits shared with
// the limit's, so that each byte is a different mix) and collection mode
// (the top bit: generational, else full; bit 5 differing from bit 0:
// incremental as well; a Collect operation's first argument: odd,
// CollectYoung; 2 modulo 4, a CollectStep; else CollectGarbage).
testing::HeapGraph::Options DecodeOptions(std::uint8_t byte);
std::string ToString(const testing::HeapGraph::Options& options);

void Apply(const Op& op, testing::HeapGraph& graph);

// "NewPair h1 (car h2, cdr h3)", one line.
std::string ToString(const Op& op);

// Runs the program, collects at the end, tears the heap down, and if the
// harness finds a violation prints it with the options and operations to
// stderr and aborts.
void RunOrAbort(const Program& program);

// Runs `ops` and returns the first violation, empty if none.
std::string RunOps(const std::vector<Op>& ops,
                   testing::HeapGraph::Options options = {});

}  // namespace kamo::fuzz

#endif  // KAMO_FUZZ_HEAP_GRAPH_OPS_H_
