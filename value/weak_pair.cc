#include "value/weak_pair.h"

#include <utility>

namespace kamo::value {

Value WeakPair::ExchangeCar(const Value& value) {
  Value old = car();
  SetCar(value);
  return old;
}

Value WeakPair::ExchangeCdr(const Value& value) {
  Value old = cdr_;
  SetCdr(value);
  return old;
}

}  // namespace kamo::value
