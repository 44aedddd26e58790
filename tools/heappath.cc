// heappath: why is it alive, read from a heap snapshot file: the shortest
// chain of strong (not weak) references from the snapshot's root to a
// node, which is named by its id or by its name (the first node with it).
//
//   heappath FILE.heapsnapshot (--id=N | --name=TEXT)
//
// Prints one step a line: the node's type and name, and the edge taken.
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tools/snapshot_file.h"

ABSL_FLAG(std::string, name, "", "the node's name (the first one with it)");
ABSL_FLAG(std::uint64_t, id, 0, "the node's id");

namespace {

using kamo::tools::SnapshotEdge;
using kamo::tools::SnapshotFile;
using kamo::tools::SnapshotNode;

constexpr std::size_t kNone = SIZE_MAX;

std::size_t FindTarget(const SnapshotFile& file) {
  const std::string name = absl::GetFlag(FLAGS_name);
  const std::uint64_t id = absl::GetFlag(FLAGS_id);
  for (std::size_t i = 0; i < file.nodes.size(); ++i) {
    const SnapshotNode& node = file.nodes[i];
    if (name.empty() ? node.id == id : node.name == name) return i;
  }
  return kNone;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "why a value is alive, from a heap snapshot.\n"
      "usage: heappath FILE.heapsnapshot (--id=N | --name=TEXT)");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2 ||
      absl::GetFlag(FLAGS_name).empty() == (absl::GetFlag(FLAGS_id) == 0)) {
    absl::FPrintF(stderr,
                  "usage: heappath FILE.heapsnapshot (--id=N | --name=TEXT)\n");
    return 2;
  }
  const absl::StatusOr<SnapshotFile> file =
      kamo::tools::ReadSnapshotFile(args[1]);
  if (!file.ok()) {
    absl::FPrintF(stderr, "heappath: %s\n", file.status().message());
    return 1;
  }
  const std::size_t target = FindTarget(*file);
  if (target == kNone) {
    absl::FPrintF(
        stderr, "heappath: no node %s in %s\n",
        absl::GetFlag(FLAGS_name).empty()
            ? absl::StrFormat("with id %d", absl::GetFlag(FLAGS_id))
            : absl::StrFormat("named \"%s\"", absl::GetFlag(FLAGS_name)),
        args[1]);
    return 1;
  }
  // Breadth first from the root; via[n] is the edge that first reached n.
  std::vector<std::size_t> via(file->nodes.size(), kNone);
  std::vector<bool> reached(file->nodes.size(), false);
  std::deque<std::size_t> queue = {0};
  reached[0] = true;
  while (!queue.empty() && !reached[target]) {
    const SnapshotNode& node = file->nodes[queue.front()];
    queue.pop_front();
    for (std::size_t e = node.first_edge; e < node.first_edge + node.edges;
         ++e) {
      const SnapshotEdge& edge = file->edges[e];
      if (edge.type == "weak" || reached[edge.to]) continue;
      reached[edge.to] = true;
      via[edge.to] = e;
      queue.push_back(edge.to);
    }
  }
  if (!reached[target]) {
    absl::PrintF("%s \"%s\" (id %d): no root reaches it\n",
                 file->nodes[target].type, file->nodes[target].name,
                 file->nodes[target].id);
    return 0;
  }
  std::vector<std::size_t> path = {target};
  for (std::size_t at = target; at != 0;) {
    at = file->edges[via[at]].from;
    path.insert(path.begin(), at);
  }
  for (std::size_t k = 0; k < path.size(); ++k) {
    const SnapshotNode& node = file->nodes[path[k]];
    std::string step = absl::StrFormat("%s \"%s\"", node.type, node.name);
    if (k + 1 < path.size()) {
      const SnapshotEdge& edge = file->edges[via[path[k + 1]]];
      absl::StrAppend(&step, edge.type == "element" ? " [" : " .", edge.name,
                      edge.type == "element" ? "]" : "");
    }
    absl::PrintF("%s\n", step);
  }
  return 0;
}
