// heapdiff: what grew between two heap snapshots (V8's .heapsnapshot, as
// mem::WriteHeapSnapshot writes them; Chrome's own work too). Values are
// matched by node id; per type (an object's name, "(string)" and the like
// for the other node types; synthetic nodes left out) it prints the values
// and bytes added, freed and retained, largest change first.
//
//   heapdiff [--json] BEFORE.heapsnapshot AFTER.heapsnapshot
//
// kamo-mem's ids are addresses: a value freed and another of the same
// type allocated in its slot between the snapshots count as retained.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"
#include "timeline/json_string.h"
#include "tools/snapshot_file.h"

ABSL_FLAG(bool, json, false, "machine-readable output");

namespace {

struct Value {
  std::string type;
  std::uint64_t size;
};
using Values = absl::flat_hash_map<std::uint64_t, Value>;  // by node id

absl::StatusOr<Values> Load(const std::string& path) {
  absl::StatusOr<kamo::tools::SnapshotFile> file =
      kamo::tools::ReadSnapshotFile(path);
  if (!file.ok()) return file.status();
  Values values;
  for (const kamo::tools::SnapshotNode& node : file->nodes) {
    if (node.type == "synthetic") continue;
    values[node.id] = {node.type == "object" || node.type == "native"
                           ? node.name
                           : "(" + node.type + ")",
                       node.self_size};
  }
  return values;
}

struct Change {
  std::uint64_t added = 0, added_bytes = 0;
  std::uint64_t freed = 0, freed_bytes = 0;
  std::uint64_t retained = 0, retained_bytes = 0;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "what grew between two heap snapshots.\n"
      "usage: heapdiff [--json] BEFORE.heapsnapshot AFTER.heapsnapshot");
  const std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 3) {
    absl::FPrintF(stderr,
                  "usage: heapdiff [--json] BEFORE.heapsnapshot "
                  "AFTER.heapsnapshot\n");
    return 2;
  }
  const absl::StatusOr<Values> before = Load(args[1]);
  const absl::StatusOr<Values> after = Load(args[2]);
  for (const auto* loaded : {&before, &after}) {
    if (!loaded->ok()) {
      absl::FPrintF(stderr, "heapdiff: %s\n",
                    std::string(loaded->status().message()).c_str());
      return 1;
    }
  }
  std::map<std::string, Change> changes;
  for (const auto& [id, value] : *after) {
    Change& change = changes[value.type];
    if (before->contains(id)) {
      ++change.retained;
      change.retained_bytes += value.size;
    } else {
      ++change.added;
      change.added_bytes += value.size;
    }
  }
  for (const auto& [id, value] : *before) {
    if (after->contains(id)) continue;
    Change& change = changes[value.type];
    ++change.freed;
    change.freed_bytes += value.size;
  }
  std::vector<std::pair<std::string, Change>> rows(changes.begin(),
                                                   changes.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tuple(a.second.added_bytes + a.second.freed_bytes,
                      a.second.added_bytes) >
           std::tuple(b.second.added_bytes + b.second.freed_bytes,
                      b.second.added_bytes);
  });
  if (absl::GetFlag(FLAGS_json)) {
    absl::PrintF("[");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const Change& c = rows[i].second;
      absl::PrintF(
          "%s\n{\"type\":%s,\"added\":%d,\"added_bytes\":%d,\"freed\":%d,"
          "\"freed_bytes\":%d,\"retained\":%d,\"retained_bytes\":%d}",
          i == 0 ? "" : ",", kamo::timeline::JsonString(rows[i].first), c.added,
          c.added_bytes, c.freed, c.freed_bytes, c.retained, c.retained_bytes);
    }
    absl::PrintF("\n]\n");
    return 0;
  }
  absl::PrintF("%-24s %9s %12s %9s %12s %9s %12s\n", "type", "added", "bytes",
               "freed", "bytes", "retained", "bytes");
  for (const auto& [type, c] : rows) {
    absl::PrintF("%-24s %9d %+12d %9d %12d %9d %12d\n", type, c.added,
                 static_cast<std::int64_t>(c.added_bytes), c.freed,
                 -static_cast<std::int64_t>(c.freed_bytes), c.retained,
                 c.retained_bytes);
  }
  return 0;
}
