#include "fuzz/heap_graph_ops.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "fuzz/byte_reader.h"
#include "mem/mutator.h"

namespace kamo::fuzz {
namespace {

constexpr std::size_t kMaxBytes = 16;
// AllocateGarbage allocates b / 8 pairs and a ByteVector of a * 256 bytes:
// at most 32 allocations (and collections, under stress) per burst, and
// still enough bytes to cross the 64 KiB pressure floor or a 64 KiB heap
// limit at once. (Up to 64 pairs, the bursts took a quarter of the
// fuzzer's time for no more coverage.)
int GarbagePairs(const Op& op) { return op.b / 8; }

// Link's third byte, unused by a strong edge, makes one in four weak
// (c % 4 == 1) and one in four an ephemeron (c % 4 == 3) from the Blob in
// b to the Blob in handle c / 4.
bool IsWeakLink(const Op& op) { return op.c % 4 == 1; }
bool IsEphemeronLink(const Op& op) { return op.c % 4 == 3; }
int EphemeronValue(const Op& op) { return op.c / 4; }

// NewPair's third byte names the cdr by its low bits; from 192 on it makes
// a WeakPair (below 224) or a value/ Ephemeron (key b, datum c) instead.
enum class PairKind { kPair, kWeakPair, kEphemeron };
PairKind PairKindOf(const Op& op) {
  if (op.c < 192) return PairKind::kPair;
  return op.c < 224 ? PairKind::kWeakPair : PairKind::kEphemeron;
}

// NewBlob's second byte, unused otherwise, makes one in four a Hashtable
// (b % 4 == 3) of weakness c % 4. Unlink's second byte turns one in four
// into a Hashtable's Set (b % 4 == 2: key c, value b / 4) and one in four
// into its Remove (b % 4 == 3: key c).
bool IsNewHashtable(const Op& op) { return op.b % 4 == 3; }
bool IsHashtableSet(const Op& op) { return op.b % 4 == 2; }
bool IsHashtableRemove(const Op& op) { return op.b % 4 == 3; }
int HashtableValue(const Op& op) { return op.b / 4; }

// MakeWeak's and WeakLock's third byte, unused otherwise, turns every other
// one into the guardian's Register (of the Blob in b) and Take (into b).
bool IsGuardianOp(const Op& op) { return op.c % 2 == 1; }
std::size_t GarbageBytes(const Op& op) {
  return static_cast<std::size_t>(op.a) * 256;
}

bool TakesBytes(OpCode code) {
  return code == OpCode::kNewString || code == OpCode::kStringAppend ||
         code == OpCode::kIntern || code == OpCode::kNewByteVector;
}

// A Collect operation's argument 2 modulo 4 is a CollectStep: of 1 to 4
// values.
std::size_t StepBudget(std::uint8_t a) { return (a / 4) % 4 + 1; }

std::string Quoted(const std::string& bytes) {
  return "\"" + absl::CEscape(bytes) + "\"";
}

}  // namespace

testing::HeapGraph::Options DecodeOptions(std::uint8_t byte) {
  static constexpr std::uint32_t kStress[] = {0, 1, 3, 17};
  static constexpr std::size_t kLimit[] = {0, 64 << 10, 256 << 10, 1 << 20};
  static constexpr std::uint32_t kCapacity[] = {16, 1, 1024, 2};
  testing::HeapGraph::Options options;
  mem::MutatorOptions& m = options.mutator;
  switch (byte & 3) {
    case 0:
      m.pacing = mem::Pacing::kLiveHeap;
      break;
    case 1:
      m.pacing = mem::Pacing::kSeed;
      break;
    case 2:
      m.pacing = mem::Pacing::kManual;
      break;
    case 3:
      m.pacing = mem::Pacing::kLiveHeap;
      m.heap_growth = 0.25;
      break;
  }
  m.stress_interval = kStress[(byte >> 2) & 3];
  if (const std::size_t limit = kLimit[(byte >> 4) & 3]; limit != 0) {
    m.heap_limit_bytes = limit;
  }
  m.bucket_capacity = kCapacity[((byte >> 6) ^ (byte >> 4)) & 3];
  // The top bit: generational; bit 5 against bit 0 (a bit of its own would
  // not fit): incremental.
  const bool generational = (byte & 0x80) != 0;
  const bool incremental = (((byte >> 5) ^ byte) & 1) != 0;
  m.mode = generational
               ? (incremental ? mem::CollectionMode::kGenerationalIncremental
                              : mem::CollectionMode::kGenerational)
               : (incremental ? mem::CollectionMode::kIncremental
                              : mem::CollectionMode::kFull);
  return options;
}

std::string ToString(const testing::HeapGraph::Options& options) {
  const mem::MutatorOptions& m = options.mutator;
  std::string limit = "none";
  if (m.heap_limit_bytes != mem::MutatorOptions().heap_limit_bytes) {
    limit = absl::StrFormat("%d bytes", m.heap_limit_bytes);
  }
  return absl::StrFormat(
      "%s, pacing %s (growth %g), stress %d, heap limit %s, bucket "
      "capacity %d",
      mem::ToString(m.mode.value_or(mem::CollectionMode::kFull)),
      mem::ToString(m.pacing), m.heap_growth, m.stress_interval.value_or(0),
      limit, m.bucket_capacity);
}

Program DecodeHeapGraphProgram(const std::uint8_t* data, std::size_t size) {
  ByteReader in(data, size);
  Program program;
  program.options = DecodeOptions(in.Byte());
  std::vector<Op>& ops = program.ops;
  while (!in.empty()) {
    Op op;
    op.code = static_cast<OpCode>(in.Byte() % static_cast<int>(OpCode::kCount));
    op.a = in.Byte();
    op.b = in.Byte();
    op.c = in.Byte();
    if (op.code == OpCode::kSetInt) {
      op.number = static_cast<std::int64_t>(in.U64());
    }
    if (TakesBytes(op.code)) op.bytes = std::string(in.Bytes(kMaxBytes));
    ops.push_back(std::move(op));
  }
  return program;
}

Program DecodeSymbolProgram(const std::uint8_t* data, std::size_t size) {
  static constexpr OpCode kSymbolOps[] = {
      OpCode::kIntern,  OpCode::kIntern,         OpCode::kIntern,
      OpCode::kCopy,    OpCode::kDrop,           OpCode::kNewPair,
      OpCode::kCollect, OpCode::kAllocateGarbage};
  ByteReader in(data, size);
  Program program;
  program.options = DecodeOptions(in.Byte());
  std::vector<Op>& ops = program.ops;
  while (!in.empty()) {
    Op op;
    op.code = kSymbolOps[in.Byte() % std::size(kSymbolOps)];
    op.a = in.Byte();
    op.b = in.Byte();
    op.c = in.Byte();
    if (op.code == OpCode::kIntern) op.bytes = std::string(in.Bytes(kMaxBytes));
    // Garbage here only drives collections between the symbol operations:
    // at most 7 pairs a burst, so that inputs spend their time on symbols.
    if (op.code == OpCode::kAllocateGarbage) op.b /= 4;
    ops.push_back(std::move(op));
  }
  return program;
}

void Apply(const Op& op, testing::HeapGraph& graph) {
  switch (op.code) {
    case OpCode::kSetInt:
      graph.SetInt(op.a, op.number);
      break;
    case OpCode::kNewPair:
      switch (PairKindOf(op)) {
        case PairKind::kPair:
          graph.NewPair(op.a, op.b, op.c);
          break;
        case PairKind::kWeakPair:
          graph.NewWeakPair(op.a, op.b, op.c);
          break;
        case PairKind::kEphemeron:
          graph.NewEphemeron(op.a, op.b, op.c);
          break;
      }
      break;
    case OpCode::kNewVector:
      graph.NewVector(op.a, op.b, op.c);
      break;
    case OpCode::kNewString:
      graph.NewString(op.a, op.bytes);
      break;
    case OpCode::kStringAppend:
      graph.StringAppend(op.a, op.bytes);
      break;
    case OpCode::kIntern:
      graph.Intern(op.a, op.bytes);
      break;
    case OpCode::kNewByteVector:
      graph.NewByteVector(op.a, op.bytes);
      break;
    case OpCode::kNewBlob:
      if (IsNewHashtable(op)) {
        graph.NewHashtable(op.a, op.c);
      } else {
        graph.NewBlob(op.a);
      }
      break;
    case OpCode::kSetCar:
      graph.SetCar(op.a, op.b);
      break;
    case OpCode::kSetCdr:
      graph.SetCdr(op.a, op.b);
      break;
    case OpCode::kVectorPush:
      graph.VectorPush(op.a, op.b);
      break;
    case OpCode::kVectorSet:
      graph.VectorSet(op.a, op.c, op.b);
      break;
    case OpCode::kVectorInsert:
      graph.VectorInsert(op.a, op.c, op.b);
      break;
    case OpCode::kVectorRemove:
      graph.VectorRemove(op.a, op.c);
      break;
    case OpCode::kVectorPop:
      graph.VectorPop(op.a, op.b);
      break;
    case OpCode::kLink:
      if (IsEphemeronLink(op)) {
        graph.EphemeronLink(op.a, op.b, EphemeronValue(op));
      } else if (IsWeakLink(op)) {
        graph.WeakLink(op.a, op.b);
      } else {
        graph.Link(op.a, op.b);
      }
      break;
    case OpCode::kUnlink:
      if (IsHashtableSet(op)) {
        graph.HashtableSet(op.a, op.c, HashtableValue(op));
      } else if (IsHashtableRemove(op)) {
        graph.HashtableRemove(op.a, op.c);
      } else {
        graph.Unlink(op.a, op.c);
      }
      break;
    case OpCode::kTakeOut:
      graph.TakeOut(op.b, op.a, op.c);
      break;
    case OpCode::kCopy:
      graph.Copy(op.a, op.b);
      break;
    case OpCode::kDrop:
      graph.Drop(op.a);
      break;
    case OpCode::kAllocateGarbage:
      graph.AllocateGarbage(GarbagePairs(op), GarbageBytes(op));
      break;
    case OpCode::kMakeWeak:
      if (IsGuardianOp(op)) {
        graph.GuardianRegister(op.b);
      } else {
        graph.MakeWeak(op.a, op.b);
      }
      break;
    case OpCode::kWeakLock:
      if (IsGuardianOp(op)) {
        graph.GuardianTake(op.b);
      } else {
        graph.WeakLock(op.b, op.a);
      }
      break;
    case OpCode::kCollect:
    case OpCode::kCount:
      if (op.a % 4 == 2) {
        graph.CollectStep(StepBudget(op.a));
      } else {
        graph.Collect(op.a % 2 == 0 ? mem::CollectionKind::kMajor
                                    : mem::CollectionKind::kMinor);
      }
      break;
  }
}

std::string ToString(const Op& op) {
  constexpr int n = testing::HeapGraph::kHandles;
  const int a = op.a % n, b = op.b % n;
  switch (op.code) {
    case OpCode::kSetInt:
      return absl::StrFormat("SetInt h%d = %d", a, op.number);
    case OpCode::kNewPair: {
      static constexpr const char* kNames[] = {"NewPair", "NewWeakPair",
                                               "NewEphemeron"};
      return absl::StrFormat("%s h%d = (h%d . h%d)",
                             kNames[static_cast<int>(PairKindOf(op))], a, b,
                             op.c % n);
    }
    case OpCode::kNewVector:
      return absl::StrFormat("NewVector h%d = %d handles from h%d", a,
                             op.c % (n + 1), b);
    case OpCode::kNewString:
      return absl::StrFormat("NewString h%d = %s", a, Quoted(op.bytes));
    case OpCode::kStringAppend:
      return absl::StrFormat("StringAppend h%d += %s", a, Quoted(op.bytes));
    case OpCode::kIntern:
      return absl::StrFormat("Intern h%d = %s", a, Quoted(op.bytes));
    case OpCode::kNewByteVector:
      return absl::StrFormat("NewByteVector h%d = %s", a, Quoted(op.bytes));
    case OpCode::kNewBlob:
      if (IsNewHashtable(op)) {
        static constexpr const char* kWeakness[] = {"strong", "weak keys",
                                                    "weak values", "ephemeron"};
        return absl::StrFormat("NewHashtable h%d (%s)", a, kWeakness[op.c % 4]);
      }
      return absl::StrFormat("NewBlob h%d", a);
    case OpCode::kSetCar:
      return absl::StrFormat("SetCar h%d <- h%d", a, b);
    case OpCode::kSetCdr:
      return absl::StrFormat("SetCdr h%d <- h%d", a, b);
    case OpCode::kVectorPush:
      return absl::StrFormat("VectorPush h%d <- h%d", a, b);
    case OpCode::kVectorSet:
      return absl::StrFormat("VectorSet h%d[%d] <- h%d", a, op.c, b);
    case OpCode::kVectorInsert:
      return absl::StrFormat("VectorInsert h%d[%d] <- h%d", a, op.c, b);
    case OpCode::kVectorRemove:
      return absl::StrFormat("VectorRemove h%d[%d]", a, op.c);
    case OpCode::kVectorPop:
      return absl::StrFormat("VectorPop h%d -> h%d", a, b);
    case OpCode::kLink:
      if (IsEphemeronLink(op)) {
        return absl::StrFormat("EphemeronLink h%d: h%d => h%d", a, b,
                               EphemeronValue(op) % n);
      }
      if (IsWeakLink(op)) return absl::StrFormat("WeakLink h%d ~> h%d", a, b);
      return absl::StrFormat("Link h%d -> h%d", a, b);
    case OpCode::kUnlink:
      if (IsHashtableSet(op)) {
        return absl::StrFormat("HashtableSet h%d[h%d] = h%d", a, op.c % n,
                               HashtableValue(op) % n);
      }
      if (IsHashtableRemove(op)) {
        return absl::StrFormat("HashtableRemove h%d[h%d]", a, op.c % n);
      }
      return absl::StrFormat("Unlink h%d edge %d", a, op.c);
    case OpCode::kTakeOut:
      return absl::StrFormat("TakeOut h%d = h%d[%d]", b, a, op.c);
    case OpCode::kCopy:
      return absl::StrFormat("Copy h%d = h%d", a, b);
    case OpCode::kDrop:
      return absl::StrFormat("Drop h%d", a);
    case OpCode::kAllocateGarbage:
      return absl::StrFormat("AllocateGarbage %d pairs, %d bytes",
                             GarbagePairs(op), GarbageBytes(op));
    case OpCode::kMakeWeak:
      if (IsGuardianOp(op)) return absl::StrFormat("GuardianRegister h%d", b);
      return absl::StrFormat("MakeWeak w%d -> h%d", op.a % testing::HeapGraph::kWeaks, b);
    case OpCode::kWeakLock:
      if (IsGuardianOp(op)) return absl::StrFormat("GuardianTake h%d", b);
      return absl::StrFormat("WeakLock h%d = w%d", b, op.a % testing::HeapGraph::kWeaks);
    case OpCode::kCollect:
    case OpCode::kCount:
      if (op.a % 4 == 2)
        return absl::StrFormat("CollectStep %d", StepBudget(op.a));
      return op.a % 2 == 0 ? "Collect" : "CollectYoung";
  }
  return "?";
}

std::string RunOps(const std::vector<Op>& ops,
                   testing::HeapGraph::Options options) {
  testing::HeapGraph graph(options);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Apply(ops[i], graph);
    graph.CheckMarking();
    if (!graph.ok()) {
      return absl::StrFormat("violation after operation %d (%s):\n%s", i,
                             ToString(ops[i]), graph.failure());
    }
  }
  graph.Collect();
  if (!graph.ok()) {
    return "violation in the final collection:\n" + graph.failure();
  }
  graph.Teardown();
  if (!graph.ok()) {
    return "violation when the Mutator was destroyed:\n" + graph.failure();
  }
  return "";
}

void RunOrAbort(const Program& program) {
  const std::vector<Op>& ops = program.ops;
  const std::string violation = RunOps(ops, program.options);
  if (violation.empty()) return;
  std::fprintf(stderr, "kamo heap-graph oracle: %s\nOptions: %s\nOperations:\n",
               violation.c_str(), ToString(program.options).c_str());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    std::fprintf(stderr, "  %3zu  %s\n", i, ToString(ops[i]).c_str());
  }
  std::abort();
}

}  // namespace kamo::fuzz
