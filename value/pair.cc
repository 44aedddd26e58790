#include "value/pair.h"

#include <utility>

namespace kamo::value {

Value Pair::ExchangeCar(const Value& value) {
  Value old = car_;  // a locked copy: the caller now holds the old car
  SetCar(value);
  return old;
}

Value Pair::ExchangeCdr(const Value& value) {
  Value old = cdr_;
  SetCdr(value);
  return old;
}

}  // namespace kamo::value
