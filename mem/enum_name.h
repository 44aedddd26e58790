// The name of an enumerator from a table in declaration order, so that each
// enum's names are written once, as data: the enum's ToString is
//
//   return mem::EnumName(value, kNames);
//
// A value outside the table (only possible through a cast) is "unknown".
#ifndef KAMO_MEM_ENUM_NAME_H_
#define KAMO_MEM_ENUM_NAME_H_

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace kamo::mem {

template <typename Enum, std::size_t N>
requires std::is_enum_v<Enum>
constexpr std::string_view EnumName(
    Enum value, const std::array<std::string_view, N>& names) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : std::string_view("unknown");
}

}  // namespace kamo::mem

#endif  // KAMO_MEM_ENUM_NAME_H_
