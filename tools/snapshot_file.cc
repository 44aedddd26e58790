#include "tools/snapshot_file.h"

#include <algorithm>
#include <fstream>

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace kamo::tools {

absl::StatusOr<SnapshotFile> ReadSnapshotFile(const std::string& path) {
  using Json = nlohmann::json;
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrFormat("cannot read %s", path));
  const Json json = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  const auto invalid = [&](const char* what) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s is not a heap snapshot: %s", path, what));
  };
  if (json.is_discarded()) return invalid("not JSON");
  if (!json.contains("snapshot") || !json.contains("nodes") ||
      !json.contains("edges") || !json.contains("strings")) {
    return invalid("no snapshot, nodes, edges or strings");
  }
  try {
    const Json& meta = json.at("snapshot").at("meta");
    const auto position = [](const Json& fields, const char* name) {
      const auto it = std::find(fields.begin(), fields.end(), name);
      return static_cast<std::size_t>(it - fields.begin());
    };
    const Json& node_fields = meta.at("node_fields");
    const Json& edge_fields = meta.at("edge_fields");
    const std::size_t node_stride = node_fields.size();
    const std::size_t edge_stride = edge_fields.size();
    const std::size_t type_at = position(node_fields, "type"),
                      name_at = position(node_fields, "name"),
                      id_at = position(node_fields, "id"),
                      size_at = position(node_fields, "self_size"),
                      count_at = position(node_fields, "edge_count");
    const std::size_t edge_type_at = position(edge_fields, "type"),
                      edge_name_at = position(edge_fields, "name_or_index"),
                      to_at = position(edge_fields, "to_node");
    if (std::max({type_at, name_at, id_at, size_at, count_at}) >= node_stride ||
        std::max({edge_type_at, edge_name_at, to_at}) >= edge_stride) {
      return invalid("its meta lacks a node or edge field");
    }
    const Json& node_types = meta.at("node_types").at(0);
    const Json& edge_types = meta.at("edge_types").at(0);
    const Json& strings = json.at("strings");
    const Json& nodes = json.at("nodes");
    const Json& edges = json.at("edges");
    SnapshotFile file;
    std::size_t next_edge = 0;
    for (std::size_t i = 0; i + node_stride <= nodes.size(); i += node_stride) {
      SnapshotNode node;
      node.type = node_types.at(nodes.at(i + type_at).get<std::size_t>());
      node.name = strings.at(nodes.at(i + name_at).get<std::size_t>());
      node.id = nodes.at(i + id_at).get<std::uint64_t>();
      node.self_size = nodes.at(i + size_at).get<std::uint64_t>();
      node.first_edge = next_edge;
      node.edges = nodes.at(i + count_at).get<std::size_t>();
      next_edge += node.edges;
      file.nodes.push_back(std::move(node));
    }
    if (next_edge * edge_stride != edges.size()) {
      return invalid("its nodes' edge counts do not add up to its edges");
    }
    std::size_t from = 0;
    for (std::size_t i = 0; i < edges.size(); i += edge_stride) {
      const std::size_t index = i / edge_stride;
      while (file.nodes[from].first_edge + file.nodes[from].edges <= index) {
        ++from;
      }
      SnapshotEdge edge;
      edge.from = from;
      edge.type = edge_types.at(edges.at(i + edge_type_at).get<std::size_t>());
      const auto name_or_index = edges.at(i + edge_name_at).get<std::size_t>();
      edge.name = edge.type == "element" || edge.type == "hidden"
                      ? absl::StrFormat("%d", name_or_index)
                      : strings.at(name_or_index).get<std::string>();
      edge.to = edges.at(i + to_at).get<std::size_t>() / node_stride;
      if (edge.to >= file.nodes.size()) return invalid("an edge leads nowhere");
      file.edges.push_back(std::move(edge));
    }
    return file;
  } catch (const Json::exception& e) {
    return invalid(e.what());
  }
}

}  // namespace kamo::tools
