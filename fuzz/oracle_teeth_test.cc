// The heap-graph oracle has teeth: with a deliberately broken variant (a
// Blob whose Trace does not report its last edge, so a value reachable only
// through that edge is freed while still in use), replaying the seed corpus
// reports a violation; with the correct Blob it reports none.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/heap_graph_ops.h"
#include "gtest/gtest.h"

namespace kamo::fuzz {
namespace {

std::vector<Program> CorpusPrograms() {
  std::vector<Program> inputs;
  for (const auto& entry :
       std::filesystem::directory_iterator("fuzz/corpus/heap_graph_fuzzer")) {
    std::ifstream file(entry.path(), std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
    inputs.push_back(DecodeHeapGraphProgram(
        reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
  }
  return inputs;
}

TEST(OracleTeethTest, CorrectCollectorPassesTheCorpus) {
  const auto inputs = CorpusPrograms();
  ASSERT_FALSE(inputs.empty());
  for (const auto& program : inputs) {
    EXPECT_EQ(RunOps(program.ops, program.options), "");
  }
}

TEST(OracleTeethTest, BrokenTraceIsCaughtOnTheCorpus) {
  int violations = 0;
  std::string first;
  for (Program program : CorpusPrograms()) {
    program.options.blob_hides_last_edge = true;
    const std::string violation = RunOps(program.ops, program.options);
    if (!violation.empty()) {
      ++violations;
      if (first.empty()) first = violation;
    }
  }
  EXPECT_GT(violations, 0) << "the oracle missed a collector that frees "
                              "values still reachable";
  std::printf("first violation reported:\n%s\n", first.c_str());
}

TEST(OracleTeethTest, HandWrittenProgramShowsTheViolation) {
  // Blob 0 -> Blob 1 is Blob 0's only (and so last) edge; only Blob 0 is
  // held: the broken Trace lets Blob 1 be freed.
  const std::vector<Op> ops = {
      {.code = OpCode::kNewBlob, .a = 0},
      {.code = OpCode::kNewBlob, .a = 1},
      {.code = OpCode::kLink, .a = 0, .b = 1},
      {.code = OpCode::kDrop, .a = 1},
      {.code = OpCode::kCollect},
  };
  EXPECT_EQ(RunOps(ops), "");
  const std::string violation =
      RunOps(ops, testing::HeapGraph::Options{.blob_hides_last_edge = true});
  EXPECT_NE(violation.find("collection 1 freed 1 values, the model 0"),
            std::string::npos)
      << violation;
}

TEST(OracleTeethTest, AWeakEdgeToAFreedBlobIsExpectedCleared) {
  // Blob 0's weak edge leads to Blob 1, which nothing else holds: the
  // collection frees Blob 1, and the model expects the edge cleared (a
  // collector that left it would fail the check after the collection);
  // taken out afterwards it is nil.
  const std::vector<Op> ops = {
      {.code = OpCode::kNewBlob, .a = 0},
      {.code = OpCode::kNewBlob, .a = 1},
      {.code = OpCode::kLink, .a = 0, .b = 1, .c = 1},  // odd c: weak
      {.code = OpCode::kCopy, .a = 2, .b = 1},
      {.code = OpCode::kCollect},
      {.code = OpCode::kTakeOut, .a = 0, .b = 3, .c = 0},  // the weak edge
      {.code = OpCode::kDrop, .a = 1},
      {.code = OpCode::kDrop, .a = 2},
      {.code = OpCode::kDrop, .a = 3},
      {.code = OpCode::kCollect},
      {.code = OpCode::kTakeOut, .a = 0, .b = 4, .c = 0},
      {.code = OpCode::kCollect},
  };
  EXPECT_EQ(ToString(ops[2]), "WeakLink h0 ~> h1");
  EXPECT_EQ(RunOps(ops), "");
}

TEST(OracleTeethTest, AnEphemeronChainLivesAndDiesWithItsFirstKey) {
  // Blob 0's ephemeron: Blob 1 => Blob 2; Blob 2's: Blob 2 => Blob 3.
  // Holding Blobs 0 and 1 keeps 2 (through the first) and so 3 (through
  // the second); dropping Blob 1 frees 1, 2 and 3 and breaks Blob 0's
  // ephemeron, so its key taken out afterwards is nil. The model derives
  // all of it; a collector that disagreed would fail the replay.
  const std::vector<Op> ops = {
      {.code = OpCode::kNewBlob, .a = 0},
      {.code = OpCode::kNewBlob, .a = 1},
      {.code = OpCode::kNewBlob, .a = 2},
      {.code = OpCode::kNewBlob, .a = 3},
      {.code = OpCode::kLink, .a = 0, .b = 1, .c = 3 + 4 * 2},
      {.code = OpCode::kLink, .a = 2, .b = 2, .c = 3 + 4 * 3},
      {.code = OpCode::kDrop, .a = 2},
      {.code = OpCode::kDrop, .a = 3},
      {.code = OpCode::kCollect},
      {.code = OpCode::kTakeOut, .a = 0, .b = 4, .c = 2},  // the value
      {.code = OpCode::kDrop, .a = 4},
      {.code = OpCode::kDrop, .a = 1},
      {.code = OpCode::kCollect},
      {.code = OpCode::kTakeOut, .a = 0, .b = 5, .c = 1},  // the key: nil
      {.code = OpCode::kCollect},
  };
  EXPECT_EQ(ToString(ops[4]), "EphemeronLink h0: h1 => h2");
  EXPECT_EQ(RunOps(ops), "");
}

TEST(OracleTeethTest, AGuardedBlobIsHandedOverWithWhatItReaches) {
  // Blob 0 -> Blob 1, Blob 0 registered with the guardian, both dropped:
  // the collection frees neither and hands Blob 0 over; taken, it still
  // leads to Blob 1; dropped again, both go. The model says so, the replay
  // checks the heap against it.
  const std::vector<Op> ops = {
      {.code = OpCode::kNewBlob, .a = 0},
      {.code = OpCode::kNewBlob, .a = 1},
      {.code = OpCode::kLink, .a = 0, .b = 1},
      {.code = OpCode::kMakeWeak, .a = 0, .b = 0, .c = 1},  // Register h0
      {.code = OpCode::kDrop, .a = 0},
      {.code = OpCode::kDrop, .a = 1},
      {.code = OpCode::kCollect},
      {.code = OpCode::kWeakLock, .a = 0, .b = 2, .c = 1},  // Take into h2
      {.code = OpCode::kTakeOut, .a = 2, .b = 3, .c = 0},
      {.code = OpCode::kCollect},
      {.code = OpCode::kDrop, .a = 2},
      {.code = OpCode::kDrop, .a = 3},
      {.code = OpCode::kCollect},
      {.code = OpCode::kWeakLock, .a = 0, .b = 4, .c = 1},  // nothing left
      {.code = OpCode::kCollect},
  };
  EXPECT_EQ(ToString(ops[3]), "GuardianRegister h0");
  EXPECT_EQ(ToString(ops[7]), "GuardianTake h2");
  EXPECT_EQ(RunOps(ops), "");
}

}  // namespace
}  // namespace kamo::fuzz
