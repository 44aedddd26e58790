// Printing Values in Scheme's external representation.
//
//   Write    machine-readable: strings and characters escaped, symbols that
//            would not read back as themselves written with |bars|.
//   Display  human-readable: strings, characters and symbols as they are.
//
// Both label shared and circular pairs and vectors with datum labels (as
// R7RS write-shared does): the first occurrence is written #n=..., later
// ones #n#. So printing never loops, and it is iterative: a list of a
// million elements or a car chain a million deep prints without recursion.
#ifndef KAMO_VALUE_PRINTER_H_
#define KAMO_VALUE_PRINTER_H_

#include <string>

#include "value/value.h"

namespace kamo::value {

enum class PrintStyle { kWrite, kDisplay };

std::string Print(const Value& value, PrintStyle style);
inline std::string Write(const Value& value) {
  return Print(value, PrintStyle::kWrite);
}
inline std::string Display(const Value& value) {
  return Print(value, PrintStyle::kDisplay);
}

}  // namespace kamo::value

#endif  // KAMO_VALUE_PRINTER_H_
