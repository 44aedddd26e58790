// A .heapsnapshot file (V8's format, as mem::WriteHeapSnapshot and Chrome
// write it) read into memory for the tools that compare and search
// snapshots (heapdiff, heappath). Fields are found by the names the
// file's meta gives them.
#ifndef KAMO_TOOLS_SNAPSHOT_FILE_H_
#define KAMO_TOOLS_SNAPSHOT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kamo::tools {

struct SnapshotNode {
  std::string type;  // "object", "string", "synthetic", ...
  std::string name;
  std::uint64_t id = 0;
  std::uint64_t self_size = 0;
  std::size_t first_edge = 0;  // its edges: [first_edge, first_edge + edges)
  std::size_t edges = 0;
};

struct SnapshotEdge {
  std::string type;      // "property", "element", "weak", ...
  std::string name;      // a property's name, an element's index
  std::size_t from = 0;  // a node's position in SnapshotFile::nodes
  std::size_t to = 0;
};

struct SnapshotFile {
  std::vector<SnapshotNode> nodes;  // nodes[0] is the root
  std::vector<SnapshotEdge> edges;
};

// NotFound if the file cannot be read; InvalidArgument, naming the file,
// if it is not a heap snapshot.
absl::StatusOr<SnapshotFile> ReadSnapshotFile(const std::string& path);

}  // namespace kamo::tools

#endif  // KAMO_TOOLS_SNAPSHOT_FILE_H_
