// Per-type facts the Mutator needs: a dense id that indexes its arena table,
// and a readable name for messages and Stats.
#ifndef KAMO_MEM_INTERNAL_TYPE_INFO_H_
#define KAMO_MEM_INTERNAL_TYPE_INFO_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <typeinfo>

namespace kamo::mem {
class Tracer;
}  // namespace kamo::mem

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

// T::kTypeTag if the type declares one (a number a tagged value type
// chooses for it), else 0.
template <typename T>
constexpr std::uint8_t TypeTagOf() {
  if constexpr (requires { std::uint8_t{T::kTypeTag}; }) {
    return T::kTypeTag;
  } else {
    return 0;
  }
}

// T::kDestructorOnRequest if the type declares it (handle.h's
// RequestDestructorAt), else false.
template <typename T>
constexpr bool DestructorOnRequest() {
  if constexpr (requires { bool{T::kDestructorOnRequest}; }) {
    return T::kDestructorOnRequest;
  } else {
    return false;
  }
}

// What a bucket records about the type of its values, for code that has a
// value's address and not its type (handle.h).
struct TypeInfo {
  std::size_t id;
  std::uint8_t tag;
  std::string_view (*name)();
  void (*trace)(void* value, Tracer& tracer);
};

template <typename T>
void TraceAs(void* value, Tracer& tracer);

template <typename T>
const TypeInfo& TypeInfoOf() {
  static const TypeInfo info{TypeIdOf<T>(), TypeTagOf<T>(), &TypeName<T>,
                             &TraceAs<T>};
  return info;
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_TYPE_INFO_H_
