#include "mem/collection_event.h"

#include "mem/internal/enum_name.h"

namespace kamo::mem {

std::string_view ToString(CollectionReason reason) {
  static constexpr std::array<std::string_view, 4> kNames = {
      "explicit", "pressure", "heap-limit", "stress"};
  return internal::EnumName(reason, kNames);
}

}  // namespace kamo::mem
