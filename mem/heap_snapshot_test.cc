#include "mem/heap_snapshot.h"

#include <sstream>
#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "mem/guardian.h"
#include "mem/member.h"
#include "mem/mutator.h"
#include "mem/weak_member.h"

namespace kamo::mem {
namespace {

struct Tree {
  static constexpr const char* kTypeName = "Tree";
  void Trace(Tracer& tracer) const {
    tracer.Visit(left, "left");
    tracer.Visit(right, "right");
    tracer.Visit(up, "up");
    tracer.Visit(extra);  // unnamed: "[0]" in a path
  }
  Member<Tree> left, right, extra;
  WeakMember<Tree> up;
};

struct Text {
  static constexpr const char* kTypeName = "Text";
  explicit Text(std::string s) : text(std::move(s)) {}
  void Trace(Tracer&) const {}
  std::string SnapshotLabel() const { return text; }
  std::size_t ExternalBytes() const { return text.size(); }
  std::string text;
};

TEST(RetainerPathTest, AThreeStepChainReportsItsStepsAndFieldNames) {
  Mutator mutator;
  Pointer<Tree> root = mutator.Allocate<Tree>();
  Pointer<Tree> b = mutator.Allocate<Tree>();
  Pointer<Tree> c = mutator.Allocate<Tree>();
  Pointer<Tree> d = mutator.Allocate<Tree>();
  root->left = b;
  b->right = c;
  c->extra = d;
  const Tree* b_at = b.get();
  const Tree* c_at = c.get();
  const Tree* d_at = d.get();
  b = nullptr;
  c = nullptr;
  d = nullptr;

  auto path = RetainerPath(mutator, d_at);
  ASSERT_TRUE(path.ok()) << path.status();
  ASSERT_EQ(path->size(), 4u);
  EXPECT_EQ(ToString(*path),
            "Pointer<Tree> => Tree.left -> Tree.right -> Tree.[0] -> Tree");
  EXPECT_EQ((*path)[0].value, root.get());
  EXPECT_EQ((*path)[1].value, b_at);
  EXPECT_EQ((*path)[2].value, c_at);
  EXPECT_EQ((*path)[3].value, d_at);
}

TEST(RetainerPathTest, AValueHeldOnlyByAPointerIsItsOwnRoot) {
  Mutator mutator;
  Pointer<Text> text = mutator.Allocate<Text>("held");
  auto path = RetainerPath(mutator, text.get());
  ASSERT_TRUE(path.ok()) << path.status();
  ASSERT_EQ(path->size(), 1u);
  EXPECT_EQ((*path)[0].type_name, "Text");
  EXPECT_EQ((*path)[0].field, "");
  EXPECT_EQ(ToString(*path), "Pointer<Text> => Text");
}

TEST(RetainerPathTest, AValueAGuardianHoldsSaysSo) {
  Mutator mutator;
  Guardian<Tree> guardian = mutator.MakeGuardian<Tree>();
  Pointer<Tree> tree = mutator.Allocate<Tree>();
  Pointer<Tree> child = mutator.Allocate<Tree>();
  tree->left = child;
  const Tree* child_at = child.get();
  guardian.Register(tree);
  tree = nullptr;
  child = nullptr;
  ASSERT_EQ(mutator.CollectGarbage(), 0u);  // handed over, kept
  ASSERT_EQ(guardian.ready(), 1u);
  auto path = RetainerPath(mutator, child_at);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ((*path)[0].held_by, "Guardian");
  EXPECT_EQ(ToString(*path), "Guardian<Tree> => Tree.left -> Tree");
  std::ostringstream out;
  ASSERT_TRUE(WriteHeapSnapshot(mutator, out).ok());
  // The root, the guardians' group, two Trees; root -> group -> Tree ->
  // Tree.
  EXPECT_NE(out.str().find("\"node_count\":4,\"edge_count\":3,"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("\"(Guardians)\""), std::string::npos);
  std::ostringstream dot;
  ASSERT_TRUE(WriteHeapDot(mutator, dot).ok());
  EXPECT_NE(dot.str().find("  guardians -> v0;\n"), std::string::npos)
      << dot.str();
}

TEST(RetainerPathTest, TheShortestOfTwoPathsIsReported) {
  Mutator mutator;
  Pointer<Tree> root = mutator.Allocate<Tree>();
  Pointer<Tree> middle = mutator.Allocate<Tree>();
  Pointer<Tree> target = mutator.Allocate<Tree>();
  root->left = middle;  // root.left.left -> target: two steps
  middle->left = target;
  root->right = target;  // root.right -> target: one step
  const Tree* at = target.get();
  middle = nullptr;
  target = nullptr;
  auto path = RetainerPath(mutator, at);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(ToString(*path), "Pointer<Tree> => Tree.right -> Tree");
}

TEST(RetainerPathTest, WeakReferencesRetainNothing) {
  Mutator mutator;
  Pointer<Tree> root = mutator.Allocate<Tree>();
  Pointer<Tree> weakly_held = mutator.Allocate<Tree>();
  root->up = weakly_held;
  const Tree* at = weakly_held.get();
  weakly_held = nullptr;
  auto path = RetainerPath(mutator, at);
  EXPECT_EQ(path.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(path.status().message().find("no root reaches the Tree"),
            std::string::npos)
      << path.status();
  // The collection agrees: it frees the value.
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
}

TEST(RetainerPathTest, AnAddressThatHoldsNoLiveValueIsRefused) {
  Mutator mutator;
  Pointer<Tree> tree = mutator.Allocate<Tree>();
  int not_managed = 0;
  EXPECT_EQ(RetainerPath(mutator, &not_managed).status().code(),
            absl::StatusCode::kInvalidArgument);
  const Tree* freed = tree.get();
  tree = nullptr;
  ASSERT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(RetainerPath(mutator, freed).status().code(),
            absl::StatusCode::kInvalidArgument);
}

std::string Snapshot(const Mutator& mutator) {
  std::ostringstream out;
  const absl::Status status = WriteHeapSnapshot(mutator, out);
  EXPECT_TRUE(status.ok()) << status;
  return out.str();
}

TEST(HeapSnapshotTest, CountsEveryLiveValueAndReferenceWithTheRootsGroups) {
  Mutator mutator;
  Pointer<Tree> root = mutator.Allocate<Tree>();
  Pointer<Tree> child = mutator.Allocate<Tree>();
  root->left = child;
  root->up = child;
  child->extra = root;
  child = nullptr;
  Pointer<Text> text = mutator.Allocate<Text>("hello \"snapshot\"");
  const std::string json = Snapshot(mutator);
  // Nodes: the root, two groups (Tree, Text), three values. Edges: root ->
  // 2 groups, one locked value in each, and Tree's three references.
  EXPECT_NE(json.find("\"node_count\":6,\"edge_count\":7,"), std::string::npos)
      << json;
  for (const char* s :
       {"\"(Pointers: Tree)\"", "\"(Pointers: Text)\"", "\"left\"", "\"up\"",
        "\"Tree\"", "\"hello \\\"snapshot\\\"\""}) {
    EXPECT_NE(json.find(s), std::string::npos) << s << " in " << json;
  }
  // Text's self size is its slot and its external bytes.
  const std::string text_node = absl::StrFormat(
      ",%d,%d,0,0,0", reinterpret_cast<std::uintptr_t>(text.get()),
      sizeof(Text) + text->text.size());
  EXPECT_NE(json.find(text_node), std::string::npos) << text_node;
}

TEST(HeapSnapshotTest, LabelsAreValidJsonWhateverTheirBytes) {
  Mutator mutator;
  Pointer<Text> utf8 = mutator.Allocate<Text>("caf\xc3\xa9");
  Pointer<Text> bytes = mutator.Allocate<Text>("\xff\x01");
  const std::string json = Snapshot(mutator);
  EXPECT_NE(json.find("\"caf\xc3\xa9\""), std::string::npos);
  EXPECT_NE(json.find("\"\\u00ff\\u0001\""), std::string::npos) << json;
}

TEST(HeapSnapshotTest, WritesNothingButTheRootForAnEmptyHeap) {
  Mutator mutator;
  const std::string json = Snapshot(mutator);
  EXPECT_NE(json.find("\"node_count\":1,\"edge_count\":0,"), std::string::npos);
  EXPECT_NE(json.find("\"nodes\":[9,0,1,0,0,0,0],"), std::string::npos) << json;
  EXPECT_NE(json.find("\"edges\":[],"), std::string::npos) << json;
}

TEST(HeapSnapshotTest, AFailedStreamIsReported) {
  Mutator mutator;
  Pointer<Tree> tree = mutator.Allocate<Tree>();
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_EQ(WriteHeapSnapshot(mutator, out).code(),
            absl::StatusCode::kDataLoss);
}

TEST(HeapDotTest, DrawsTheFirstValuesFromThePointersAndSummarizesTheRest) {
  // The summary must show a value not collected yet: no stress mode here.
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  Pointer<Tree> a = mutator.Allocate<Tree>();
  Pointer<Tree> b = mutator.Allocate<Tree>();
  Pointer<Tree> garbage = mutator.Allocate<Tree>();  // not collected yet
  a->left = b;
  b->up = a;
  b = nullptr;
  garbage = nullptr;
  Pointer<Text> text = mutator.Allocate<Text>("t");
  const auto dot = [&](std::size_t max_values) {
    std::ostringstream out;
    EXPECT_TRUE(WriteHeapDot(mutator, out, max_values).ok());
    return out.str();
  };
  const std::string header =
      "digraph heap {\n"
      "  node [shape=box, fontname=\"monospace\"];\n"
      "  pointers [label=\"Pointers\", shape=ellipse];\n"
      "  v0 [label=\"Tree\"];\n"
      "  v1 [label=\"t\", shape=plaintext];\n";
  EXPECT_EQ(dot(10), header +
                         "  pointers -> v0;\n"
                         "  pointers -> v1;\n"
                         "  v2 [label=\"Tree\"];\n"
                         "  v0 -> v2 [label=\"left\"];\n"
                         "  v2 -> v0 [label=\"up\", style=dashed];\n"
                         "  more [label=\"1 more values: Tree 1\", "
                         "shape=note];\n"
                         "}\n");
  EXPECT_EQ(dot(2), header +
                        "  pointers -> v0;\n"
                        "  pointers -> v1;\n"
                        "  more [label=\"2 more values: Tree 2\", "
                        "shape=note];\n"
                        "}\n");
}

}  // namespace
}  // namespace kamo::mem
