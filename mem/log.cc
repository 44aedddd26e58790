#include "mem/log.h"

#include "mem/enum_name.h"

namespace kamo::mem {

std::string_view ToString(LogLevel level) {
  static constexpr std::array<std::string_view, 3> kNames = {
      "debug", "info", "warning"};
  return EnumName(level, kNames);
}

}  // namespace kamo::mem
