// Symbol: an immutable, interned name (any bytes). Heap::Intern returns the
// same slot for the same name while the symbol is reachable; the intern table
// holds symbols weakly.
#ifndef KAMO_VALUE_SYMBOL_H_
#define KAMO_VALUE_SYMBOL_H_

#include <string>
#include <string_view>

#include "mem/trace.h"

namespace kamo::value {

class Symbol {
 public:
  static constexpr const char* kTypeName = "Symbol";

  // Use Heap::Intern: a Symbol made any other way is not interned.
  explicit Symbol(std::string_view name) : name_(name) {}

  std::string_view name() const { return name_; }

  void Trace(mem::Tracer&) const {}

 private:
  const std::string name_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_SYMBOL_H_
