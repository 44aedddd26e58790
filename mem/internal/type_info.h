// Per-type facts the Mutator needs: a dense id that indexes its arena table,
// and a readable name for messages and Stats.
#ifndef KAMO_MEM_INTERNAL_TYPE_INFO_H_
#define KAMO_MEM_INTERNAL_TYPE_INFO_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <typeinfo>

namespace kamo::mem::internal {

std::size_t NextTypeId();
std::string Demangle(const char* mangled);

// A process-wide constant per type, assigned on first use (thread-safe static
// initialisation). It is a name, not heap state: each Mutator keeps its own
// arenas, indexed by these ids.
template <typename T>
[[gnu::always_inline]] inline std::size_t TypeIdOf() {
  static const std::size_t id = NextTypeId();
  return id;
}

// T::kTypeName if the type declares one, else its demangled C++ name.
template <typename T>
std::string_view TypeName() {
  if constexpr (requires { std::string_view(T::kTypeName); }) {
    return T::kTypeName;
  } else {
    static const std::string name = Demangle(typeid(T).name());
    return name;
  }
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_TYPE_INFO_H_
