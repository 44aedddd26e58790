#include "mem/check.h"

#include <cstdio>
#include <cstdlib>

namespace kamo::mem::internal {

void Fail(std::string_view message) {
  std::fprintf(stderr, "kamo::mem: %.*s\n", static_cast<int>(message.size()),
               message.data());
  std::fflush(stderr);
  std::abort();
}

}  // namespace kamo::mem::internal
