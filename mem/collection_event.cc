#include "mem/collection_event.h"

#include "mem/enum_name.h"

namespace kamo::mem {

std::string_view ToString(CollectionReason reason) {
  static constexpr std::array<std::string_view, 4> kNames = {
      "explicit", "pressure", "heap-limit", "stress"};
  return EnumName(reason, kNames);
}

std::string_view ToString(CollectionKind kind) {
  static constexpr std::array<std::string_view, 2> kNames = {"major", "minor"};
  return EnumName(kind, kNames);
}

std::string_view ToString(CollectionPhase phase) {
  static constexpr std::array<std::string_view, kCollectionPhases> kNames = {
      "finish-sweeping", "roots", "trace", "weaks", "sweep", "release"};
  return EnumName(phase, kNames);
}

}  // namespace kamo::mem
