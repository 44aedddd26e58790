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
#include <fstream>
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
#include "nlohmann/json.hpp"
#include "timeline/json_string.h"

ABSL_FLAG(bool, json, false, "machine-readable output");

namespace {

using Json = nlohmann::json;

struct Value {
  std::string type;
  std::uint64_t size;
};
using Values = absl::flat_hash_map<std::uint64_t, Value>;  // by node id

absl::StatusOr<Values> Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("cannot read %s", path));
  const Json snapshot = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (snapshot.is_discarded() || !snapshot.contains("nodes") ||
      !snapshot.contains("strings") || !snapshot.contains("snapshot")) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is not a heap snapshot", path));
  }
  const Json& meta = snapshot["snapshot"]["meta"];
  const Json& fields = meta["node_fields"];
  const auto field = [&](const char* name) -> std::size_t {
    const auto it = std::find(fields.begin(), fields.end(), name);
    return it == fields.end() ? fields.size() : it - fields.begin();
  };
  const std::size_t stride = fields.size(), type_at = field("type"),
                    name_at = field("name"), id_at = field("id"),
                    size_at = field("self_size");
  if (std::max({type_at, name_at, id_at, size_at}) >= stride) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: its nodes lack type, name, id or self_size", path));
  }
  const Json& types = meta["node_types"][0];
  const Json& strings = snapshot["strings"];
  const Json& nodes = snapshot["nodes"];
  Values values;
  for (std::size_t i = 0; i + stride <= nodes.size(); i += stride) {
    const std::string type = types.at(nodes[i + type_at].get<std::size_t>());
    if (type == "synthetic") continue;
    values[nodes[i + id_at].get<std::uint64_t>()] = {
        type == "object" || type == "native"
            ? strings.at(nodes[i + name_at].get<std::size_t>())
                  .get<std::string>()
            : "(" + type + ")",
        nodes[i + size_at].get<std::uint64_t>()};
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
