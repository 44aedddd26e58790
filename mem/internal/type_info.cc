#include "mem/internal/type_info.h"

#include <cxxabi.h>

#include <atomic>
#include <cstdlib>
#include <memory>

namespace kamo::mem::internal {

std::size_t NextTypeId() {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

std::string Demangle(const char* mangled) {
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(mangled, nullptr, nullptr, &status), &std::free);
  return status == 0 && demangled ? std::string(demangled.get())
                                  : std::string(mangled);
}

}  // namespace kamo::mem::internal
